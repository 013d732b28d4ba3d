"""One suite, run on every backend: optimal against brute force, checker-clean, deterministic, tie-breaks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.diagnose import diagnose
from baicun.pipeline import bind, score
from pool.read import read_pool
from solver.backends import BACKENDS, SolveOptions
from solver.check import check_selection
from solver.solve import select
from tests.conftest import SAMPLE_CSV
from tests.factories import assert_matches_brute_force, brute_force, make_pool, prepared, random_rules, tiny_pool
from tests.scenario_helpers import scenario_with

EXAMPLES = {"highs": 60, "cbc": 25, "cpsat": 12}  # CP-SAT runs in a worker process (see solver/backends/cpsat.py)


@pytest.mark.parametrize("backend", BACKENDS)
def test_random_small_pools_match_brute_force(backend):
    @settings(max_examples=EXAMPLES[backend], deadline=None, suppress_health_check=list(HealthCheck))
    @given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 10))
    def run(seed, n):
        rng = np.random.default_rng(seed)
        pool = tiny_pool(rng, n)
        scenario, scores, rules = prepared(pool, random_rules(rng, pool))
        best, best_tie = brute_force(pool, scores, rules)
        selection = select(pool, scenario, scores, backend, SolveOptions(time_limit=30))
        assert_matches_brute_force(selection, best)
        if best is None:
            return
        chosen_tie = selection.model.tiebreak[np.isin(selection.model.positions, np.flatnonzero(selection.selected))].sum()
        assert chosen_tie == best_tie  # among equal-score shortlists, the one with smaller village_ids

    run()


@pytest.fixture(scope="module")
def default_case():
    pool = read_pool(SAMPLE_CSV)
    inputs = bind(scenario_with(), pool)
    return pool, inputs, score(inputs)


def test_three_backends_agree_on_the_default_scenario(default_case):
    pool, inputs, scores = default_case
    results = {b: select(pool, inputs.scenario, scores, b, SolveOptions(time_limit=120)) for b in BACKENDS}
    objectives = [r.objective for r in results.values()]
    assert all(r.status == "optimal" for r in results.values())
    assert max(objectives) - min(objectives) <= 1e-6 * abs(max(objectives))
    assert results["highs"].gap <= 1e-9


def test_same_inputs_same_shortlist(default_case):
    pool, inputs, scores = default_case
    first = select(pool, inputs.scenario, scores)
    second = select(pool, inputs.scenario, score(inputs))
    assert np.array_equal(first.selected, second.selected)


@pytest.mark.parametrize("backend", BACKENDS)
def test_equal_scores_smaller_id_wins(backend):
    frame = pd.DataFrame(
        {
            "village_id": ["220000000005", "220000000002", "220000000009", "220000000001", "220000000007"],
            "village": list("ABCDE"),
            "township": "镇",
            "county": ["甲", "甲", "乙", "乙", "乙"],
            "city": "市",
            "border": False,
            "poverty_alleviated": False,
            "industry_base": [50.0, 50.0, 70.0, 50.0, 50.0],
            "leader": 80.0,
            "debt_risk": 0.0,
            "cost": 1.0,
        }
    )
    pool = make_pool(frame)
    scenario, scores, rules = prepared(pool, {"scoring": {"normalize": "none", "weights": {"industry_base": 1}}, "selection": {"count": [3, 3]}})
    selection = select(pool, scenario, scores, backend)
    assert sorted(selection.selected_ids(pool)) == ["220000000001", "220000000002", "220000000009"]


def test_time_limit_and_gap_are_reported_honestly(default_case):
    pool, inputs, scores = default_case
    loose = select(pool, inputs.scenario, scores, "highs", SolveOptions(time_limit=60, mip_gap=0.05))
    assert loose.status in ("optimal", "feasible") and loose.check.ok
    if loose.status == "feasible":
        assert 0 < loose.gap <= 0.05 + 1e-9


def test_checker_catches_every_kind_of_violation(default_case):
    pool, inputs, scores = default_case
    selection = select(pool, inputs.scenario, scores)
    ids = selection.selected_ids(pool)
    ineligible = pool.frame.loc[~scores.eligible, "village_id"].iloc[0]
    non_border = [i for i in ids if not pool.frame.set_index("village_id").at[i, "border"]]
    broken = [i for i in ids if i not in non_border[:1]][:189] + [ineligible]
    report = check_selection(pool, scores, selection.rules, broken)
    codes = {p.code for p in report.violations}
    assert codes == {"check.ineligible", "check.violated"}
    assert not check_selection(pool, scores, selection.rules, ids).violations
    assert check_selection(pool, scores, selection.rules, ids + ids[:1]).violations[0].code == "check.duplicate"


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_eligible_village_needs_no_solver(backend):
    pool = tiny_pool(np.random.default_rng(3), 5)
    pool.frame["debt_risk"] = 3.0
    base = {"eligibility": {"exclude": {"debt_risk": ["高"]}}, "scoring": {"normalize": "none", "weights": {"leader": 1}}}
    scenario, scores, _ = prepared(pool, base | {"selection": {"count": [0, 3]}})
    empty = select(pool, scenario, scores, backend)
    assert empty.status == "optimal" and empty.count == 0 and empty.check.ok
    scenario, scores, _ = prepared(pool, base | {"selection": {"count": [1, 3]}})
    none = select(pool, scenario, scores, backend)
    assert none.status == "infeasible" and diagnose(pool, scores, none.rules, none.model)[0].code == "diag.count_short"


def test_highs_instances_asking_for_different_thread_counts_all_solve():
    """HiGHS's thread pool is process-wide: a later instance asking for another count used to fail (kNotset)."""
    import scipy.sparse as sp

    from solver.backends.highs import Status, make_highs, run

    n = 30
    objective = np.random.default_rng(0).random(n)
    for threads in (0, 1, 2, 1):
        h = make_highs(
            objective,
            sp.csr_matrix(np.ones((1, n))),
            np.array([0.0]),
            np.array([5.0]),
            np.zeros(n),
            np.ones(n),
            np.ones(n, dtype=bool),
            threads=threads,
        )
        assert run(h) == Status.kOptimal
