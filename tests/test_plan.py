"""Multi-year plans: optimal against brute force on tiny pools, every yearly and whole-plan rule met on the shipped
five-year scenario, and a rolling re-plan keeps the decided year."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baicun.pipeline import bind, load_inputs, outcome, solve
from contract.errors import InputError
from contract.scenario import parse_scenario
from pool.read import Pool
from report.files import write_xlsx
from solver.backends import BACKENDS, SolveOptions, highs, highs_plan
from solver.model import cumulative
from solver.plan import resolve_plan
from solver.rules import RuleRef
from solver.solve import prepare, select
from solver.start import satisfies
from store.runs import open_store, run_fields, save_run
from tests.factories import assert_matches_brute_force, brute_force_plan, make_pool, prepared, tiny_pool

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "scenarios" / "baicun_2024_2028.toml"
EXAMPLES = {"highs": 40, "cbc": 12, "cpsat": 8}


def random_plan(rng: np.random.Generator, pool: Pool) -> dict:
    n = pool.size
    low = int(rng.integers(0, 3))
    data = {
        "scoring": {"normalize": "none", "weights": {"industry_base": 1.0, "leader": 0.01}},
        "selection": {"count": [low, low + int(rng.integers(0, 3))]},
        "plan": {
            "years": [2024, 2025, 2026][: int(rng.integers(2, 4))],
            "funding": [0.6, 0.4] if rng.random() < 0.6 else [1.0],
            "discount": float(rng.choice([0.0, 0.1])),
        },
    }
    if rng.random() < 0.7:
        data["plan"]["budget_per_year"] = float(rng.integers(2, 12))
    if rng.random() < 0.5:
        data["plan"]["total"] = [int(rng.integers(0, n // 2 + 1)), n]
    if rng.random() < 0.5:
        data["selection"]["quota"] = [{"flag": "border", "min": int(rng.integers(0, 2))}]
    if rng.random() < 0.4:
        data["plan"]["quota"] = [{"flag": "poverty_alleviated", "min": int(rng.integers(0, 3))}]
    if rng.random() < 0.5:
        data["selection"]["group"] = [{"by": "county", "max": int(rng.integers(1, 3))}]
    if rng.random() < 0.3:
        data["plan"]["group"] = [{"by": "city", "min": 1}]
    return data


@pytest.mark.parametrize("backend", BACKENDS)
def test_tiny_plans_match_brute_force(backend):
    @settings(max_examples=EXAMPLES[backend], deadline=None, suppress_health_check=list(HealthCheck))
    @given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 6))
    def run(seed, n):
        rng = np.random.default_rng(seed)
        pool = tiny_pool(rng, n)
        scenario, scores, _ = prepared(pool, random_plan(rng, pool))
        best = brute_force_plan(pool, scores, resolve_plan(scenario, pool, scores))
        selection = select(pool, scenario, scores, backend, SolveOptions(time_limit=30))
        assert_matches_brute_force(selection, best)
        if best is None:
            return
        years = selection.years(pool)
        assert set(years) <= {2024, 2025, 2026} and not years.index.has_duplicates

    run()


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 6))
def test_the_cumulative_form_is_the_same_plan_in_other_coordinates(seed, n):
    """Every plan (at most one year per village) maps to a monotone 0/1 y with the same row activities and
    objective, and a y that is not monotone breaks an order row — so both forms have the same feasible plans."""
    rng = np.random.default_rng(seed)
    pool = tiny_pool(rng, n)
    scenario, scores, _ = prepared(pool, random_plan(rng, pool))
    model = prepare(pool, scenario, scores)[3]
    form, d = cumulative(model)
    order = form.family(RuleRef("order"))
    for _ in range(20):
        x = np.zeros(len(model.objective))
        for village in np.unique(model.village):
            columns = np.flatnonzero(model.village == village)
            pick = rng.integers(-1, len(columns))
            if pick >= 0:
                x[columns[pick]] = 1
        y = np.linalg.solve(d.toarray(), x)
        assert set(np.round(y, 9)) <= {0.0, 1.0}
        assert np.allclose(form.matrix[: len(model.row_low)] @ y, model.matrix @ x)
        assert form.objective @ y == pytest.approx(model.objective @ x)
        assert (form.matrix[order.start : order.stop] @ y <= 1e-9).all()
    if order.stop > order.start:
        y = np.zeros(len(model.objective))
        y[form.matrix[order.start].indices[form.matrix[order.start].data > 0]] = 1  # in by the earlier year only
        assert (form.matrix[order.start : order.stop] @ y > 0).any()


@pytest.fixture(scope="module")
def five_year():
    inputs = load_inputs(PLAN)
    scores, selection = solve(inputs)
    return inputs, scores, selection


def test_shipped_plan_meets_every_yearly_and_whole_plan_rule(five_year):
    inputs, scores, selection = five_year
    assert selection.found and selection.check.ok
    years = selection.years(inputs.pool)
    plan = inputs.scenario.plan
    assert sorted(set(years)) == plan.years
    assert plan.total[0] <= len(years) <= plan.total[1]
    for _, ids in years.groupby(years):
        assert plan.count_per_year is None and 190 <= len(ids) <= 210
    attainment = selection.check.attainment
    assert {RuleRef("budget", year=y) for y in plan.years} <= set(attainment["rule"])  # each year's budget was checked
    assert attainment["met"].all()
    # the 2023 cohort's second instalment is charged to 2024
    assert selection.plan.committed[0] == pytest.approx(0.4 * inputs.pool.frame.loc[inputs.pool.frame["baicun_year"] == 2023, "cost"].sum())


def test_discount_puts_stronger_villages_first(five_year):
    inputs, scores, selection = five_year
    years = selection.years(inputs.pool)
    mean = scores.table.set_index("village_id")["score"].loc[years.index].groupby(years.to_numpy()).mean()
    assert mean.is_monotonic_decreasing


def test_replanning_with_2024_locked_keeps_2024(five_year, tmp_path):
    inputs, scores, selection = five_year
    years = selection.years(inputs.pool)
    decided = years.index[years == 2024]
    frame = inputs.pool.frame.copy()
    frame.loc[frame["village_id"].isin(decided), "baicun_year"] = 2024
    pool = make_pool(frame)
    text = PLAN.read_text(encoding="utf-8").replace("locked = []", "locked = [2024]")
    replanned_inputs = bind(parse_scenario(text, folder=PLAN.parent), pool)
    _, replanned = solve(replanned_inputs)
    assert replanned.found and replanned.check.ok
    again = replanned.years(pool)
    assert set(again.index[again == 2024]) == set(decided)
    assert set(again) == set(inputs.scenario.plan.years)


def test_replanning_from_a_stored_run_keeps_its_year(five_year, tmp_path):
    inputs, scores, selection = five_year
    db = str(tmp_path / "runs.sqlite")
    run_id = save_run(open_store(db), run_fields(outcome(inputs, scores, selection), PLAN.parent / "data" / "jilin_sample_pool.csv"))
    text = PLAN.read_text(encoding="utf-8").replace("locked = []", f"locked = [2024]\nlock_run = {run_id}")
    _, replanned = solve(bind(parse_scenario(text, folder=PLAN.parent), inputs.pool), db=db)
    before, after = selection.years(inputs.pool), replanned.years(inputs.pool)
    assert set(after.index[after == 2024]) == set(before.index[before == 2024])


def test_plan_workbook_has_a_sheet_per_year_and_a_summary(five_year, tmp_path):
    from openpyxl import load_workbook

    inputs, scores, selection = five_year
    path = tmp_path / "plan.xlsx"
    write_xlsx(outcome(inputs, scores, selection), path)
    book = load_workbook(path, read_only=True)
    for year in inputs.scenario.plan.years:
        sheet = book[f"{year}年名单"]
        assert sheet.max_row - 2 == int((selection.year == year).sum())  # title row + header row + villages
    summary = list(book["规划汇总(年度×市州)"].values)
    header = summary[1]
    total_row = next(r for r in summary if r[0] == "合计")
    assert total_row[header.index("合计")] == selection.count


def test_a_year_already_in_the_pool_but_not_locked_is_an_error(five_year):
    inputs, _, _ = five_year
    frame = inputs.pool.frame.copy()
    frame.loc[frame.index[:3], "baicun_year"] = 2025
    pool = make_pool(frame)
    loaded = parse_scenario(PLAN.read_text(encoding="utf-8"), folder=PLAN.parent)
    with pytest.raises(InputError) as caught:
        solve(bind(loaded, pool))
    problem = caught.value.problems[0]
    assert problem.code == "scenario.plan_unlocked_year" and "2025" in problem.render("zh") and "locked" in problem.render("en")


def test_explanations_and_robustness_work_on_plans():
    from analysis.robustness import robustness
    from analysis.whatif import explain_village, score_margin

    rng = np.random.default_rng(7)
    pool = tiny_pool(rng, 8)
    data = {
        "scoring": {"normalize": "none", "weights": {"industry_base": 1.0, "leader": 0.01}},
        "selection": {"count": [1, 2]},
        "plan": {"years": [2024, 2025], "discount": 0.1},
    }
    scenario, scores, _ = prepared(pool, data)
    selection = select(pool, scenario, scores)
    inside = int(np.flatnonzero(selection.selected)[0])
    outside = int(np.flatnonzero(scores.eligible & ~selection.selected)[0])
    assert score_margin(selection, inside) >= 0 and score_margin(selection, outside) <= 0
    explanation = explain_village(pool, scores, selection, pool.frame["village_id"].iat[outside])
    assert explanation.needed_increase is not None and explanation.needed_increase >= 0
    study = robustness(pool, scores, selection, samples=6, workers=1)
    frequency = study.table["frequency"].to_numpy()
    assert ((frequency >= 0) & (frequency <= 1)).all() and frequency[~scores.eligible].sum() == 0
    assert frequency[selection.selected].mean() >= frequency[scores.eligible & ~selection.selected].mean()


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 6))
def test_the_plan_search_and_proof_reach_the_brute_force_optimum_from_a_poor_first_plan(seed, n):
    """``solver.backends.highs_plan`` with its first plan stopped at HiGHS's first feasible plan (gap 1): a pass of
    the year-pair search keeps every rule and never loses score, and the search and proofs that follow reach the
    enumerated optimum."""
    rng = np.random.default_rng(seed)
    pool = tiny_pool(rng, n)
    data = random_plan(rng, pool)
    data["plan"]["years"] = [2024, 2025, 2026]
    scenario, scores, _ = prepared(pool, data)
    best = brute_force_plan(pool, scores, resolve_plan(scenario, pool, scores))
    model = prepare(pool, scenario, scores)[3]
    form, d = cumulative(model)
    options = SolveOptions(time_limit=30, mip_gap=0.0)
    first = highs.first_phase(form, replace(options, mip_gap=1.0))
    if best is None:
        assert first.x is None and highs_plan.solve_plan(form, options, first_gap=1.0).x is None
        return
    searched, _ = highs_plan.year_pair_pass(form, first.x, time.perf_counter() + 30, 5.0)
    assert satisfies(form.matrix, form.row_low, form.row_high, searched)
    assert form.objective @ searched >= form.objective @ first.x - 1e-9
    run = highs_plan.solve_plan(form, options, first_gap=1.0)
    assert run.status == highs.Status.kOptimal and satisfies(form.matrix, form.row_low, form.row_high, run.x)
    assert np.isclose(model.objective @ (d @ run.x), best, atol=1e-7)


def test_the_plan_search_frees_only_the_villages_of_its_years():
    """A neighbourhood frees every column of the villages planned in its years or left out, and no other."""
    rng = np.random.default_rng(3)
    pool = tiny_pool(rng, 6)
    data = random_plan(rng, pool)
    data["plan"] |= {"years": [2024, 2025, 2026], "total": [0, 6]}
    data["selection"] = {"count": [0, 6]}
    scenario, scores, _ = prepared(pool, data)
    form, _ = cumulative(prepare(pool, scenario, scores)[3])
    villages = np.unique(form.village)
    planned = dict(zip(villages, rng.choice([0, 2024, 2025, 2026], len(villages)), strict=True))
    plan = np.array([0 < planned[v] <= year for v, year in zip(form.village, form.year, strict=True)], dtype=float)
    free = highs_plan.free_in_years(form, plan, (2024, 2026))
    expected = np.array([planned[v] in (0, 2024, 2026) for v in form.village])
    assert (free == expected).all()
