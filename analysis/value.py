"""Value for money: which villages give the most score for their investment, and what a larger or smaller budget
(or count) would buy.

Best-value frontier: among eligible villages, village i is dominated when another village j costs no more
(c_j ≤ c_i) and scores no less (s_j ≥ s_i), one of the two strictly; the frontier is the non-dominated set (the
Pareto set of cost against score — 1000minds' "value for money" chart, Comparion's efficient frontier). Found in
O(n log n) by one pass in order of cost.

Budget curve: z*(B), the optimal total score with the budget row's bound set to B and every other rule kept — a
parametric re-solve of the run's own model, each on its own safe reduction (``solver.solve.solve_reduced``). It is
non-decreasing in B (a larger bound only enlarges the feasible set) and z*(today's B) is the run's objective.
The count curve is the same with the count row's upper bound set to k (its lower bound lowered to k when above).
Single-year models only (a plan has one budget row per year); points whose re-solve finds no shortlist are kept
with ``objective`` None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from solver.backends import SolveOptions
from solver.model import Model
from solver.rules import RuleRef
from solver.solve import Selection, solve_reduced

BUDGET_STEPS = (0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3)  # multiples of today's budget
BUDGET_MORE = 10_000.0  # 万元: "what would 10,000 万元 more buy" is a point of its own
COUNT_STEPS = (0.8, 0.9, 1.0, 1.1, 1.2)  # multiples of today's upper count


def frontier(cost: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Bool mask of the non-dominated villages (see the module doc); ``cost`` in 万元, ``score`` the composite
    score, both of shape (n,) without NaN."""
    cost, score = np.asarray(cost, dtype=float), np.asarray(score, dtype=float)
    keep = np.zeros(len(cost), dtype=bool)
    order = np.lexsort((-score, cost))  # by cost, then best score first
    best = -np.inf  # best score among strictly cheaper villages
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and cost[order[j]] == cost[order[i]]:
            j += 1
        top = score[order[i]]  # the best score at this cost
        if top > best:
            same = order[i:j]
            keep[same[score[same] == top]] = True
            best = top
        i = j
    return keep


@dataclass(frozen=True)
class CurvePoint:
    bound: float  # the budget (万元) or the upper count
    objective: float | None  # z*, None when no shortlist exists at this bound
    count: int | None
    spent: float | None  # 万元


@dataclass(frozen=True)
class ValueCurve:
    kind: str  # "budget" | "count"
    today: float  # the run's own bound
    points: tuple[CurvePoint, ...]  # by bound


def curve_kinds(selection: Selection) -> list[str]:
    """The curves a run can have: a single-year model with a budget row, a count row."""
    if not selection.found or not selection.model.simple:
        return []
    refs = {f.ref for f in selection.model.families}
    return [kind for kind in ("budget", "count") if RuleRef(kind) in refs]


def default_bounds(selection: Selection, kind: str) -> list[float]:
    """The handful of bounds a curve is computed at: multiples of today's bound, and today's budget + 10,000 万元."""
    f = selection.model.family(RuleRef(kind))
    today = float(selection.model.row_high[f.start])
    if kind == "budget":
        return sorted({round(today * m, 1) for m in BUDGET_STEPS} | {today + BUDGET_MORE})
    return sorted({float(max(1, round(today * m))) for m in COUNT_STEPS})


def _bounded(model: Model, kind: str, bound: float) -> Model:
    f = model.family(RuleRef(kind))
    low, high = model.row_low.copy(), model.row_high.copy()
    high[f.start] = bound
    low[f.start] = min(low[f.start], bound)
    return replace(model, row_low=low, row_high=high)


def value_curve(
    selection: Selection,
    kind: str,
    bounds: list[float] | None = None,
    backend: str = "highs",
    time_limit: float = 30.0,
    progress: Callable[[int, int], None] | None = None,
) -> ValueCurve:
    """z* at each bound (see the module doc); ``progress(done, total)`` after each re-solve. Raises ``StopIteration``
    when the model has no ``kind`` row (see ``curve_kinds``)."""
    model = selection.model
    f = model.family(RuleRef(kind))
    today = float(model.row_high[f.start])
    bounds = default_bounds(selection, kind) if bounds is None else sorted(bounds)
    cost = model.matrix[model.family(RuleRef("budget")).start].toarray().ravel() if RuleRef("budget") in {g.ref for g in model.families} else None
    points = []
    for done, bound in enumerate(bounds, 1):
        raw = solve_reduced(_bounded(model, kind, bound), backend, SolveOptions(time_limit=time_limit, tiebreak=False))[0]
        if raw.status == "optimal" and raw.x is not None:
            chosen = (raw.x > 0) & model.choice
            spent = float(cost @ raw.x) if cost is not None else None
            points.append(CurvePoint(bound, float(raw.objective), int(chosen.sum()), spent))
        else:
            points.append(CurvePoint(bound, None, None, None))
        if progress:
            progress(done, len(bounds))
    return ValueCurve(kind, today, tuple(points))
