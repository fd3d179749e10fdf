"""The command reference (docs/reference.md), generated from every command's ``--help``.

``python -m minsheng_cli.cli.reference > docs/reference.md`` writes it; a test
regenerates it in memory and fails when the file differs, so the reference cannot drift
from the program.  The help is laid out at a fixed width, whatever the terminal, and the
commands come in the order ``minsheng --help`` lists them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import typer

WIDTH = 100
COMMAND = "python -m minsheng_cli.cli.reference > docs/reference.md"


def commands(command, ctx: typer.Context) -> Iterator[tuple[typer.Context, object]]:
    """(context, command) for ``command`` and every command below it, in help order."""
    yield ctx, command
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or getattr(sub, "hidden", False):
                continue
            sub_ctx = typer.Context(sub, info_name=name, parent=ctx, terminal_width=WIDTH,
                                    max_content_width=WIDTH)
            yield from commands(sub, sub_ctx)


def reference() -> str:
    """The whole reference as Markdown."""
    from minsheng_cli.cli import app

    root = typer.main.get_command(app)
    root_ctx = typer.Context(root, info_name="minsheng", terminal_width=WIDTH,
                             max_content_width=WIDTH)
    found = list(commands(root, root_ctx))
    lines = [
        "# Command reference",
        "",
        f"<!-- Generated from `--help`; do not edit. Regenerate with `{COMMAND}`. -->",
        "",
        "Every command of `minsheng`, as its `--help` prints it. Options of the whole "
        "program (`--db`, `--lang`, `--by`) go before the command: "
        "`minsheng --db sample.db deviation`.",
        "",
    ]
    for ctx, command in found[1:]:
        short = command.get_short_help_str(limit=WIDTH)
        anchor = ctx.command_path.replace(" ", "-")
        lines.append(f"- [`{ctx.command_path}`](#{anchor}) — {short}")
    lines.append("")
    for ctx, command in found:
        lines += [f"## {ctx.command_path}", "", "```text", command.get_help(ctx).rstrip(), "```",
                  ""]
    return "\n".join(lines)


def main() -> None:
    sys.stdout.write(reference())


if __name__ == "__main__":
    main()
