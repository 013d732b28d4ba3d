"""Safe reductions: variables that provably take the value 0 in the (lexicographic) optimum are dropped before
the solve.

Dominance within a class
------------------------
Call two villages *interchangeable* when their columns are identical in every row except budget rows (rows with
only an upper bound and non-negative coefficients): same count row, same quota memberships, same group rows,
no must-list row. Such villages form a class C. Let K_C be the largest number of members of C that any feasible
shortlist can hold: the smallest finite upper bound among the rows containing C (e.g. the county cap), or |C|.

Order the members of C by (score descending, village_id ascending) — exactly the order in which the objective
and then the tie-break prefer them. Village v is *dominated* by u when u comes before v in that order and
cost_u ≤ cost_v in every budget row.

Claim: if v is dominated by at least K_C members of C, v is 0 in the optimal shortlist (the one with the greatest
total score and, among those, the greatest tie-break value).
Proof: take any feasible shortlist X containing v. X holds at most K_C − 1 other members of C, so some dominator
u of v is not in X. X − v + u is feasible: every non-budget row sees the same coefficients, and no budget row's
left side grows. Its total score is at least X's; if equal, u precedes v in id order, so its tie-break value is
larger. Hence X is not the optimum. ∎

The reduction is exact for every rule family the model has, needs no solver, and costs one pass over the
villages. ``tests/test_reduce.py`` checks it against the unreduced model on hundreds of random pools.
"""

from __future__ import annotations

import heapq

import numpy as np
import pandas as pd

from solver.model import Model


def budget_rows(model: Model) -> np.ndarray:
    """Rows that only cap a non-negative weighted sum (the budget): a cheaper swap can never break them."""
    rows = np.zeros(model.matrix.shape[0], dtype=bool)
    for family in model.families:
        if family.kind == "budget":
            rows[family.start : family.stop] = True
    nonnegative = (
        np.array([(model.matrix.data[model.matrix.indptr[r] : model.matrix.indptr[r + 1]] >= 0).all() for r in range(model.matrix.shape[0])])
        if rows.any()
        else rows
    )
    return rows & ~np.isfinite(model.row_low) & nonnegative


def classes(model: Model, budget: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(class code per variable, K per variable): identical non-budget columns share a class."""
    columns = model.matrix[~budget].tocsc()
    columns.sort_indices()
    high = model.row_high[~budget]
    keys, caps = [], np.empty(columns.shape[1])
    for j in range(columns.shape[1]):
        rows = columns.indices[columns.indptr[j] : columns.indptr[j + 1]]
        values = columns.data[columns.indptr[j] : columns.indptr[j + 1]]
        keys.append((rows.tobytes(), values.tobytes()))
        bounds = high[rows][np.isfinite(high[rows]) & (values == 1)]
        caps[j] = bounds.min() if bounds.size else np.inf
    codes = pd.factorize(pd.Series(keys))[0]
    sizes = np.bincount(codes)
    return codes, np.minimum(caps, sizes[codes])


class Dominance:
    """The class structure of a model, computed once; ``keep`` then costs one pass per objective (robustness
    re-solves with thousands of objectives over the same rules)."""

    def __init__(self, model: Model):
        n = len(model.objective)
        budget = budget_rows(model) if n else np.zeros(0, dtype=bool)
        self.n = n
        self.usable = n > 0 and budget.sum() <= 1  # several budget rows would need dominance in every row
        if not self.usable:
            return
        self.codes, self.caps = classes(model, budget)
        self.cost = model.matrix[budget].toarray().ravel() if budget.any() else np.zeros(n)
        self.tiebreak = model.tiebreak

    def keep(self, objective: np.ndarray) -> np.ndarray:
        keep = np.ones(self.n, dtype=bool)
        if not self.usable:
            return keep
        order = np.lexsort((-self.tiebreak, -objective))  # score descending, then smaller village_id first
        cheapest: dict[int, list[float]] = {}
        codes, caps, cost = self.codes, self.caps, self.cost
        for j in order:
            k = caps[j]
            if not np.isfinite(k):
                continue
            heap = cheapest.setdefault(codes[j], [])  # max-heap (negated) of the k cheapest members seen so far
            if k == 0 or (len(heap) >= k and -heap[0] <= cost[j]):  # K = 0: no feasible shortlist holds any member
                keep[j] = False
            heapq.heappush(heap, -cost[j])
            if len(heap) > k:
                heapq.heappop(heap)
        return keep


def dominance_keep(model: Model) -> np.ndarray:
    """True for every variable that may be in the optimum; False for those proven to be 0 (see the module doc)."""
    return Dominance(model).keep(model.objective)
