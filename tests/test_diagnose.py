"""Infeasible scenarios: the smallest relaxation, in words, and it really works."""

from __future__ import annotations

import re

import pytest

from baicun.pipeline import bind, solve
from pool.read import read_pool
from tests.conftest import SAMPLE_CSV
from tests.scenario_helpers import scenario_with


@pytest.fixture(scope="module")
def pool():
    return read_pool(SAMPLE_CSV)


def diagnosis(pool, changes):
    scores, selection = solve(bind(scenario_with(changes), pool))
    assert selection.status == "infeasible"
    return [p.render("zh") for p in selection.diagnosis], scores


def test_border_quota_above_the_eligible_border_villages(pool):
    texts, scores = diagnosis(pool, {"selection.quota": [{"flag": "border", "min": 100}]})
    available = int(pool.frame.loc[scores.eligible, "border"].sum())
    assert texts == [f"重点边境村下限 100 无法满足：符合条件的重点边境村只有 {available} 个"]


def test_budget_too_small_names_the_smallest_sufficient_budget_and_it_works(pool):
    texts, _ = diagnosis(pool, {"selection.budget": 150000})
    line = next(t for t in texts if t.startswith("预算 150,000万元"))
    assert "选满 190 个村" in line
    needed = float(re.search(r"最少需要 ([\d,.]+)万元", line).group(1).replace(",", ""))
    assert needed > 150000
    _, selection = solve(bind(scenario_with({"selection.budget": needed}), pool))
    assert selection.status == "optimal"
    _, selection = solve(bind(scenario_with({"selection.budget": needed - 10}), pool))
    assert selection.status == "infeasible"


def test_count_minimum_alternative_is_exact(pool):
    texts, _ = diagnosis(pool, {"selection.budget": 150000})
    line = next(t for t in texts if t.startswith("遴选数量下限"))
    needed = int(re.search(r"需降至 (\d+)", line).group(1))
    _, selection = solve(bind(scenario_with({"selection.budget": 150000, "selection.count": [needed, 210]}), pool))
    assert selection.status == "optimal"
    _, selection = solve(bind(scenario_with({"selection.budget": 150000, "selection.count": [needed + 1, 210]}), pool))
    assert selection.status == "infeasible"


def test_group_caps_too_small_for_the_count(pool):
    texts, scores = diagnosis(pool, {"selection.group": [{"by": "county", "max": 2}]})
    most = int(pool.frame.loc[scores.eligible, "county"].value_counts().clip(upper=2).sum())
    assert most < 190
    assert texts == [f"按县(市、区)的上限合计最多只能选 {most} 个，低于遴选数量下限 190"]


def test_uniform_group_relaxation(pool):
    texts, _ = diagnosis(pool, {"selection.group": [{"by": "county", "max": 4}], "selection.quota": [{"flag": "border", "min": 40}]})
    assert texts[0].startswith("情景无解")
    assert any(t.startswith("重点边境村下限 40 需降至") for t in texts)
    assert any(t.startswith("每个县(市、区)的上限 4 需统一升至") for t in texts)
