"""The compiled model, read row by row without any solver; and the rule numbers it is built from."""

from __future__ import annotations

import numpy as np
import pytest

from baicun.pipeline import bind, score
from contract.errors import InputError
from pool.read import read_pool
from solver.model import compile_model
from solver.rules import RuleRef, reference_count, resolve_rules
from tests.conftest import SAMPLE_CSV
from tests.scenario_helpers import scenario_with


@pytest.fixture(scope="module")
def compiled():
    pool = read_pool(SAMPLE_CSV)
    inputs = bind(scenario_with(), pool)
    scores = score(inputs)
    rules = resolve_rules(inputs.scenario, pool, scores)
    return pool, scores, rules, compile_model(pool, scores, rules)


def test_one_variable_per_eligible_village(compiled):
    pool, scores, _, model = compiled
    assert len(model.objective) == scores.eligible.sum()
    assert np.array_equal(model.objective, scores.table["score"].to_numpy()[scores.eligible])
    assert list(model.village_ids) == pool.frame.loc[scores.eligible, "village_id"].tolist()


def test_families_have_stable_names_in_order(compiled):
    model = compiled[3]
    assert [f.ref for f in model.families] == [
        RuleRef("count"),
        RuleRef("budget"),
        RuleRef("quota", "border"),
        RuleRef("quota", "poverty_alleviated"),
        RuleRef("group", "county_place"),  # counties and cities by identity (pool.places)
        RuleRef("group", "city_place"),
    ]
    names = model.row_names()
    assert names[0] == "count[]" and "group:county_place[梅河口市]" in names and "group:city_place[延边朝鲜族自治州]" in names


def test_count_budget_and_quota_rows(compiled):
    pool, scores, _, model = compiled
    variables = pool.frame[scores.eligible]
    count, budget, border = (model.family(r) for r in (RuleRef("count"), RuleRef("budget"), RuleRef("quota", "border")))
    assert model.matrix[count.start].toarray().ravel().tolist() == [1.0] * len(variables)
    assert (model.row_low[count.start], model.row_high[count.start]) == (190, 210)
    assert np.array_equal(model.matrix[budget.start].toarray().ravel(), variables["cost"].to_numpy())
    assert (model.row_low[budget.start], model.row_high[budget.start]) == (-np.inf, 200000)
    assert np.array_equal(model.matrix[border.start].toarray().ravel(), variables["border"].astype(float).to_numpy())
    assert model.row_low[border.start] == 24 and model.row_high[border.start] == np.inf


def test_group_rows_hold_exactly_their_villages(compiled):
    pool, scores, rules, model = compiled
    variables = pool.frame[scores.eligible].reset_index(drop=True)
    county = model.family(RuleRef("group", "county_place"))  # counties by identity (pool.places)
    for offset, label in enumerate(county.labels):
        row = model.matrix[county.start + offset].toarray().ravel()
        assert np.array_equal(np.flatnonzero(row), np.flatnonzero(variables["county_place"] == label))
        assert model.row_high[county.start + offset] == 6
        assert model.row_low[county.start + offset] == min(1, (variables["county_place"] == label).sum())


def test_city_share_bounds_follow_the_documented_rounding(compiled):
    pool, scores, rules, _ = compiled
    city = next(g for g in rules.groups if g.by == "city_place").table
    k, total = reference_count((190, 210)), city["eligible"].sum()
    assert k == 200
    for _, row in city.iterrows():
        share = 200 * row["eligible"] / total
        assert row["low"] == np.floor(0.5 * share) and row["high"] == np.ceil(1.5 * share)


def test_group_minimum_capped_and_reported():
    pool = read_pool(SAMPLE_CSV)
    inputs = bind(scenario_with({"selection.group": [{"by": "county", "min": 5, "max": 6}]}), pool)
    scores = score(inputs)
    rules = resolve_rules(inputs.scenario, pool, scores)
    table = rules.groups[0].table
    small = table[table["eligible"] < 5]
    assert len(small) > 0 and (small["low"] == small["eligible"]).all() and small["capped"].all()
    assert rules.notices[0].code == "notice.group_min_capped"


def test_must_lists_become_named_rows():
    pool = read_pool(SAMPLE_CSV)
    first = bind(scenario_with(), pool)
    eligible_ids = pool.frame.loc[score(first).eligible, "village_id"].tolist()
    inputs = bind(scenario_with({"selection.must_include": eligible_ids[:2], "selection.must_exclude": eligible_ids[2:3]}), pool)
    scores = score(inputs)
    model = compile_model(pool, scores, resolve_rules(inputs.scenario, pool, scores))
    include = model.family(RuleRef("must_include"))
    assert include.labels == tuple(eligible_ids[:2]) and model.row_low[include.start] == 1
    assert model.family(RuleRef("must_exclude")).labels == tuple(eligible_ids[2:3])
    assert model.without(RuleRef("must_include")).family(RuleRef("count")).ref == RuleRef("count")
    assert RuleRef("must_include") not in [f.ref for f in model.without(RuleRef("must_include")).families]


def test_ineligible_must_include_is_an_error_that_says_why():
    pool = read_pool(SAMPLE_CSV)
    first = bind(scenario_with(), pool)
    ineligible = pool.frame.loc[~score(first).eligible, "village_id"].iloc[0]
    inputs = bind(scenario_with({"selection.must_include": [ineligible]}), pool)
    with pytest.raises(InputError) as caught:
        resolve_rules(inputs.scenario, pool, score(inputs))
    problem = caught.value.problems[0]
    assert problem.code == "scenario.must_ineligible" and "九有六无验收" in problem.render("zh")


@pytest.mark.parametrize(
    "changes,code",
    [
        ({"selection.count": [210, 190]}, "scenario.min_above_max"),
        ({"selection.budget": -5}, "scenario.out_of_bounds"),
        ({"selection.quota": [{"flag": "borders", "min": 3}]}, "scenario.unknown_column"),
        ({"selection.quota": [{"flag": "county", "min": 3}]}, "scenario.wrong_kind"),
        ({"selection.group": [{"by": "county"}]}, "scenario.group_empty"),
        ({"selection.cuont": [1, 2]}, "scenario.unknown_key"),
        ({"solver.backend": "gurobi"}, "scenario.not_one_of"),
        ({"plan": {"years": [2025, 2024]}}, "scenario.plan_years"),
        ({"plan": {"years": [2024], "funding": [0.6, 0.3]}}, "scenario.plan_funding"),
        ({"plan": {"years": [2024, 2025], "locked": [2023]}}, "scenario.plan_locked"),
        ({"spatial": {"radius_km": 0}}, "scenario.out_of_bounds"),
    ],
)
def test_impossible_scenarios_are_clear_errors(changes, code):
    pool = read_pool(SAMPLE_CSV)
    with pytest.raises(InputError) as caught:
        bind(scenario_with(changes), pool)
    assert caught.value.problems[0].code == code
    assert caught.value.problems[0].render("zh") and caught.value.problems[0].render("en")
