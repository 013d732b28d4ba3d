"""Stability proofs (analysis/stability.py) against brute force: on small pools every shortlist is enumerated, weights
are sampled densely inside the region (its vertices included), and every near-optimal shortlist at every sampled
weight vector must respect every proved class; every witness must be a true optimum inside the region."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.region import build_region
from analysis.robustness import criteria_matrix
from analysis.stability import PROOF_MARGIN, Frame, along, criterion_interval, prove_classes
from contract.errors import InputError
from contract.scenario import RobustnessRegion
from solver.solve import select
from tests.factories import make_pool, prepared

CRITERIA = ("industry_base", "leader", "enthusiasm", "debt_risk")


def stability_pool(rng: np.random.Generator, n: int):
    """n villages in three counties, four criteria on a coarse scale (near-ties are common), costs 1–4."""
    counties = rng.choice(["甲县", "乙县", "丙县"], size=n)
    frame = pd.DataFrame(
        {
            "village_id": [f"2200000000{i:02d}" for i in rng.permutation(n)],
            "village": [f"村{i}" for i in range(n)],
            "township": "镇",
            "county": counties,
            "city": np.where(counties == "丙县", "乙市", "甲市"),
            "border": rng.random(n) < 0.4,
            "poverty_alleviated": rng.random(n) < 0.4,
            "industry_base": rng.integers(50, 60, n).astype(float),
            "leader": rng.integers(60, 70, n).astype(float),
            "enthusiasm": rng.integers(0, 6, n).astype(float),
            "debt_risk": rng.integers(0, 4, n).astype(float),
            "cost": rng.integers(1, 5, n).astype(float),
        }
    )
    return make_pool(frame)


def random_scenario(rng: np.random.Generator, n: int) -> dict:
    weights = dict(zip(CRITERIA, rng.dirichlet(np.ones(len(CRITERIA))).round(3).tolist()))
    low = int(rng.integers(1, n // 2 + 1))
    data = {
        "scoring": {"normalize": str(rng.choice(["minmax", "none"])), "weights": weights, "cost_criteria": ["debt_risk"]},
        "selection": {"count": [low, int(rng.integers(low, n))]},
    }
    if rng.random() < 0.7:
        data["selection"]["budget"] = float(rng.integers(4, 3 * n))
    if rng.random() < 0.5:
        data["selection"]["quota"] = [{"flag": "border", "min": int(rng.integers(0, 3))}]
    if rng.random() < 0.6:
        data["selection"]["group"] = [{"by": "county", "max": int(rng.integers(1, 4))} | ({"min": 1} if rng.random() < 0.5 else {})]
    return data


def random_region(rng: np.random.Generator, weights: dict[str, float]) -> RobustnessRegion:
    kind = rng.choice(["relative", "order", "intervals", "hull", "relative+order"])
    if kind == "relative":
        return RobustnessRegion(relative=float(rng.choice([0.05, 0.2, 0.5])))
    if kind == "order":
        return RobustnessRegion(order=[list(rng.permutation(CRITERIA)[:3])])
    if kind == "intervals":
        name = str(rng.choice(CRITERIA))
        return RobustnessRegion(intervals={name: (weights[name] * 0.5, weights[name] * 1.5 + 0.01)}, relative=0.1 if rng.random() < 0.5 else None)
    if kind == "hull":
        return RobustnessRegion(hull=[dict(zip(CRITERIA, rng.dirichlet(np.ones(len(CRITERIA))).tolist())) for _ in range(int(rng.integers(1, 5)))])
    ordered = sorted(CRITERIA, key=lambda c: -weights[c])[:2]
    return RobustnessRegion(relative=0.3, order=[ordered])


def shortlists(pool, scores, rules) -> np.ndarray:
    """Every feasible shortlist as a 0/1 row over the eligible villages: all subsets enumerated, each rule of
    ``ResolvedRules`` checked directly on the pool's columns (not through the model)."""
    frame = pool.frame[scores.eligible].reset_index(drop=True)
    n = len(frame)
    subsets = np.array(list(itertools.product([0.0, 1.0], repeat=n))).reshape(-1, n)
    ok = np.ones(len(subsets), dtype=bool)
    if rules.count:
        ok &= (subsets.sum(axis=1) >= rules.count[0]) & (subsets.sum(axis=1) <= rules.count[1])
    if rules.budget is not None:
        ok &= subsets @ frame["cost"].to_numpy() <= rules.budget + 1e-9
    for q in rules.quotas:
        taken = subsets @ frame[q.flag].astype(float).to_numpy()
        ok &= (taken >= (q.low or 0)) & (taken <= (q.high if q.high is not None else np.inf))
    for g in rules.groups:
        for value, bounds in g.table.iterrows():
            taken = subsets @ (frame[g.by] == value).to_numpy(dtype=float)
            high = np.inf if pd.isna(bounds["high"]) else bounds["high"]
            ok &= (taken >= bounds["low"]) & (taken <= high)
    ids = frame["village_id"].to_numpy()
    ok &= (subsets[:, np.isin(ids, rules.must_include)] == 1).all(axis=1)
    ok &= (subsets[:, np.isin(ids, rules.must_exclude)] == 0).all(axis=1)
    return subsets[ok]


def dense_weights(region, seed: int) -> np.ndarray:
    """The region's vertices, Hit-and-Run draws, and random mixtures of vertices (near the corners too)."""
    rng = np.random.default_rng(seed)
    vertices = region.vertices
    mixtures = rng.dirichlet(np.full(len(vertices), 0.3), size=200) @ vertices
    return np.vstack([vertices, region.sample(200, seed), mixtures])


def contradictions(classes: np.ndarray, feasible: np.ndarray, z: np.ndarray, b: np.ndarray, weights: np.ndarray) -> list[str]:
    """Every (village, weight) at which a shortlist within PROOF_MARGIN of the optimum breaks a proved class."""
    found = []
    totals = feasible @ (z @ weights.T + b[:, None])  # shortlists × weights
    near = totals >= totals.max(axis=0) - PROOF_MARGIN
    for k in range(weights.shape[0]):
        members = feasible[near[:, k]]
        broken = ((classes == "always_in") & (members.min(axis=0) < 0.5)) | ((classes == "never_in") & (members.max(axis=0) > 0.5))
        found += [f"village {i} at weights {weights[k].round(4)}" for i in np.flatnonzero(broken)]
    return found


def solved_case(seed: int, n: int):
    rng = np.random.default_rng(seed)
    pool = stability_pool(rng, n)
    data = random_scenario(rng, n)
    scenario, scores, rules = prepared(pool, data)
    selection = select(pool, scenario, scores)
    return rng, pool, scores, rules, selection


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(4, 10))
def test_proved_classes_hold_for_every_near_optimal_shortlist_at_dense_weights(seed, n):
    rng, pool, scores, rules, selection = solved_case(seed, n)
    if not selection.found or not scores.eligible.any():
        return
    try:
        region = build_region(random_region(rng, scores.weights.values), scores.weights.values, scores.normalize != "none")
    except InputError:  # an ordinal chain that contradicts an interval: reported, never solved
        return
    z, b = criteria_matrix(scores)
    base = selection.selected[scores.eligible].astype(float)
    proof = prove_classes(Frame(selection.model, z, b), region, base, budget=1.0, base_in_region=region.contains(region.centre))
    feasible = shortlists(pool, scores, rules)
    weights = dense_weights(region, seed % 1000)
    assert region.contains(weights[0]) and all(region.contains(w) for w in weights[:: max(1, len(weights) // 20)])
    assert contradictions(proof.classes(), feasible, z, b, weights) == []
    for w, x in proof.points:  # witnesses: proven optimal shortlists at weights inside W
        assert region.contains(w)
        totals = feasible @ (z @ w + b)
        assert (z @ w + b) @ x >= totals.max() - 1e-6


def test_the_brute_force_check_catches_a_false_class():
    """The checker is not vacuous: flipping proved classes of a solved case produces contradictions."""
    caught = 0
    for seed in range(30):
        rng, pool, scores, rules, selection = solved_case(seed, 8)
        if not selection.found:
            continue
        region = build_region(RobustnessRegion(relative=0.2), scores.weights.values, scores.normalize != "none")
        z, b = criteria_matrix(scores)
        proof = prove_classes(Frame(selection.model, z, b), region, selection.selected[scores.eligible].astype(float), 1.0, True)
        classes = proof.classes()
        flipped = np.where(classes == "always_in", "never_in", np.where(classes == "never_in", "always_in", classes))
        feasible = shortlists(pool, scores, rules)
        weights = dense_weights(region, seed)
        assert contradictions(classes, feasible, z, b, weights) == []
        caught += bool(contradictions(flipped, feasible, z, b, weights))
    assert caught >= 20


@pytest.mark.parametrize("seed", range(12))
def test_stability_interval_matches_a_fine_grid(seed):
    """The base shortlist is optimal at every grid point inside the interval, and not just outside it."""
    rng, pool, scores, rules, selection = solved_case(seed, 8)
    if not selection.found:
        return
    z, b = criteria_matrix(scores)
    frame = Frame(selection.model, z, b)
    base = selection.selected[scores.eligible].astype(float)
    w0 = np.array(list(scores.weights.values.values()))
    feasible = shortlists(pool, scores, rules)
    j = int(rng.integers(len(w0)))
    interval = criterion_interval(frame, w0, j, CRITERIA[j], base)
    assert interval.low <= w0[j] + 1e-12 <= interval.high + 2e-12
    for t in np.linspace(0, w0.sum(), 301):
        w = along(w0, j, t)
        totals = feasible @ (z @ w + b)
        optimal = base @ (z @ w + b) >= totals.max() - PROOF_MARGIN
        if interval.low + 1e-9 < t < interval.high - 1e-9:
            assert optimal, (t, interval)
    for end, beyond in ((interval.high, 1), (interval.low, -1)):
        t = end + beyond * 1e-4 * w0.sum()
        if 0 < t < w0.sum() and (interval.above_in if beyond > 0 else interval.below_in):
            w = along(w0, j, t)
            totals = feasible @ (z @ w + b)
            assert base @ (z @ w + b) < totals.max(), (t, interval)
