"""The independent checker: every shortlist is verified against the scenario before it is shown or saved.

It shares nothing with the model builder: it never looks at the matrix, the variables or the solver. It takes
the shortlist as a set of village ids and evaluates each rule on the pool's own columns with pandas — eligibility,
count, budget, quotas, group bounds, must lists — and recomputes the objective from the score table. The
numbers a rule demands come from ``solver.rules`` (the one place a rule's meaning is decided).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from baicun.errors import Problem
from pool.read import Pool
from scoring.score import Scores
from solver.rules import ResolvedRules

TOLERANCE = 1e-6


@dataclass(frozen=True)
class CheckReport:
    violations: tuple[Problem, ...]
    objective: float
    count: int
    budget_used: float
    attainment: pd.DataFrame  # rule, label, low, high, actual, met

    @property
    def ok(self) -> bool:
        return not self.violations


def _row(rule: str, label: str, low, high, actual) -> dict:
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
        rows.append(_row("count", "", rules.count[0], rules.count[1], len(chosen)))
    budget_used = float(chosen["cost"].sum())
    if rules.budget is not None:
        rows.append(_row("budget", "", None, rules.budget, budget_used))
    for quota in rules.quotas:
        rows.append(_row(f"quota:{quota.flag}", "", quota.low, quota.high, int(chosen[quota.flag].fillna(False).astype(bool).sum())))
    for group in rules.groups:
        taken = chosen[group.by].value_counts()
        for value, bounds in group.table.iterrows():
            high = None if pd.isna(bounds["high"]) else float(bounds["high"])
            rows.append(_row(f"group:{group.by}", str(value), int(bounds["low"]), high, int(taken.get(value, 0))))
    in_set = set(chosen["village_id"])
    for village in rules.must_include:
        rows.append(_row("must_include", village, 1, None, int(village in in_set)))
    for village in rules.must_exclude:
        rows.append(_row("must_exclude", village, None, 0, int(village in in_set)))
    attainment = pd.DataFrame(rows, columns=["rule", "label", "low", "high", "actual", "met"])
    for row in attainment[~attainment["met"]].itertuples():
        violations.append(Problem("check.violated", params={"rule": row.rule, "label": row.label, "low": row.low, "high": row.high, "actual": row.actual}))
    objective = float(scores.table.loc[chosen.index, "score"].sum())
    return CheckReport(tuple(violations), objective, len(chosen), budget_used, attainment)


def objective_agrees(claimed: float | None, recomputed: float) -> bool:
    return claimed is not None and np.isclose(claimed, recomputed, rtol=1e-9, atol=1e-9)
