"""The words of the special inspection report (专项视察报告), in Chinese and in English.

Chinese is the report's language (the numbering 一、（一）1., 万元, dates as 2021年6月16日);
English is a plain twin for readers without it.  Templates take the report's figures by
name; nothing here computes a figure.
"""

from __future__ import annotations

from datetime import date

from minsheng_cli import i18n
from minsheng_cli.domain.periods import Period

STATUS_ORDER = ("done", "ahead", "on_track", "behind", "seriously_behind", "overdue")
CN_DIGITS = "零一二三四五六七八九十"


def period_name(period: Period, lang: str) -> str:
    """2021年, 2021年第二季度, 2021年上半年, 2021年6月 … (the label itself in English)."""
    if lang != "zh":
        return period.label
    s = period.start
    if period.kind == "year":
        return f"{s.year}年"
    if period.kind == "half":
        return f"{s.year}年{'上' if s.month <= 6 else '下'}半年"
    if period.kind == "quarter":
        return f"{s.year}年第{CN_DIGITS[(s.month - 1) // 3 + 1]}季度"
    if period.kind == "month":
        return f"{s.year}年{s.month}月"
    if period.kind == "week":
        return f"{period.label[:4]}年第{int(period.label[-2:])}周"
    return Chinese.date(s)


def status_counts(statuses: dict[str, int], w, *, all_of_them: bool = False) -> str:
    """"已完成2项、超序时4项…" — every status, or only those with projects."""
    parts = [w.count_of.format(word=w.word("status", s), n=statuses.get(s, 0))
             for s in STATUS_ORDER if all_of_them or statuses.get(s)]
    return w.sep.join(parts)


class Chinese:
    lang = "zh"
    sep, stop, both = "、", "。", "、"
    title = "关于{period}重大民生实事项目推进情况的专项视察报告（草稿）"
    subtitle = "（截至{date}）"
    subject = "{period}重大民生实事项目专项视察（截至{date}）"
    count_of = "{word}{n}项"
    no_item = "未列明事项"
    no_unit = "未指定单位"
    total = "合计"
    none = "无。"

    h_overview = "一、总体情况"
    overview = ("截至{date}，纳入本次视察的重大民生实事共{scope}。"
                "其中{statuses}；按灯号计，绿灯{green}项、黄灯{yellow}项、红灯{red}项、"
                "已完成{done}项。")
    scope = "{items}件{projects}项"
    scope_unfiled = "{projects}项（均未列明所属事项）"
    unfiled = "（另有{n}项未列明所属事项）"
    funds_none = "台账中各项目均未列计划投资，资金进度无从统计。"
    funds_budget = "资金方面，{n}项列有计划投资，合计{total}万元"
    funds_no_report = "，尚无项目报送累计完成投资。"
    funds_spent = ("；其中{n}项已报送累计完成投资，合计{spent}万元，"
                   "占这些项目计划投资{budget}万元的{pct}%。")
    light_headers = ["事项", "项目数", "已完成", "绿灯", "黄灯", "红灯", "其中逾期未完成"]
    late = {
        "projects_overdue": "超过完成时限仍未完成的项目{n}项：",
        "projects_red": "实际进度严重滞后于序时进度（红灯）的项目{n}项：",
        "behind_two_months": "在{ends}两个月末均处于黄灯或红灯、需约谈督促的项目{n}项：",
        "no_progress": "已过开工日期但台账中尚无进展报送的项目{n}项：",
    }

    h_items = "二、各件推进情况"
    item_heading = "（{no}）{item}（{n}项）"
    item_summary = "本件{n}项：{statuses}。"
    project_headers = ["编号", "项目名称", "牵头单位", "序时进度(%)", "实际进度(%)",
                       "偏差(百分点)", "资金进度(%)", "灯号", "状态", "最近进展"]

    h_visits = "三、视察走访情况"
    visits_summary = ("视察期间（{start}至{date}），{groups}个监督小组共实地查看{visits}次。"
                      "按照基层监督小组对联系项目每月至少查看一次、市级监督小组每季度至少"
                      "查看一次的要求，已结束的走访周期中应查看{owed}项次，实际查看{made}"
                      "项次，覆盖率{pct}%。各小组情况如下：")
    coverage_headers = ["监督小组", "层级", "联系项目", "查看次数", "查看项目数",
                        "应查看(项次)", "已查看(项次)", "覆盖率(%)", "本周期(已查看/应查看)"]
    missed_intro = "已结束的走访周期中未按要求实地查看的项目{n}项次："
    missed_none = "已结束的走访周期中，各小组均按要求实地查看了联系项目。"
    missed_headers = ["监督小组", "周期", "编号", "项目名称", "区县", "本组最近查看"]

    h_issues = "四、发现的问题"
    h_common = "（一）共性问题"
    common_intro = "同类问题涉及{n}个及以上项目的，列为共性问题，共{k}类："
    common_none = "截至{date}，尚无同类未销号问题涉及{n}个及以上项目的情况。"
    common_heading = "{no}. {category}（涉及{projects}个项目、{issues}个问题）"
    common_department = "其中整改单位为{department}的涉及{projects}个项目、{issues}个问题。"
    h_individual = "（二）个性问题"
    individual_intro = "共性问题以外的问题{n}个（重大问题在前）："
    issue_headers = ["问题编号", "项目", "类别", "程度", "问题描述", "整改单位", "状态",
                     "整改时限"]
    h_overdue = "（三）逾期未整改问题"
    overdue_intro = "截至{date}，超过整改时限仍未销号的问题{n}个："
    overdue_none = "截至{date}，没有超过整改时限仍未销号的问题。"
    overdue_headers = ["问题编号", "项目", "类别", "问题描述", "整改单位", "状态", "整改时限",
                       "逾期天数"]

    h_recommendations = "五、意见建议"
    recommendations_placeholder = "（此部分由监督小组根据视察情况填写。）"
    signature_group = "＿＿＿＿＿＿＿＿监督小组"
    signature_date = "　　年　　月　　日"

    @staticmethod
    def date(d: date) -> str:
        return f"{d.year}年{d.month}月{d.day}日"

    @staticmethod
    def ordinal(n: int) -> str:
        if n <= 10:
            return CN_DIGITS[n]
        tens, ones = divmod(n, 10)
        return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")

    # A light reads as 绿灯 in a report (i18n's first word, 绿, is what a clerk types).
    LIGHT_WORDS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "done": "已完成"}

    def word(self, enum: str, code: str | None) -> str:
        if enum == "light" and self.lang == "zh" and code in self.LIGHT_WORDS:
            return self.LIGHT_WORDS[code]
        return i18n.word(enum, code, self.lang)

    def note(self, report) -> str:
        rules = report.rules
        basis = ("按月计算（每个月末达到相应月份占比）" if rules["schedule_basis"] == "months"
                 else "按日历天数线性计算（有节点计划的按节点计划）")
        yellow, red = f"{rules['yellow_lag']:g}", f"{rules['red_lag']:g}"
        return (f"说明：本草稿由民生实事项目监督台账生成，文中数字均取自台账记录，统计截至"
                f"{self.date(report.as_of)}，视察期间为{self.date(report.period.start)}至"
                f"{self.date(report.as_of)}。序时进度{basis}；实际进度落后序时进度不足{yellow}"
                f"个百分点为绿灯，{yellow}至{red}个百分点为黄灯，超过{red}个百分点为红灯；"
                f"实际进度达到100%为已完成，超过完成时限仍未完成的为红灯（逾期未完成）。")

    def project_late(self, name: str, r: dict) -> str:
        detail = {
            "projects_overdue": f"（完成时限{r['due']}，实际进度{r['actual_pct']:.2f}%）",
            "projects_red": f"（偏差{r['deviation_pct']:.2f}个百分点）",
        }.get(name, "")
        return f"{r['code']} {r['name']}{detail}"

    colon = "："

    def current(self, window: dict | None) -> str:
        if window is None:
            return "—"
        return f"{window['window']}{self.colon}{window['visited']}/{window['owed']}"

    def issue_counts(self, report) -> str:
        found = len(report.found_in_period)
        counts = {s: sum(i["status"] == s for i in report.issues)
                  for s in ("open", "transferred", "responded", "closed", "withdrawn")}
        older = len(report.issues) - found
        working = counts["open"] + counts["transferred"] + counts["responded"]
        return (f"视察期间共发现问题{found}个"
                + (f"（另有此前发现、尚未销号的问题{older}个）" if older else "")
                + f"。截至{self.date(report.as_of)}，上述问题中整改中{working}个（待转办"
                f"{counts['open']}个、已转办{counts['transferred']}个、已反馈"
                f"{counts['responded']}个），已销号{counts['closed']}个，已撤回"
                f"{counts['withdrawn']}个。")


class English(Chinese):
    lang = "en"
    sep, stop, both, colon = "; ", ".", " and ", ": "
    title = "Special inspection report on the major livelihood projects, {period} (draft)"
    subtitle = "(as of {date})"
    subject = "Special inspection of the livelihood projects, {period} (as of {date})"
    count_of = "{word} {n}"
    no_item = "(no item)"
    no_unit = "(no unit)"
    total = "Total"
    none = "None."

    h_overview = "1. Overall picture"
    overview = ("As of {date}, the inspection covers {scope}: {statuses}. "
                "By light: green {green}, yellow {yellow}, red {red}, done {done}.")
    scope = "{items} item(s) and {projects} project(s)"
    scope_unfiled = "{projects} project(s), none of them under an item"
    unfiled = " ({n} without an item)"
    funds_none = "No project has a planned investment in the register."
    funds_budget = "Funds: {n} project(s) have a planned investment, {total} (10k yuan) in all"
    funds_no_report = "; none has reported money spent yet."
    funds_spent = ("; {n} of them reported {spent} spent, {pct}% of their planned "
                   "{budget}.")
    light_headers = ["item", "projects", "done", "green", "yellow", "red", "of which overdue"]
    late = {
        "projects_overdue": "Past due and not done ({n}): ",
        "projects_red": "Seriously behind 序时进度, red ({n}): ",
        "behind_two_months": "Yellow or red at both month-ends {ends} ({n}): ",
        "no_progress": "Started but without any figure in the register ({n}): ",
    }

    h_items = "2. Items"
    item_heading = "2.{no} {item} ({n})"
    item_summary = "{n} project(s): {statuses}."
    project_headers = ["code", "name", "department", "expected %", "actual %",
                       "deviation (pp)", "funds %", "light", "status", "last figure"]

    h_visits = "3. Site visits"
    visits_summary = ("From {start} to {date}, {groups} group(s) made {visits} site visit(s). "
                      "Against the rule (grassroots groups visit each project monthly, "
                      "municipal groups quarterly), the closed windows owed {owed} project "
                      "visit(s); {made} were made, {pct}% coverage.")
    coverage_headers = ["group", "level", "projects", "visits", "projects visited", "owed",
                        "made", "coverage %", "current window (made/owed)"]
    missed_intro = "Project visits owed in closed windows and not made ({n}):"
    missed_none = "In the closed windows every group visited each of its projects."
    missed_headers = ["group", "window", "code", "name", "district", "last visit"]

    h_issues = "4. Issues found"
    h_common = "4.1 Common issues"
    common_intro = "Categories whose open issues span {n} or more projects ({k}):"
    common_none = "As of {date}, no category's open issues span {n} or more projects."
    common_heading = "{no}. {category} ({projects} projects, {issues} issues)"
    common_department = "Of these, {department}: {projects} projects, {issues} issues."
    h_individual = "4.2 Individual issues"
    individual_intro = "Other issues ({n}, major first):"
    issue_headers = ["issue", "project", "category", "severity", "description", "unit",
                     "status", "deadline"]
    h_overdue = "4.3 Issues past their deadline"
    overdue_intro = "As of {date}, {n} issue(s) are past their deadline and not closed:"
    overdue_none = "As of {date}, no issue is past its deadline."
    overdue_headers = ["issue", "project", "category", "description", "unit", "status",
                       "deadline", "days overdue"]

    h_recommendations = "5. Recommendations"
    recommendations_placeholder = "(To be written by the supervision group.)"
    signature_group = "Supervision group: ____________"
    signature_date = "Date: ____________"

    @staticmethod
    def date(d: date) -> str:
        return d.isoformat()

    @staticmethod
    def ordinal(n: int) -> str:
        return str(n)

    def note(self, report) -> str:
        rules = report.rules
        basis = "by months" if rules["schedule_basis"] == "months" else "linear by days"
        return (f"Note: drafted from the supervision register; every figure is a record of "
                f"the register as of {report.as_of}, the period running from "
                f"{report.period.start}. 序时进度 is {basis}; green when the lag is under "
                f"{rules['yellow_lag']:g} pp, yellow up to {rules['red_lag']:g} pp, red "
                f"beyond, done at 100 %; past due and not done is red (overdue).")

    def project_late(self, name: str, r: dict) -> str:
        detail = {
            "projects_overdue": f" (due {r['due']}, actual {r['actual_pct']:.2f}%)",
            "projects_red": f" ({r['deviation_pct']:.2f} pp)",
        }.get(name, "")
        return f"{r['code']} {r['name']}{detail}"

    def issue_counts(self, report) -> str:
        found = len(report.found_in_period)
        counts = {s: sum(i["status"] == s for i in report.issues)
                  for s in ("open", "transferred", "responded", "closed", "withdrawn")}
        older = len(report.issues) - found
        return (f"{found} issue(s) found in the period"
                + (f" (and {older} found earlier, still open)" if older else "")
                + f". As of {report.as_of}: open {counts['open']}, transferred "
                f"{counts['transferred']}, responded {counts['responded']}, closed "
                f"{counts['closed']}, withdrawn {counts['withdrawn']}.")


WORDS = {"zh": Chinese(), "en": English()}
