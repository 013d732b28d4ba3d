"""The meeting summary (issue 22, part 5): one A4 page and the workbook's first sheet carry the scenario, its
changes, the status, the key figures, the rules with what each cost, and 示例数据 for the sample — the same numbers
the solve reported, never a name turned into mathtext or a formula, and nothing written without a font."""

from __future__ import annotations

import json
import zipfile

import openpyxl
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from baicun.cli import app
from contract.texts import SAMPLE_LABEL
from report import fonts
from report import summary as summary_module
from tests.hostile import hostile_pool

runner = CliRunner()


def cli(*args, code: int = 0):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, (args, result.exit_code, result.stdout[-2000:], result.stderr[-2000:], result.exception)
    return result


def pdf_text(path) -> tuple[int, str]:
    reader = PdfReader(path)
    return len(reader.pages), "".join(page.extract_text() for page in reader.pages)


def sheet_rows(path, index: int) -> list[tuple]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [tuple(c for c in row if c is not None) for row in book.worksheets[index].iter_rows(values_only=True)]
    book.close()
    return [r for r in rows if r]


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("summary")
    pdf, book = folder / "会议摘要.pdf", folder / "结果.xlsx"
    result = cli("solve", "scenarios/baicun_2024.toml", "--json", "--out", pdf, "--out", book)
    return json.loads(result.stdout), pdf, book


def test_the_page_is_one_a4_page_with_the_runs_numbers(solved):
    summary, pdf, book = solved
    pages, text = pdf_text(pdf)
    assert pages == 1
    box = PdfReader(pdf).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    flat = text.replace("\n", "").replace(" ", "")
    assert summary["scenario"].replace(" ", "") in flat
    assert SAMPLE_LABEL in flat
    assert "已证明最优" in flat and f"{summary['count']:,}" in flat and f"{summary['objective']:.4f}" in flat
    names = [s.title for s in openpyxl.load_workbook(book, read_only=True).worksheets]
    prices = {row[0]: row[1] for row in sheet_rows(book, names.index("各规则的代价"))[2:]}
    assert prices, "the default scenario computes rule prices"
    for price in prices.values():
        assert f"{float(price):.4f}" in flat  # every rule's price is on the page, as the workbook gives it


def test_the_fonts_are_embedded(solved):
    _, pdf, _ = solved
    raw = pdf.read_bytes()
    assert b"/FontFile2" in raw  # TrueType outlines inside the file: the page reads the same on any machine


def test_the_workbook_opens_with_the_same_summary(solved):
    summary, _, book = solved
    names = [s.title for s in openpyxl.load_workbook(book, read_only=True).worksheets]
    assert names[0] == "会议摘要" and names[1] == "入选名单"
    rows = sheet_rows(book, 0)
    pairs = {r[0]: r[1:] for r in rows if 2 <= len(r) <= 3}
    assert pairs["求解状态"] == ("已证明最优",)
    assert pairs["入选村数"] == (summary["count"],)  # numbers as number cells (number formats: test_outputs)
    assert pairs["入选村综合得分合计（目标值）"] == (pytest.approx(summary["objective"]),)
    assert pairs["计划投资合计 / 预算（万元）"][0] == pytest.approx(summary["budget_used"])
    rules = [r for r in rows if len(r) == 5][1:]  # after the header: rule, required, actual, met, price
    attained = sheet_rows(book, names.index("规则达成情况"))[2:]
    assert [r[:4] for r in rules] == [tuple(a) for a in attained]  # the same lines as the rules sheet
    prices = {r[0]: r[1] for r in sheet_rows(book, names.index("各规则的代价"))[2:]}
    assert {r[0]: r[4] for r in rules}["遴选数量"] == pytest.approx(prices["遴选数量"], abs=1e-6)


def test_the_sessions_changes_are_listed(tmp_path):
    from baicun.pipeline import load_inputs, outcome, solve
    from contract.scenario import scenario_changes
    from report.changes import change_lines

    inputs = load_inputs("scenarios/baicun_2024.toml")
    scores, selection = solve(inputs)
    before = {"selection": {"quota": [{"flag": "border", "min": 24}]}}
    after = {"selection": {"quota": [{"flag": "border", "min": 30}]}}
    lines = change_lines(scenario_changes(before, after), after)
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(summary_module.summary_pdf(outcome(inputs, scores, selection), "zh", lines))
    _, text = pdf_text(pdf)
    assert lines and all(line.replace(" ", "") in text.replace(" ", "").replace("\n", "") for line in lines)
    assert "无：按情景文件原样求解" not in text


@pytest.mark.parametrize("name", ["$\\frac{1}{2}$情景", '=HYPERLINK("http://127.0.0.1:9/x","点我")'])
def test_a_hostile_name_is_drawn_and_written_as_typed(tmp_path, name):
    pool, scenario, _ = hostile_pool(tmp_path, "甲村", "乙乡", "丙县", "$x_1$市")
    text = scenario.read_text(encoding="utf-8").replace('name = "情景"', f"name = {json.dumps(name, ensure_ascii=False)}")
    scenario.write_text(text, encoding="utf-8")
    pdf, book = tmp_path / "s.pdf", tmp_path / "s.xlsx"
    cli("solve", scenario, "--out", pdf, "--out", book)
    _, text = pdf_text(pdf)
    assert name in text  # not typeset as a fraction, not evaluated
    assert "$x_1$市" in text  # a city name on the chart's axis, as typed
    cells = openpyxl.load_workbook(book).worksheets[0]
    assert cells["A1"].value == f"会议摘要：{name}" and cells["A1"].data_type == "s"


def test_without_a_chinese_font_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "CJK_FONTS", ("No Such Font Anywhere",))
    pdf, book = tmp_path / "s.pdf", tmp_path / "s.xlsx"
    result = cli("solve", "scenarios/baicun_2024.toml", "--no-prices", "--out", book, "--out", pdf, code=2)
    assert "fonts-noto-cjk" in result.stderr
    assert not pdf.exists() and not book.exists()


def test_the_by_city_chart_is_a_native_chart_of_the_sheets_own_cells(solved):
    summary, _, book = solved
    with zipfile.ZipFile(book) as files:
        charts = [n for n in files.namelist() if n.startswith("xl/charts/chart")]
        xml = files.read(charts[0]).decode("utf-8") if charts else ""
    assert len(charts) == 1 and "会议摘要" in xml  # its series read the summary sheet's cells
    rows = sheet_rows(book, 0)
    header = rows.index(("市(州)", "入选", "下限", "上限"))
    counted = {r[0]: r[1] for r in rows[header + 1 :]}
    by_city = {r[0]: r[3] for r in sheet_rows(book, 2)[2:]}  # 按市(州)汇总: city, villages, eligible, selected, …
    assert counted == by_city and sum(counted.values()) == summary["count"]


def test_without_a_chinese_font_the_workbook_is_written_as_ever(tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "CJK_FONTS", ("No Such Font Anywhere",))
    book = tmp_path / "s.xlsx"
    cli("solve", "scenarios/baicun_2024.toml", "--no-prices", "--out", book)
    assert openpyxl.load_workbook(book).worksheets[0].title == "会议摘要"


def test_the_county_report_pdf_lists_every_eligible_village_of_the_county_and_no_other(tmp_path):
    """The county's one-page report as a PDF: its eligible villages with their standing, the ineligible ones
    counted, 示例数据 — and no village id of another county."""
    from baicun.pipeline import county, load_inputs, margin_bounds, outcome, solve
    from report.county import county_pdf, county_report

    inputs = load_inputs("scenarios/baicun_2024.toml")
    o = outcome(inputs, *solve(inputs))
    name = "榆树市"
    preview = county(o, name, {}, margin_bounds(o))
    path = tmp_path / "county.pdf"
    path.write_bytes(county_pdf(county_report(o, preview, "zh"), "zh"))
    pages, text = pdf_text(path)
    flat = text.replace(" ", "").replace("\n", "")
    table = preview.table
    eligible = table[table["eligible"]]
    assert pages == 1 and 0 < len(eligible) <= 26
    assert all(v in flat for v in eligible["village_id"])  # every eligible village of the county, by its code
    assert not any(v in flat for v in table.loc[~table["eligible"], "village_id"])  # the ineligible are counted
    assert f"另有{len(table) - len(eligible)}个村不符合资格" in flat and SAMPLE_LABEL in flat
    others = set(o.inputs.pool.frame["village_id"]) - set(table["village_id"])
    assert not any(v in flat for v in others)
