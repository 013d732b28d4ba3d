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
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 13), least_free=st.integers(0, 14))
@example(seed=4, n=12, least_free=50)
def test_every_shortlist_near_the_optimum_keeps_the_fixed_values(seed, n, least_free):
    """``least_free``: the probe's neighbourhood floor (``PROBE_MIN_FREE``), small here so that the probe sees only
    part of these tiny models and its proof (``Fixing.proved``) is tried both ways."""
    from unittest import mock

    model = random_model(seed, n)
    shortlists, totals = every_shortlist(model)
    with mock.patch("solver.fixing.PROBE_MIN_FREE", least_free):
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
    if fixing.proved:  # the probe's shortlist is the optimum, and its bound a bound
        assert np.isclose(model.objective @ start, best, atol=1e-6 * max(1.0, np.abs(model.objective).max()))
        assert fixing.probe_bound >= best - 1e-9


def test_the_probe_proves_the_sample_prices_and_margins_without_a_solve():
    """Not a stub: the six rule prices of the default scenario and the margins of 九台区's villages are each proved
    by the probe alone (its neighbourhood holds every column the fixing leaves free), with the plain MILP's
    optimum. Before the neighbourhood floor, the price without the count rule left 679 columns to solve."""
    from baicun.pipeline import load_inputs, solve
    from solver import families
    from solver.backends import SolveOptions, get_backend
    from solver.reduce import dominance_keep
    from tests.expectations import ROOT

    inputs = load_inputs(ROOT / "scenarios" / "baicun_2024.toml")
    scores, selection = solve(inputs)
    model = selection.model
    county = np.flatnonzero(inputs.pool.frame["county"].eq("九台区").to_numpy() & scores.eligible)
    changed = [model.without(f.ref) for f in model.families if f.kind in families.PRICED]
    changed += [model.with_fixed(int(p), 0 if selection.selected[p] else 1) for p in county[:8]]
    for m in changed:
        reduced = m.subset(dominance_keep(m))
        fixing = fix_by_reduced_costs(reduced, 30.0)
        assert fixing is not None and fixing.proved
        plain = get_backend("highs")(m, SolveOptions(tiebreak=False, reduce=False))
        assert np.isclose(reduced.objective @ fixing.expand(fixing.start), plain.objective, atol=1e-6)


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
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(5, 60), least_free=st.sampled_from([0, 5, 20, 50]))
def test_with_the_fixing_the_optimum_and_tie_break_are_the_plain_models(seed, n, least_free):
    """The whole path (dominance, fixing, backend, the fixed values put back) against the plain MILP on crowded
    random pools: equal total score and equal tie-break value; without the tie-break (prices, margins) the probe
    may prove the optimum alone, and the total score is the plain one's too."""
    from unittest import mock

    from solver.backends import SolveOptions
    from solver.solve import select
    from tests.test_reduce import crowded_pool, random_scenario, tiebreak_value

    rng = np.random.default_rng(seed)
    pool = crowded_pool(rng, n)
    scenario, scores, _ = prepared(pool, random_scenario(rng, n))
    plain = select(pool, scenario, scores, "highs", SolveOptions(reduce=False))
    with mock.patch("solver.fixing.PROBE_MIN_FREE", least_free):
        fixed = select(pool, scenario, scores, "highs", SolveOptions())
        untied = select(pool, scenario, scores, "highs", SolveOptions(tiebreak=False))
    assert plain.status == fixed.status == untied.status
    if plain.found:
        assert np.isclose(plain.objective, fixed.objective, atol=1e-9) and np.isclose(plain.objective, untied.objective, atol=1e-6)
        assert tiebreak_value(plain) == tiebreak_value(fixed)
