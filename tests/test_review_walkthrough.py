"""The README's walk-through of the expert panel, as a new user runs it: a template per expert, filled in (here by
the synthetic panel, 示例数据), aggregated with the trimmed mean and 回避, and solved on; the report shows the
outlier expert and the excluded conflict scores, and the shortlist workbook records which aggregation it used."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from baicun.pipeline import load_inputs, review_villages, reviewed, write_sample_panel
from contract.errors import InputError
from contract.scenario import load_scenario
from pool.read import read_pool
from tests.conftest import ROOT, SAMPLE_CSV

SCENARIO = ROOT / "scenarios" / "baicun_2024_review.toml"


def baicun(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "baicun", *map(str, args)], capture_output=True, text=True, cwd=cwd or ROOT)


@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    """The review scenario copied beside a filled synthetic panel (its ``评审示例`` folder), pool by absolute path."""
    folder = tmp_path_factory.mktemp("walk")
    text = SCENARIO.read_text(encoding="utf-8").replace('pool = "data/jilin_sample_pool.csv"', f'pool = "{SAMPLE_CSV.as_posix()}"')
    scenario = folder / "情景.toml"
    scenario.write_text(text, encoding="utf-8")
    loaded = load_scenario(scenario)
    written = write_sample_panel(loaded, read_pool(SAMPLE_CSV), folder / "评审示例")
    return scenario, written


def test_the_template_is_one_row_per_eligible_village_with_scores_held_to_0_100(tmp_path):
    out = tmp_path / "专家评分表_E01.xlsx"
    done = baicun("review", "template", "--scenario", ROOT / "scenarios" / "baicun_2024.toml", "--expert", "E01", "--out", out)
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out)
    sheet = book["专家评分"]
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["专家", "村庄代码"] and header[-5:] == ["基础条件", "配套投入", "目标成效", "实施路径", "备注"]
    eligible = review_villages(read_pool(SAMPLE_CSV), load_scenario(ROOT / "scenarios" / "baicun_2024.toml"))
    assert sheet.max_row - 1 == len(eligible) and [sheet.cell(r, 2).value for r in (2, sheet.max_row)] == [
        eligible["village_id"].iat[0],
        eligible["village_id"].iat[-1],
    ]
    rule = next(iter(sheet.data_validations.dataValidation))
    assert rule.type == "decimal" and (rule.formula1, rule.formula2) == ("0", "100") and "G2:J" in str(rule.sqref)
    assert isinstance(sheet["B2"].value, str) and len(sheet["B2"].value) == 12  # the id stays text
    assert {"权重判断", "直接权重"} <= set(book.sheetnames)


def test_aggregating_shows_the_outlier_and_the_barred_conflict_scores(walk, tmp_path):
    scenario, _ = walk
    report, out = tmp_path / "评审报告.xlsx", tmp_path / "汇总村庄库.xlsx"
    done = baicun("review", "aggregate", scenario, "--report", report, "--out", out, "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["rule"] == "trimmed_mean" and summary["outliers"] == ["E05"]
    assert summary["conflicts"] > 0 and {c["expert"] for c in summary["excluded_conflicts"]} == {"E03"}
    assert len(summary["weights"]["experts"]) == 7 and summary["weights"]["cr"]["E05"] > 0.1  # the random judge
    experts = pd.read_excel(report, sheet_name="各专家", header=1).set_index("专家")
    assert experts.at["E05", "离群专家"] == "是" and (experts.drop("E05")["离群专家"] == "否").all()
    assert experts.at["E03", "回避不计数"] == summary["conflicts"] and experts.at["E06", "缺评数"] == 3
    excluded = pd.read_excel(report, sheet_name="不计入的评分", header=1)
    barred = excluded[excluded["原因"].str.startswith("回避")]
    assert len(barred) == summary["conflicts"] and set(barred["专家"]) == {"E03"}
    assert read_pool(out).frame["review_basis"].notna().sum() == summary["villages"]  # a pool file baicun reads back


def test_solving_on_the_aggregate_records_it_in_the_shortlist(walk, tmp_path):
    scenario, _ = walk
    book = tmp_path / "结果.xlsx"
    done = baicun("solve", scenario, "--out", book, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "optimal"
    info = pd.read_excel(book, sheet_name="运行信息", header=1)
    line = info.loc[info.iloc[:, 0] == "专家评审", info.columns[1]].iat[0]
    assert "去掉一个最高分和一个最低分" in line and "E01、E02、E03、E04、E05、E06、E07" in line and "回避不计" in line
    loaded = load_scenario(scenario)
    plain = read_pool(SAMPLE_CSV)
    assert load_inputs(scenario).pool.fingerprint == reviewed(loaded, plain)[0].fingerprint != plain.fingerprint


def test_a_changed_sheet_is_caught_when_a_stored_run_is_reproduced(walk, tmp_path):
    """A stored run keeps the reviewed pool's fingerprint: the same sheets reproduce it, a changed score does not."""
    from baicun.pipeline import outcome, rerun, solve
    from store.runs import get_run, open_store, run_fields, save_run

    scenario, written = walk
    inputs = load_inputs(scenario)
    scores, selection = solve(inputs)
    engine = open_store(str(tmp_path / "runs.sqlite"))
    record = get_run(engine, save_run(engine, run_fields(outcome(inputs, scores, selection), SAMPLE_CSV)))
    assert rerun(record).identical  # same sheets: the same shortlist
    sheet, backup = written[0], tmp_path / "backup.xlsx"
    shutil.copy(sheet, backup)
    try:
        book = openpyxl.load_workbook(sheet)
        book["专家评分"]["G2"].value = 3
        book.save(sheet)
        with pytest.raises(InputError) as caught:
            rerun(record)
        assert "已变化" in caught.value.render("zh")
    finally:
        shutil.copy(backup, sheet)


def test_a_sheet_path_that_is_missing_is_reported_not_crashed(tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        SCENARIO.read_text(encoding="utf-8").replace('pool = "data/jilin_sample_pool.csv"', f'pool = "{SAMPLE_CSV.as_posix()}"'), encoding="utf-8"
    )
    done = baicun("solve", scenario)
    assert done.returncode == 2 and "找不到文件" in done.stderr and "评审示例" in done.stderr
