"""A correction of a figure (progress --corrects): what it gives replaces, what it leaves
out is the old figure's (domain.model.Figure.correcting)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from minsheng_cli.domain.model import Figure

amount = st.none() | st.floats(min_value=0, max_value=1e9, allow_nan=False)


@st.composite
def stored(draw) -> dict:
    """A figure's row as stored: a quantity figure holds its percentage too."""
    done = draw(amount)
    pct = draw(st.floats(0, 100)) if done is not None else draw(amount)
    return {"pct": pct, "done": done, "funds": draw(amount)}


@st.composite
def corrections(draw) -> Figure:
    """What `progress --corrects` accepts: a percentage or a quantity, and/or funds."""
    progress = draw(st.sampled_from(["pct", "done", None]))
    funds = draw(amount)
    if progress is None and funds is None:
        funds = 1.0
    value = draw(st.floats(0, 100))
    return Figure(pct=value if progress == "pct" else None,
                  done=value if progress == "done" else None, funds=funds)


@given(corrections(), stored())
def test_a_correction_keeps_only_what_it_does_not_give(new, old):
    figure, kept = new.correcting(old)
    figure.validate()  # never a percentage and a quantity at once
    for key in ("pct", "done", "funds"):
        given_ = getattr(new, key)
        if given_ is not None:
            assert getattr(figure, key) == given_ and key not in kept
        elif key in kept:
            assert getattr(figure, key) == old[key] == kept[key]
    if new.has_progress:
        assert not {"pct", "done"} & set(kept)
    else:  # the old progress, as a quantity where it was one
        assert (figure.pct, figure.done) == (
            (None, old["done"]) if old["done"] is not None else (old["pct"], None))
    assert figure.funds == (new.funds if new.funds is not None else old["funds"])


def test_a_void_takes_nothing_over():
    void = Figure()
    assert void.correcting({"pct": 30.0, "done": 3.0, "funds": 275.0}) == (void, {})
