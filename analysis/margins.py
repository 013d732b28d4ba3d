"""How far each village is from changing sides, and what holds a left-out village back — computed once per solve
for the villages that need it, not on each county pick.

* ``lp_bounds`` — one parametric pass of the LP relaxation over the province (one HiGHS instance, each village's
  column fixed in turn, the dual simplex warm-started from the previous basis): a proven bound on every village's
  margin, z* − z_LP(x_i forced), about 2 ms a village. For a left-out village it is a lower bound on the score it
  must gain; for a selected one, a lower bound on the score it could lose and stay in.
* ``MarginSolver.margin`` / ``province_margins`` — the exact margin (one MIP re-solve with the village forced to
  the other side, as ``analysis.whatif.score_margin``): the CLI's ``baicun preview`` for one county, the app's
  background pass for the whole province (``ui.state``), the picked county first.
* ``binding_causes`` — what holds a left-out village back, read off the rules at the optimum without a re-solve:
  the budget when a selected village of the same groups scores less and swapping the two breaks no other rule (so
  at the optimum it must break the budget: the score is enough, the cost is not); a group at its maximum; else
  its score. This corrects "county full" for a village whose lower-ranked county neighbour is in because it is
  cheaper (issue 22).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.reasons import budget_swaps, reads_swaps
from analysis.whatif import _blocking_family, _resolve
from pool.read import Pool
from scoring.score import Scores
from solver.backends.highs import Status, make_highs, run
from solver.rules import RuleRef
from solver.solve import Selection

CAUSE_ORDER = ("budget", "group", "quota", "count")  # the order in which a family is tried as the binding cause


@dataclass(frozen=True)
class Margin:
    """One village's exact margin. ``distance``: + the score a selected village could lose and stay in, − the score
    a left-out village must gain (0 when a tie decides); None when no score change moves it (``blocked_by`` names
    the rule that forbids the move)."""

    position: int
    distance: float | None
    blocked_by: RuleRef | None = None


def lp_bounds(selection: Selection) -> np.ndarray:
    """Per pool row, a proven bound on the margin (signed like ``Margin.distance``: − for a left-out village, the
    least score it must gain; + for a selected one, the least it could lose); NaN for villages outside the model
    and for those the relaxation cannot move. Shape (pool size,). One LP instance re-solved per village."""
    model = selection.model
    size = len(selection.selected)
    out = np.full(size, np.nan)
    n = len(model.objective)
    if not selection.found or n == 0:
        return out
    h = make_highs(model.objective, model.matrix, model.row_low, model.row_high, np.zeros(n), np.ones(n), np.zeros(n, dtype=bool))
    if run(h) != Status.kOptimal:
        return out
    for position in np.unique(model.positions[model.choice]):
        columns = model.columns_of(int(position))
        selected = bool(selection.selected[position])
        if len(columns) != 1:  # a multi-year plan: "in" is a sum of columns, not one bound
            continue
        column = int(columns[0])
        value = 0.0 if selected else 1.0
        h.changeColBounds(column, value, value)
        if run(h) == Status.kOptimal:
            gap = max(0.0, selection.objective - float(h.getInfo().objective_function_value))
            out[position] = gap if selected else -gap
        h.changeColBounds(column, 0.0, 1.0)
    return out


@dataclass
class MarginSolver:
    """Exact margins of one solved selection, one village at a time (one MIP re-solve each)."""

    pool: Pool
    scores: Scores
    selection: Selection
    backend: str = "highs"
    time_limit: float = 30.0

    def margin(self, position: int) -> Margin:
        """The exact margin of the eligible village at pool row ``position`` (see ``Margin``)."""
        s, model = self.selection, self.selection.model
        selected = bool(s.selected[position])
        value = 0 if selected else 1
        raw = _resolve(model.with_fixed(position, value), self.backend, self.time_limit, tiebreak=False)
        if raw.status != "optimal":
            return Margin(position, None, blocked_by=_blocking_family(model, position, value, self.backend, self.time_limit))
        gap = max(0.0, s.objective - raw.objective)
        return Margin(position, gap if selected else -gap)


def province_margins(pool: Pool, scores: Scores, selection: Selection, positions, solver: MarginSolver | None = None) -> dict[int, Margin]:
    """Exact margins of the eligible villages at ``positions`` (pool rows), by pool row. Ineligible villages and
    villages outside the model are skipped. About 0.3 s per village on the sample pool."""
    solver = solver or MarginSolver(pool, scores, selection)
    inside = set(int(p) for p in selection.model.positions[selection.model.choice])
    return {int(p): solver.margin(int(p)) for p in positions if int(p) in inside and scores.eligible[int(p)]}


@dataclass(frozen=True)
class Causes:
    """Per pool row (left-out eligible villages; others empty): ``code`` — "budget" (a selected village of the same
    groups scores less, swapping them breaks no rule but the budget: the score is enough, the cost is not),
    "group" (its group ``by`` is at its maximum), "excluded" (a must-exclude), "score" (otherwise: it must gain
    score), "" for the rest;
    ``holder`` — the pool row of the village holding its place (the cheaper lower-scored one for "budget", the
    group's lowest-scored selected village for "group"), −1 when none; ``by`` — the group column at its maximum
    ("group", and "budget" when the village's group is full too; "" otherwise)."""

    code: np.ndarray
    holder: np.ndarray
    by: np.ndarray


def binding_causes(pool: Pool, scores: Scores, selection: Selection, positions) -> Causes:
    """What holds each left-out eligible village at ``positions`` back, read off the model's rules at the optimum
    (no re-solve). Budget: there is a selected village j with the same value in every group column, a lower score,
    and quota flags the swap may trade (a quota at its minimum keeps j's flag, one at its maximum refuses a new
    flag); swapping i for j would raise the total score, so at the optimum it must break the budget
    (c_i − c_j > the budget left; ``analysis.reasons.budget_swaps``, which the province-wide reasons use too). Group:
    the village's group is at its maximum. A model with rules beyond count, budget, quotas, groups and must-lists (a
    plan, belts, spatial rules) gets "score" only."""
    frame, s = pool.frame, selection
    size = len(s.selected)
    code = np.full(size, "", dtype=object)
    holder = np.full(size, -1)
    by = np.full(size, "", dtype=object)
    if not s.found:
        return Causes(code, holder, by)
    rows = np.array([int(p) for p in positions if scores.eligible[int(p)] and not s.selected[int(p)]], dtype=int)
    code[rows] = "score"
    if not reads_swaps(s) or not len(rows):
        return Causes(code, holder, by)
    score = scores.table["score"].to_numpy(dtype=float)
    excluded = frame["village_id"].isin(s.rules.must_exclude).to_numpy()
    code[rows[excluded[rows]]] = "excluded"
    rows = rows[~excluded[rows]]
    swaps = budget_swaps(frame, s, score, rows)
    for i, j in zip(rows, swaps):
        full = _full_group(frame, s, i)
        if j >= 0:  # the budget, and the full group too when there is one: the sentence names both (reasons.py)
            code[i], holder[i], by[i] = "budget", j, full[0] if full is not None else ""
        elif full is not None:
            column, holders = full
            code[i], by[i], holder[i] = "group", column, int(holders[np.argmin(score[holders])])
    return Causes(code, holder, by)


def _full_group(frame, selection: Selection, i: int) -> tuple[str, np.ndarray] | None:
    """The first group column whose group of village i is at its maximum, with its selected villages."""
    table = selection.check.attainment
    for group in selection.rules.groups:
        value = str(frame[group.by].iat[i])
        row = table[(table["rule"] == RuleRef("group", group.by)) & (table["label"] == value)]
        if len(row) and row["high"].notna().iloc[0] and row["actual"].iloc[0] >= row["high"].iloc[0]:
            return group.by, np.flatnonzero(selection.selected & (frame[group.by].astype(str) == value).to_numpy())
    return None
