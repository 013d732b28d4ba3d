"""Writes the reading corpus ``tests/data/corpus/``: one small file for every kind of input that Excel, WPS or
another program produces and that a careless reader gets wrong (issues 16 and 21). Each file's exact report or
result is in ``corpus/expected.json``, checked by ``tests/test_corpus.py``.

Run ``python -m tests.data.make_corpus`` after changing a case; it rewrites every file (the xlsx files are made
with openpyxl and then edited at the XML level where a writer's quirk must be imitated).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from pool.generate import generate_pool, to_file_frame

HERE = Path(__file__).resolve().parent / "corpus"
REQUIRED = ["村庄代码", "村名", "乡镇", "县(市、区)", "市(州)", "重点边境村", "脱贫村", "产业基础", "带头人", "隐性债务风险"]


def base(n: int = 40) -> pd.DataFrame:
    """n villages of the sample generator as text cells, sorted by county so that groups sit together."""
    frame = to_file_frame(generate_pool(villages=400, seed=7)).astype(str).replace({"nan": ""})
    return frame.sort_values(["县(市、区)", "乡镇", "村庄代码"]).head(n).reset_index(drop=True)


def write_xlsx(frame: pd.DataFrame, path: Path, edit=None) -> None:
    """A plain workbook with text cells (numbers where the cell holds a number), then ``edit(sheet)``."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "村庄库"
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([_typed(c, v) for c, v in zip(frame.columns, row)])
    if edit:
        edit(sheet, list(frame.columns))
    book.save(path)


def _typed(column: str, value: str):
    if column in ("产业基础", "带头人", "创建积极性", "基础条件", "配套投入", "目标成效", "实施路径", "计划投资(万元)", "经度", "纬度"):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def patch_sheet(path: Path, change) -> None:
    """Rewrite the first sheet's XML (a writer's quirk: a wrong <dimension>, a formula without <v> …)."""
    data = path.read_bytes()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(info, content)
    path.write_bytes(out.getvalue())


def col(columns: list[str], name: str) -> int:
    return columns.index(name) + 1


def main() -> None:
    HERE.mkdir(exist_ok=True)
    frame = base()

    # 1. declared sheet size: WPS/streaming writers declare a smaller <dimension> than the data
    for name, ref in (("dimension_small.xlsx", b"A1:AD21"), ("dimension_a1.xlsx", b"A1")):
        write_xlsx(frame, HERE / name)
        patch_sheet(HERE / name, lambda xml, ref=ref: re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="' + ref + b'"/>', xml))

    # 2. merged cells: place columns merged over their villages (filled down), a merged 是/否 cell (an error)
    def merge_places(sheet, columns):
        for name in ("县(市、区)", "市(州)"):
            c = col(columns, name)
            start = 2
            for row in range(3, len(frame) + 3):
                if row == len(frame) + 2 or sheet.cell(row, c).value != sheet.cell(start, c).value:
                    if row - 1 > start:
                        sheet.merge_cells(start_row=start, start_column=c, end_row=row - 1, end_column=c)
                    start = row

    write_xlsx(frame, HERE / "merged_places.xlsx", merge_places)
    flagged = frame.assign(九有六无验收="是")
    write_xlsx(flagged, HERE / "merged_flag.xlsx", lambda s, c: s.merge_cells(start_row=2, start_column=col(c, "九有六无验收"), end_row=5, end_column=col(c, "九有六无验收")))

    # 3. a formula without a saved value (written by a program, never opened in Excel) in 计划投资
    def formulas(sheet, columns):
        c = col(columns, "计划投资(万元)")
        for row in (2, 3):
            sheet.cell(row, c).value = f"=G{row}+H{row}"

    write_xlsx(frame, HERE / "formula_no_value.xlsx", formulas)
    blank_cost = frame.copy()
    blank_cost.loc[[1, 4], "计划投资(万元)"] = ""
    blank_cost.to_csv(HERE / "blank_cost.csv", index=False, encoding="utf-8-sig")

    # 4. percent-formatted scores, and fractions typed into a 0–100 column
    def percent(sheet, columns):
        c = col(columns, "带头人")
        for row in (2, 3, 4):
            sheet.cell(row, c).value = 0.662
            sheet.cell(row, c).number_format = "0.0%"

    write_xlsx(frame, HERE / "percent_score.xlsx", percent)
    fraction = frame.copy()
    fraction.loc[0, "带头人"], fraction.loc[1, "带头人"] = "0.767", "66.2%"
    fraction.to_csv(HERE / "fraction_score.csv", index=False, encoding="utf-8-sig")

    # 5. Excel error values (a failed VLOOKUP in 县, #REF! in a score)
    def errors(sheet, columns):
        sheet.cell(3, col(columns, "县(市、区)")).value = "#N/A"
        sheet.cell(6, col(columns, "产业基础")).value = "#REF!"

    write_xlsx(frame, HERE / "excel_errors.xlsx", errors)

    # what a user cannot see on screen: hidden (or filtered-out) rows and a hidden column are read, with a notice
    def hide(sheet, columns):
        sheet.row_dimensions[5].hidden = True
        sheet.row_dimensions[9].hidden = True
        sheet.column_dimensions["F"].hidden = True

    write_xlsx(frame, HERE / "hidden_rows.xlsx", hide)

    # 6. invisible characters: a county name, a flag and a header followed by U+200B
    invisible = frame.copy()
    invisible.loc[[2, 5], "县(市、区)"] = invisible.loc[[2, 5], "县(市、区)"] + "\u200b"
    invisible.loc[3, "脱贫村"] = "是\u200b"
    invisible = invisible.rename(columns={"带头人": "带头人\u200b"})
    invisible.to_csv(HERE / "invisible.csv", index=False, encoding="utf-8-sig")

    # 7. Excel's "Unicode 文本" (UTF-16 with BOM, tab-separated) and a GB18030 tab-separated .txt
    frame.to_csv(HERE / "unicode_text.txt", index=False, sep="\t", encoding="utf-16")
    frame.to_csv(HERE / "gb18030_tab.txt", index=False, sep="\t", encoding="gb18030")
    frame.to_csv(HERE / "semicolon.csv", index=False, sep=";", encoding="utf-8-sig")

    # 8. only the required columns
    frame[REQUIRED].to_csv(HERE / "required_only.csv", index=False, encoding="utf-8-sig")

    # 9. same name, different place: 朝阳区 of 长春市 (220104) and of 北京市 (110105), one of them misspelled code
    shared = frame[REQUIRED].head(6).copy()
    shared["县(市、区)"] = "朝阳区"
    shared["市(州)"] = ["长春市"] * 3 + ["北京市"] * 3
    shared["村庄代码"] = [f"220104100{201 + i}" for i in range(3)] + [f"110105001{201 + i}" for i in range(3)]
    shared.to_csv(HERE / "shared_names.csv", index=False, encoding="utf-8-sig")
    wrong = shared.copy()
    wrong.loc[4, "县(市、区)"] = "东城区"
    wrong.loc[5, "村庄代码"] = "11010500120"
    wrong.to_csv(HERE / "code_mismatch.csv", index=False, encoding="utf-8-sig")

    # issue 21: non-finite and absurd numbers in a criterion and in 计划投资
    numbers = frame.copy()
    numbers["冷链覆盖率"] = "0.5"
    numbers.loc[0, "冷链覆盖率"] = "inf"
    numbers.loc[1, "计划投资(万元)"] = "1e300"
    numbers.loc[2, "计划投资(万元)"] = "inf"
    numbers.loc[3, "产业基础"] = "-inf"
    numbers.loc[4, "户籍人口"] = "1e309"
    numbers.to_csv(HERE / "non_finite.csv", index=False, encoding="utf-8-sig")

    # issue 21: a small file claiming the whole sheet with one cell at the last row (used range A1:AD1048576)
    write_xlsx(frame.head(3), HERE / "claimed_whole_sheet.xlsx")
    patch_sheet(
        HERE / "claimed_whole_sheet.xlsx",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml).replace(
            b"</sheetData>", b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        ),
    )
    write_xlsx(frame.head(3), HERE / "long_cell.xlsx", lambda s, c: s.cell(2, col(c, "村名")).__setattr__("value", "村" * 40000))
    write_xlsx(frame.head(3), HERE / "wide_sheet.xlsx", lambda s, c: s.cell(2, 800).__setattr__("value", "x"))


if __name__ == "__main__":
    main()
