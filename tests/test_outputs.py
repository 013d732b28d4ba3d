"""The shortlist as users receive it: xlsx (SPEC §5), csv and json (SPEC §4), exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from rich.cells import cell_len
from rich.console import Console

from baicun.pipeline import bind, county, county_named, outcome, solve
from contract.texts import set_language
from pool.generate import generate_pool
from pool.read import read_pool
from report.escape import spreadsheet as defuse
from report.files import write_csv, write_xlsx
from report.funnel import funnel_table
from report.tables import column_name, shortlist_table
from report.text import preview_lines, score_lines, selection_lines
from tests.conftest import SAMPLE_CSV
from tests.conftest import write_csv as write_pool_csv
from tests.scenario_helpers import DEFAULT_SCENARIO, scenario_with

SHEETS_ZH = ["会议摘要", "入选名单", "按市(州)汇总", "按县(市、区)汇总", "规则达成情况", "落选村及原因", "资格漏斗", "运行信息", "情景"]


def baicun(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "baicun", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The sample pool with a formula-like name on the best village."""
    frame = generate_pool(seed=2023)
    pool = read_pool(SAMPLE_CSV)
    inputs = bind(scenario_with(), pool)
    scores, selection = solve(inputs)
    best = pool.frame.loc[selection.selected].index[0]
    frame.loc[frame["village_id"] == pool.frame.at[best, "village_id"], "village"] = '=HYPERLINK("x")'
    frame.loc[frame["village_id"] == pool.frame.at[best, "village_id"], "township"] = "@SUM(1)"
    path = write_pool_csv(frame, tmp_path_factory.mktemp("pool") / "hostile.csv")
    pool = read_pool(path)
    inputs = bind(scenario_with(), pool)
    scores, selection = solve(inputs)
    return outcome(inputs, scores, selection), pool.frame.at[best, "village_id"]


def test_xlsx_has_every_sheet_and_text_stays_text(tmp_path, hostile):
    o, village = hostile
    path = tmp_path / "s.xlsx"
    write_xlsx(o, path, "zh")
    assert path.stat().st_mode & 0o044 == 0o044  # readable by others, like any file the user saves
    assert [p.name for p in tmp_path.iterdir()] == ["s.xlsx"]  # no temporary file left behind
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == SHEETS_ZH
    shortlist = book["入选名单"]
    assert "示例数据" in shortlist["A1"].value
    header = [c.value for c in shortlist[2]]
    assert header[:8] == ["入选序号", "排名", "村庄代码", "村名", "乡镇", "县(市、区)", "市(州)", "综合得分"]
    assert "产业基础得分" in header and "入选/落选理由" in header and "重点边境村" in header
    rows = list(shortlist.iter_rows(min_row=3, values_only=True))
    assert len(rows) == o.selection.count
    cell = next(r for r in shortlist.iter_rows(min_row=3) if r[2].value == village)
    assert cell[3].value == '=HYPERLINK("x")' and cell[3].data_type == "s"
    assert cell[4].value == "@SUM(1)" and cell[4].data_type == "s"
    assert shortlist.freeze_panes == "A3" and shortlist.auto_filter.ref
    run = {r[0]: r[1] for r in book["运行信息"].iter_rows(min_row=3, values_only=True)}
    assert run["村庄库指纹（SHA-256）"] == o.inputs.pool.fingerprint and run["求解状态"] == "已证明最优"
    left = list(book["落选村及原因"].iter_rows(min_row=3, values_only=True))
    assert len(left) == o.inputs.pool.size - o.selection.count and all(r[-1] for r in left)
    assert "[selection]" in "\n".join(str(r[0]) for r in book["情景"].iter_rows(values_only=True))


def test_xlsx_rules_sheet_shows_quotas_and_budget_met(tmp_path, hostile):
    o, _ = hostile
    path = tmp_path / "s.xlsx"
    write_xlsx(o, path, "zh")
    rules = pd.read_excel(path, sheet_name="规则达成情况", header=1)
    assert set(rules["规则"]) >= {"遴选数量", "预算", "重点边境村", "脱贫村"}
    assert (rules["是否满足"] == "是").all()
    counties = pd.read_excel(path, sheet_name="按县(市、区)汇总", header=1)
    assert (counties["入选"] <= counties["上限"]).all() and counties["入选"].sum() == o.selection.count


def test_csv_contract_english_headers_and_defused_cells(tmp_path, hostile):
    o, village = hostile
    path = tmp_path / "s.csv"
    write_csv(o, path, "en")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(path, dtype={"village_id": str}, encoding="utf-8-sig")
    assert {"village_id", "eligible", "score", "rank", "selected", "reason"} <= set(table.columns)
    assert len(table) == o.inputs.pool.size and table["selected"].sum() == o.selection.count
    assert set(table["selected"]) == {0, 1} and table["reason"].notna().all()
    row = table[table["village_id"] == village].iloc[0]
    assert row["village"] == '\'=HYPERLINK("x")' and row["township"] == "'@SUM(1)"


def test_defuse_only_touches_formula_like_text():
    assert defuse("=1+1") == "'=1+1" and defuse("-x") == "'-x" and defuse("\tx") == "'\tx"
    assert defuse("村") == "村" and defuse(-0.5) == -0.5


def test_solve_json_reports_optimal_with_gap_zero():
    done = baicun("solve", str(DEFAULT_SCENARIO), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "optimal" and result["gap"] <= 1e-9
    assert result["count"] == len(result["selected"]) and 190 <= result["count"] <= 210
    assert result["budget_used"] <= 200000 and result["backend"] == "highs" and result["sample_data"]
    assert set(result) >= {"status", "objective", "gap", "selected", "count", "budget_used", "backend", "seconds", "diagnosis"}


def test_solve_writes_nothing_when_infeasible(tmp_path):
    scenario = tmp_path / "s.toml"
    text = DEFAULT_SCENARIO.read_text(encoding="utf-8").replace('pool = "data/', f'pool = "{DEFAULT_SCENARIO.parent.as_posix()}/data/')
    scenario.write_text(text.replace("min = 24", "min = 300"), encoding="utf-8")
    out = tmp_path / "x.xlsx"
    done = baicun("solve", str(scenario), "--json", "--out", str(out))
    assert done.returncode == 1 and not out.exists()
    assert "重点边境村下限 300 无法满足" in done.stderr
    assert json.loads(done.stdout)["status"] == "infeasible"


def test_solve_bad_input_exit_2_without_traceback(tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text('name = "x"\n[scoring]\nweigths = {leader = 1}\n', encoding="utf-8")
    done = baicun("solve", str(scenario), "--pool", str(SAMPLE_CSV))
    assert done.returncode == 2 and "weigths" in done.stderr and "weights" in done.stderr
    assert "Traceback" not in done.stderr
    done = baicun("solve", str(DEFAULT_SCENARIO), "--backend", "gurobi")
    assert done.returncode == 2 and "gurobi" in done.stderr


def test_every_message_code_is_defined_once():
    """A code written twice in the MESSAGES literal silently replaces the first text (it once renamed the 村庄数
    column of the by-city sheet); read the source, where both are still visible."""
    import ast
    from collections import Counter

    import contract.texts

    tree = ast.parse(Path(contract.texts.__file__).read_text(encoding="utf-8"))
    literal = next(node.value for node in ast.walk(tree) if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "MESSAGES")
    twice = [code for code, n in Counter(k.value for k in literal.keys).items() if n > 1]
    assert twice == []


def test_each_thread_reads_in_the_language_it_chose():
    """The app runs every session in its own thread: one session switching to English must not turn another
    session's texts into English."""
    import threading

    from contract.texts import set_language, t

    set_language("zh")
    seen = {}

    def english_session():
        set_language("en")
        seen["en"] = t("word.total")

    other = threading.Thread(target=english_session)
    other.start()
    other.join()
    assert seen["en"] == t("word.total", "en") != t("word.total", "zh")
    assert t("word.total") == t("word.total", "zh")


def printed(items, width: int) -> list[str]:
    """The tables among ``items`` as a terminal of ``width`` columns shows them (baicun.cli.echo's console)."""
    console = Console(width=width, file=io.StringIO(), soft_wrap=True)
    for item in items:
        if not isinstance(item, str):
            console.print(item)
    return console.file.getvalue().splitlines()


@pytest.mark.parametrize("width", [60, 100, 120])
def test_terminal_tables_never_cut_a_value_at_any_width(hostile, width):
    """Issue: at 100–120 columns codes showed as ``220722108…`` and scores as ``0.…``. A code or a number stays whole
    (long text wraps), at any width; nothing is cut off with an ellipsis, and no line is wider than the terminal."""
    result, best = hostile
    pool = result.inputs.pool
    county_name = county_named(result.inputs, pool.frame.set_index("village_id").at[best, "county"])
    tables = {
        "solve": selection_lines(result),
        "score": score_lines(pool, result.scores, 20),
        "preview": preview_lines(result, county(result, county_name)),
    }
    ranked = result.scores.ranked().head(20)
    whole = {
        "solve": list(shortlist_table(result)[column_name("village_id")].head(15)),
        "score": list(ranked["village_id"]) + [f"{s:.4f}" for s in ranked["score"]],
        "preview": list(county(result, county_name).table["village_id"]),
    }
    for name, items in tables.items():
        lines = printed(items, width)
        assert not any("…" in line for line in lines), (name, width, [line for line in lines if "…" in line][:3])
        assert [line for line in lines if cell_len(line) > width] == [], (name, width)
        shown = "\n".join(lines)
        assert [value for value in whole[name] if value not in shown] == [], (name, width)


def test_terminal_tables_in_a_pipe_stay_one_row_a_line(hostile):
    """A pipe or a file (250 columns, baicun.cli.echo) keeps the boxed table with each row on one line."""
    result, _ = hostile
    lines = printed(score_lines(result.inputs.pool, result.scores, 5), 250)
    assert lines[1].startswith("┏") and sum(line.startswith("│") for line in lines) >= 5


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_score_reason_table_names_each_rule_as_the_funnel_sheet_does(hostile, lang):
    """Issue: ``baicun score`` printed its reasons as codes (``rule.require`` twice). Its rows are the 资格漏斗
    sheet's steps, word for word, each distinct, in Chinese and in English."""
    result, _ = hostile
    set_language(lang)
    try:
        lines = printed(score_lines(result.inputs.pool, result.scores, 1), 250)
        steps = list(funnel_table(result.inputs.pool, result.scores, lang=lang).iloc[1:-1, 0])
    finally:
        set_language("zh")
    shown = "\n".join(lines)
    assert "rule." not in shown
    assert len(set(steps)) == len(steps) and [step for step in steps if step not in shown] == []


def test_wording_option_plural_unit_and_help():
    """Issue: an option was called a column (「--out」列), English said "has 1 problems", the English headline gave a
    cost without its unit, and --help dropped "[robustness]" (read as console markup) and called sampling 旧版."""
    for lang, option in (("zh", "选项「--out」"), ("en", "option '--out'")):
        done = baicun("--lang", lang, "solve", str(DEFAULT_SCENARIO), "--out", "x.txt")
        assert done.returncode == 2 and option in done.stderr and "列" not in done.stderr.splitlines()[1]
    assert "1 problem with" in baicun("--lang", "en", "solve", str(DEFAULT_SCENARIO), "--out", "x.txt").stderr
    assert "(10k yuan)" in baicun("--lang", "en", "solve", str(DEFAULT_SCENARIO), "--no-prices").stdout
    helped = baicun("robustness", "--help").stdout + baicun("--help").stdout
    assert "[robustness]" in helped and "旧版" not in helped


NUMBER_AS_TEXT = r"^[-+]?\d[\d,]*(\.\d+)?(e[-+]?\d+)?$|^[-+]?\d[\d,]*(\.\d+)? / [-+]?\d[\d,]*(\.\d+)?$"


@pytest.mark.parametrize("scenario", ["scenarios/baicun_2024.toml", "scenarios/baicun_2024_2028.toml"])
def test_every_sheet_stores_numbers_as_numbers_shown_as_the_text_showed(tmp_path, scenario):
    """No sheet of the workbook holds a number as text (Excel cannot sum it and marks it green) — a village code is
    text, it is an identifier; a figure shown with separators or four decimals is a number cell with that number
    format; and every score column is stored to the same 10 decimals."""
    import re

    book_path = tmp_path / "x.xlsx"
    result = baicun("solve", scenario, "--out", str(book_path))
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(book_path)
    codes = {column_name("village_id", "zh")}
    as_text = []
    for sheet in book.worksheets:
        header = {c.column: c.value for c in sheet[2]} if sheet.title != "会议摘要" else {}
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and re.match(NUMBER_AS_TEXT, cell.value.strip()) and header.get(cell.column) not in codes:
                    as_text.append((sheet.title, cell.coordinate, cell.value))
    assert not as_text
    summary = {row[0].value: row[1:] for row in book["会议摘要"].iter_rows() if row[0].value}
    count = summary["入选村数"][0]
    assert isinstance(count.value, int | float) and count.number_format == "#,##0"
    objective = summary["入选村综合得分合计（目标值）"][0]
    assert isinstance(objective.value, float) and objective.number_format == "0.0000"
    used, budget = summary["计划投资合计 / 预算（万元）"][:2]
    assert used.number_format == "#,##0" and isinstance(used.value, int | float)
    assert budget.value is None or (budget.number_format == "#,##0" and isinstance(budget.value, int | float))  # a plan: no one budget
    shortlist = book["入选名单"]
    names = [c.value for c in shortlist[2]]
    score_columns = [i for i, n in enumerate(names) if str(n).endswith("得分")]  # 综合得分 and each contribution
    assert score_columns
    for row in shortlist.iter_rows(min_row=3, max_row=30):
        for i in score_columns:
            assert row[i].value == round(row[i].value, 10), (names[i], row[i].value)
