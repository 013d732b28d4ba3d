"""Small pools and scenarios built in memory, for property tests against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from contract.scenario import scenario_from_dict
from pool.bind import bind_scenario
from pool.read import Pool
from scoring.score import score_pool
from solver.rules import ResolvedRules, resolve_rules


def make_pool(frame: pd.DataFrame, name: str = "test-pool") -> Pool:
    frame = frame.reset_index(drop=True)
    return Pool(frame, name, np.arange(2, len(frame) + 2), {c: c for c in frame.columns})


def tiny_pool(rng: np.random.Generator, n: int) -> Pool:
    """n villages in three counties of two cities, integer scores (so exact ties are common), costs 1–5."""
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
            "industry_base": rng.integers(0, 6, n).astype(float),
            "leader": rng.integers(50, 100, n).astype(float),
            "debt_risk": rng.integers(0, 4, n).astype(float),
            "cost": rng.integers(1, 6, n).astype(float),
        }
    )
    return make_pool(frame)


def prepared(pool: Pool, data: dict):
    scenario = bind_scenario(scenario_from_dict(data), pool)
    scores = score_pool(pool, scenario)
    return scenario, scores, resolve_rules(scenario, pool, scores)


def brute_force(pool: Pool, scores, rules: ResolvedRules) -> tuple[float | None, float | None]:
    """(best total score, best tie-break value among the best-score subsets) by enumerating every subset of the
    eligible villages and testing every rule directly; (None, None) when no subset satisfies all rules."""
    frame = pool.frame
    eligible = np.flatnonzero(scores.eligible)
    score = scores.table["score"].to_numpy()
    order = frame["village_id"].iloc[eligible].argsort(kind="stable").to_numpy()
    tiebreak = np.empty(len(eligible))
    tiebreak[order] = len(eligible) - np.arange(len(eligible))
    best, best_tie = None, None
    for size in range(len(eligible) + 1):
        for combo in itertools.combinations(range(len(eligible)), size):
            chosen = eligible[list(combo)]
            if not _feasible(frame, rules, chosen):
                continue
            total, tie = float(score[chosen].sum()), float(tiebreak[list(combo)].sum())
            if best is None or total > best + 1e-9 or (abs(total - best) <= 1e-9 and tie > best_tie):
                best, best_tie = total, tie
    return best, best_tie


def _feasible(frame: pd.DataFrame, rules: ResolvedRules, chosen: np.ndarray) -> bool:
    rows = frame.iloc[chosen]
    if rules.count and not rules.count[0] <= len(rows) <= rules.count[1]:
        return False
    if rules.budget is not None and rows["cost"].sum() > rules.budget + 1e-9:
        return False
    for q in rules.quotas:
        k = int(rows[q.flag].sum())
        if (q.low is not None and k < q.low) or (q.high is not None and k > q.high):
            return False
    for g in rules.groups:
        taken = rows[g.by].value_counts()
        for value, b in g.table.iterrows():
            k = int(taken.get(value, 0))
            if k < b["low"] or (not pd.isna(b["high"]) and k > b["high"]):
                return False
    ids = set(rows["village_id"])
    return set(rules.must_include) <= ids and not (set(rules.must_exclude) & ids)


def random_rules(rng: np.random.Generator, pool: Pool) -> dict:
    n = pool.size
    ids = pool.frame["village_id"].tolist()
    low = int(rng.integers(0, n // 2 + 1))
    data = {
        "eligibility": {"exclude": {"debt_risk": ["高"]}} if rng.random() < 0.5 else {},
        "scoring": {"normalize": "none", "weights": {"industry_base": 1.0} if rng.random() < 0.5 else {"industry_base": 0.7, "leader": 0.01}},
        "selection": {"count": [low, int(rng.integers(low, n + 1))]},
    }
    if rng.random() < 0.7:
        data["selection"]["budget"] = float(rng.integers(3, 25))
    if rng.random() < 0.6:
        data["selection"]["quota"] = [{"flag": "border", "min": int(rng.integers(0, 4))}]
    if rng.random() < 0.3:
        data["selection"]["quota"] = data["selection"].get("quota", []) + [{"flag": "poverty_alleviated", "max": int(rng.integers(0, 4))}]
    groups = []
    if rng.random() < 0.6:
        groups.append({"by": "county", "max": int(rng.integers(1, 5))} | ({"min": 1} if rng.random() < 0.5 else {}))
    if rng.random() < 0.3:
        groups.append({"by": "city", "share": [0.5, 1.5]})
    if groups:
        data["selection"]["group"] = groups
    if rng.random() < 0.3:
        data["selection"]["must_exclude"] = [ids[int(rng.integers(n))]]
    return data


def with_coordinates(pool: Pool, rng: np.random.Generator) -> Pool:
    """The pool with villages scattered over a 60 km × 60 km square in Jilin (neighbours at 15–30 km are common)."""
    frame = pool.frame.copy()
    frame["lon"] = 125.0 + rng.random(len(frame)) * 0.75
    frame["lat"] = 43.5 + rng.random(len(frame)) * 0.55
    return make_pool(frame)


def brute_force_plan(pool: Pool, scores, plan) -> float | None:
    """Best plan objective by trying every assignment of each eligible village to a year or to none."""
    frame = pool.frame
    eligible = np.flatnonzero(scores.eligible)
    score = scores.table["score"].to_numpy()
    years = plan.years
    locked = {i: plan.locks[frame["village_id"].iat[i]] for i in eligible if frame["village_id"].iat[i] in plan.locks}
    best = None
    for assignment in itertools.product([0, *years], repeat=len(eligible)):
        if any(assignment[k] != locked[i] for k, i in enumerate(eligible) if i in locked):
            continue
        chosen = {y: eligible[[k for k, a in enumerate(assignment) if a == y]] for y in years}
        if not all(_feasible(frame, plan.yearly, chosen[y]) for y in years):
            continue
        if not _feasible(frame, plan.whole, np.concatenate(list(chosen.values()))):
            continue
        costs = {y: float(frame["cost"].iloc[chosen[y]].sum()) for y in years}
        if any(plan.budgets[t] is not None and plan.spending(costs, y) > plan.budgets[t] + 1e-9 for t, y in enumerate(years)):
            continue
        total = sum(plan.weight(y) * float(score[chosen[y]].sum()) for y in years)
        best = total if best is None or total > best else best
    return best


def brute_force_belts(pool: Pool, scores, rules: ResolvedRules, radius_km: float, weight: float) -> float | None:
    """Best score + weight × (selected villages with a selected neighbour), over every subset."""
    from solver.spatial import villages_with_neighbour

    frame = pool.frame
    eligible = np.flatnonzero(scores.eligible)
    score = scores.table["score"].to_numpy()
    best = None
    for size in range(len(eligible) + 1):
        for combo in itertools.combinations(eligible, size):
            chosen = np.array(combo, dtype=int)
            if not _feasible(frame, rules, chosen):
                continue
            total = float(score[chosen].sum()) + weight * villages_with_neighbour(frame.iloc[chosen], radius_km)
            best = total if best is None or total > best else best
    return best


def assert_matches_brute_force(selection, best: float | None) -> None:
    """The solver agrees with enumeration: infeasible exactly when no subset fits, else optimal, checker-clean and
    with the enumerated best objective."""
    if best is None:
        assert selection.status == "infeasible" and not selection.found
        return
    assert selection.status == "optimal" and selection.check.ok
    assert np.isclose(selection.objective, best, atol=1e-7)


def knapsack_frame(n: int, seed: int = 1, spread: int = 1_000_000) -> pd.DataFrame:
    """A strongly correlated 0/1 knapsack as a pool (Pisinger's hard class: profit = weight + spread/10, capacity
    half the total weight): cost = weight, industry_base = profit scaled into 0–100. With the scenario of
    ``knapsack_scenario`` every village is eligible and the score is industry_base exactly."""
    from pool.generate import generate_pool

    rng = np.random.default_rng(seed)
    frame = generate_pool(villages=n, seed=seed)
    weight = rng.integers(1, spread + 1, n).astype(float)
    profit = weight + spread / 10
    frame["cost"] = weight
    frame["industry_base"] = np.round(profit * 90 / profit.max(), 6)
    return frame


def knapsack_scenario(frame: pd.DataFrame) -> dict:
    budget = float(frame["cost"].sum() // 2)
    return {"name": "背包", "scoring": {"normalize": "none", "weights": {"industry_base": 1.0}}, "selection": {"budget": budget}}
