"""The independent checker: every shortlist is verified against the scenario before it is shown or saved.

It shares nothing with the model builder: it never looks at the matrix, the variables or the solver. It takes
the shortlist as a set of village ids and evaluates each rule on the pool's own columns with pandas — eligibility,
count, budget, quotas, group bounds, must lists — and recomputes the objective from the score table. The
numbers a rule demands come from ``solver.rules`` and ``solver.plan`` (the one place a rule's meaning is decided).
A plan is checked year by year (each year's rules and its budget with the funding profile), then as a whole
(total, whole-plan rules, locked years); the belt reward is recounted with the haversine formula on every pair
of selected villages — never with the model's neighbour list.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from contract.errors import Problem
from pool.read import Pool
from scoring.score import Scores
from solver.rules import ResolvedRules, RuleRef
from solver.spatial import villages_with_neighbour

TOLERANCE = 1e-6


@dataclass(frozen=True)
class CheckReport:
    violations: tuple[Problem, ...]
    objective: float
    count: int
    budget_used: float
    attainment: pd.DataFrame  # rule (a RuleRef), label, low, high, actual, met
    belt_villages: int | None = None  # selected villages with a selected neighbour (with [spatial])

    @property
    def ok(self) -> bool:
        return not self.violations


def _row(rule: RuleRef, label: str, low, high, actual) -> dict:
    met = (low is None or actual >= low - TOLERANCE) and (high is None or actual <= high + TOLERANCE)
    return {"rule": rule, "label": label, "low": low, "high": high, "actual": actual, "met": bool(met)}


def check_selection(pool: Pool, scores: Scores, rules: ResolvedRules, selected_ids) -> CheckReport:
    frame = pool.frame
    ids = pd.Index(list(selected_ids))
    violations: list[Problem] = []
    known = pd.Index(frame["village_id"])
    if ids.has_duplicates:
        violations.append(Problem("check.duplicate", value="、".join(ids[ids.duplicated()])))
    missing = ids.difference(known)
    if len(missing):
        violations.append(Problem("check.unknown", value="、".join(missing)))
    chosen = frame[frame["village_id"].isin(ids)]
    eligible = scores.table.loc[chosen.index, "eligible"]
    for village in chosen.loc[~eligible.to_numpy(), "village_id"]:
        violations.append(Problem("check.ineligible", value=village))
    rows = []
    if rules.count is not None:
        rows.append(_row(RuleRef("count"), "", rules.count[0], rules.count[1], len(chosen)))
    budget_used = float(chosen["cost"].sum())
    if rules.budget is not None:
        rows.append(_row(RuleRef("budget"), "", None, rules.budget, budget_used))
    for quota in rules.quotas:
        rows.append(_row(RuleRef("quota", quota.flag), "", quota.low, quota.high, int(chosen[quota.flag].fillna(False).astype(bool).sum())))
    for group in rules.groups:
        taken = chosen[group.by].value_counts()
        for value, bounds in group.table.iterrows():
            high = None if pd.isna(bounds["high"]) else float(bounds["high"])
            rows.append(_row(RuleRef("group", group.by), str(value), int(bounds["low"]), high, int(taken.get(value, 0))))
    in_set = set(chosen["village_id"])
    for village in rules.must_include:
        rows.append(_row(RuleRef("must_include"), village, 1, None, int(village in in_set)))
    for village in rules.must_exclude:
        rows.append(_row(RuleRef("must_exclude"), village, None, 0, int(village in in_set)))
    attainment = pd.DataFrame(rows, columns=["rule", "label", "low", "high", "actual", "met"])
    violations += _unmet(attainment)
    objective = float(scores.table.loc[chosen.index, "score"].sum())
    return CheckReport(tuple(violations), objective, len(chosen), budget_used, attainment)


def objective_agrees(claimed: float | None, recomputed: float, scale: float = 1.0) -> bool:
    """Equal up to float rounding, relative to the total or to the score range ``scale`` (scores of 10⁻⁹ agree
    only to 10⁻¹⁸, scores of 10⁹ to about 1)."""
    return claimed is not None and np.isclose(claimed, recomputed, rtol=1e-9, atol=1e-9 * scale)


def _unmet(attainment: pd.DataFrame) -> list[Problem]:
    return [
        Problem("check.violated", params={"rule": row.rule.key, "label": row.label, "low": row.low, "high": row.high, "actual": row.actual})
        for row in attainment[~attainment["met"]].itertuples()
    ]


def check_solution(
    pool: Pool, scores: Scores, rules: ResolvedRules, selected_ids, plan=None, spatial=None, years: pd.Series | None = None
) -> CheckReport:
    """Check a shortlist (``years``: village_id → plan year, for a plan) under every rule and recompute its objective."""
    report = check_selection(pool, scores, rules, selected_ids) if plan is None else _check_plan(pool, scores, plan, years)
    if spatial is None:
        return report
    chosen = pool.frame[pool.frame["village_id"].isin(list(selected_ids))]
    belt = villages_with_neighbour(chosen, spatial.radius_km)
    return replace(report, objective=report.objective + spatial.weight * belt, belt_villages=belt)


def _check_plan(pool: Pool, scores: Scores, plan, years: pd.Series) -> CheckReport:
    frame = pool.frame.set_index("village_id", drop=False)
    violations: list[Problem] = []
    if years.index.has_duplicates:
        violations.append(Problem("check.duplicate", value="、".join(years.index[years.index.duplicated()])))
    stray = sorted(set(years) - set(plan.years))
    if stray:
        violations.append(
            Problem("check.violated", params={"rule": RuleRef("years").key, "label": str(stray), "low": None, "high": None, "actual": len(stray)})
        )
    tables, objective, cost_by_year = [], 0.0, {}
    score = scores.table.set_index("village_id")["score"]
    for year in plan.years:
        ids = years.index[years == year]
        report = check_selection(pool, scores, plan.yearly, ids)
        violations += [p for p in report.violations if p.code != "check.violated"]
        tables.append(report.attainment.assign(rule=[r.in_year(year) for r in report.attainment["rule"]]))
        cost_by_year[year] = float(frame.loc[ids, "cost"].sum())
        objective += plan.weight(year) * float(score.loc[ids].sum())
    for t, year in enumerate(plan.years):
        if plan.budgets[t] is not None:
            tables.append(pd.DataFrame([_row(RuleRef("budget", year=year), "", None, plan.budgets[t], plan.spending(cost_by_year, year))]))
    whole = check_selection(pool, scores, plan.whole, years.index)
    tables.append(whole.attainment.assign(rule=[r.over_plan() for r in whole.attainment["rule"]]))
    tables.append(
        pd.DataFrame(
            [_row(RuleRef("locked"), village, year, year, int(years.get(village, 0))) for village, year in plan.locks.items()],
            columns=whole.attainment.columns,
        )
    )
    attainment = pd.concat([t for t in tables if len(t)], ignore_index=True)
    attainment["met"] = attainment["met"].astype(bool)
    violations += _unmet(attainment)
    return CheckReport(tuple(violations), objective, len(years), sum(cost_by_year.values()), attainment)
