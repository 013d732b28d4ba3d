"""Reduced-cost fixing (solver/fixing.py) against brute force: every shortlist the claim covers keeps the fixed
values, the probe's start meets every row, and the fixed model gives the unfixed model's optimum and tie-break."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from solver.backends.base import tie_tolerance
from solver.fixing import fix_by_reduced_costs
from solver.model import compile_model
from solver.start import satisfies
from tests.factories import prepared, random_rules, tiny_pool


def every_shortlist(model) -> tuple[np.ndarray, np.ndarray]:
    """(feasible 0/1 vectors as rows, their totals) by enumeration (≤ 14 columns)."""
    n = len(model.objective)
    x = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(float)
    rows = (model.matrix @ x.T).T
    feasible = np.all((rows >= model.row_low - 1e-9) & (rows <= model.row_high + 1e-9), axis=1)
    return x[feasible], x[feasible] @ model.objective


def random_model(seed: int, n: int):
    rng = np.random.default_rng(seed)
    pool = tiny_pool(rng, n)
    scenario, scores, rules = prepared(pool, random_rules(rng, pool))
    return compile_model(pool, scores, rules)


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 13))
@example(seed=4, n=12)
def test_every_shortlist_near_the_optimum_keeps_the_fixed_values(seed, n):
    model = random_model(seed, n)
    shortlists, totals = every_shortlist(model)
    fixing = fix_by_reduced_costs(model, 10.0)
    if fixing is None:
        return
    assert len(shortlists)  # a fixing needs a feasible probe
    best = totals.max()
    assert fixing.bound >= best - 1e-9  # the certified LP bound bounds the integer optimum
    start = fixing.expand(fixing.start)
    assert satisfies(model.matrix, model.row_low, model.row_high, start) and np.all(start[fixing.fixed_in] == 1)
    # the claim: within the tie-break's tolerance of the optimum, every shortlist keeps the fixed values
    near = shortlists[totals >= best - tie_tolerance(best)]
    assert np.all(near[:, fixing.fixed_in] == 1) and np.all(near[:, fixing.fixed_out] == 0)
    # and the restricted model's shortlists are exactly those that keep them, with the fixed-in score added
    restricted, values = every_shortlist(fixing.model) if len(fixing.model.objective) else (np.zeros((1, 0)), np.zeros(1))
    assert np.isclose(values.max() + fixing.constant, best, atol=1e-9)


def test_the_sample_pool_is_mostly_fixed_and_its_shortlist_unchanged():
    """Not a stub: on the default scenario most columns are fixed, and the selection with the fixing equals the
    plain MILP's (the same shortlist, total score and tie-break)."""
    from baicun.pipeline import load_inputs
    from scoring.score import score_pool
    from solver.backends import SolveOptions
    from solver.reduce import dominance_keep
    from solver.solve import prepare, select
    from tests.expectations import ROOT

    inputs = load_inputs(ROOT / "scenarios" / "baicun_2024.toml")
    scores = score_pool(inputs.pool, inputs.scenario)
    model = prepare(inputs.pool, inputs.scenario, scores)[3]
    reduced = model.subset(dominance_keep(model))
    fixing = fix_by_reduced_costs(reduced, 30.0)
    assert fixing is not None and fixing.free.sum() < 0.2 * len(reduced.objective)
    fixed = select(inputs.pool, inputs.scenario, scores, "highs", SolveOptions())
    plain = select(inputs.pool, inputs.scenario, scores, "highs", SolveOptions(reduce=False))
    assert fixed.reduced_to == fixing.free.sum() and fixed.tiebreak_done and plain.tiebreak_done
    assert np.array_equal(fixed.selected, plain.selected) and fixed.objective == pytest.approx(plain.objective, abs=1e-9)


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(5, 60))
def test_with_the_fixing_the_optimum_and_tie_break_are_the_plain_models(seed, n):
    """The whole path (dominance, fixing, backend, the fixed values put back) against the plain MILP on crowded
    random pools: equal total score and equal tie-break value."""
    from solver.backends import SolveOptions
    from solver.solve import select
    from tests.test_reduce import crowded_pool, random_scenario, tiebreak_value

    rng = np.random.default_rng(seed)
    pool = crowded_pool(rng, n)
    scenario, scores, _ = prepared(pool, random_scenario(rng, n))
    plain = select(pool, scenario, scores, "highs", SolveOptions(reduce=False))
    fixed = select(pool, scenario, scores, "highs", SolveOptions())
    assert plain.status == fixed.status
    if plain.found:
        assert np.isclose(plain.objective, fixed.objective, atol=1e-9)
        assert tiebreak_value(plain) == tiebreak_value(fixed)
