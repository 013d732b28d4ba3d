"""User text is text (issue 21, kind 1): hostile names go through every CLI verb and every output file and come
out literally — never read as console markup, Markdown, HTML or a formula. (The app's pages: test_hostile_app.py.)

Names are compared with what the pool reader read (``read_pool``), so that a normalisation the reader applies
(full-width forms, invisible characters) is not mistaken for a renderer's doing."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from typer.testing import CliRunner

from baicun.cli import app
from pool.read import read_pool
from report.escape import FORMULA_STARTS, formula_like, html, json_text, markdown, spreadsheet, terminal, terminal_plain
from tests.hostile import ISSUE_NAMES, KINDS, hostile_names, hostile_pool, rendered, scenario_file

runner = CliRunner()


def cli(*args: str, code: int = 0):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, (args, result.exit_code, result.stdout[-2000:], result.stderr[-2000:], result.exception)
    return result


def names_read(pool_path, village_id: str) -> dict[str, str]:
    row = read_pool(pool_path).frame.set_index("village_id").loc[village_id]
    return {k: row[k] for k in ("village", "township", "county", "city")}


def every_verb(tmp_path, village: str, township: str, county: str, city: str, label: str) -> None:
    pool, scenario, best = hostile_pool(tmp_path, village, township, county, city)
    names = names_read(pool, best)
    v, tw, c, ci = (names[k] for k in ("village", "township", "county", "city"))
    shown = terminal_plain  # what a terminal line shows of a name (control characters made visible)

    out = cli("pool", "check", pool).stdout
    assert shown(ci) in out
    out = cli("score", scenario, "--top", "10").stdout
    assert all(shown(n) in out for n in (v, c, ci))
    db, xlsx, csv = tmp_path / "runs.sqlite", tmp_path / "out.xlsx", tmp_path / "out.csv"
    out = cli("solve", scenario, "--out", xlsx, "--out", csv, "--save", "--label", label, "--db", db).stdout
    assert all(shown(n) in out for n in (v, c, ci)) and f"{xlsx}" in out and f"{csv}" in out
    summary = json.loads(cli("solve", scenario, "--json", "--no-prices").stdout)
    assert best in summary["selected"] and summary["scenario"] == "情景"
    out = cli("explain", scenario, best).stdout
    assert all(shown(n) in out for n in (v, tw, c, ci))
    out = cli("preview", scenario, "--county", c).stdout
    assert shown(c) in out and shown(v) in out
    other = scenario_file(tmp_path / "more.toml", pool, label, [6, 8])
    compared = tmp_path / "cmp.xlsx"
    out = cli("compare", scenario, other, "--out", compared).stdout
    assert shown(ci) in out and shown(label) in out
    out = cli("robustness", scenario, "--samples", "3", "--workers", "1", "--out", tmp_path / "r.xlsx").stdout
    assert "Traceback" not in out
    json.loads(cli("robustness", scenario, "--samples", "3", "--workers", "1", "--json").stdout)
    assert shown(label) in cli("runs", "list", "--db", db).stdout
    assert json.loads(cli("runs", "show", "1", "--json", "--db", db).stdout)["label"] == label
    cli("runs", "rerun", "1", "--db", db)
    assert shown(label) in cli("compare", "1", scenario, "--db", db).stdout

    literal_in_workbook(xlsx, {v, tw, c, ci})
    literal_in_workbook(compared, {v, c, ci, label})
    literal_in_workbook(tmp_path / "r.xlsx", {v, c, ci})
    table = pd.read_csv(csv, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    row = table[table.iloc[:, 0] == best].iloc[0]
    assert {spreadsheet(n) for n in (v, tw, c, ci)} <= set(row)


def literal_in_workbook(path, names: set[str]) -> None:
    """Every name is in some cell exactly, as text; a formula-like one carries Excel's quote prefix."""
    book = openpyxl.load_workbook(path)
    seen = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in names:
                    seen[cell.value] = cell
    assert set(seen) == names, names - set(seen)
    for name, cell in seen.items():
        assert cell.data_type == "s"
        assert cell.quotePrefix == formula_like(name)


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(village=hostile_names(), township=hostile_names(), county=hostile_names(), city=hostile_names(), label=hostile_names())
@example(village=ISSUE_NAMES[0], township=ISSUE_NAMES[1], county=ISSUE_NAMES[1], city=ISSUE_NAMES[2], label=ISSUE_NAMES[0])
@example(village=ISSUE_NAMES[1], township=KINDS[0], county=KINDS[1], city=KINDS[2], label=KINDS[3])
@example(village=ISSUE_NAMES[2], township=KINDS[7], county=KINDS[4], city=KINDS[5], label=KINDS[8])
def test_hostile_names_come_out_literally_from_every_verb_and_file(tmp_path_factory, village, township, county, city, label):
    every_verb(tmp_path_factory.mktemp("hostile"), village, township, county, city, label)


def test_solve_says_what_it_wrote_when_it_fails_after_writing(tmp_path, monkeypatch):
    """`solve --out` must never claim that nothing was written when it was: a failure after the files are complete
    names them (the issue's case: a name that broke the terminal summary after the workbook was written)."""
    import baicun.cli as cli_module
    import report.text

    pool, scenario, _ = hostile_pool(tmp_path, "村", "乡", "县", "市")
    out = tmp_path / "o.xlsx"

    def broken(*_):
        raise RuntimeError("the terminal summary failed")

    monkeypatch.setattr(report.text, "selection_lines", broken)
    monkeypatch.setattr(cli_module, "WRITTEN", [])
    monkeypatch.setattr("sys.argv", ["baicun", "solve", str(scenario), "--out", str(out), "--no-prices"])
    with pytest.raises(SystemExit) as done:
        cli_module.main()
    assert done.value.code == 4 and out.exists()
    openpyxl.load_workbook(out)  # complete, usable


def test_each_renderer_makes_text_inert():
    for name in ISSUE_NAMES + KINDS:
        text, kinds = rendered(markdown(name))
        assert text == name and not kinds & {"link_open", "image", "html_inline", "html_block", "strong_open", "em_open", "heading_open", "autolink"}
        assert terminal(name).plain == name and "<" not in html(name) and ">" not in html(name)
        assert json.loads(json_text({"v": name}))["v"] == name
    assert terminal_plain("红\x1b[31m色\x07") == "红⟨U+001B⟩[31m色⟨U+0007⟩"
    assert all(spreadsheet(s + "x") == "'" + s + "x" for s in FORMULA_STARTS)
    assert spreadsheet("村=1") == "村=1" and spreadsheet(-0.5) == -0.5
    assert json.loads(json_text({"a": float("nan"), "b": [float("inf")]})) == {"a": None, "b": [None]}


def test_a_hostile_cell_in_a_bad_pool_is_reported_as_text(tmp_path):
    """`pool check bad.csv --report rep.xlsx` wrote a live =HYPERLINK(…) taken from a cell; the CSV report too."""
    from pool.generate import generate_pool
    from tests.conftest import write_csv

    frame = generate_pool(villages=120, seed=3)
    frame["leader"] = frame["leader"].astype(object)
    frame.loc[frame.index[3], "leader"] = '=HYPERLINK("http://127.0.0.1:9/","点我")'  # text in a number column
    pool = write_csv(frame, tmp_path / "bad.csv")
    for report in (tmp_path / "rep.xlsx", tmp_path / "rep.csv"):
        result = cli("pool", "check", pool, "--report", report, code=2)
        assert "HYPERLINK" in result.stderr
        if report.suffix == ".xlsx":
            cells = [c for row in openpyxl.load_workbook(report).active.iter_rows() for c in row if "HYPERLINK" in str(c.value)]
            assert cells and all(c.data_type == "s" and c.quotePrefix == formula_like(c.value) for c in cells)
            assert any(c.value.startswith("=HYPERLINK") for c in cells)
        else:
            assert "'=HYPERLINK" in report.read_text(encoding="utf-8-sig")
