"""Eligibility, composite scores and scenario errors on the shipped sample pool."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from baicun.pipeline import bind, score
from contract.errors import InputError
from contract.texts import render
from pool.read import read_pool
from scoring.score import judgement_matrix
from tests.conftest import SAMPLE_CSV
from tests.scenario_helpers import DEFAULT_SCENARIO, scenario_with

WEIGHTS = {"industry_base": 0.3, "leader": 0.2, "enthusiasm": 0.1, "debt_risk": 0.4}
BONUS = {"demo_town": 3.0, "tourism": 2.0}


@pytest.fixture(scope="module")
def pool():
    return read_pool(SAMPLE_CSV)


def scores_for(pool, changes=None, drop=()):
    return score(bind(scenario_with(changes, drop), pool))


def test_normalize_none_score_is_the_hand_formula_for_every_village(pool):
    scores = scores_for(pool, {"scoring.normalize": "none", "scoring.weights": WEIGHTS, "scoring.bonus": BONUS})
    frame = pool.frame
    by_hand = (
        0.3 * frame["industry_base"]
        + 0.2 * frame["leader"]
        + 0.1 * frame["enthusiasm"]
        - 0.4 * frame["debt_risk"]
        + 3.0 * frame["demo_town"]
        + 2.0 * frame["tourism"]
    )
    eligible = scores.eligible
    assert eligible.sum() > 500
    assert np.allclose(scores.table["score"][eligible], by_hand[eligible], rtol=0, atol=1e-9)
    assert scores.table["score"][~eligible].isna().all()
    assert np.allclose(scores.contributions.loc[eligible].sum(axis=1), scores.table["score"][eligible], atol=1e-12)


def test_minmax_weights_are_rescaled_and_said(pool):
    scores = scores_for(pool, {"scoring.weights": {"industry_base": 3, "leader": 1}, "scoring.cost_criteria": []})
    assert scores.weights.values == {"industry_base": 0.75, "leader": 0.25}
    assert [n.code for n in scores.notices] == ["notice.weights_rescaled"]
    assert scores.table["score"].max() <= 1 + sum(scores.bonuses.values()) + 1e-12


def test_ranks_break_ties_by_village_id(pool):
    scores = scores_for(pool, {"scoring.weights": {"leader": 1.0}, "scoring.cost_criteria": [], "scoring.bonus": {}})
    ranked = scores.ranked()
    assert ranked["rank"].tolist() == list(range(1, len(ranked) + 1))
    tied = ranked[ranked.duplicated("score", keep=False)]
    assert len(tied) > 10
    for _, group in tied.groupby("score"):
        assert group["village_id"].tolist() == sorted(group["village_id"])
        assert group["rank"].is_monotonic_increasing


def test_every_reason_is_given(pool):
    scores = scores_for(pool)
    frame = pool.frame
    mask = scores.eligible
    for position in np.flatnonzero(~mask)[:300]:
        reasons = [str(r) for r in scores.eligibility.reasons(position)]
        row = frame.iloc[position]
        assert ("reason.require" in reasons) == (not row["accepted"] or not row["ops_plan"])
        assert ("reason.upgraded" in reasons) == pd.notna(row["baicun_year"])
        assert ("reason.excluded" in reasons) == (row["debt_risk"] >= 2)
        assert len(reasons) >= 1
    assert all(scores.eligibility.reasons(p) == [] for p in np.flatnonzero(mask))


def test_reason_sentences(pool):
    scores = scores_for(pool)
    frame = pool.frame
    leader_low = np.flatnonzero((frame["leader"] < 60).to_numpy())[0]
    texts = [render(r, "zh") for r in scores.eligibility.reasons(leader_low)]
    value = frame["leader"].iat[leader_low]
    assert f"带头人 {value:g} 分，低于 60 分" in texts
    high_debt = np.flatnonzero((frame["debt_risk"] == 3).to_numpy())[0]
    assert "隐性债务风险为「高」" in [render(r, "zh") for r in scores.eligibility.reasons(high_debt)]
    not_qiancun = np.flatnonzero(frame["qiancun_year"].isna().to_numpy())[0]
    assert "「千村创建年度」为空，不满足 ≥ 2021" in [render(r, "zh") for r in scores.eligibility.reasons(not_qiancun)]
    assert "'千村创建年度' is blank, so it fails ≥ 2021" in [render(r, "en") for r in scores.eligibility.reasons(not_qiancun)]


def test_reason_counts_add_up_to_ineligible(pool):
    scores = scores_for(pool)
    counts = scores.eligibility.reason_counts()
    assert counts["first"].sum() == (~scores.eligible).sum()
    assert (counts["all"] >= counts["first"]).all()
    # each rule stays a message with its parameters (a DataFrame made them plain strings: their codes, "rule.require")
    assert not any(render(rule, "zh").startswith("rule.") for rule in counts["rule"])


def test_ahp_scenario_weights_and_inconsistency_warning(pool):
    ahp = {"criteria": ["industry_base", "leader", "enthusiasm"], "matrix": [[1, 3, 5], ["1/3", 1, 3], ["1/5", "1/3", 1]]}
    scores = scores_for(pool, {"scoring.ahp": ahp, "scoring.cost_criteria": []}, drop=("scoring.weights",))
    assert list(scores.weights.values) == ["industry_base", "leader", "enthusiasm"]
    assert scores.notices[0].code == "notice.ahp_ok"
    bad = {"criteria": ["industry_base", "leader", "enthusiasm"], "matrix": [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]]}
    scores = scores_for(pool, {"scoring.ahp": bad, "scoring.cost_criteria": []}, drop=("scoring.weights",))
    assert scores.notices[0].code == "notice.ahp_inconsistent"
    assert "CR" in scores.notices[0].render("zh")


def test_ahp_matrix_not_reciprocal_is_an_error(pool):
    ahp = {"criteria": ["industry_base", "leader"], "matrix": [[1, 3], [3, 1]]}
    with pytest.raises(InputError) as caught:
        scores_for(pool, {"scoring.ahp": ahp, "scoring.cost_criteria": []}, drop=("scoring.weights",))
    assert caught.value.problems[0].code == "scenario.ahp_entry"


def test_entropy_and_dimensions(pool):
    scores = scores_for(pool, {"scoring.entropy": ["industry_base", "leader", "debt_risk"]}, drop=("scoring.weights",))
    assert np.isclose(sum(scores.weights.values.values()), 1) and scores.notices[0].code == "notice.entropy"
    dims = {"产业": {"weight": 2, "weights": {"industry_base": 1}}, "组织": {"weight": 2, "weights": {"leader": 1, "debt_risk": 1}}}
    scores = scores_for(pool, {"scoring.dimensions": dims}, drop=("scoring.weights",))
    assert scores.weights.values == pytest.approx({"industry_base": 0.5, "leader": 0.25, "debt_risk": 0.25})


def problems_of(pool, changes=None, drop=()):
    with pytest.raises(InputError) as caught:
        scores_for(pool, changes, drop)
    return caught.value.problems


def test_unknown_key_suggests_the_nearest(pool):
    problems = problems_of(pool, {"eligibility.requires": ["accepted"]})
    assert problems[0].code == "scenario.unknown_key"
    assert "require" in problems[0].render("zh") and "did you mean 'require'" in problems[0].render("en")


def test_unknown_column_suggests_the_nearest(pool):
    problems = problems_of(pool, {"scoring.weights": {"industry_bse": 0.5, "leader": 0.5}, "scoring.cost_criteria": []})
    assert problems[0].code == "scenario.unknown_column" and problems[0].params["suggestion"] == "industry_base"


def test_negative_weight_and_text_column_weight(pool):
    assert problems_of(pool, {"scoring.weights": {"industry_base": -0.5}, "scoring.cost_criteria": []})[0].code == "scenario.out_of_bounds"
    problems = problems_of(pool, {"scoring.weights": {"county": 1.0}, "scoring.cost_criteria": []})
    assert problems[0].code == "scenario.wrong_kind" and "文本列" in problems[0].render("zh")


def test_chinese_headers_work_as_column_names(pool):
    scores = scores_for(
        pool, {"scoring.weights": {"产业基础": 0.5, "带头人": 0.5}, "scoring.cost_criteria": [], "eligibility.require": ["九有六无验收"]}
    )
    assert list(scores.weights.values) == ["industry_base", "leader"]


def test_score_command_prints_ranking_and_reason_counts():
    done = subprocess.run([sys.executable, "-m", "baicun", "score", str(DEFAULT_SCENARIO), "--top", "5"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "示例数据" in done.stdout and "综合得分" in done.stdout and "首要原因村数" in done.stdout


def test_judgement_table_upper_triangle_gives_the_reciprocal_matrix():
    names = ["产业基础", "带头人", "创建积极性"]
    cells = [["1", "3", "5"], ["x", "1", " 1/2 "], ["?", "?", "1"]]  # the lower triangle is never read
    matrix = judgement_matrix(cells, names)
    assert matrix[0, 1] == 3 and matrix[1, 0] == pytest.approx(1 / 3)
    assert matrix[1, 2] == 0.5 and matrix[2, 1] == 2
    assert (np.diag(matrix) == 1).all()


def test_judgement_table_reports_every_bad_cell_by_name_instead_of_reading_it_as_one():
    names = ["产业基础", "带头人", "创建积极性"]
    cells = [["1", "", "abc"], ["1", "1", "20"], ["1", "1", "1"]]
    cells[0][1] = None  # a cleared cell in the editor
    with pytest.raises(InputError) as caught:
        judgement_matrix(cells, names)
    problems = caught.value.problems
    assert [(p.params["row_name"], p.column, p.value) for p in problems] == [
        ("产业基础", "带头人", ""),
        ("产业基础", "创建积极性", "abc"),
        ("带头人", "创建积极性", "20"),
    ]
    assert "1/9 到 9" in problems[2].message("zh") and "between 1/9 and 9" in problems[2].message("en")
