"""``minsheng issue``: move an issue through its life (转办 → 反馈 → 复核销号), and show it;
``minsheng transfer-list``: the issue list (问题清单) handed to the departments.

Each move is dated (--date, default today), stamped with who (--by) and may carry a note;
it prints the issue's new status and deadline on stdout.  A move the workflow does not
allow from the issue's status exits 2 and names the moves that are allowed.
"""

from __future__ import annotations

import contextlib
import io
import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

from minsheng_cli.cli import completion as complete
from minsheng_cli.cli.common import (
    AsOfOpt,
    DateOpt,
    PrintableFormatOpt,
    PrintableOutputOpt,
    StdoutFormatOpt,
    as_of_or_today,
    optional_text,
    output_format,
    register,
    say,
    state,
    today,
    whole_number,
    write_context,
)
from minsheng_cli.domain import values
from minsheng_cli.domain.periods import parse_date

MOVES_HELP = "transfer, respond, close, reopen, withdraw, show"


class IssueGroup(TyperGroup):
    """Names the moves when asked for one that does not exist."""

    def resolve_command(self, ctx, args):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            ctx.fail(f"unknown move {name!r}; moves: {MOVES_HELP}")
        return super().resolve_command(ctx, args)


app = typer.Typer(
    cls=IssueGroup,
    help="Move an issue through its life: transfer (转办), respond (反馈), close (复核销号), "
    "reopen (退回重办), withdraw (撤回); show its history.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

IdArg = Annotated[str, typer.Argument(metavar="ID", help="Issue id (see `minsheng issues`)",
                                      autocompletion=complete.complete_issue)]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Note on this step")]
DeadlineOpt = Annotated[
    str | None, typer.Option("--deadline", help="整改时限, YYYY-MM-DD (default: counted in "
                             "working days)")
]
DaysOpt = Annotated[
    str | None, typer.Option("--days", help="Working days to rectify (default: 5 ordinary, "
                             "15 major — settings ordinary_days, major_days)")
]


def issue_number(text: str) -> int:
    return whole_number(text, "id", 1, 2**62, "an issue id, see `minsheng issues`")


def run_move(ctx: typer.Context, issue_id: str, action: str, day: str | None, **fields) -> None:
    """Parse the common fields, make the move in one transaction, report the result."""
    from minsheng_cli.render.transfer_list import moved_line
    from minsheng_cli.services import workflow as uses

    number = issue_number(issue_id)
    if fields.get("deadline") is not None:
        fields["deadline"] = parse_date(fields["deadline"], "deadline")
    if fields.get("days") is not None:
        fields["days"] = whole_number(fields["days"], "days", 1, 250,
                                      "a whole number of working days, 1 to 250")
    req = uses.MoveRequest(day=parse_date(day, "date") if day else today(), **fields)
    moved = uses.move(register(ctx), write_context(ctx), number, action, req, today())
    if moved.calendar_fallback:
        say(f"note: the Chinese holiday calendar does not cover {req.day} – {moved.deadline}; "
            "the deadline counts Monday–Friday as working days")
    typer.echo(moved_line(moved, state(ctx).lang))


@app.command()
def transfer(
    ctx: typer.Context,
    issue_id: IdArg,
    department: Annotated[str | None, typer.Option(
        "--department", help="Unit to rectify (default: the issue's, else the project's lead "
        "department)", autocompletion=complete.complete_department)] = None,
    deadline: DeadlineOpt = None,
    days: DaysOpt = None,
    day: DateOpt = None,
    note: NoteOpt = None,
) -> None:
    """Transfer (转办) an open issue to a department with a deadline."""
    run_move(ctx, issue_id, "transfer", day, department=optional_text(department, "department"),
             deadline=deadline, days=days, note=optional_text(note, "note"))


@app.command()
def respond(
    ctx: typer.Context,
    issue_id: IdArg,
    note: Annotated[str, typer.Option("--note", help="The department's reply (反馈)")],
    day: DateOpt = None,
) -> None:
    """Record the department's reply (反馈) to a transferred issue."""
    run_move(ctx, issue_id, "respond", day, note=values.parse_text(note, "note"))


@app.command()
def close(
    ctx: typer.Context,
    issue_id: IdArg,
    verdict: Annotated[str, typer.Option(
        "--verdict", help="Re-check on site (复核): satisfied 满意 | basic 基本满意 | "
        "unsatisfied 不满意 (struck off all the same; to send it back, `issue reopen`)",
        autocompletion=complete.complete_verdict)] = "satisfied",
    day: DateOpt = None,
    note: NoteOpt = None,
) -> None:
    """Strike off (销号) a responded issue after re-checking it on site."""
    chosen = values.parse_enum(verdict, "verdict", values.VERDICT)
    run_move(ctx, issue_id, "close", day, verdict=chosen, note=optional_text(note, "note"))
    if chosen == "unsatisfied":
        say(f"note: issue {issue_id} is struck off although its re-check was unsatisfied "
            "(不满意); an issue to be redone is sent back with `minsheng issue reopen`, "
            "not closed")


@app.command()
def reopen(
    ctx: typer.Context,
    issue_id: IdArg,
    deadline: DeadlineOpt = None,
    days: DaysOpt = None,
    day: DateOpt = None,
    note: NoteOpt = None,
) -> None:
    """Send a responded issue back (退回重办) to the department with a new deadline."""
    run_move(ctx, issue_id, "reopen", day, deadline=deadline, days=days,
             note=optional_text(note, "note"))


@app.command()
def withdraw(
    ctx: typer.Context,
    issue_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="Why it is withdrawn (撤回理由)")],
    day: DateOpt = None,
) -> None:
    """Withdraw (撤回) an open or transferred issue; it stays in the register and the log."""
    run_move(ctx, issue_id, "withdraw", day, note=values.parse_text(reason, "reason"))


@app.command()
def show(ctx: typer.Context, issue_id: IdArg, fmt: StdoutFormatOpt = None) -> None:
    """The issue and its whole history: every step, its date, who and the note."""
    from minsheng_cli.render.cards import write_issue_history
    from minsheng_cli.services import workflow as uses

    number = issue_number(issue_id)
    history = uses.history(register(ctx), number, today())
    write_issue_history(history, output_format(fmt), state(ctx).lang)


# -- transfer-list (问题清单) ------------------------------------------------------------------

def transfer_list(
    ctx: typer.Context,
    department: Annotated[str | None, typer.Option(
        "--department", help="Only this unit to rectify",
        autocompletion=complete.complete_department)] = None,
    status: Annotated[str | None, typer.Option(
        "--status", help="open | transferred | responded | closed | withdrawn (default: "
        "the first three — not yet struck off)",
        autocompletion=complete.complete_issue_status)] = None,
    mark_transferred: Annotated[bool, typer.Option(
        "--mark-transferred", help="First transfer every listed open issue in one "
        "transaction, dated --date, with the default deadlines")] = False,
    day: DateOpt = None,
    as_of: AsOfOpt = None,
    out: PrintableOutputOpt = None,
    fmt: PrintableFormatOpt = None,
) -> None:
    """The issue list (问题清单) for the departments, grouped by unit and numbered; with
    --as-of, as it stood at the end of that day (with --mark-transferred, as it stands
    after the marking), the days left counted to that day."""
    from minsheng_cli.render.transfer_list import write_transfer_list
    from minsheng_cli.services import workflow as uses

    chosen = output_format(fmt, out, printable=True)
    wanted = values.parse_enum(status, "status", values.ISSUE_STATUS) if status else None
    when = parse_date(day, "date") if day else today()
    lang = state(ctx).lang
    # Piped, the list is made inside the marking's transaction but written after it:
    # a slow reader (`| less`) must not hold the register's write lock.  Into -o FILE
    # it is written inside, so that a list that cannot be written undoes the marking;
    # should the commit then fail, the file (which says "transferred") is taken back.
    held = io.StringIO() if out is None and mark_transferred and not sys.stdout.isatty() \
        else None
    written = []

    def deliver(listing) -> None:
        if not listing.rows:
            say("minsheng: no issues to list")
        if held is not None:
            with contextlib.redirect_stdout(held):
                write_transfer_list(listing, chosen, lang, None)
            return
        write_transfer_list(listing, chosen, lang, out)
        written.append(out)
        if out is None:
            sys.stdout.flush()  # a full disk shows here, before the transfers commit

    try:
        result = uses.transfer_list(
            register(ctx), write_context(ctx), as_of=as_of_or_today(as_of),
            department=optional_text(department, "department"),
            status=wanted, mark_on=when if mark_transferred else None, today=today(),
            deliver=deliver,
        )
    except Exception:
        if out is not None and written:
            out.unlink(missing_ok=True)
        raise
    if held is not None:
        sys.stdout.write(held.getvalue())
    if mark_transferred:
        fallback = any(m.calendar_fallback for m in result.marked)
        say(f"transferred {len(result.marked)} open issue(s) on {when}"
            + ("; deadlines count Monday–Friday (beyond the Chinese holiday calendar)"
               if fallback else ""))
    if out is not None:
        say(f"wrote {out} ({len(result.rows)} issue(s), {len(result.departments)} unit(s))")
