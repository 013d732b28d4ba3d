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


def t(code: str, lang: str | None = None, **params) -> str:
    """The message ``code`` in ``lang``, formatted with ``params`` (missing params render as blanks)."""
    zh, en = MESSAGES[code]
    template = en if (lang or _state["lang"]) == "en" else zh
    return template.format_map(_Blank(params))


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
    "generate.done": ("已生成示例村庄库（合成数据）：{villages} 个村，写入 {files}",
                      "Synthetic sample pool written: {villages} villages to {files}"),
}
