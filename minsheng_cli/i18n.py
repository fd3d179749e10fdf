"""Chinese and English labels: column headers and the words for enumeration codes.

Codes (``red``, ``schedule``, ``transferred``) are what the register stores and what
machine formats print; people reading a table or a markdown report see the words of
their language.  The language is ``--lang``, else ``MINSHENG_LANG``, else the locale
(zh_* → Chinese), else English.
"""

from __future__ import annotations

import os
import re

from minsheng_cli.domain import values
from minsheng_cli.domain.errors import InvalidValue

LANGS = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    "code": ("编号", "code"),
    "year": ("年度", "year"),
    "item": ("事项", "item"),
    "name": ("项目名称", "name"),
    "project": ("项目", "project"),
    "content": ("建设内容", "content"),
    "department": ("牵头单位", "department"),
    "partners": ("配合单位", "partners"),
    "district": ("区县", "district"),
    "leader": ("分管领导", "leader"),
    "target": ("目标", "target"),
    "unit": ("单位", "unit"),
    "budget": ("计划投资(万元)", "budget (10k yuan)"),
    "start": ("开始", "start"),
    "due": ("完成时限", "due"),
    "id": ("序号", "id"),
    "date": ("日期", "date"),
    "pct": ("进度(%)", "pct"),
    "done": ("完成数量", "done"),
    "funds": ("累计投资(万元)", "funds (10k yuan)"),
    "source": ("来源", "source"),
    "note": ("备注", "note"),
    "visit_id": ("走访", "visit"),
    "group": ("监督小组", "group"),
    "level": ("层级", "level"),
    "cadence": ("频次", "cadence"),
    "members": ("成员", "members"),
    "projects": ("项目数", "projects"),
    "method": ("方式", "method"),
    "visitors": ("参加人员", "visitors"),
    "observed_pct": ("观察进度(%)", "observed pct"),
    "observed_done": ("观察数量", "observed done"),
    "observed_funds": ("观察投资", "observed funds"),
    "finding": ("发现问题", "finding"),
    "suggestion": ("意见建议", "suggestion"),
    "photos": ("照片", "photos"),
    "created_by": ("记录人", "recorded by"),
    "created_at": ("记录时间", "recorded at"),
    "category": ("类别", "category"),
    "severity": ("程度", "severity"),
    "text": ("问题描述", "description"),
    "found_on": ("发现日期", "found on"),
    "visit_date": ("走访日期", "visit date"),
    "status": ("状态", "status"),
    "deadline": ("整改时限", "deadline"),
    "verdict": ("复核意见", "verdict"),
    "action": ("环节", "step"),
    "from_status": ("原状态", "from"),
    "to_status": ("新状态", "to"),
    "key": ("设置项", "setting"),
    "value": ("值", "value"),
    "default": ("默认值", "default"),
    "description": ("说明", "description"),
    "group_name": ("小组名称", "name"),
    "table": ("表", "table"),
    "rows": ("行数", "rows"),
    # reports
    "expected_pct": ("序时进度(%)", "expected %"),
    "actual_pct": ("实际进度(%)", "actual %"),
    "deviation_pct": ("偏差(百分点)", "deviation (pp)"),
    "funds_pct": ("资金进度(%)", "funds %"),
    "light": ("灯号", "light"),
    "last_report_date": ("最近进展", "last figure"),
    "stale": ("进展过期", "stale"),
    "forecast_date": ("预计完成", "forecast"),
    "days_late": ("预计延期(天)", "days late"),
    "kind": ("类型", "kind"),
    "window": ("周期", "window"),
    "days_left": ("剩余天数", "days left"),
    "days_overdue": ("逾期天数", "days overdue"),
    "last_visit": ("本组最近走访", "last visit"),
    "last_visit_any": ("最近走访(任一小组)", "last visit (any)"),
    "last_visit_group": ("本组最近走访", "last visit (group)"),
    "visited": ("本期已走访", "visited"),
    "visited_on": ("本期走访日期", "visited on"),
    "open_issues": ("待复查问题", "open issues"),
    "focus": ("重点查看", "look at"),
    "red": ("红灯", "red"),
    "yellow": ("黄灯", "yellow"),
    "green": ("绿灯", "green"),
    "overdue": ("逾期", "overdue"),
    "month_ends": ("月末节点", "month-ends"),
    "as_of": ("截至日期", "as of"),
    "corrects": ("更正", "corrects"),
    "corrected_by": ("已被更正", "corrected by"),
    "groups": ("监督小组", "groups"),
}

ENUMS: dict[str, dict[str, list[str]]] = {
    "category": values.CATEGORY,
    "level": values.LEVEL,
    "severity": values.SEVERITY,
    "method": values.METHOD,
    "issue_status": values.ISSUE_STATUS,
    "verdict": values.VERDICT,
    "light": values.LIGHT,
    "status": values.STATUS,
    "cadence": {"monthly": ["每月"], "quarterly": ["每季度"]},
    "source": {"report": ["部门报送"], "visit": ["实地查看"]},
    "focus": {"schedule": ["序时进度"], "quality": ["建设质量"], "funding": ["资金保障"],
              "feedback": ["群众反映"]},
    "kind": {
        "projects_overdue": ["逾期未完成"], "projects_red": ["严重滞后"],
        "behind_two_months": ["连续两月滞后"], "no_progress": ["已开工无进展"],
        "issues_overdue": ["问题整改逾期"], "visits_missed": ["上期未走访"],
        "visits_due": ["本期待走访"],
    },
    "action": {
        "flag": ["发现"], "transfer": ["转办"], "respond": ["反馈"], "close": ["销号"],
        "reopen": ["退回重办"], "withdraw": ["撤回"],
    },
}


# The words of the public progress site (`minsheng publish`).
SITE: dict[str, tuple[str, str]] = {
    "title": ("重大民生实事项目进展", "Major livelihood projects: progress"),
    "title_year": ("{year}年重大民生实事项目进展", "Major livelihood projects {year}: progress"),
    "as_of": ("数据截至 {day}", "Figures as of {day}"),
    "count": ("共 {n} 个项目", "{n} projects"),
    "item_count": ("{n} 项", "{n} projects"),
    "legend": ("色条为实际进度，黑色竖线为序时进度（按时间应达到的进度）。",
               "The coloured bar is actual progress; the black mark is 序时进度, the progress "
               "expected by now."),
    "items": ("事项", "Items"),
    "all": ("全部", "all"),
    "filter": ("筛选", "Filter"),
    "shown": ("显示 {n} 个项目", "{n} projects shown"),
    "no_item": ("其他", "Other"),
    "actual": ("实际", "actual"),
    "expected": ("序时", "expected"),
    "deviation": ("偏差", "deviation"),
    "pp": ("个百分点", "pp"),
    "back": ("← 全部项目", "← All projects"),
    "curve": ("计划与实际进度", "Plan and actual progress"),
    "plan_line": ("序时进度（计划）", "序时进度 (plan)"),
    "actual_line": ("实际进度", "actual progress"),
    "today_line": ("数据截至日", "as-of date"),
    "figures": ("进度数据", "The figures"),
    "no_figure": ("尚无进度数据", "no progress figure yet"),
    "funds": ("资金进度", "Funds"),
    "funds_line": ("累计完成投资 {funds} 万元，计划投资 {budget} 万元",
                   "{funds} of {budget} (10k yuan) spent"),
    "funds_unknown": ("暂无资金数据", "no funds figure"),
    "supervision": ("人大监督", "Supervision"),
    "visits": ("实地查看 {n} 次", "{n} site visits"),
    "issues": ("发现问题", "Issues found"),
    "no_issues": ("未记录问题", "no issues recorded"),
    "finding": ("最新发现", "Latest finding"),
    "no_finding": ("暂无", "none yet"),
    "suggestion": ("意见建议", "Suggestion"),
    "period": ("实施期限", "Period"),
    "forecast": ("按当前速度预计完成", "At the current pace, done by"),
    "made_by": ("由 minsheng 生成；仅含公开信息。", "Made with minsheng; public fields only."),
}


def site_text(key: str, lang: str, **values: object) -> str:
    zh, en = SITE[key]
    return (zh if lang == "zh" else en).format(**values)


def resolve_lang(option: str | None) -> str:
    """``--lang``, else ``MINSHENG_LANG`` (zh, en, or a locale name such as zh_CN.UTF-8)."""
    for source, candidate in (("lang", option), ("MINSHENG_LANG", os.environ.get("MINSHENG_LANG"))):
        if candidate:
            lang = re.split(r"[-_.@]", candidate.strip().lower())[0]
            if lang not in LANGS:
                raise InvalidValue(source, candidate, "zh or en")
            return lang
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        locale = os.environ.get(var, "")
        if locale:
            return "zh" if locale.lower().startswith("zh") else "en"
    return "en"


# Messages for the person (stderr) in their language.
MESSAGES: dict[str, tuple[str, str]] = {
    "nothing_late": ("没有逾期或滞后事项。", "Nothing is late."),
}


def message(key: str, lang: str) -> str:
    zh, en = MESSAGES[key]
    return zh if lang == "zh" else en


def label(key: str, lang: str) -> str:
    zh, en = LABELS.get(key, (key, key))
    return zh if lang == "zh" else en


def word(enum: str, code: str | None, lang: str) -> str:
    """The word for an enumeration code in ``lang`` (the code itself in English)."""
    if code is None:
        return ""
    if lang != "zh":
        return str(code).replace("_", " ")
    words = ENUMS.get(enum, {}).get(code)
    return words[0] if words else str(code)
