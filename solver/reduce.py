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

LOCKSTEP_CAP = 16  # classes whose K is at most this are handled all at once, member position by member position


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
    n = columns.shape[1]
    counts = np.diff(columns.indptr)
    width = int(counts.max()) if n else 0
    # each column as one padded row (its row numbers, then its values): equal rows are identical columns
    slot = np.arange(columns.nnz) - np.repeat(columns.indptr[:-1], counts)
    owner = np.repeat(np.arange(n), counts)
    keys = np.full((n, 2 * width), -1.0)
    keys[owner, slot] = columns.indices
    keys[owner, width + slot] = columns.data
    if width:
        codes = pd.factorize(keys.view(np.dtype((np.void, keys.itemsize * keys.shape[1]))).ravel())[0]
    else:  # no row but the budget: every column is in the one class
        codes = np.zeros(n, dtype=np.intp)
    high = model.row_high[~budget][columns.indices]
    binding = np.where(np.isfinite(high) & (columns.data == 1), high, np.inf)  # a cap the column counts against as one
    caps = np.full((n, max(width, 1)), np.inf)
    caps[owner, slot] = binding
    sizes = np.bincount(codes, minlength=1)
    return codes, np.minimum(caps.min(axis=1), sizes[codes])


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
        """True for the columns that may be in the optimum under ``objective`` (n,); False for the dominated."""
        keep = np.ones(self.n, dtype=bool)
        if not self.usable:
            return keep
        order = np.lexsort((-self.tiebreak, -objective))  # score descending, then smaller village_id first
        order = order[np.isfinite(self.caps[order])]
        order = order[np.argsort(self.codes[order], kind="stable")]  # class by class, each in preference order
        first = np.r_[True, self.codes[order[1:]] != self.codes[order[:-1]]]
        starts = np.flatnonzero(first)
        sizes = np.diff(np.r_[starts, len(order)])
        caps = self.caps[order[starts]].astype(int)
        small = caps <= LOCKSTEP_CAP
        self._lockstep(keep, order, starts[small], sizes[small], caps[small])
        for start, size, k in zip(starts[~small], sizes[~small], caps[~small]):
            self._heap(keep, order[start : start + size], k)
        return keep

    def _lockstep(self, keep, order, starts, sizes, caps) -> None:
        """Member p of every class at once: ``best`` holds each class's K cheapest costs seen so far (ascending),
        and a member is dominated when its class's k-th cheapest earlier member costs no more than it does."""
        if not len(starts):
            return
        width = max(int(caps.max()), 1)
        best = np.full((len(starts), width), np.inf)
        rows = np.arange(len(starts))
        for p in range(int(sizes.max())):
            active = rows[sizes > p]
            j = order[starts[active] + p]
            cost = self.cost[j]
            k = caps[active]
            kth = best[active, np.maximum(k - 1, 0)]
            keep[j] = (k > 0) & (kth > cost)  # K = 0: no feasible shortlist holds any member
            best[active] = np.sort(np.column_stack([best[active], cost]), axis=1)[:, :width]

    def _heap(self, keep, members: np.ndarray, k: int) -> None:
        """One class with a large K, member by member: a max-heap (negated) of the k cheapest members seen so far."""
        heap: list[float] = []
        for j in members:
            if k == 0 or (len(heap) >= k and -heap[0] <= self.cost[j]):
                keep[j] = False
            heapq.heappush(heap, -self.cost[j])
            if len(heap) > k:
                heapq.heappop(heap)


def dominance_keep(model: Model) -> np.ndarray:
    """True for every variable that may be in the optimum; False for those proven to be 0 (see the module doc)."""
    return Dominance(model).keep(model.objective)
