"""The set-based SQL (store/schedule_sql.py, and the queries store/reports.py builds from it)
must give exactly what the pure rules in domain/schedule.py give, for any project, plan,
figures, corrections and date."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from minsheng_cli import services
from minsheng_cli.domain import periods, schedule
from minsheng_cli.domain.model import NewProject
from minsheng_cli.services import reports
from minsheng_cli.store import parallel
from minsheng_cli.store import register as store
from minsheng_cli.store import reports as store_reports
from minsheng_cli.store.audit import WriteContext

CTX = WriteContext("prop", "test", "2021-01-01T00:00:00+00:00")
DAYS = st.dates(min_value=date(2019, 12, 1), max_value=date(2022, 3, 1))


@st.composite
def projects(draw):
    start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2021, 12, 31)))
    due = start + timedelta(days=draw(st.integers(0, 500)))
    inside = st.dates(min_value=start - timedelta(days=3), max_value=due + timedelta(days=3))
    plan = draw(st.lists(st.tuples(inside, st.floats(0, 100)), max_size=4))
    pcts = st.floats(0, 130, allow_nan=False)
    figures = draw(st.lists(st.tuples(DAYS, pcts), max_size=6))
    # corrections of earlier rows (each corrected once, as the CLI allows): a new figure,
    # or a void (no percentage) that only takes the corrected one out
    targets = draw(st.lists(st.integers(0, 8), max_size=3, unique=True))
    corrections = [(t, draw(DAYS), draw(st.none() | pcts)) for t in targets]
    return start, due, plan, figures, corrections


def counted_rows(figures, corrections) -> list[tuple[date, float]]:
    """(date, pct) of the rows that count, in id order: not corrected by a later row, with
    a percentage."""
    rows = [(d, p, None) for d, p in figures]
    for target, day, pct in corrections:
        if target < len(rows):
            rows.append((day, pct, target))
    corrected = {t for _, _, t in rows if t is not None}
    return [(d, p) for i, (d, p, _) in enumerate(rows) if i not in corrected and p is not None]


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(project=projects(), as_of=DAYS, months=st.booleans(),
       thresholds=st.sampled_from([(10.0, 30.0), (5.0, 20.0), (0.0, 0.0)]),
       others=st.lists(DAYS, max_size=3))
# behind at both month-ends, then done: not "behind two months" (约谈) any more
@example(project=(date(2021, 1, 1), date(2021, 12, 31), [],
                  [(date(2021, 1, 10), 0.0), (date(2021, 6, 10), 100.0)], []),
         as_of=date(2021, 6, 16), months=False, thresholds=(10.0, 30.0), others=[])
# starting on the day asked about, with no figure yet: "no progress" already
@example(project=(date(2021, 6, 16), date(2021, 12, 31), [], [], []),
         as_of=date(2021, 6, 16), months=False, thresholds=(10.0, 30.0), others=[])
def test_sql_deviation_equals_domain_rules(tmp_path_factory, project, as_of, months,
                                           thresholds, others):
    start, due, plan, figures, corrections = project
    before = others[0] if others else as_of - timedelta(days=7)
    month_ends = periods.month_ends_before(as_of, 2)
    reg = services.create_register(tmp_path_factory.mktemp("p") / "r.db")
    try:
        with reg.write():
            store.insert_projects(reg.db, CTX, [NewProject("X", "x", 2021, start, due)])
            for day, pct in plan:
                store.insert_plan_point(reg.db, CTX, "X", day.isoformat(), pct)
            ids = store.insert_progress(reg.db, CTX, [
                store.progress_row(CTX, "X", d.isoformat(), p, None, None, "report")
                for d, p in figures
            ])
            for target, day, pct in corrections:
                if target < len(ids):
                    ids += store.insert_progress(reg.db, CTX, [store.progress_row(
                        CTX, "X", day.isoformat(), pct, None, None, "report",
                        corrects=ids[target])])
            store.write_setting(reg.db, CTX, "yellow_lag", str(thresholds[0]))
            store.write_setting(reg.db, CTX, "red_lag", str(thresholds[1]))
            store.write_setting(reg.db, CTX, "schedule_basis", "months" if months else "days")
        [row] = reports.deviation(reg, as_of)
        params = reports.params(reg, as_of)
        # a plan point's own date is a knot: the rules take its percentage as it is
        dates = [as_of, *others, *[day for day, _ in plan[:2]], start, due]
        [at_dates] = store_reports.lights_at(reg.db, params, [d.isoformat() for d in dates])
        [standings] = parallel.side_by_side(reg.db, reg.path,
                                            [store_reports.standings(params)])
        standing = tuple(standings["X"])
        late_rows = store_reports.dicts(reg.db, *store_reports.late_query(
            params, [d.isoformat() for d in month_ends]))
        totals, changes = store_reports.summary_standing(
            reg.db, params, before.isoformat(), as_of.isoformat(),
            [d.isoformat() for d in month_ends])
    finally:
        reg.close()

    t = schedule.Thresholds(yellow=thresholds[0], red=thresholds[1])
    in_force = dict(plan)  # the later point for a date wins, as in the register
    counted = counted_rows(figures, corrections)

    def rules_at(day: date) -> tuple[str, str, list]:
        """(light, status, the counted figures known by then, by date) at ``day``."""
        then = sorted([(d, p) for d, p in counted if d <= day], key=lambda f: f[0])
        actual_then = then[-1][1] if then else 0.0
        expected_then = schedule.expected_pct(start, due, day, sorted(in_force.items()),
                                              basis="months" if months else "days")
        return (schedule.light(actual_then, expected_then, day, due, t),
                schedule.status(actual_then, expected_then, day, due, t), then)

    expected = schedule.expected_pct(start, due, as_of, sorted(in_force.items()),
                                     basis="months" if months else "days")
    known = rules_at(as_of)[2]
    actual = known[-1][1] if known else 0.0
    assert row["expected_pct"] == expected
    assert row["actual_pct"] == actual
    assert row["light"] == schedule.light(actual, expected, as_of, due, t)
    assert row["status"] == schedule.status(actual, expected, as_of, due, t)
    assert row["stale"] == schedule.is_stale(known[-1][0] if known else None, as_of, 31)
    # the pass at several dates (summary, overdue's month-ends): the same light and
    # status at each date as the rules
    assert at_dates[:3] == ("X", "x", row["start"])
    for k, day in enumerate(dates):
        light, status, then = rules_at(day)
        assert at_dates[3 + 3 * k:6 + 3 * k] == (light, status, 1 if then else 0)
    # and the checklist's pass without the pace, the same standing
    assert standing == ("X", row["light"], row["status"], row["expected_pct"],
                        row["actual_pct"], row["deviation_pct"], row["funds_pct"],
                        int(row["stale"]))
    forecast = schedule.forecast(known, as_of)
    assert row["forecast_date"] == (forecast.isoformat() if forecast else None)
    # overdue's pass: the same row, but a forecast only past the due date and no funds
    shown = {k: v for k, v in row.items() if k not in ("stale", "has_report")}
    if row["status"] != "overdue":
        shown.update(forecast_date=None, days_late=None)
    shown.update(funds=None, funds_pct=None)
    behind = {"X"} if all(rules_at(m)[0] in ("yellow", "red") for m in month_ends) else set()
    # listed when overdue, seriously behind, without a figure, or behind at both month-ends
    listed = (row["status"] in ("overdue", "seriously_behind")
              or row["last_report_date"] is None or bool(behind))
    assert [r["code"] for r in late_rows] == (["X"] if listed else [])
    for late in late_rows:
        assert late == {**shown, "stale": int(row["stale"]), "behind": int(bool(behind))}
    # the summary's counts of the project (overdue's sections by project_sections' rule)
    # and its light change, against the rules
    sections = reports.project_sections("X", row["status"], row["last_report_date"],
                                        row["start"], as_of.isoformat(), behind)
    assert totals == {"projects": 1, **{light: int(row["light"] == light)
                                        for light in ("red", "yellow", "green", "done")},
                      **{name: int(name in sections) for name in reports.PROJECT_SECTIONS}}
    light_before = rules_at(before)[0]
    assert changes == ([] if light_before == row["light"] else
                       [{"code": "X", "name": "x", "from": light_before, "to": row["light"]}])
