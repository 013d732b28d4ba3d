"""Why a scenario has no solution, and the smallest relaxation that gives it one — in words.

1. *Obvious conflicts* are caught by counting, before any solve: a quota or a count minimum above the eligible
   villages that could meet it; group minimums that add up to more than the count allows.
2. *One rule at a time*: for every constraint family f (count, budget, each quota, each group rule) an elastic
   model adds one slack pair s⁻, s⁺ ≥ 0 shared by all of f's rows (lo − s⁻ ≤ a·x ≤ hi + s⁺) and minimises
   s⁻ + s⁺; every other rule, the must lists and eligibility stay hard. Sharing the slack makes a group rule's
   relaxation uniform ("raise every county's cap from 2 to 4"), which a panel can adopt as a rule. If it is
   feasible, relaxing f alone by exactly that much suffices, and the needed value is read off the elastic
   solution itself (e.g. the smallest sufficient budget is the cost of the cheapest shortlist meeting every other
   rule), so re-solving with it is guaranteed to succeed.
3. If no single family suffices, one elastic model relaxes all of them at once, slack measured in villages
   (budget slack divided by the mean cost), and the combined relaxation is reported.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from contract.columns import header_of
from contract.errors import Problem
from pool.read import Pool
from scoring.score import Scores
from solver import families
from solver.backends.highs import Status, make_highs, run
from solver.families.base import Slack
from solver.model import Family, Model
from solver.rules import ResolvedRules, RuleRef

TIME_LIMIT = 20.0


def diagnose(pool: Pool, scores: Scores, rules: ResolvedRules, model: Model) -> tuple[Problem, ...]:
    """A plan's yearly rules are relaxed together, one shared amount for every year ("每年的脱贫村下限 50 需降至 33"),
    because relaxing a single year rarely says what the planner must change."""
    obvious = obvious_conflicts(rules, int(scores.eligible.sum()))
    if obvious:
        return tuple(obvious)
    relaxable = [f for f in model.families if f.kind in families.RELAXABLE]
    units: dict[RuleRef, list[Family]] = {}
    for family in relaxable:
        units.setdefault(rule_of(family), []).append(family)
    count_low = rules.count[0] if rules.count else None
    alternatives = []
    for unit in units.values():
        relaxed = elastic(model, unit)
        if relaxed is not None:
            alternatives += _describe(model, unit, *relaxed, count_low)
    if alternatives:
        return (Problem("diag.alternatives"),) + tuple(alternatives)
    relaxed = elastic(model, relaxable)
    if relaxed is None:
        return (Problem("diag.unknown"),)
    return (Problem("diag.combined"),) + tuple(_describe(model, relaxable, *relaxed, count_low))


def rule_of(family: Family) -> RuleRef:
    """The rule a family belongs to: the border quota of 2025 and of 2026 are one yearly rule."""
    return replace(family.ref, year=None)


def obvious_conflicts(rules: ResolvedRules, eligible: int) -> list[Problem]:
    found = []
    if rules.count is not None and rules.count[0] > eligible:
        found.append(Problem("diag.count_short", params={"low": rules.count[0], "available": eligible}))
    for quota in rules.quotas:
        if quota.low is not None and quota.low > quota.available:
            found.append(Problem("diag.quota_short", params={"label": header_of(quota.flag), "low": quota.low, "available": quota.available}))
    for group in rules.groups:
        total_low = int(group.table["low"].sum())
        total_high = int(group.table["high"].fillna(np.inf).clip(upper=group.table["eligible"]).sum())
        if rules.count is not None and total_low > rules.count[1]:
            found.append(Problem("diag.group_lows", params={"label": header_of(group.by), "total": total_low, "high": rules.count[1]}))
        if rules.count is not None and total_high < rules.count[0]:
            found.append(Problem("diag.group_highs", params={"label": header_of(group.by), "total": total_high, "low": rules.count[0]}))
    return found


def elastic(model: Model, relaxed: list[Family]) -> tuple[np.ndarray, dict[RuleRef, tuple[float, float]]] | None:
    """Minimal relaxation of the given families: (x, {family: (s⁻, s⁺)}), or None if even that fails. Families of
    one yearly rule (the border quota of 2024, 2025 …) share one slack pair."""
    names = list(dict.fromkeys(rule_of(f) for f in relaxed))
    n, m, k = len(model.objective), model.matrix.shape[0], len(names)
    rows = np.concatenate([np.arange(f.start, f.stop) for f in relaxed])
    owner = np.concatenate([np.full(f.stop - f.start, names.index(rule_of(f))) for f in relaxed])
    first = {name: next(f for f in relaxed if rule_of(f) == name) for name in names}
    weight = np.array([1.0 / _mean_cost(model, first[name]) if first[name].kind == "budget" else 1.0 for name in names])
    slack = sp.csr_matrix((np.ones(len(rows)), (rows, owner)), shape=(m, k))
    matrix = sp.hstack([model.matrix, slack, -slack], format="csr")
    integer = np.concatenate([np.ones(n, dtype=bool), np.zeros(2 * k, dtype=bool)])
    objective = np.concatenate([np.zeros(n), weight, weight])
    h = make_highs(
        objective,
        matrix,
        model.row_low,
        model.row_high,
        np.zeros(n + 2 * k),
        np.concatenate([np.ones(n), np.full(2 * k, np.inf)]),
        integer,
        maximize=False,
    )
    if run(h, TIME_LIMIT) != Status.kOptimal:
        return None
    values = np.asarray(h.getSolution().col_value)
    x = (values[:n] > 0.5).astype(float)
    # slack[:, j] adds to the row activity: positive s_j means a lower bound was short, s_{k+j} an upper bound.
    return x, {f.ref: (values[n + names.index(rule_of(f))], values[n + k + names.index(rule_of(f))]) for f in relaxed}


def _mean_cost(model: Model, family: Family) -> float:
    costs = model.matrix[family.start].data
    return max(float(costs.mean()), 1e-9) if costs.size else 1.0


def _describe(model: Model, relaxed: list[Family], x: np.ndarray, slacks: dict, count_low: int | None = None) -> list[Problem]:
    """Each stretched rule in a panel's words, once per rule (a yearly rule's years together)."""
    activity = model.matrix @ x
    problems = []
    seen = set()
    for family in relaxed:
        rule = rule_of(family)
        if rule in seen:
            continue
        seen.add(rule)
        short, over = slacks[family.ref]
        if short <= 1e-6 and over <= 1e-6:
            continue
        several_years = family.ref.year is not None and sum(rule_of(f) == rule for f in relaxed) > 1
        label = families.every_year(family.ref) if several_years else families.label(family.ref)
        rows = np.arange(family.start, family.stop)
        lower = short > 1e-6
        bounds = model.row_low[rows] if lower else model.row_high[rows]
        slack = Slack(family.ref, label, lower, short if lower else over, bounds, float(activity[rows[0]]), count_low or int(x.sum()))
        problems.append(families.relaxation(slack))
    return problems
