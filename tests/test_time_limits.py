"""Time limits that hold (issue 16, items 7 and 10) on every backend: a list whenever one is easy to find, an honest
status ("可行，差距 g" / "在 N 秒内没有找到可行名单" / "无解"), exit code 5 for "no list in time", and a watchdog that
stops a solver overrunning its limit. No timing is asserted: speed is bench/bench_time_limit.py's job; these tests
assert what is reported when the clock ends the search."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pool.generate import as_pool
from report.status import status_text
from solver.backends import BACKENDS, SolveOptions, cumulative_start, score_range
from solver.backends.base import RawResult, binary
from solver.check import check_selection
from solver.solve import select
from solver.start import feasible_start, satisfies, upper_bound
from tests.factories import brute_force, knapsack_frame, knapsack_scenario, prepared, random_rules, tiny_pool


@pytest.fixture(scope="module")
def knapsack():
    frame = knapsack_frame(10_000)
    pool = as_pool(frame, "knapsack")
    scenario, scores, _ = prepared(pool, knapsack_scenario(frame))
    return pool, scenario, scores


def honest(selection, pool, scores) -> None:
    """A checked list whose bound is a bound and whose words match the numbers."""
    assert selection.found and selection.check.ok
    assert check_selection(pool, scores, selection.rules, selection.selected_ids(pool)).ok
    assert selection.status in ("optimal", "feasible")
    assert selection.bound is not None and selection.bound >= selection.objective - 1e-9 * abs(selection.objective)
    text = status_text(selection)
    if selection.status == "feasible":
        assert f"{selection.gap * 100:.3g}%" in text
        assert ("秒内未证明最优" in text) == bool(selection.stopped)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_tiny_time_limit_still_gives_a_checked_list_and_an_honest_gap(knapsack, backend):
    pool, scenario, scores = knapsack
    selection = select(pool, scenario, scores, backend, SolveOptions(time_limit=0.3))
    honest(selection, pool, scores)
    assert selection.gap < 1e-3  # the start (greedy by score per 万元) and Dantzig's bound are both close on a knapsack


@pytest.mark.parametrize("backend", BACKENDS)
def test_without_a_start_a_solver_stopped_by_the_clock_says_time_limit(knapsack, backend):
    """Before: CP-SAT said 求解器出错 (its timed-out flag needed a solution) and the CLI said 无解 (exit 1)."""
    pool, scenario, scores = knapsack
    selection = select(pool, scenario, scores, backend, SolveOptions(time_limit=0.01, start=False))
    if selection.found:
        honest(selection, pool, scores)
        return
    assert selection.status == "time_limit" and selection.check is None
    assert status_text(selection) == "在 0.01 秒内没有找到可行名单"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_solver_overrunning_its_limit_is_stopped_and_the_best_list_kept(knapsack, backend, monkeypatch):
    """The watchdog: the solver is given a minute but stopped from outside after a fraction of a second (HiGHS
    stayed in presolve for minutes past its limit on knapsacks like this one)."""
    import importlib

    module = importlib.import_module(f"solver.backends.{backend}")
    monkeypatch.setattr(module, "watchdog_after", lambda limit: 0.2)
    pool, scenario, scores = knapsack
    # unreduced: after reduced-cost fixing (solver/fixing.py) CBC proves this knapsack before any watchdog is due
    selection = select(pool, scenario, scores, backend, SolveOptions(time_limit=60, reduce=False))
    assert selection.stopped == "watchdog"
    honest(selection, pool, scores)
    assert selection.status == "feasible"


def test_the_fixing_stopped_by_the_watchdog_leaves_highs_usable(knapsack, monkeypatch):
    """The LP and the probe of reduced-cost fixing run without HiGHS's presolve, which does not look at the clock:
    stopped from outside after 0.2 s they come back, and no abandoned run blocks the solve that follows (with
    presolve, the LP of this knapsack alone took 3 s and was abandoned: "Solver is already running")."""
    import solver.backends.highs as highs

    monkeypatch.setattr(highs, "watchdog_after", lambda limit: 0.2)
    pool, scenario, scores = knapsack
    selection = select(pool, scenario, scores, "highs", SolveOptions(time_limit=60))
    assert not highs.abandoned_runs()
    honest(selection, pool, scores)


def test_cpsat_stopped_before_any_list_claims_no_bound(knapsack, monkeypatch):
    """CI once saw 已证明最优 at a 0.3 s limit: the CP-SAT worker's start-up ate the time, CP-SAT stopped before any
    list (UNKNOWN), its BestObjectiveBound of 0 plus the rounding allowance was taken for a bound, and the greedy
    start scored above it — a negative gap, so "optimal"."""
    from solver.backends import cpsat
    from solver.solve import prepare

    monkeypatch.setattr(cpsat, "watchdog_after", lambda limit: 60)  # the worker ends on its own, as it did in CI
    pool, scenario, scores = knapsack
    model = prepare(pool, scenario, scores)[3]
    raw = cpsat.solve(model.with_objective(model.objective / score_range(model.objective)), SolveOptions(time_limit=0.01))
    assert raw.x is None and raw.status == "time_limit"
    assert raw.bound is None


def test_a_bound_below_the_list_never_makes_it_optimal(knapsack):
    """Whatever a backend says, a bound under a list that meets every row is no bound: the list stays 可行 with
    Dantzig's bound (``solver.start.upper_bound``), which is always one."""
    from solver.backends import solve_with
    from solver.solve import prepare

    pool, scenario, scores = knapsack
    model = prepare(pool, scenario, scores)[3]

    def no_list_and_a_bound_of_zero(model, options, start=None):
        return RawResult("time_limit", None, None, 0.0, options.time_limit, "fake", "fake", stopped="time_limit")

    raw = solve_with(no_list_and_a_bound_of_zero, model, SolveOptions(time_limit=5))
    assert raw.from_start and raw.status == "feasible"
    assert raw.bound >= raw.objective and raw.bound == upper_bound(model.objective, model.matrix, model.row_high)


def test_no_list_in_time_exits_5_with_the_words_of_the_limit(tmp_path, monkeypatch):
    """Exit code 5 and "在 N 秒内没有找到可行名单", never 1 (无解): whatever backend stopped without a list."""
    import json

    from typer.testing import CliRunner

    import solver.solve
    from baicun.cli import app
    from tests.hostile import hostile_pool

    _, scenario, _ = hostile_pool(tmp_path, "村", "乡", "县", "市")

    def stopped(model, options, start=None):
        return RawResult("time_limit", None, None, 12.5, options.time_limit, "highs", "fake", stopped="time_limit")

    monkeypatch.setattr(solver.solve, "get_backend", lambda name: stopped)
    result = CliRunner().invoke(app, ["solve", str(scenario), "--time-limit", "3", "--json"])
    assert result.exit_code == 5, result.stderr
    assert "在 3 秒内没有找到可行名单" in result.stderr and "无解" not in result.stderr
    assert json.loads(result.stdout)["status"] == "time_limit"


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 9))
def test_the_start_satisfies_every_rule_or_is_none_and_the_bound_is_a_bound(seed, n):
    rng = np.random.default_rng(seed)
    pool = tiny_pool(rng, n)
    scenario, scores, rules = prepared(pool, random_rules(rng, pool))
    model = select(pool, scenario, scores, "highs").model
    start = feasible_start(model.objective, model.tiebreak, model.matrix, model.row_low, model.row_high)
    best, _ = brute_force(pool, scores, rules)
    if start is None:
        empty_fits = satisfies(model.matrix, model.row_low, model.row_high, np.zeros(len(model.objective), dtype=np.int8))
        assert not empty_fits
        return
    assert best is not None  # a start is a feasible list
    ids = model.village_ids[start.astype(bool)]
    assert check_selection(pool, scores, rules, ids).ok
    assert upper_bound(model.objective, model.matrix, model.row_high) >= best - 1e-9


def test_a_plan_start_in_cumulative_coordinates_maps_back_exactly():
    from solver.model import cumulative

    pool = tiny_pool(np.random.default_rng(4), 9)
    scenario, scores, _ = prepared(
        pool,
        {
            "scoring": {"normalize": "none", "weights": {"industry_base": 1.0}},
            "selection": {"count": [0, 3]},
            "plan": {"years": [2024, 2025, 2026]},
        },
    )
    model = select(pool, scenario, scores, "highs").model
    form, d = cumulative(model)
    rng = np.random.default_rng(0)
    for _ in range(20):
        x = np.zeros(len(model.objective), dtype=np.int8)
        for village in np.unique(model.village):  # at most one year per village
            columns = np.flatnonzero(model.village == village)
            if rng.random() < 0.6:
                x[rng.choice(columns)] = 1
        assert np.array_equal(binary(d @ cumulative_start(model, x)), x)


@pytest.fixture(scope="module")
def sample():
    from pool.read import read_pool
    from tests.conftest import SAMPLE_CSV

    return read_pool(SAMPLE_CSV)


def test_scores_at_any_scale_are_solved_and_proven_the_same_way(sample):
    """已证明最优 must mean the same at every scale of scores. Before: with every score ×10⁻⁹ HiGHS stopped at its
    absolute gap (可行, gap 0.6%) and CBC called a list 10% below the optimum 已证明最优; ×10⁹ HiGHS ran out its
    60 s at a gap of 220%. Now the objective is divided by the score range before any solver sees it."""
    from baicun.pipeline import bind, score
    from tests.scenario_helpers import scenario_with

    totals = {}
    for factor in (1e-9, 1.0, 1e9):
        changes = {"scoring.normalize": "none", "scoring.weights": {"leader": factor}, "scoring.bonus": {}, "scoring.cost_criteria": []}
        inputs = bind(scenario_with(changes), sample)
        scores = score(inputs)
        for backend in BACKENDS:
            selection = select(sample, inputs.scenario, scores, backend, SolveOptions(time_limit=120))
            assert selection.status == "optimal" and selection.gap <= 1e-6, (factor, backend, selection.status, selection.gap)
            totals[factor, backend] = selection.objective / factor
    assert np.allclose(list(totals.values()), totals[1.0, "highs"], rtol=1e-9, atol=0)
    assert score_range(np.array([0.0, -3.0, 2.0])) == 3.0 and score_range(np.zeros(3)) == 1.0


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_optimum_of_zero_is_proven_optimal(sample, backend):
    """CP-SAT said 可行 with a gap of 1047 (the issue saw 2.2–49) whenever the optimum was 0, as with a budget of 0:
    the gap was divided by |0|."""
    from baicun.pipeline import bind, score
    from tests.scenario_helpers import scenario_with

    for rules in ({"selection.budget": 0, "selection.count": [0, 210]}, {"selection.count": [0, 0]}):
        inputs = bind(scenario_with(rules | {"selection.quota": [], "selection.group": []}), sample)
        selection = select(sample, inputs.scenario, score(inputs), backend)
        assert selection.status == "optimal" and selection.objective == 0 and selection.gap == 0
