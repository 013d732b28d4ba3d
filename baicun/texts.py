"""Every sentence a user reads, in Chinese (default) and English, kept in one place.

Codes are grouped by stage (``pool.*``, ``scenario.*``, ``reason.*``, ``solve.*`` ...). ``t(code, lang, **params)``
formats one; the language defaults to ``BAICUN_LANG`` (``zh`` or ``en``) or whatever ``set_language`` chose.
"""

from __future__ import annotations

import os

LANGUAGES = ("zh", "en")
_state = {"lang": os.environ.get("BAICUN_LANG", "zh") if os.environ.get("BAICUN_LANG") in LANGUAGES else "zh"}


def set_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    _state["lang"] = lang


def current_language() -> str:
    return _state["lang"]


class Msg(str):
    """A parameter that is itself a message code, translated when the enclosing message is rendered."""


def t(code: str, lang: str | None = None, **params) -> str:
    """The message ``code`` in ``lang``, formatted with ``params`` (missing params render as blanks).

    A ``Msg`` parameter is translated too; a non-empty ``suggestion`` parameter appends "did you mean …?".
    """
    lang = lang or _state["lang"]
    zh, en = MESSAGES[code]
    values = {k: t(v, lang) if isinstance(v, Msg) else v for k, v in params.items()}
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
    "where.sep": ("，", ", "),
    "where.line": ("{where}：{message}", "{where}: {message}"),
    "report.more": ("……另有 {count} 个问题未列出（用 --report 文件 导出全部）",
                    "... {count} more problems not shown (use --report FILE to export all)"),
    # --- reading a pool -----------------------------------------------------------------------------------
    "pool.invalid": ("村庄库文件「{file}」有 {count} 个问题，未被使用：",
                     "The pool file '{file}' has {count} problems and was not used:"),
    "pool.not_found": ("找不到文件「{file}」", "file '{file}' not found"),
    "pool.bad_suffix": ("不支持的文件类型「{suffix}」：请另存为 .xlsx 或 .csv",
                        "unsupported file type '{suffix}': save it as .xlsx or .csv"),
    "pool.xls_legacy": ("这是旧版 Excel（.xls）文件：请在 Excel/WPS 中另存为 .xlsx",
                        "this is a legacy Excel (.xls) file: save it as .xlsx in Excel/WPS"),
    "pool.unreadable_xlsx": ("无法作为 Excel 工作簿打开（{detail}）：文件可能已损坏或并非 .xlsx",
                             "cannot be opened as an Excel workbook ({detail}): the file may be damaged or not .xlsx"),
    "pool.empty_file": ("文件是空的", "the file is empty"),
    "pool.encoding_unknown": ("无法识别文件编码（已依次尝试 UTF-8、GB18030 和自动检测）：请用 --encoding 指定，例如 --encoding gbk",
                              "cannot tell the file's encoding (tried UTF-8, GB18030 and detection): give it with --encoding, e.g. --encoding gbk"),
    "pool.encoding_failed": ("按指定编码 {encoding} 无法读取：{detail}", "cannot be read as {encoding}: {detail}"),
    "pool.csv_unparsable": ("CSV 格式有误，无法解析：{detail}", "malformed CSV: {detail}"),
    "pool.no_sheet": ("没有名为「{sheet}」的工作表；已有工作表：{sheets}", "no sheet named '{sheet}'; sheets: {sheets}"),
    "pool.header_elsewhere": ("这一行不是表头；表头似乎在第 {found} 行（上方可能有标题行）：请删除上方的行，或用 --header-row {found} 指定",
                              "this row is not the header; the header seems to be on row {found} (a title row above it?): delete the rows above it or pass --header-row {found}"),
    "pool.header_other_sheet": ("工作表「{sheet}」里没有表头；数据似乎在工作表「{found}」：请把它移到第一个，或用 --sheet {found} 指定",
                                "sheet '{sheet}' has no header; the data seems to be on sheet '{found}': move it first or pass --sheet {found}"),
    "pool.no_header": ("找不到表头：第一行应是列名，例如「村庄代码」「村名」「县(市、区)」",
                       "no header found: the first row must hold column names such as 村庄代码 / village_id"),
    "pool.missing_column": ("缺少必填列「{header}」（英文 {key}）", "required column '{header}' ({key}) is missing"),
    "pool.duplicate_column": ("列名重复：「{header}」出现了不止一次", "column '{header}' appears more than once"),
    "pool.no_rows": ("只有表头，没有数据行", "the file has a header but no data rows"),
    "pool.blank_row": ("空行：请删除空行，或补全这一行", "blank row: delete it or fill it in"),
    "pool.blank_required": ("不能为空", "must not be blank"),
    "pool.duplicate_id": ("村庄代码「{value}」重复（同一代码出现在第 {rows} 行）",
                          "village id '{value}' is duplicated (rows {rows})"),
    "pool.id_scientific": ("村庄代码「{value}」被 Excel 存成了科学计数法数字，末几位已经丢失：请把该列设为「文本」格式后重新填入代码",
                           "village id '{value}' was turned into a number in scientific notation by Excel and lost digits: format the column as text and re-enter the codes"),
    "pool.id_numeric": ("村庄代码「{value}」存成了数字（前导 0 会丢失）：请把该列设为「文本」格式后重新填入",
                        "village id '{value}' is stored as a number (leading zeros are lost): format the column as text and re-enter it"),
    "pool.not_number": ("「{value}」不是数字", "'{value}' is not a number"),
    "pool.not_integer": ("「{value}」不是整数", "'{value}' is not a whole number"),
    "pool.out_of_range": ("{value} 超出允许范围 {low}–{high}", "{value} is outside the allowed range {low}–{high}"),
    "pool.negative": ("{value} 不能为负数", "{value} must not be negative"),
    "pool.not_positive": ("{value} 必须大于 0", "{value} must be greater than 0"),
    "pool.bad_flag": ("「{value}」不是可识别的是/否取值（可用：是/否、Y/N、yes/no、true/false、1/0、√/×，空白为否）",
                      "'{value}' is not a yes/no value (use 是/否, Y/N, yes/no, true/false, 1/0, √/×; blank means no)"),
    "pool.bad_level": ("「{value}」不是可识别的风险等级（可用：无、低、中、高，或 0–3）",
                       "'{value}' is not a risk level (use 无, 低, 中, 高 or 0–3)"),
    "pool.bad_year": ("年份「{value}」不合理：应在 {low}–{high} 之间", "year '{value}' is implausible: expected {low}–{high}"),
    "pool.future_year": ("年份 {value} 在未来（今年是 {this_year} 年）", "year {value} is in the future (this year is {this_year})"),
    "pool.coord_outside": ("{value} 超出{region}的合理范围 {low}–{high}", "{value} is outside the plausible range {low}–{high} for {region}"),
    "pool.notice_encoding": ("按自动检测的编码 {encoding} 读取", "read with the detected encoding {encoding}"),
    "pool.notice_cost_default": ("文件中没有「计划投资(万元)」列：每个村按 1000 万元计", "no cost column: every village counts 1000 (万元)"),
    # --- pool summary -------------------------------------------------------------------------------------
    "summary.title": ("村庄库「{file}」通过校验", "Pool '{file}' is valid"),
    "summary.sample": ("【示例数据】本村庄库为合成的示例数据，不是真实村庄", "[示例数据 / sample data] this pool is synthetic, not real villages"),
    "summary.totals": ("共 {villages} 个村，分布在 {cities} 个市(州)、{counties} 个县(市、区)；千村示范创建村 {qiancun} 个",
                       "{villages} villages in {cities} cities and {counties} counties; {qiancun} in the 千村 demonstration pool"),
    "summary.batch": ("  {year} 年批次：{count} 个，其中重点边境村 {border} 个、脱贫村 {poverty} 个",
                      "  {year} batch: {count}, of which {border} key border and {poverty} poverty-alleviated villages"),
    "summary.upgraded": ("已列入百村提升的村：{count} 个", "villages already chosen for 百村提升: {count}"),
    "summary.extra": ("其他列（可用作评分、标志或分组）：{columns}", "extra columns (usable as criteria, flags or groups): {columns}"),
    "summary.city_header": ("市(州)", "city"),
    "summary.col_villages": ("村数", "villages"),
    "summary.col_qiancun": ("千村", "千村 pool"),
    "summary.col_border": ("边境村(千村)", "border (千村)"),
    "summary.col_poverty": ("脱贫村(千村)", "poverty-alleviated (千村)"),
    "pool.blank_header": ("这一列没有列名却有数据：请补上列名或删除该列", "this column has data but no header: name it or delete it"),
    "region.invalid": ("坐标范围设置有误", "invalid coordinate region"),
    "region.unknown": ("「{value}」既不是已知区域（{names}），也不是“经度下限,经度上限,纬度下限,纬度上限”",
                       "'{value}' is neither a known region ({names}) nor 'lon_min,lon_max,lat_min,lat_max'"),
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
    "scenario.one_weighting": ("[scoring] 中 weights、ahp、entropy、dimensions 必须且只能给出一种（现在：{given}）",
                               "[scoring] needs exactly one of weights, ahp, entropy, dimensions (given: {given})"),
    "scenario.quota_empty": ("名额「{flag}」既没有 min 也没有 max", "quota '{flag}' has neither min nor max"),
    "scenario.group_empty": ("分组「{by}」没有 min、max 或 share", "group '{by}' has no min, max or share"),
    "scenario.min_above_max": ("下限 {low} 大于上限 {high}", "lower bound {low} exceeds upper bound {high}"),
    "scenario.must_both": ("村庄 {ids} 同时出现在 must_include 和 must_exclude 中", "villages {ids} are in both must_include and must_exclude"),
    "scenario.not_supported": ("[{table}] 暂不支持：本版本尚未提供这一功能，请先删除该表", "[{table}] is not supported yet in this version: remove the table"),
    "scenario.unknown_column": ("村庄库中没有「{value}」列", "the pool has no column '{value}'"),
    "scenario.column_absent": ("村庄库文件中没有「{header}」列（{value}），但情景要用到它", "the pool file has no '{header}' column ({value}), which the scenario uses"),
    "scenario.wrong_kind": ("「{value}」列是{kind}，不能用作{use}", "column '{value}' is {kind}; it cannot be used as {use}"),
    "scenario.bad_exclude_value": ("「{value}」不是该列可能的取值", "'{value}' is not a possible value of this column"),
    "scenario.cost_not_weighted": ("「{value}」列在 cost_criteria 中，但没有权重", "'{value}' is in cost_criteria but has no weight"),
    "scenario.unknown_village": ("村庄库中没有村庄代码「{value}」", "no village with id '{value}' in the pool"),
    "scenario.ahp_shape": ("判断矩阵应为 {n}×{n}（与 criteria 数量一致）", "the judgement matrix must be {n}×{n} (one row per criterion)"),
    "scenario.ahp_entry": ("判断矩阵第 {i} 行第 {j} 列应为正数且与对称位置互为倒数（现在 {a} 与 {b}）",
                           "matrix entry ({i}, {j}) must be positive and the reciprocal of its mirror (now {a} and {b})"),
    "scenario.blank_criterion": ("符合资格的村「{village}」的评分指标「{value}」为空：请补全，或用资格规则排除空白",
                                 "eligible village '{village}' has a blank criterion '{value}': fill it in or exclude blanks by an eligibility rule"),
    "scenario.no_pool": ("情景没有指定村庄库：在情景中写 pool = \"文件\"，或用 --pool 文件", "the scenario names no pool: set pool = \"FILE\" or pass --pool FILE"),
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
    "notice.ahp_ok": ("AHP 判断矩阵一致性比例 CR = {cr}（≤ {limit}，可接受；λmax = {lambda_max}）",
                      "AHP consistency ratio CR = {cr} (≤ {limit}, acceptable; λmax = {lambda_max})"),
    "notice.ahp_inconsistent": ("警告：AHP 判断矩阵一致性比例 CR = {cr}，超过 {limit}，判断前后矛盾，建议调整两两比较",
                                "Warning: AHP consistency ratio CR = {cr} exceeds {limit}: the judgements contradict each other; revise them"),
    "notice.entropy": ("熵权法：权重由 {villages} 个符合资格村的数据离散程度算出", "entropy weights computed from the spread of {villages} eligible villages"),
    # --- score / shortlist tables ----------------------------------------------------------------------------
    "col.rank": ("排名", "rank"),
    "col.village_id": ("村庄代码", "village_id"),
    "col.village": ("村名", "village"),
    "col.county": ("县(市、区)", "county"),
    "col.city": ("市(州)", "city"),
    "col.score": ("综合得分", "score"),
    "score.title": ("符合资格村综合得分前 {top} 名（共 {eligible} 个符合资格，村庄库 {total} 个）",
                    "Top {top} eligible villages by score ({eligible} eligible of {total})"),
    "score.reasons_title": ("不符合资格的 {count} 个村，按原因统计", "The {count} ineligible villages by reason"),
    "score.col_rule": ("资格规则", "rule"),
    "score.col_first": ("首要原因村数", "first reason"),
    "score.col_all": ("涉及村数", "villages failing it"),
    "score.total_ineligible": ("合计（不符合资格）", "total ineligible"),
    "generate.done": ("已生成示例村庄库（合成数据）：{villages} 个村，写入 {files}",
                      "Synthetic sample pool written: {villages} villages to {files}"),
}
