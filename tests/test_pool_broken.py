"""The broken-file corpus: each kind of bad pool is refused with the row and column a person would look at."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract.columns import CATALOGUE
from contract.errors import InputError
from pool.read import read_pool
from tests.conftest import file_text_frame

HEADER_ROW = 1


def first_data_row(i: int) -> int:
    """Excel row of the i-th village (0-based) below a header on row 1."""
    return HEADER_ROW + 1 + i


@pytest.fixture()
def text(small_frame) -> pd.DataFrame:
    return file_text_frame(small_frame.head(20))


def refused(path, **options) -> list[tuple]:
    with pytest.raises(InputError) as caught:
        read_pool(path, **options)
    return [(p.code, p.row, p.column) for p in caught.value.problems]


def save(frame: pd.DataFrame, path, encoding="utf-8-sig"):
    frame.to_csv(path, index=False, encoding=encoding)
    return path


def test_duplicate_ids(tmp_path, text):
    text.loc[4, "村庄代码"] = text.loc[2, "村庄代码"]
    assert refused(save(text, tmp_path / "f.csv")) == [
        ("pool.duplicate_id", first_data_row(2), "村庄代码"),
        ("pool.duplicate_id", first_data_row(4), "村庄代码"),
    ]


def test_missing_required_column(tmp_path, text):
    problems = refused(save(text.drop(columns=["带头人"]), tmp_path / "f.csv"))
    assert problems == [("pool.missing_column", 1, None)]


def test_score_out_of_range(tmp_path, text):
    text.loc[3, "产业基础"] = "120"
    assert refused(save(text, tmp_path / "f.csv")) == [("pool.out_of_range", first_data_row(3), "产业基础")]


def test_text_in_number_column(tmp_path, text):
    text.loc[6, "带头人"] = "优秀"
    assert refused(save(text, tmp_path / "f.csv")) == [("pool.not_number", first_data_row(6), "带头人")]


def test_unknown_flag_spelling(tmp_path, text):
    text.loc[0, "脱贫村"] = "也许"
    assert refused(save(text, tmp_path / "f.csv")) == [("pool.bad_flag", first_data_row(0), "脱贫村")]


def test_unknown_debt_level(tmp_path, text):
    text.loc[9, "隐性债务风险"] = "很高"
    assert refused(save(text, tmp_path / "f.csv")) == [("pool.bad_level", first_data_row(9), "隐性债务风险")]


def test_empty_file(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"")
    assert refused(path) == [("pool.empty_file", None, None)]


def test_header_only(tmp_path, text):
    assert refused(save(text.head(0), tmp_path / "f.csv")) == [("pool.no_rows", 1, None)]


def test_blank_rows_inside_the_table(tmp_path, text):
    path = save(text, tmp_path / "f.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines.insert(5, ",,,")  # becomes Excel row 6
    lines.append("")  # a trailing blank line is not data
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert refused(path) == [("pool.blank_row", 6, None)]


def test_title_row_above_the_header(tmp_path, text):
    path = save(text, tmp_path / "f.csv")
    path.write_text("XX县百村提升申报汇总表\n" + path.read_text(encoding="utf-8-sig"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_pool(path)
    problem = caught.value.problems[0]
    assert (problem.code, problem.row, problem.params["found"]) == ("pool.header_elsewhere", 1, 2)
    assert read_pool(path, header_row=2).size == 20


def test_ids_in_scientific_notation(tmp_path, text):
    text.loc[2, "村庄代码"] = "2.20102E+11"
    assert refused(save(text, tmp_path / "f.csv")) == [("pool.id_scientific", first_data_row(2), "村庄代码")]


def test_ids_stored_as_numbers_in_xlsx(tmp_path, small_frame):
    """The reason is true for the value: a 12-digit Jilin code (22…) has no leading zero to lose."""
    path = tmp_path / "f.xlsx"
    frame = file_text_frame(small_frame.head(5))
    frame["村庄代码"] = frame["村庄代码"].astype("int64")
    frame.loc[3, "村庄代码"] = 12345678  # a code that has lost its leading zeros
    frame.loc[4, "村庄代码"] = 2201021002010000123  # beyond Excel's 15 significant digits: read as 2.201021002010000e+18
    frame.to_excel(path, index=False)
    with pytest.raises(InputError) as caught:
        read_pool(path)
    problems = caught.value.problems
    codes = ["pool.id_numeric"] * 3 + ["pool.id_numeric_short", "pool.id_scientific"]
    assert [(p.code, p.row, p.column) for p in problems] == [(code, first_data_row(i), "村庄代码") for i, code in enumerate(codes)]
    assert "2.20102E+11" in problems[0].render("zh") and "前导" not in problems[0].render("zh") + problems[0].render("en")
    assert "leading zeros" not in problems[0].render("en") and "leading zeros" in problems[3].render("en")


def test_a_column_wide_fault_is_one_line_on_the_terminal_and_every_row_in_the_report(tmp_path, small_frame):
    """49 codes stored as numbers printed 49 identical lines (a full pool: 9,300)."""
    from typer.testing import CliRunner

    from baicun.cli import app
    from report.problems import problem_table

    path = tmp_path / "f.xlsx"
    frame = file_text_frame(small_frame.head(49))
    frame["村庄代码"] = frame["村庄代码"].astype("int64")
    frame.loc[7, "产业基础"] = "120"
    frame.to_excel(path, index=False)
    with pytest.raises(InputError) as caught:
        read_pool(path)
    error = caught.value
    assert len(error.problems) == 50 and len(problem_table(error.problems)) == 50
    for lang, said in (("zh", "「村庄代码」列：49 行有同类问题（第 2、3、4、5、6、7、8、9、10、11… 行"), ("en", "column '村庄代码': 49 rows")):
        lines = error.render(lang).splitlines()
        assert lines[0] == error.title(lang) and len(lines) == 3  # the title, the column's line, the score's own line
        assert said in lines[1] and "2.20102E+11" in lines[1] and "120" in lines[2]
    assert error.render("zh", limit=1).splitlines()[-1].strip() == "……另有 1 个问题未列出（用 --report 文件 导出全部）"
    report = tmp_path / "问题清单.csv"
    result = CliRunner().invoke(app, ["pool", "check", str(path), "--report", str(report)])
    assert result.exit_code == 2 and result.stderr.count("  - ") == 2
    assert len(pd.read_csv(report, encoding="utf-8-sig")) == 50


def test_coordinates_outside_the_province(tmp_path, text):
    text.loc[1, "经度"] = "116.4"  # Beijing
    text.loc[2, "纬度"] = "39.9"
    assert refused(save(text, tmp_path / "f.csv")) == [
        ("pool.coord_outside", first_data_row(1), "经度"),
        ("pool.coord_outside", first_data_row(2), "纬度"),
    ]
    assert read_pool(tmp_path / "f.csv", region="全国").size == 20


def test_future_year(tmp_path, text):
    text.loc[7, "千村创建年度"] = "2031"
    assert refused(save(text, tmp_path / "f.csv"), this_year=2026) == [("pool.future_year", first_data_row(7), "千村创建年度")]


def test_undecodable_encoding_asks_for_encoding(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(bytes(range(128, 256)) * 20 + b"\x00\x01\xff\xfe")
    assert refused(path) == [("pool.encoding_unknown", None, None)]


def test_wrong_encoding_given_explicitly(tmp_path, text):
    path = save(text, tmp_path / "f.csv", encoding="gb18030")
    assert refused(path, encoding="utf-8") == [("pool.encoding_failed", None, None)]
    with pytest.raises(InputError) as caught:
        read_pool(path, encoding="utf-8")
    assert "codec" not in caught.value.render("en") and "第 1、2、3" in caught.value.render("zh")  # rows, not Python's byte offset
    assert refused(path, encoding="gbkk") == [("pool.encoding_name", None, None)]


def test_xlsx_with_data_on_the_second_sheet(tmp_path, small_frame):
    path = tmp_path / "f.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"说明": ["封面"]}).to_excel(writer, sheet_name="封面", index=False)
        file_text_frame(small_frame.head(5)).to_excel(writer, sheet_name="数据", index=False)
    with pytest.raises(InputError) as caught:
        read_pool(path)
    assert caught.value.problems[0].code == "pool.header_other_sheet"
    assert caught.value.problems[0].params["found"] == "数据"
    assert read_pool(path, sheet="数据").size == 5


def test_legacy_xls(tmp_path):
    path = tmp_path / "f.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0junk")
    assert refused(path) == [("pool.xls_legacy", None, None)]


def test_duplicate_column(tmp_path, text):
    text.insert(3, "village", text["村名"])
    text.loc[6, "带头人"] = "优秀"  # a repeated header does not hide the other problems
    assert refused(save(text, tmp_path / "f.csv")) == [("pool.duplicate_column", 1, "village"), ("pool.not_number", first_data_row(6), "带头人")]


def test_negative_population_and_zero_cost(tmp_path, text):
    text.loc[0, "户籍人口"] = "-5"
    text.loc[1, "计划投资(万元)"] = "0"
    text.loc[2, "户籍人口"] = "12.5"
    assert refused(save(text, tmp_path / "f.csv")) == [
        ("pool.negative", first_data_row(0), "户籍人口"),
        ("pool.not_positive", first_data_row(1), "计划投资(万元)"),
        ("pool.not_integer", first_data_row(2), "户籍人口"),
    ]


def test_blank_required_cells(tmp_path, text):
    text.loc[3, "县(市、区)"] = ""
    text.loc[4, "产业基础"] = " "
    assert refused(save(text, tmp_path / "f.csv")) == [
        ("pool.blank_required", first_data_row(3), "县(市、区)"),
        ("pool.blank_required", first_data_row(4), "产业基础"),
    ]


def test_every_problem_reported_at_once(tmp_path, text):
    text.loc[1, "产业基础"] = "abc"
    text.loc[1, "带头人"] = "101"
    text.loc[15, "重点边境村"] = "?"
    assert len(refused(save(text, tmp_path / "f.csv"))) == 3


def test_cli_reports_rows_and_exits_2_without_traceback(tmp_path, text):
    text.loc[3, "产业基础"] = "120"
    path = save(text, tmp_path / "f.csv", encoding="gbk")
    for lang, expected in (("zh", "第 5 行，「产业基础」列"), ("en", "row 5, column '产业基础'")):
        done = subprocess.run([sys.executable, "-m", "baicun", "--lang", lang, "pool", "check", str(path)], capture_output=True, text=True)
        assert done.returncode == 2
        assert expected in done.stderr
        assert "Traceback" not in done.stderr + done.stdout


# --- property: corrupting any single cell is reported at exactly that cell --------------------------------------

CORRUPTIONS = {
    "id": "1.5E+11",
    "text": "",
    "flag": "也许",
    "score": "120",
    "level": "很高",
    "year": "2999",
    "lon": "200",
    "lat": "-5",
    "count": "-3",
    "amount": "-1",
    "cost": "0",
}
CORRUPTIBLE = [c for c in CATALOGUE if c.kind in CORRUPTIONS and (c.required or c.kind != "text")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(row=st.integers(0, 19), column=st.sampled_from(CORRUPTIBLE), lang=st.sampled_from(["zh", "en"]))
def test_any_single_corrupted_cell_is_reported_at_that_cell(tmp_path_factory, small_frame, row, column, lang):
    text = file_text_frame(small_frame.head(20))
    text.loc[row, column.zh] = CORRUPTIONS[column.kind]
    path = save(text, tmp_path_factory.mktemp("c") / "f.csv", encoding="gb18030")
    with pytest.raises(InputError) as caught:
        read_pool(path)
    problems = caught.value.problems
    assert [(p.row, p.column) for p in problems] == [(first_data_row(row), column.zh)]
    assert problems[0].render(lang)


def test_report_always_says_what_this_run_found(tmp_path, text):
    """`pool check bad.csv --report r.csv` then, the file fixed, `pool check good.csv --report r.csv` left the old
    problems in r.csv; a clean run wrote no report at all."""
    from typer.testing import CliRunner

    from baicun.cli import app

    good = save(text, tmp_path / "good.csv")
    bad = text.copy()
    bad.loc[3, "产业基础"] = "120"
    bad = save(bad, tmp_path / "bad.csv")
    for report in (tmp_path / "问题清单.csv", tmp_path / "问题清单.xlsx"):
        assert CliRunner().invoke(app, ["pool", "check", str(bad), "--report", str(report)]).exit_code == 2
        assert len(pd.read_excel(report) if report.suffix == ".xlsx" else pd.read_csv(report, encoding="utf-8-sig")) == 1
        assert CliRunner().invoke(app, ["pool", "check", str(good), "--report", str(report)]).exit_code == 0
        table = pd.read_excel(report) if report.suffix == ".xlsx" else pd.read_csv(report, encoding="utf-8-sig")
        assert list(table.columns) == ["行号", "列", "内容", "问题"] and table.empty
        report.unlink()
        assert CliRunner().invoke(app, ["pool", "check", str(good), "--report", str(report)]).exit_code == 0
        assert report.exists()


def test_a_cell_too_many_names_its_rows_and_the_rest_is_still_checked(tmp_path, text):
    """One cell more than the header on a row (at its end, or inserted mid-row so that every cell after it moves
    right) was reported only as a headerless column on row 1, and hid every other problem of the file."""
    path = save(text, tmp_path / "f.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[4] += ",多余"  # Excel row 5
    cells = lines[9].split(",")
    lines[9] = ",".join(cells[:2] + ["长春市"] + cells[2:])  # Excel row 10: every cell from the third moves right
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_pool(path)
    problems = caught.value.problems
    assert len(text.columns) == 30  # the extra cells are in column 31, AE
    assert (problems[0].code, problems[0].row, problems[0].column) == ("pool.blank_header", None, "AE")
    assert problems[0].params == {"count": 2, "rows": "5、10"}
    assert "第 5、10 行" in problems[0].render("zh") and "rows 5、10" in problems[0].render("en")
    shifted = {p.column for p in problems if p.row == 10}
    assert {"经度", "纬度"} <= shifted  # the shifted row's own faults are reported in the same run
    assert all(p.row in (None, 10) for p in problems)


def test_a_line_pasted_in_another_encoding_is_named_at_its_row(tmp_path, text):
    """A GBK file with one line pasted as UTF-8: detection said "no header", --encoding gbk printed Python's
    codec error with a byte offset."""
    text.loc[2, "村名"] = "多行\n村名"  # a quoted cell over two lines: Excel's rows are records, not lines
    path = save(text, tmp_path / "f.csv", encoding="gbk")
    lines = path.read_bytes().split(b"\n")
    assert lines[5].startswith(text.loc[3, "村庄代码"].encode())  # the sixth line is the fourth village, Excel row 5
    lines[5] = lines[5].decode("gbk").encode("utf-8")
    path.write_bytes(b"\n".join(lines))
    for options in ({}, {"encoding": "gbk"}):
        with pytest.raises(InputError) as caught:
            read_pool(path, **options)
        [problem] = caught.value.problems
        assert (problem.code, problem.row, problem.params["rows"]) == ("pool.encoding_mixed", first_data_row(3), "5")
        for lang in ("zh", "en"):
            said = problem.render(lang)
            assert "UTF-8" in said and "5" in said and "codec" not in said and "position" not in said
    damaged = path.read_bytes().replace(lines[5], text.loc[3, "村庄代码"].encode() + b",\xff\xfe")
    path.write_bytes(damaged)
    with pytest.raises(InputError) as caught:
        read_pool(path)
    assert [(p.code, p.row) for p in caught.value.problems] == [("pool.encoding_bad_rows", first_data_row(3))]


def _with_date_year(tmp_path, small_frame, number_format: str):
    """A workbook whose 千村创建年度 on the third village is an Excel date (2021-01-01) in ``number_format``."""
    import datetime

    import openpyxl

    path = tmp_path / "f.xlsx"
    file_text_frame(small_frame.head(5)).to_excel(path, index=False)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    column = next(c.column for c in sheet[1] if c.value == "千村创建年度")
    cell = sheet.cell(first_data_row(2), column)
    cell.value, cell.number_format = datetime.date(2021, 1, 1), number_format
    book.save(path)
    return path


def test_a_year_stored_as_a_date_says_so_at_its_cell(tmp_path, small_frame):
    """The user sees 2021/1/1, not the ISO text read: the message says the cell is a date, as shown, and the fix."""
    with pytest.raises(InputError) as caught:
        read_pool(_with_date_year(tmp_path, small_frame, "yyyy/m/d"))
    [problem] = caught.value.problems
    assert (problem.code, problem.row, problem.column) == ("pool.date_cell", first_data_row(2), "千村创建年度")
    zh, en = problem.render("zh"), problem.render("en")
    assert "日期" in zh and "2021/1/1" in zh and "常规" in zh and "数值" in zh
    assert "stored as a date" in en and "2021/1/1" in en and "General" in en


@pytest.mark.parametrize("number_format", ["yyyy", 'yyyy"年"'])
def test_a_date_formatted_to_show_only_the_year_reads_as_the_year_shown(tmp_path, small_frame, number_format):
    pool = read_pool(_with_date_year(tmp_path, small_frame, number_format))
    assert pool.frame["qiancun_year"].iat[2] == 2021
    [notice] = [n for n in pool.notices if n.code == "pool.notice_date_year"]
    cell = f"{chr(65 + list(pool.headers).index('qiancun_year'))}{first_data_row(2)}"
    assert cell in notice.render("zh") and "常规" in notice.render("zh") and "General" in notice.render("en")


@pytest.mark.parametrize(("typed", "header"), [("村庄编码", "村庄代码"), ("边境村", "重点边境村")])
def test_a_misspelt_required_header_is_named_in_the_missing_column_problem(tmp_path, text, typed, header):
    problems = refused(save(text.rename(columns={header: typed}), tmp_path / "f.csv"))
    assert problems == [("pool.missing_column_near", 1, typed)]
    with pytest.raises(InputError) as caught:
        read_pool(tmp_path / "f.csv")
    zh, en = caught.value.problems[0].render("zh"), caught.value.problems[0].render("en")
    assert f"缺少必填列「{header}」" in zh and f"是不是「{typed}」" in zh
    assert f"did you mean '{typed}'" in en and header in en
