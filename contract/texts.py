"""Every sentence a user reads, in Chinese (default) and English, kept in one place.

Codes are grouped by stage (``pool.*``, ``scenario.*``, ``reason.*``, ``solve.*`` ...). ``t(code, lang, **params)``
formats one; the language defaults to ``BAICUN_LANG`` (``zh`` or ``en``) or whatever ``set_language`` chose.

The chosen language belongs to the thread that chose it: the app runs each session's script in its own thread, so
two people on one server can read it in different languages at the same time.
"""

from __future__ import annotations

import os
import threading

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = os.environ.get("BAICUN_LANG", "zh") if os.environ.get("BAICUN_LANG") in LANGUAGES else "zh"
_chosen = threading.local()


def set_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    _chosen.lang = lang


def current_language() -> str:
    return getattr(_chosen, "lang", DEFAULT_LANGUAGE)


class Msg(str):
    """A parameter that is itself a message code (with its own parameters), translated when the enclosing message
    is rendered."""

    def __new__(cls, code: str, **params):
        message = super().__new__(cls, code)
        message.params = params
        return message

    def __reduce__(self):
        return (_msg, (str(self), self.params))


def _msg(code: str, params: dict) -> Msg:
    return Msg(code, **params)


class Msgs(tuple):
    """A parameter that is a list of messages, rendered one by one and joined with "；" (Chinese) or "; "."""


def render(message: Msg | str, lang: str | None = None) -> str:
    """A message (a ``Msg`` with its parameters), or text that is already words, in ``lang``."""
    return t(message, lang, **message.params) if isinstance(message, Msg) else str(message)


def list_separator(lang: str | None = None) -> str:
    """What joins the items of a list in a sentence: "；" in Chinese, "; " in English."""
    return "; " if (lang or current_language()) == "en" else "；"


def _value(value, lang: str):
    if isinstance(value, Msg):
        return render(value, lang)
    if isinstance(value, Msgs):
        return list_separator(lang).join(render(m, lang) for m in value)
    return value


def t(code: str, lang: str | None = None, **params) -> str:
    """The message ``code`` in ``lang``, formatted with ``params`` (missing params render as blanks).

    A ``Msg`` parameter is translated too, a ``Msgs`` parameter translated and joined; a non-empty ``suggestion``
    parameter appends "did you mean …?".
    """
    lang = lang or current_language()
    zh, en = MESSAGES[code]
    values = {k: _value(v, lang) for k, v in params.items()}
    text = (en if lang == "en" else zh).format_map(_Blank(values))
    if params.get("suggestion") and code != "hint.did_you_mean":
        text += t("hint.did_you_mean", lang, suggestion=params["suggestion"])
    return text


class _Blank(dict):
    def __missing__(self, key):
        return ""


SAMPLE_LABEL = "示例数据"

MESSAGES: dict[str, tuple[str, str]] = {
    # --- where a problem is -------------------------------------------------------------------------------
    "where.row": ("第 {row} 行", "row {row}"),
    "where.column": ("「{column}」列", "column '{column}'"),
    "where.key": ("情景中的「{key}」", "scenario key '{key}'"),
    "where.sep": ("，", ", "),
    "where.line": ("{where}：{message}", "{where}: {message}"),
    "report.more": (
        "……另有 {count} 个问题未列出（用 --report 文件 导出全部）",
        "... {count} more problems not shown (use --report FILE to export all)",
    ),
    # --- reading a pool -----------------------------------------------------------------------------------
    "pool.invalid": ("村庄库文件「{file}」有 {count} 个问题，未被使用：", "The pool file '{file}' has {count} problems and was not used:"),
    "pool.not_found": ("找不到文件「{file}」", "file '{file}' not found"),
    "pool.bad_suffix": ("不支持的文件类型「{suffix}」：请另存为 .xlsx 或 .csv", "unsupported file type '{suffix}': save it as .xlsx or .csv"),
    "pool.xls_legacy": (
        "这是旧版 Excel（.xls）文件：请在 Excel/WPS 中另存为 .xlsx",
        "this is a legacy Excel (.xls) file: save it as .xlsx in Excel/WPS",
    ),
    "pool.unreadable_xlsx": (
        "无法作为 Excel 工作簿打开（{detail}）：文件可能已损坏或并非 .xlsx",
        "cannot be opened as an Excel workbook ({detail}): the file may be damaged or not .xlsx",
    ),
    "pool.empty_file": ("文件是空的", "the file is empty"),
    "pool.encoding_unknown": (
        "无法识别文件编码（已依次尝试 UTF-8、GB18030 和自动检测）：请用 --encoding 指定，例如 --encoding gbk",
        "cannot tell the file's encoding (tried UTF-8, GB18030 and detection): give it with --encoding, e.g. --encoding gbk",
    ),
    "pool.encoding_failed": ("按指定编码 {encoding} 无法读取：{detail}", "cannot be read as {encoding}: {detail}"),
    "pool.csv_unparsable": ("CSV 格式有误，无法解析：{detail}", "malformed CSV: {detail}"),
    "pool.no_sheet": ("没有名为「{sheet}」的工作表；已有工作表：{sheets}", "no sheet named '{sheet}'; sheets: {sheets}"),
    "pool.header_elsewhere": (
        "这一行不是表头；表头似乎在第 {found} 行（上方可能有标题行）：请删除上方的行，或用 --header-row {found} 指定",
        "this row is not the header; the header seems to be on row {found} (a title row above it?): delete the rows above it or pass --header-row {found}",
    ),
    "pool.header_other_sheet": (
        "工作表「{sheet}」里没有表头；数据似乎在工作表「{found}」：请把它移到第一个，或用 --sheet {found} 指定",
        "sheet '{sheet}' has no header; the data seems to be on sheet '{found}': move it first or pass --sheet {found}",
    ),
    "pool.no_header": (
        "找不到表头：第一行应是列名，例如「村庄代码」「村名」「县(市、区)」",
        "no header found: the first row must hold column names such as 村庄代码 / village_id",
    ),
    "pool.missing_column": ("缺少必填列「{header}」（英文 {key}）", "required column '{header}' ({key}) is missing"),
    "pool.duplicate_column": ("列名重复：「{header}」出现了不止一次", "column '{header}' appears more than once"),
    "pool.no_rows": ("只有表头，没有数据行", "the file has a header but no data rows"),
    "pool.blank_row": ("空行：请删除空行，或补全这一行", "blank row: delete it or fill it in"),
    "pool.blank_required": ("不能为空", "must not be blank"),
    "pool.duplicate_id": ("村庄代码「{value}」重复（同一代码出现在第 {rows} 行）", "village id '{value}' is duplicated (rows {rows})"),
    "pool.id_scientific": (
        "村庄代码「{value}」被 Excel 存成了科学计数法数字，末几位已经丢失：请把该列设为「文本」格式后重新填入代码",
        "village id '{value}' was turned into a number in scientific notation by Excel and lost digits: format the column as text and re-enter the codes",
    ),
    "pool.id_numeric": (
        "村庄代码「{value}」存成了数字（前导 0 会丢失）：请把该列设为「文本」格式后重新填入",
        "village id '{value}' is stored as a number (leading zeros are lost): format the column as text and re-enter it",
    ),
    "pool.not_number": ("「{value}」不是数字", "'{value}' is not a number"),
    "pool.not_integer": ("「{value}」不是整数", "'{value}' is not a whole number"),
    "pool.out_of_range": ("{value} 超出允许范围 {low}–{high}", "{value} is outside the allowed range {low}–{high}"),
    "pool.negative": ("{value} 不能为负数", "{value} must not be negative"),
    "pool.not_positive": ("{value} 必须大于 0", "{value} must be greater than 0"),
    "pool.bad_flag": (
        "「{value}」不是可识别的是/否取值（可用：是/否、Y/N、yes/no、true/false、1/0、√/×，空白为否）",
        "'{value}' is not a yes/no value (use 是/否, Y/N, yes/no, true/false, 1/0, √/×; blank means no)",
    ),
    "pool.bad_level": (
        "「{value}」不是可识别的风险等级（可用：无、低、中、高，或 0–3）",
        "'{value}' is not a risk level (use 无, 低, 中, 高 or 0–3)",
    ),
    "pool.bad_year": ("年份「{value}」不合理：应在 {low}–{high} 之间", "year '{value}' is implausible: expected {low}–{high}"),
    "pool.future_year": ("年份 {value} 在未来（今年是 {this_year} 年）", "year {value} is in the future (this year is {this_year})"),
    "pool.coord_outside": ("{value} 超出{region}的合理范围 {low}–{high}", "{value} is outside the plausible range {low}–{high} for {region}"),
    "pool.notice_encoding": ("按自动检测的编码 {encoding} 读取", "read with the detected encoding {encoding}"),
    "pool.notice_cost_default": ("文件中没有「计划投资(万元)」列：每个村按 1000 万元计", "no cost column: every village counts 1000 (万元)"),
    # --- pool summary -------------------------------------------------------------------------------------
    "summary.title": ("村庄库「{file}」通过校验", "Pool '{file}' is valid"),
    "summary.sample": ("【示例数据】本村庄库为合成的示例数据，不是真实村庄", "[示例数据 / sample data] this pool is synthetic, not real villages"),
    "summary.totals": (
        "共 {villages} 个村，分布在 {cities} 个市(州)、{counties} 个县(市、区)；千村示范创建村 {qiancun} 个",
        "{villages} villages in {cities} cities and {counties} counties; {qiancun} in the 千村 demonstration pool",
    ),
    "summary.batch": (
        "  {year} 年批次：{count} 个，其中重点边境村 {border} 个、脱贫村 {poverty} 个",
        "  {year} batch: {count}, of which {border} key border and {poverty} poverty-alleviated villages",
    ),
    "summary.upgraded": ("已列入百村提升的村：{count} 个", "villages already chosen for 百村提升: {count}"),
    "summary.extra": ("其他列（可用作评分、标志或分组）：{columns}", "extra columns (usable as criteria, flags or groups): {columns}"),
    "summary.city_header": ("市(州)", "city"),
    "summary.col_villages": ("村数", "villages"),
    "summary.col_qiancun": ("千村", "千村 pool"),
    "summary.col_border": ("边境村(千村)", "border (千村)"),
    "summary.col_poverty": ("脱贫村(千村)", "poverty-alleviated (千村)"),
    "pool.blank_header": ("这一列没有列名却有数据：请补上列名或删除该列", "this column has data but no header: name it or delete it"),
    "region.invalid": ("坐标范围设置有误", "invalid coordinate region"),
    "region.unknown": (
        "「{value}」既不是已知区域（{names}），也不是“经度下限,经度上限,纬度下限,纬度上限”",
        "'{value}' is neither a known region ({names}) nor 'lon_min,lon_max,lat_min,lat_max'",
    ),
    # --- scenario --------------------------------------------------------------------------------------------
    "scenario.invalid": ("情景文件「{file}」有 {count} 个问题：", "The scenario '{file}' has {count} problems:"),
    "scenario.unfit": ("情景与村庄库「{file}」不匹配，共 {count} 个问题：", "The scenario does not fit the pool '{file}' ({count} problems):"),
    "scenario.not_found": ("找不到情景文件「{file}」", "scenario file '{file}' not found"),
    "scenario.not_utf8": ("情景文件不是 UTF-8 编码：请用 UTF-8 保存", "the scenario file is not UTF-8: save it as UTF-8"),
    "scenario.toml_syntax": ("TOML 格式错误：{detail}", "TOML syntax error: {detail}"),
    "scenario.unknown_key": ("未知的键「{key}」", "unknown key '{key}'"),
    "scenario.missing_key": ("缺少必填项", "required key is missing"),
    "scenario.out_of_bounds": ("「{value}」超出允许范围（界限 {limit}）", "'{value}' is out of bounds (limit {limit})"),
    "scenario.not_one_of": ("「{value}」不是可选值之一：{expected}", "'{value}' is not one of {expected}"),
    "scenario.bad_value": ("取值「{value}」有误（{detail}）", "invalid value '{value}' ({detail})"),
    "scenario.bad_fraction": ("「{value}」不是数字或分数（如 3、1/3）", "'{value}' is not a number or fraction such as 3 or 1/3"),
    "scenario.one_weighting": (
        "[scoring] 中 weights、ahp、entropy、dimensions 必须且只能给出一种（现在：{given}）",
        "[scoring] needs exactly one of weights, ahp, entropy, dimensions (given: {given})",
    ),
    "scenario.quota_empty": ("名额「{flag}」既没有 min 也没有 max", "quota '{flag}' has neither min nor max"),
    "scenario.group_empty": ("分组「{by}」没有 min、max 或 share", "group '{by}' has no min, max or share"),
    "scenario.min_above_max": ("下限 {low} 大于上限 {high}", "lower bound {low} exceeds upper bound {high}"),
    "scenario.must_both": ("村庄 {ids} 同时出现在 must_include 和 must_exclude 中", "villages {ids} are in both must_include and must_exclude"),
    "scenario.plan_years": (
        "plan.years 应为不重复、从小到大排列的年份（现在：{years}）",
        "plan.years must be distinct years in increasing order (now {years})",
    ),
    "scenario.plan_budget_length": (
        "budget_per_year 给了 {given} 个数，但规划有 {years} 年",
        "budget_per_year has {given} values but the plan has {years} years",
    ),
    "scenario.plan_funding": (
        "funding 是一批村各年拨付资金的比例，合计应为 1（现在 {total}）",
        "funding gives the share of a cohort's cost paid each year and must sum to 1 (now {total})",
    ),
    "scenario.plan_locked": ("locked 中的年份 {years} 不在 plan.years 中", "locked years {years} are not in plan.years"),
    "scenario.plan_lock_run": (
        "给了 lock_run 却没有 locked：请说明要沿用该次运行中哪些年度",
        "lock_run needs locked: say which years of that run to keep",
    ),
    "scenario.plan_needs_count": (
        "多年规划需要每年的遴选数量：请给出 plan.count_per_year 或 [selection] count",
        "a plan needs a yearly count: set plan.count_per_year or [selection] count",
    ),
    "scenario.plan_unlocked_year": (
        "村庄库「百村提升年度」列已把 {count} 个村定在 {year} 年，但该年不在 plan.locked 中：请把 {year} 加入 locked，或清空这些单元格（如 {examples}）",
        "the pool's baicun_year column already puts {count} villages in {year}, which is not in plan.locked: add {year} to locked or clear those cells (e.g. {examples})",
    ),
    "scenario.plan_locked_ineligible": (
        "{year} 年已定的村「{value}」在本情景下不符合资格：{reasons}",
        "village '{value}', decided for {year}, is not eligible under this scenario: {reasons}",
    ),
    "scenario.plan_locked_empty": (
        "锁定的 {year} 年在村庄库（百村提升年度列）中没有任何村",
        "the locked year {year} has no villages in the pool's baicun_year column",
    ),
    "scenario.plan_run_unknown": (
        "lock_run = {value}：运行记录中没有这次运行，或它不是多年规划",
        "lock_run = {value}: no such run in the history, or it is not a plan",
    ),
    "scenario.spatial_no_coordinates": (
        "设置了 [spatial]，但符合资格的村「{value}」没有经纬度：请补全坐标",
        "[spatial] is set but eligible village '{value}' has no coordinates: fill them in",
    ),
    "scenario.unknown_column": ("村庄库中没有「{value}」列", "the pool has no column '{value}'"),
    "scenario.column_absent": (
        "村庄库文件中没有「{header}」列（{value}），但情景要用到它",
        "the pool file has no '{header}' column ({value}), which the scenario uses",
    ),
    "scenario.wrong_kind": ("「{value}」列是{kind}，不能用作{use}", "column '{value}' is {kind}; it cannot be used as {use}"),
    "scenario.bad_exclude_value": ("「{value}」不是该列可能的取值", "'{value}' is not a possible value of this column"),
    "scenario.cost_not_weighted": ("「{value}」列在 cost_criteria 中，但没有权重", "'{value}' is in cost_criteria but has no weight"),
    "scenario.unknown_village": ("村庄库中没有村庄代码「{value}」", "no village with id '{value}' in the pool"),
    "scenario.ahp_shape": ("判断矩阵应为 {n}×{n}（与 criteria 数量一致）", "the judgement matrix must be {n}×{n} (one row per criterion)"),
    "scoring.ahp_cells": ("AHP 判断矩阵有 {count} 处填写有误，请改正后再计算", "{count} AHP judgement(s) are not valid: correct them first"),
    "scoring.ahp_cell": (
        "「{row_name}」比「{column}」：「{value}」不是 1/9 到 9 之间的数或分数（如 3、1/3）",
        "'{row_name}' vs '{column}': '{value}' is not a number or fraction between 1/9 and 9 (such as 3 or 1/3)",
    ),
    "scenario.ahp_entry": (
        "判断矩阵第 {i} 行第 {j} 列应为正数且与对称位置互为倒数（现在 {a} 与 {b}）",
        "matrix entry ({i}, {j}) must be positive and the reciprocal of its mirror (now {a} and {b})",
    ),
    "scenario.blank_criterion": (
        "符合资格的村「{village}」的评分指标「{value}」为空：请补全，或用资格规则排除空白",
        "eligible village '{village}' has a blank criterion '{value}': fill it in or exclude blanks by an eligibility rule",
    ),
    "scenario.no_pool": (
        '情景没有指定村庄库：在情景中写 pool = "文件"，或用 --pool 文件',
        'the scenario names no pool: set pool = "FILE" or pass --pool FILE',
    ),
    "scenario.share_needs_count": (
        "share 需要在 [selection] 中给出 count（比例份额按遴选数量计算）",
        "share needs [selection] count (shares are computed from it)",
    ),
    "scenario.must_ineligible": ("必选村「{value}」不符合资格：{reasons}", "must-include village '{value}' is not eligible: {reasons}"),
    "notice.group_min_capped": (
        "按「{by}」分组的下限 {requested} 对 {count} 个组无法满足，已降为该组符合资格的村数：{groups}",
        "the per-'{by}' minimum {requested} exceeds the eligible villages of {count} groups; capped at their eligible count: {groups}",
    ),
    "check.duplicate": ("名单中有重复的村：{value}", "villages listed twice: {value}"),
    "check.unknown": ("名单中有村庄库里没有的村：{value}", "villages not in the pool: {value}"),
    "check.ineligible": ("不符合资格的村「{value}」出现在名单中", "ineligible village '{value}' is in the shortlist"),
    "check.violated": (
        "规则 {rule}[{label}] 未满足：要求 {low}–{high}，实际 {actual}",
        "rule {rule}[{label}] broken: required {low}–{high}, got {actual}",
    ),
    "check.objective": (
        "求解器报告的总分 {claimed} 与复算的 {recomputed} 不一致",
        "the solver's total {claimed} differs from the recomputed {recomputed}",
    ),
    # --- infeasibility diagnosis ----------------------------------------------------------------------------
    "family.count": ("遴选数量", "the number selected"),
    "family.in_year": ("{year} 年{label}", "{label} in {year}"),
    "family.every_year": ("每年的{label}", "{label} in every year"),
    "family.whole_plan": ("规划期合计{label}", "{label} over the whole plan"),
    "family.once": ("每村至多入选一次", "each village at most once"),
    "family.locked": ("已定年份的村", "villages of decided years"),
    "family.belt": ("示范带", "belts"),
    "family.budget": ("预算", "the budget"),
    "family.must_include": ("必选村", "must-include villages"),
    "family.must_exclude": ("必须排除的村", "must-exclude villages"),
    "diag.count_short": (
        "遴选数量下限 {low} 无法满足：符合资格的村只有 {available} 个",
        "the minimum count {low} cannot be met: only {available} villages are eligible",
    ),
    "diag.quota_short": (
        "{label}下限 {low} 无法满足：符合条件的{label}只有 {available} 个",
        "the {label} minimum {low} cannot be met: only {available} eligible villages are {label}",
    ),
    "diag.group_lows": (
        "按{label}的下限合计 {total} 个，超过遴选数量上限 {high}",
        "the per-{label} minimums add up to {total}, more than the maximum count {high}",
    ),
    "diag.alternatives": (
        "情景无解。下列任一项放宽即可有解（每项都是该规则单独放宽的最小幅度）：",
        "The scenario has no solution. Relaxing any one of these is enough (each is the smallest change of that rule alone):",
    ),
    "diag.combined": (
        "情景无解，单独放宽任何一条规则都不够；同时做下列最小放宽即可有解：",
        "The scenario has no solution and no single rule's relaxation suffices; together, these smallest relaxations make it feasible:",
    ),
    "diag.unknown": ("情景无解，且在时限内找不到可行的放宽方案", "The scenario has no solution and no relaxation was found within the time limit"),
    "diag.budget": (
        "预算 {budget}万元 不足以在其他规则下选满 {count} 个村，最少需要 {needed}万元",
        "the budget {budget} (万元) cannot fund {count} villages under the other rules: at least {needed} is needed",
    ),
    "diag.relax_low": ("{label}下限 {bound} 需降至 {needed}", "the {label} minimum {bound} must drop to {needed}"),
    "diag.relax_high": ("{label}上限 {bound} 需升至 {needed}", "the {label} maximum {bound} must rise to {needed}"),
    "diag.group_low": ("每个{label}的下限 {bound} 需统一降至 {needed}", "the per-{label} minimum {bound} must drop to {needed}"),
    "diag.group_high": ("每个{label}的上限 {bound} 需统一升至 {needed}", "the per-{label} maximum {bound} must rise to {needed}"),
    "diag.group_low_each": ("各{label}的下限需各降低 {amount} 个", "every per-{label} minimum must drop by {amount}"),
    "diag.group_high_each": ("各{label}的上限需各提高 {amount} 个", "every per-{label} maximum must rise by {amount}"),
    "diag.group_highs": (
        "按{label}的上限合计最多只能选 {total} 个，低于遴选数量下限 {low}",
        "the per-{label} maximums allow at most {total} villages, fewer than the minimum count {low}",
    ),
    # --- why each village is in or out ------------------------------------------------------------------------
    "why.ineligible": ("不符合资格：{reasons}", "not eligible: {reasons}"),
    "why.no_solution": ("情景无解，未产生名单", "no shortlist: the scenario has no solution"),
    "why.in_must": ("入选（必选村）：综合得分第 {rank} 名", "selected (must-include): rank {rank}"),
    "why.in_rank": ("入选：综合得分第 {rank} 名", "selected: rank {rank}"),
    "why.in_quota": ("入选：综合得分第 {rank} 名，为满足{rule}下限入选", "selected: rank {rank}, to meet the {rule} minimum"),
    "why.in_group": ("入选：综合得分第 {rank} 名，为满足{by}「{value}」的下限入选", "selected: rank {rank}, to meet the minimum for {by} '{value}'"),
    "why.in_combination": (
        "入选：综合得分第 {rank} 名，在预算与各项规则下的最优组合",
        "selected: rank {rank}, part of the best combination under the budget and rules",
    ),
    "why.out_must": ("落选：列为必须排除（综合得分第 {rank} 名）", "not selected: must-exclude (rank {rank})"),
    "why.out_group_full": ("落选：综合得分第 {rank} 名，所在{by}「{value}」已达上限", "not selected: rank {rank}, {by} '{value}' is full"),
    "why.out_combination": (
        "落选：综合得分第 {rank} 名，高于入选线，但受预算或名额组合限制（计划投资 {cost}万元）",
        "not selected: rank {rank}, above the cut-off but left out by the budget or the combination of rules (cost {cost})",
    ),
    "why.out_below": ("落选：综合得分第 {rank} 名，低于入选线 {gap} 分", "not selected: rank {rank}, {gap} below the cut-off"),
    "hint.did_you_mean": ("（是不是「{suggestion}」？）", " (did you mean '{suggestion}'?)"),
    "kind.text": ("文本列", "a text column"),
    "kind.flag": ("是/否列", "a yes/no column"),
    "kind.id": ("村庄代码列", "the id column"),
    "kind.number": ("数字列", "a number column"),
    "kind.score": ("分数列", "a score column"),
    "kind.level": ("等级列", "a level column"),
    "kind.year": ("年份列", "a year column"),
    "kind.lon": ("经度列", "a longitude column"),
    "kind.lat": ("纬度列", "a latitude column"),
    "kind.count": ("整数列", "a count column"),
    "kind.amount": ("金额列", "an amount column"),
    "kind.cost": ("投资列", "a cost column"),
    "use.flag": ("是/否条件（标志）", "a yes/no flag"),
    "use.number": ("数值界限", "a numeric bound"),
    "use.criterion": ("评分指标", "a scoring criterion"),
    # --- eligibility reasons (one village) and rules (the whole pool) ----------------------------------------
    "reason.require": ("「{header}」为“否”", "'{header}' is no"),
    "reason.below_min": ("{header} {value}，低于 {bound}", "{header} {value} is below {bound}"),
    "reason.above_max": ("{header} {value}，高于 {bound}", "{header} {value} is above {bound}"),
    "reason.score_below": ("{header} {value} 分，低于 {bound} 分", "{header} {value} points, below {bound}"),
    "reason.score_above": ("{header} {value} 分，高于 {bound} 分", "{header} {value} points, above {bound}"),
    "reason.year_before": ("{header} {value} 年，早于 {bound} 年", "{header} {value} is before {bound}"),
    "reason.year_after": ("{header} {value} 年，晚于 {bound} 年", "{header} {value} is after {bound}"),
    "reason.blank_bound": ("「{header}」为空，不满足 {op} {bound}", "'{header}' is blank, so it fails {op} {bound}"),
    "reason.excluded": ("{header}为「{value}」", "{header} is '{value}'"),
    "reason.upgraded": ("已于 {value} 年列入百村提升", "already chosen for 百村提升 in {value}"),
    "rule.require": ("须「{header}」为“是”", "'{header}' must be yes"),
    "rule.below_min": ("{header} 不低于 {bound}（空白不通过）", "{header} at least {bound} (blank fails)"),
    "rule.above_max": ("{header} 不高于 {bound}（空白不通过）", "{header} at most {bound} (blank fails)"),
    "rule.score_below": ("{header} 不低于 {bound} 分（空白不通过）", "{header} at least {bound} points (blank fails)"),
    "rule.score_above": ("{header} 不高于 {bound} 分（空白不通过）", "{header} at most {bound} points (blank fails)"),
    "rule.year_before": ("{header} 不早于 {bound} 年（空白不通过）", "{header} not before {bound} (blank fails)"),
    "rule.year_after": ("{header} 不晚于 {bound} 年（空白不通过）", "{header} not after {bound} (blank fails)"),
    "rule.excluded": ("排除{header}为「{bound}」", "exclude {header} = '{bound}'"),
    "rule.upgraded": ("排除已列入百村提升的村", "exclude villages already chosen for 百村提升"),
    # --- notices about weights -----------------------------------------------------------------------------
    "notice.weights_rescaled": ("权重之和为 {total}，已按比例换算为合计 1", "weights summed to {total}; they were rescaled to sum to 1"),
    "notice.ahp_ok": (
        "AHP 判断矩阵一致性比例 CR = {cr}（≤ {limit}，可接受；λmax = {lambda_max}）",
        "AHP consistency ratio CR = {cr} (≤ {limit}, acceptable; λmax = {lambda_max})",
    ),
    "notice.ahp_inconsistent": (
        "警告：AHP 判断矩阵一致性比例 CR = {cr}，超过 {limit}，判断前后矛盾，建议调整两两比较",
        "Warning: AHP consistency ratio CR = {cr} exceeds {limit}: the judgements contradict each other; revise them",
    ),
    "notice.entropy": (
        "熵权法：权重由 {villages} 个符合资格村的数据离散程度算出",
        "entropy weights computed from the spread of {villages} eligible villages",
    ),
    # --- score / shortlist tables ----------------------------------------------------------------------------
    "col.rank": ("排名", "rank"),
    "col.village_id": ("村庄代码", "village_id"),
    "col.village": ("村名", "village"),
    "col.county": ("县(市、区)", "county"),
    "col.city": ("市(州)", "city"),
    "col.score": ("综合得分", "score"),
    "col.order": ("入选序号", "order"),
    "col.township": ("乡镇", "township"),
    "col.eligible": ("符合资格", "eligible"),
    "col.selected": ("入选", "selected"),
    "col.reason": ("入选/落选理由", "reason"),
    "col.cost": ("计划投资(万元)", "cost"),
    "col.contribution": ("{name}得分", "{name} contribution"),
    "col.villages": ("村庄数", "villages"),
    "col.eligible_count": ("符合资格", "eligible"),
    "col.selected_count": ("入选", "selected"),
    "col.low": ("下限", "min"),
    "col.high": ("上限", "max"),
    "col.share": ("比例份额", "proportional share"),
    "col.met": ("是否满足", "met"),
    "col.rule": ("规则", "rule"),
    "col.required": ("要求", "required"),
    "col.actual": ("实际", "actual"),
    "word.yes": ("是", "yes"),
    "word.no": ("否", "no"),
    "rule.per_group": ("按{by}分组", "per {by}"),
    "rule.groups_bounded": ("{n} 个组各自在上下限内", "each of {n} groups within its bounds"),
    "status.optimal": ("已证明最优", "proven optimal"),
    "status.feasible": ("可行（未证明最优，见差距）", "feasible (not proven optimal; see the gap)"),
    "status.time_limit": ("达到时间上限（见差距）", "time limit reached (see the gap)"),
    "status.infeasible": ("无解", "infeasible"),
    "status.error": ("求解器出错", "solver error"),
    "info.item": ("项目", "item"),
    "info.value": ("内容", "value"),
    "info.scenario": ("情景名称", "scenario"),
    "info.scenario_file": ("情景文件", "scenario file"),
    "info.pool_file": ("村庄库文件", "pool file"),
    "info.fingerprint": ("村庄库指纹（SHA-256）", "pool fingerprint (SHA-256)"),
    "info.data": ("数据说明", "data"),
    "info.real_data": ("用户提供的村庄库", "user-supplied pool"),
    "info.backend": ("求解器", "solver"),
    "info.status": ("求解状态", "status"),
    "info.objective": ("入选村综合得分合计（目标值）", "total score (objective)"),
    "info.bound": ("最优值上界", "proven upper bound"),
    "info.gap": ("相对差距", "relative gap"),
    "info.count": ("入选村数", "villages selected"),
    "info.budget_used": ("计划投资合计(万元)", "budget used"),
    "info.eligible": ("符合资格村数", "eligible villages"),
    "info.pool_size": ("村庄库村数", "villages in the pool"),
    "info.times": ("用时", "times"),
    "info.generated": ("生成时间", "generated"),
    "info.version": ("baicun 版本", "baicun version"),
    "info.notice": ("提示", "notice"),
    "sheet.shortlist": ("入选名单", "shortlist"),
    "sheet.by_city": ("按市(州)汇总", "by city"),
    "sheet.by_county": ("按县(市、区)汇总", "by county"),
    "sheet.rules": ("规则达成情况", "rules met"),
    "sheet.left_out": ("落选村及原因", "left out"),
    "sheet.run": ("运行信息", "run"),
    "sheet.scenario": ("情景", "scenario"),
    "sheet.scenario_title": ("情景文件 {file} 原文", "scenario file {file} as run"),
    "cli.internal_error": (
        "内部错误：程序遇到了意外情况，没有写出任何结果。详细信息已保存到 {log}，请发给开发者。",
        "Internal error: nothing was written. Details are in {log}; please send them to the developers.",
    ),
    "cli.compare_two": ("至少需要两个运行编号或情景文件", "give at least two runs or scenario files"),
    "cli.invalid": ("命令行参数有误：", "Invalid command-line options:"),
    "cli.bad_choice": ("「{value}」不是可选值（可选：{choices}）", "'{value}' is not one of {choices}"),
    "cli.bad_output": ("输出文件必须是 .xlsx 或 .csv：{value}", "the output must be .xlsx or .csv: {value}"),
    "solve.headline": (
        "【{name}】{status}：入选 {count} 个村，综合得分合计 {objective}（相对差距 {gap}），计划投资合计 {budget}万元；{backend}，用时 {seconds} 秒",
        "[{name}] {status}: {count} villages, total score {objective} (gap {gap}), cost {budget}; {backend}, {seconds} s",
    ),
    "solve.top": ("入选名单前 {shown} 名（共 {count} 个）", "Top {shown} of the {count} selected"),
    "solve.written": ("已写入 {file}", "written: {file}"),
    "solve.no_solution": ("没有得到名单（{status}）", "No shortlist ({status})"),
    "solve.check_failed": (
        "内部错误：求解器给出的名单未通过独立校验，已拒绝（{detail}）。请把情景和村庄库发给开发者。",
        "Internal error: the solver's shortlist failed the independent check and was rejected ({detail}). Please report the scenario and pool.",
    ),
    "col.price": ("放弃的总分（规则的代价）", "score given up (price)"),
    "col.entering": ("去掉该规则时换入村数", "would enter"),
    "col.leaving": ("去掉该规则时换出村数", "would leave"),
    "col.dual": ("LP 对偶值（每单位界限的边际得分）", "LP dual (marginal score per unit)"),
    "col.entering_ids": ("换入的村（前 20 个）", "entering villages (first 20)"),
    "price.unsolved": ("去掉后未求得最优", "not solved without it"),
    "sheet.prices": ("各规则的代价", "price of each rule"),
    # --- the app ---------------------------------------------------------------------------------------------
    # --- what a session changed in its scenario (report/changes.py) ----------------------------------------
    "change.none": ("基准（未修改）", "baseline (unchanged)"),
    "change.more": (" 等 {count} 项", " and {count} more"),
    "change.scoring.bonus": ("加分", "bonus"),
    "change.eligibility.min": ("不低于", "at least"),
    "change.eligibility.max": ("不高于", "at most"),
    "change.eligibility.exclude": ("排除", "excluded"),
    "change.name": ("情景名称", "scenario name"),
    "change.normalize": ("指标换算方式", "normalisation"),
    "change.weights": ("权重", "weights"),
    "change.count": ("遴选数量", "number selected"),
    "change.budget": ("预算", "budget"),
    "change.must_include": ("必选村", "must include"),
    "change.must_exclude": ("必须排除的村", "must exclude"),
    "change.quota": ("名额", "quotas"),
    "change.group": ("分组上下限", "group bounds"),
    "change.require": ("必须为“是”的标志", "flags that must be yes"),
    "change.exclude_upgraded": ("排除已列入百村提升的村", "exclude upgraded villages"),
    "change.backend": ("求解器", "solver"),
    "change.time_limit_s": ("时间上限", "time limit"),
    "change.mip_gap": ("允许的相对差距", "gap allowed"),
    "change.share": ("份额倍数", "share"),
    "change.flag": ("标志", "flag"),
    "change.by": ("分组依据", "group by"),
    "change.plan": ("多年度规划", "plan"),
    "change.spatial": ("示范带", "belts"),
    "change.years": ("年份", "years"),
    "change.funding": ("资金拨付比例", "funding profile"),
    "change.discount": ("逐年折算率", "discount"),
    "change.total": ("规划期合计", "plan total"),
    "change.count_per_year": ("每年数量", "count per year"),
    "change.budget_per_year": ("每年预算", "budget per year"),
    "change.locked": ("已定年份", "decided years"),
    "change.radius_km": ("相邻半径", "radius"),
    "change.weight": ("成片加分", "belt reward"),
    "ui.modified": ("已修改", "modified"),
    "ui.changes": ("相对载入的情景文件改了 {count} 处", "{count} changes to the loaded scenario file"),
    "ui.open_run": ("打开运行记录", "Open a stored run"),
    "ui.upload.drop": ("把文件拖到这里", "Drag and drop a file here"),
    "ui.upload.limit": ("单个文件不超过 50 MB", "Up to 50 MB per file"),
    "ui.upload.browse": ("选择文件", "Browse files"),
    "ui.results.run_label": ("运行名称（可不填）", "Run name (optional)"),
    "ui.results.run_label_hint": ("不填则按所改规则自动命名，如“产业基础 0.3→0.4”", "left blank, named after what changed"),
    "ui.results.stale": (
        "情景或村庄库在这次求解之后改动过：下面是上次的名单，请重新求解。",
        "The scenario or pool changed since this solve: the list below is the previous one; solve again.",
    ),
    "ui.results.gap": ("（差距 {gap}）", " (gap {gap})"),
    "word.blank": ("空白", "blank"),
    "cmp.change": ("改动（相对第一项）", "change (against the first)"),
    "cmp.sheet_scenario": ("情景差异", "Scenario differences"),
    "ui.compare.scenario": ("规则与权重的差异", "What the scenarios change"),
    "ui.compare.same_scenario": ("两次运行的情景相同", "The scenarios are the same"),
    "ui.compare.overlap": ("重合度", "Overlap"),
    "ui.compare.rules": ("逐条规则", "Rule by rule"),
    "ui.compare.by_county": ("各县(市、区)入选数", "Per county"),
    "ui.compare.download": ("下载对比 Excel", "Download the comparison"),
    "ui.robust.villages": ("村数", "villages"),
    "ui.rules.amount": ("即 {amount} 万元", "that is {amount} 万元"),
    "ui.title": ("百村遴选 · 乡村振兴示范村遴选决策支持", "baicun · village selection decision support"),
    "ui.language": ("语言 / Language", "语言 / Language"),
    "ui.sample_banner": (
        "【示例数据】当前村庄库是合成的示例数据，不是真实村庄",
        "[示例数据] The current pool is synthetic sample data, not real villages",
    ),
    "ui.pool_caption": ("村庄库：{file}（{villages} 个村）", "Pool: {file} ({villages} villages)"),
    "ui.scenario_caption": ("情景：{name}", "Scenario: {name}"),
    "ui.page.data": ("数据", "Data"),
    "ui.page.rules": ("规则与权重", "Rules & weights"),
    "ui.page.results": ("结果", "Results"),
    "ui.page.compare": ("情景对比", "Compare"),
    "ui.page.robustness": ("稳健性", "Robustness"),
    "ui.page.county": ("县级预审", "County preview"),
    "ui.page_error": ("本页出错，其他页面不受影响：{detail}", "This page failed; the other pages are unaffected: {detail}"),
    "ui.data.upload": ("上传村庄库（xlsx 或 csv，UTF-8 / GBK / GB18030 均可）", "Upload a pool (xlsx or csv; UTF-8, GBK or GB18030)"),
    "ui.data.loaded": ("已载入「{file}」：{villages} 个村，校验通过", "Loaded '{file}': {villages} villages, all checks passed"),
    "ui.data.rejected": (
        "「{file}」未通过校验，仍使用原来的村庄库「{previous}」。请按下表逐条修改后重新上传：",
        "'{file}' failed validation; the previous pool '{previous}' is still in use. Fix each row below and upload again:",
    ),
    "ui.data.use_sample": ("恢复示例数据", "Back to the sample pool"),
    "ui.data.template": ("下载空白模板（中文列名）", "Download an empty template (Chinese headers)"),
    "ui.data.by_city": ("按市(州)汇总", "By city"),
    "ui.data.map": ("村庄分布图", "Map of villages"),
    "ui.data.colour_by": ("按以下标志着色", "Colour by flag"),
    "ui.metric.villages": ("村庄数", "villages"),
    "ui.metric.cities": ("市(州)", "cities"),
    "ui.metric.counties": ("县(市、区)", "counties"),
    "ui.metric.qiancun": ("千村示范村", "千村 villages"),
    "ui.metric.eligible": ("符合资格", "eligible"),
    "ui.metric.selected": ("入选", "selected"),
    "ui.metric.objective": ("综合得分合计", "total score"),
    "ui.metric.budget": ("计划投资(万元)", "cost (万元)"),
    "ui.metric.status": ("求解状态", "status"),
    "ui.metric.seconds": ("用时(秒)", "seconds"),
    "ui.rules.weights_help": (
        "拖动滑块调整各指标的权重；合计不为 1 时自动按比例换算（右表为实际使用的权重）",
        "Move the sliders; weights that do not sum to 1 are rescaled (the table shows the weights used)",
    ),
    "ui.rules.used_weights": ("实际权重", "weights used"),
    "ui.rules.entropy": ("按熵权法给出建议权重", "Suggest weights by the entropy method"),
    "ui.rules.ahp": ("层次分析法(AHP)两两比较", "AHP pairwise comparison"),
    "ui.rules.ahp_help": (
        "第 i 行第 j 列填“行指标比列指标重要几倍”（1–9 或 1/3 之类的倒数）；只需填右上三角，左下自动取倒数",
        "Row i, column j: how many times more important the row criterion is (1–9, or fractions like 1/3); fill the upper triangle, the lower one is the reciprocal",
    ),
    "ui.rules.ahp_result": ("一致性比率 CR = {cr:.3f}（{verdict}）", "consistency ratio CR = {cr:.3f} ({verdict})"),
    "ui.rules.ahp_ok": ("≤ 0.1，可以接受", "≤ 0.1, acceptable"),
    "ui.rules.ahp_bad": ("> 0.1，判断不一致，请调整", "> 0.1, inconsistent: revise the judgements"),
    "ui.rules.ahp_use": ("采用 AHP 权重", "Use the AHP weights"),
    "ui.rules.require": ("必须为“是”的标志", "Flags that must be 是"),
    "ui.rules.exclude_debt": ("排除的隐性债务风险等级", "Hidden-debt levels excluded"),
    "ui.rules.exclude_upgraded": ("排除已列入百村提升的村", "Exclude villages already upgraded"),
    "ui.rules.count": ("遴选数量（下限—上限）", "Number selected (min–max)"),
    "ui.rules.budget": ("预算（万元）", "Budget (万元)"),
    "ui.rules.must_include": ("必选村（村庄代码，逗号或换行分隔）", "Must include (village ids, comma or newline separated)"),
    "ui.rules.must_exclude": ("必须排除的村（村庄代码）", "Must exclude (village ids)"),
    "ui.choose": ("请选择", "Choose"),
    "ui.rules.name": ("情景名称", "Scenario name"),
    "ui.rules.tab.weights": ("评分权重", "Weights"),
    "ui.rules.tab.eligibility": ("资格条件", "Eligibility"),
    "ui.rules.tab.selection": ("数量、预算与名额", "Count, budget, quotas"),
    "ui.rules.tab.belts": ("示范带", "Demonstration belts"),
    "ui.rules.tab.plan": ("多年度规划", "Multi-year plan"),
    "ui.rules.tab.solver": ("求解设置", "Solver"),
    "ui.rules.normalize": ("指标换算方式", "Normalisation"),
    "ui.rules.normalize.minmax": ("最小—最大换算到 0–1", "min–max to 0–1"),
    "ui.rules.normalize.zscore": ("标准分（z 分数）", "z-score"),
    "ui.rules.normalize.rank": ("按名次换算", "rank"),
    "ui.rules.normalize.none": ("不换算（原始分）", "none (raw values)"),
    "ui.rules.weights_other": (
        "本情景的权重由 AHP、熵权法或分层权重给出，可在情景文件中修改；也可改为直接给出权重后用滑块调整",
        "This scenario's weights come from AHP, entropy or a hierarchy (edit them in the scenario file), or switch to direct weights and use sliders",
    ),
    "ui.rules.weights_direct": ("改为直接给出权重（以当前计算结果为初值）", "Switch to direct weights (starting from the current ones)"),
    "ui.rules.bounds_help": (
        "指标门槛：每行一个指标，填下限和/或上限；可增删行",
        "Thresholds: one criterion per row with a minimum and/or maximum; add or delete rows",
    ),
    "ui.rules.every_year": (
        "已启用多年度规划：本页的数量、预算、名额与分组上下限每年都要满足",
        "A multi-year plan is on: the rules on this tab hold in every year",
    ),
    "ui.rules.none": ("不限", "no limit"),
    "ui.rules.quotas": ("**名额**（某类村至少/至多入选几个）", "**Quotas** (at least / at most so many villages of a kind)"),
    "ui.rules.groups": ("**分组上下限**（每个市州、县的入选数）", "**Group bounds** (villages per city or county)"),
    "ui.rules.groups_help": (
        "下限/上限为每组村数；份额倍数为按各组符合资格村数比例应得名额的倍数范围（如 0.5—1.5）",
        "min/max are villages per group; share bounds are multiples of the group's proportional share of eligible villages (e.g. 0.5–1.5)",
    ),
    "ui.rules.col.quota": ("标志", "flag"),
    "ui.rules.col.group": ("分组依据", "group by"),
    "ui.rules.col.bounds": ("指标", "criterion"),
    "ui.rules.col.min": ("下限", "min"),
    "ui.rules.col.max": ("上限", "max"),
    "ui.rules.col.share_low": ("份额倍数下限", "share from"),
    "ui.rules.col.share_high": ("份额倍数上限", "share to"),
    "ui.rules.belts_help": (
        "以点串线、连线成片：入选村在半径内另有入选村时加分，权重越大越倾向成片（权重 0 即不考虑）",
        "Villages strung into belts: a selected village with another selected village within the radius earns the weight; 0 ignores belts",
    ),
    "ui.rules.belts_on": ("考虑示范带", "Reward demonstration belts"),
    "ui.rules.radius": ("相邻半径（公里）", "Neighbour radius (km)"),
    "ui.rules.belt_weight": ("成片加分（与评分同单位）", "Belt reward (in score units)"),
    "ui.rules.plan_help": (
        "把每个村排入规划期内的某一年（或不排入）；“数量、预算与名额”页的规则每年都要满足，下面的名额与分组对整个规划期合计生效",
        "Assign each village to one year of the plan (or none); the rules of the count/budget tab hold every year, the ones below over the whole plan",
    ),
    "ui.rules.plan_on": ("编制多年度规划", "Build a multi-year plan"),
    "ui.rules.plan_first": ("起始年份", "First year"),
    "ui.rules.plan_last": ("结束年份", "Last year"),
    "ui.rules.discount": ("逐年折算率（越早入选分量越重）", "Yearly discount (earlier counts more)"),
    "ui.rules.total_min": ("规划期合计下限", "Whole plan: at least"),
    "ui.rules.total_max": ("规划期合计上限", "Whole plan: at most"),
    "ui.rules.per_year_min": ("每年数量下限", "Per year: at least"),
    "ui.rules.per_year_max": ("每年数量上限", "Per year: at most"),
    "ui.rules.as_selection": ("同“数量、预算与名额”页", "as on the count/budget tab"),
    "ui.rules.plan_budget": ("每年预算（万元；一个数或按年逗号分隔）", "Budget per year (万元; one number or one per year)"),
    "ui.rules.funding": ("资金拨付比例（入选当年、次年…，合计 1）", "Funding profile (first year, second year …, sums to 1)"),
    "ui.rules.locked": ("已定年份（其村取自村庄库“百村提升年度”列）", "Years already decided (villages from the baicun_year column)"),
    "ui.rules.plan_gap_hint": (
        "多年度规划近似等价的方案极多，五年规划证明最优约需一分钟；如需数秒内出结果，请在“求解设置”中把相对差距设为 0.0001（结果会注明差距）",
        "A multi-year plan has very many near-equal solutions; proving a five-year plan optimal takes about a minute. For a plan in seconds set the relative gap to 0.0001 on the Solver tab (the gap is reported)",
    ),
    "ui.rules.plan_quotas": ("**规划期合计的名额与分组**", "**Quotas and group bounds over the whole plan**"),
    "ui.rules.backend": ("求解器", "Solver"),
    "ui.rules.time_limit": ("时间上限（秒）", "Time limit (s)"),
    "ui.rules.mip_gap": ("允许的相对差距（0 = 证明最优）", "Relative gap allowed (0 = prove optimal)"),
    "ui.rules.solver_help": (
        "相对差距为 0 时求解器证明所得名单最优；多年度规划可设 0.0001 以在数秒内得到可行方案并报告差距",
        "At gap 0 the solver proves the shortlist optimal; for a multi-year plan 0.0001 gives a plan in seconds with its gap reported",
    ),
    "ui.rules.toml": ("情景文件（TOML）", "Scenario file (TOML)"),
    "ui.rules.upload": ("上传情景文件", "Upload a scenario"),
    "ui.rules.download": ("下载当前情景", "Download this scenario"),
    "ui.rules.loaded": ("已载入情景「{name}」", "Loaded scenario '{name}'"),
    "ui.rules.invalid": ("情景有问题，求解前请先修改：", "The scenario has problems; fix them before solving:"),
    "ui.rules.valid": ("情景有效：{eligible} 个村符合资格", "Scenario valid: {eligible} villages eligible"),
    "ui.results.solve": ("求解", "Solve"),
    "ui.results.solving": ("正在求解……", "Solving…"),
    "ui.results.none_yet": ("按“求解”按钮得到名单", "Press Solve to get the shortlist"),
    "ui.results.infeasible": ("没有满足全部规则的名单。", "No shortlist satisfies every rule."),
    "ui.results.shortlist": ("入选名单", "Shortlist"),
    "ui.results.map": ("地图", "Map"),
    "ui.results.distribution": ("分布与上下限", "Distribution and bounds"),
    "ui.results.rules": ("规则达成", "Rules met"),
    "ui.results.prices": ("各规则的代价", "Price of each rule"),
    "ui.results.prices_button": ("计算各规则的代价（逐条去掉重解）", "Compute the price of each rule (one re-solve each)"),
    "ui.results.explain": ("单村解释", "Explain a village"),
    "ui.results.explain_pick": ("选择村庄（代码 村名）", "Pick a village (id name)"),
    "ui.results.download": ("下载结果 Excel", "Download the Excel workbook"),
    "ui.results.year_legend": ("{year} 年入选", "selected for {year}"),
    "ui.results.selected_legend": ("入选", "selected"),
    "ui.results.left_legend": ("未入选", "not selected"),
    "ui.results.budget_gauge": ("预算使用 {used:,.0f} / {budget:,.0f} 万元", "Budget used {used:,.0f} / {budget:,.0f} 万元"),
    "ui.results.quota_gauge": ("{name}：{actual} 个（下限 {low}）", "{name}: {actual} (minimum {low})"),
    "ui.results.by": ("分组", "Group by"),
    "ui.results.extra": ("其他结果表", "More tables"),
    "ui.compare.pick": ("选择要对比的运行记录（第一个为基准）", "Pick stored runs to compare (the first is the reference)"),
    "ui.compare.need_two": (
        "至少需要两次求解记录：在“结果”页改变规则后多求解几次",
        "Needs at least two runs: solve again on the Results page after changing rules",
    ),
    "ui.compare.overview": ("概览", "Overview"),
    "ui.compare.changes": ("进出名单的村及原因", "Villages entering and leaving, and why"),
    "ui.compare.figure": ("各市(州)入选数差异", "Difference per city"),
    "ui.robust.samples": ("抽样次数", "Samples"),
    "ui.robust.spread": ("权重扰动集中度（越大扰动越小）", "Concentration (larger = smaller perturbation)"),
    "ui.robust.run": ("开始稳健性分析", "Run the robustness study"),
    "ui.robust.progress": ("已完成 {done} / {total} 次抽样", "{done} / {total} samples done"),
    "ui.robust.need_result": ("请先在“结果”页求解", "Solve on the Results page first"),
    "ui.robust.frequency": ("各村入选频率", "Selection frequency per village"),
    "ui.county.pick": ("选择县(市、区)", "Choose a county"),
    "ui.county.cutoff": ("全省入选分数线 {cutoff}", "provincial cut-off {cutoff}"),
    "ui.county.table": ("本县村庄：资格、得分、排名、离分数线的距离", "This county's villages: eligibility, score, rank, distance to the cut-off"),
    "sheet.belts": ("示范带", "belts"),
    "sheet.plan_summary": ("规划汇总(年度×市州)", "plan by year and city"),
    "sheet.plan_year": ("{year}年名单", "{year} shortlist"),
    "word.total": ("合计", "total"),
    "plan.spending": ("当年拨付资金(万元)", "spending that year (万元)"),
    "plan.budget": ("当年资金上限(万元)", "budget that year (万元)"),
    "plan.year_column": ("{year}年", "{year}"),
    "col.year": ("入选年度", "year"),
    "col.belt": ("示范带编号", "belt"),
    "col.size": ("村数", "villages"),
    "col.counties": ("涉及县(市、区)", "counties"),
    "col.cities": ("涉及市(州)", "cities"),
    "col.village_names": ("村庄", "villages"),
    "col.village_ids": ("村庄代码", "village ids"),
    "col.years": ("入选年度", "years"),
    "preview.foreign_row": (
        "这一行不属于「{county}」：本县申报文件只能包含本县的村",
        "this row is not in '{county}': a county's application may hold only its own villages",
    ),
    "preview.missing_columns": ("申报文件缺少村庄库中的列：{columns}", "the application lacks pool columns: {columns}"),
    "preview.unknown_county": ("村庄库中没有「{value}」", "no county '{value}' in the pool"),
    "preview.title": ("【{county}】县级预审（{scenario}）", "[{county}] county preview ({scenario})"),
    "preview.summary": (
        "本县 {villages} 个村，{eligible} 个符合条件，{selected} 个入选；全省符合条件 {province_eligible} 个，入选 {province_selected} 个",
        "{villages} villages in the county, {eligible} eligible, {selected} selected; province: {province_eligible} eligible, {province_selected} selected",
    ),
    "preview.nearest": (
        "距入选线最近的落选村是「{village}」（{village_id}，综合得分 {score}），再提高 {gap} 分即可入选",
        "the county's left-out village closest to the cut-off is '{village}' ({village_id}, score {score}): {gap} more brings it in",
    ),
    "preview.distance_note": (
        "「与入选线之差」为精确值：正数表示入选村还能降低多少分仍入选，负数表示落选村至少需提高多少分才能入选；「至少需提高」是其余落选村所需提分的下界（线性松弛证明）；都为空白表示得分变化无法改变结果",
        "'distance' is exact: positive = how much a selected village could lose and stay in; negative = how much a left-out village must gain. 'needs at least' is a proven lower bound for the other left-out villages (LP relaxation); both blank = no score change would move it",
    ),
    "col.at_least": ("至少需提高（下界）", "needs at least (bound)"),
    "col.distance": ("与入选线之差", "distance to the cut-off"),
    "explain.header": (
        "村庄 {village_id}「{village}」（{township}，{county}，{city}）",
        "Village {village_id} '{village}' ({township}, {county}, {city})",
    ),
    "explain.ineligible": ("资格：不符合 —— {reasons}", "eligibility: not eligible — {reasons}"),
    "explain.eligible": ("资格：符合", "eligibility: eligible"),
    "explain.score": ("综合得分 {score}，在 {eligible} 个符合资格的村中排第 {rank} 名", "score {score}, rank {rank} of {eligible} eligible villages"),
    "explain.contributions": ("各项贡献：{parts}", "contributions: {parts}"),
    "explain.in": ("结果：入选。入选线（入选村中的最低得分）为 {cutoff}", "result: selected. The cut-off (lowest selected score) is {cutoff}"),
    "explain.out": ("结果：落选。入选线（入选村中的最低得分）为 {cutoff}", "result: not selected. The cut-off (lowest selected score) is {cutoff}"),
    "explain.below": ("  · 得分低于入选线 {gap} 分", "  · its score is {gap} below the cut-off"),
    "explain.group_full": (
        "  · 所在{by}「{value}」已满（上限 {high} 个），占位的村：{holders}",
        "  · {by} '{value}' is full (max {high}); held by: {holders}",
    ),
    "explain.displaced": ("  · 若强制入选，需换下：{villages}", "  · forcing it in would push out: {villages}"),
    "explain.needed": (
        "最小提分：综合得分提高 {delta} 以上即可入选（恰好相等时按村庄代码决定）",
        "smallest rise: a score increase above {delta} brings it in (at exactly {delta} the village_id tie-break decides)",
    ),
    "explain.needed_criterion": ("  · 相当于其他不变，单独把「{criterion}」提高 {amount}", "  · i.e. raising '{criterion}' alone by {amount}"),
    "explain.blocked": ("无论得分多高都无法入选：受「{rule}」限制", "it cannot be selected at any score: '{rule}' prevents it"),
    "explain.replacement": (
        "替代重要性：若该村退出，总分减少 {loss}，由 {villages} 替补",
        "replacement importance: without it the total drops by {loss}; replaced by {villages}",
    ),
    "explain.irreplaceable": ("不可替代：没有它，「{rule}」无法满足", "irreplaceable: without it '{rule}' cannot be met"),
    "explain.unknown_village": ("村庄库中没有村庄代码「{value}」", "no village with id '{value}' in the pool"),
    "run.invalid": ("运行记录 {id} 无法使用：", "Run {id} cannot be used:"),
    "run.pool_missing": ("找不到该运行所用的村庄库文件 {value}", "the run's pool file {value} is gone"),
    "run.pool_changed": (
        "村庄库文件 {value} 已变化（保存时指纹 {stored}…，现在 {now}…），无法按原数据重现",
        "the pool file {value} has changed (fingerprint {stored}… then, {now}… now)",
    ),
    "run.unknown": ("没有编号为 {value} 的运行记录", "no run with id {value}"),
    "run.saved": ("已保存为运行记录 {id}（数据库 {db}）", "saved as run {id} ({db})"),
    "run.identical": (
        "运行 {id} 重现成功：名单与保存时完全相同（{count} 个村）",
        "run {id} reproduced: the shortlist is identical ({count} villages)",
    ),
    "run.different": ("运行 {id} 重现结果不同：新增 {entering}，减少 {leaving}", "run {id} differs when re-run: +{entering}, −{leaving}"),
    "run.none": ("还没有运行记录", "no runs yet"),
    "cmp.infeasible": ("情景 {value} 无解，无法对比：", "scenario {value} is infeasible and cannot be compared:"),
    "cmp.item": ("情景/运行", "item"),
    "cmp.direction": ("变化", "change"),
    "cmp.enter": ("新入选", "enters"),
    "cmp.leave": ("不再入选", "leaves"),
    "cmp.village_id": ("村庄代码", "village_id"),
    "cmp.village": ("村名", "village"),
    "cmp.county": ("县(市、区)", "county"),
    "cmp.city": ("市(州)", "city"),
    "cmp.score_a": ("在「{a}」中的得分", "score in '{a}'"),
    "cmp.score_b": ("在本情景中的得分", "score here"),
    "cmp.reason_b": ("在本情景中的理由", "reason here"),
    "cmp.difference": ("{name} − {a}", "{name} − {a}"),
    "cmp.common": ("与「{a}」共同入选", "in common with '{a}'"),
    "cmp.jaccard": ("与「{a}」的 Jaccard 重合度", "Jaccard overlap with '{a}'"),
    "cmp.figure_title": ("各市(州)入选数相对「{a}」的变化", "Change in villages selected per city against '{a}'"),
    "cmp.figure_axis": ("入选数变化", "change in villages selected"),
    "cmp.sheet_overview": ("总览", "overview"),
    "cmp.sheet_rules": ("规则达成对比", "rules"),
    "cmp.sheet_changes": ("入选变化", "changes"),
    "cmp.sheet_city": ("按市(州)对比", "by city"),
    "cmp.sheet_county": ("按县(市、区)对比", "by county"),
    "cmp.sheet_overlap": ("重合度", "overlap"),
    "cmp.title": ("情景对比（以「{a}」为基准）", "Comparison (reference: '{a}')"),
    "robust.progress": ("扰动权重求解中", "solving perturbed weights"),
    "robust.title": ("权重稳健性分析", "weight robustness"),
    "robust.marginal_title": (
        "边缘村（入选频率 5%–95%，共 {count} 个；按频率排列，显示前 30 个）",
        "Marginal villages (selected in 5–95% of samples; {count}; first 30)",
    ),
    "robust.stable_in": ("稳定入选（≥95%）", "stable in (≥ 95%)"),
    "robust.marginal": ("边缘（5%–95%）", "marginal (5–95%)"),
    "robust.stable_out": ("稳定落选（≤5%）", "stable out (≤ 5%)"),
    "robust.ineligible": ("不符合资格", "ineligible"),
    "robust.frequency": ("入选频率", "selection frequency"),
    "robust.class": ("稳健性分类", "class"),
    "robust.base": ("基准方案入选", "in the base shortlist"),
    "robust.jaccard": ("与基准名单的 Jaccard 重合度（平均，最小–最大）", "Jaccard overlap with the base shortlist (mean, min–max)"),
    "robust.spearman": ("得分排序与基准的 Spearman 相关（平均，最小–最大）", "Spearman correlation of scores with the base (mean, min–max)"),
    "robust.settings": ("设置", "settings"),
    "robust.settings_value": (
        "{samples} 个样本，{method}（{spread}），种子 {seed}，{workers} 个进程，用时 {seconds} 秒",
        "{samples} samples, {method} ({spread}), seed {seed}, {workers} processes, {seconds} s",
    ),
    "robust.weights": ("样本权重", "sample weights"),
    "score.title": (
        "符合资格村综合得分前 {top} 名（共 {eligible} 个符合资格，村庄库 {total} 个）",
        "Top {top} eligible villages by score ({eligible} eligible of {total})",
    ),
    "score.reasons_title": ("不符合资格的 {count} 个村，按原因统计", "The {count} ineligible villages by reason"),
    "score.col_rule": ("资格规则", "rule"),
    "score.col_first": ("首要原因村数", "first reason"),
    "score.col_all": ("涉及村数", "villages failing it"),
    "score.total_ineligible": ("合计（不符合资格）", "total ineligible"),
    "generate.done": ("已生成示例村庄库（合成数据）：{villages} 个村，写入 {files}", "Synthetic sample pool written: {villages} villages to {files}"),
}
