"""``minsheng import KIND FILE``: spreadsheets in, all-or-nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from minsheng_cli.cli.common import parse_year, register, say, today, write_context

app = typer.Typer(help="Import a spreadsheet (CSV in UTF-8/GB18030, or XLSX); all-or-nothing.",
                  no_args_is_help=True)

FileArg = Annotated[Path, typer.Argument(help="A .csv or .xlsx file, Chinese or English headers")]


AllowDuplicatesOpt = Annotated[
    bool,
    typer.Option("--allow-duplicates",
                 help="Import rows that repeat a record already in the register or an "
                 "earlier line (refused by default: the same file imported twice)"),
]


NOTES_SHOWN = 20  # notes on imported figures (services.register.figure_notes) said in full


def run(
    ctx: typer.Context, kind: str, path: Path, year: int | None = None,
    allow_duplicates: bool = False,
) -> None:
    from minsheng_cli.render.sheets import read_sheet
    from minsheng_cli.services import imports

    sheet = read_sheet(path)
    options = imports.ImportOptions(year=year, allow_duplicates=allow_duplicates)
    done = imports.run_import(register(ctx), write_context(ctx), kind, sheet, path.name,
                              today(), options)
    say(f"imported {done.count} {kind} row(s) from {path.name}")
    for note in done.notes[:NOTES_SHOWN]:
        say(note)
    if len(done.notes) > NOTES_SHOWN:
        say(f"note: … and {len(done.notes) - NOTES_SHOWN} more notes on the figures imported "
            "(`minsheng show CODE` lists a project's)")


@app.command()
def projects(
    ctx: typer.Context,
    path: FileArg,
    year: Annotated[str | None, typer.Option(help="Year when the sheet has no 年度 column")] = None,
) -> None:
    """Projects: 项目编号, 项目名称, 所属事项, 牵头单位, 配合单位, 区县,
    目标数量, 单位, 计划投资(万元), 开始日期, 完成时限 …"""
    run(ctx, "projects", path, parse_year(year))


@app.command()
def progress(
    ctx: typer.Context, path: FileArg, allow_duplicates: AllowDuplicatesOpt = False
) -> None:
    """Departments' progress reports: 项目编号, 日期, 完成百分比 or 完成数量, 累计完成投资, 备注."""
    run(ctx, "progress", path, allow_duplicates=allow_duplicates)


@app.command()
def visits(
    ctx: typer.Context, path: FileArg, allow_duplicates: AllowDuplicatesOpt = False
) -> None:
    """Site visits: 项目编号, 监督小组, 日期, 方式, 参加人员, 观察进度, 发现问题, 意见建议."""
    run(ctx, "visits", path, allow_duplicates=allow_duplicates)


@app.command()
def groups(ctx: typer.Context, path: FileArg) -> None:
    """Supervision groups: 名称, 层级 (基层/市级), 区县, 成员."""
    run(ctx, "groups", path)


@app.command()
def assignments(ctx: typer.Context, path: FileArg) -> None:
    """Which group watches which project: 监督小组, 项目编号."""
    run(ctx, "assignments", path)


@app.command()
def plans(
    ctx: typer.Context, path: FileArg, allow_duplicates: AllowDuplicatesOpt = False
) -> None:
    """Plan points (节点计划): 项目编号, 日期, 计划进度(%)."""
    run(ctx, "plans", path, allow_duplicates=allow_duplicates)


@app.command()
def issues(
    ctx: typer.Context, path: FileArg, allow_duplicates: AllowDuplicatesOpt = False
) -> None:
    """Issues: 项目编号, 监督小组, 走访日期, 类别, 严重程度, 问题描述,
    整改责任单位, 状态, 发现日期."""
    run(ctx, "issues", path, allow_duplicates=allow_duplicates)
