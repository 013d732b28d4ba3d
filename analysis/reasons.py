"""Why each village is in or out of the shortlist — as data: a message code and its parameters per village, which
``report.reasons`` renders in the reader's language (the ``reason`` column of every output).

* ineligible: code ``why.ineligible``; the eligibility reasons themselves come from ``scores.eligibility``;
* selected: its rank, and the rule that brought it in when villages ranked above it were passed over (a quota or
  group minimum that is exactly met and that the village counts towards), or that it is a must-include village;
* eligible but left out: a must-exclude, a full group (its county or city is at its maximum) — and, when a
  selected village of the same groups scores less but costs less, the budget that keeps the two from swapping
  (``budget_swaps``, the rule the county preview reads too) — or its distance below the cut-off (the lowest score
  selected); a village scoring above the cut-off that is still out is out because of the budget or the combination
  of rules — ``baicun explain`` gives the exact what-if.

Villages are sorted into these cases with whole-column masks, the first case that applies winning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pool.read import Pool
from scoring.score import Scores
from solver.rules import RuleRef
from solver.solve import Selection

# rule and by are column keys; gap in score points; cost and holder_cost in 万元; holder a village name
PARAMS = ("rank", "rule", "by", "value", "gap", "cost", "holder", "holder_cost")
SIMPLE_KINDS = {"count", "budget", "quota", "group", "must_include", "must_exclude", "fixed"}
TOL = 1e-7  # score points: scores closer than this are equal (HiGHS's feasibility tolerance)


@dataclass(frozen=True)
class Reasons:
    """Per pool row: ``code`` (a ``why.*`` message code) and the parameters it needs (``params``, one column per
    name in ``PARAMS``; None where a code does not use it)."""

    code: pd.Series
    params: pd.DataFrame

    def of(self, position: int) -> tuple[str, dict]:
        row = self.params.iloc[position]
        return self.code.iat[position], {k: v for k, v in row.items() if v is not None and not (isinstance(v, float) and np.isnan(v))}


def _groups_on_bound(selection: Selection, side: str) -> dict[str, set[str]]:
    """Per group column, the values whose selected count sits exactly on the given bound."""
    table = selection.check.attainment
    out = {}
    for group in selection.rules.groups:
        rows = table[table["rule"] == RuleRef("group", group.by)]
        out[group.by] = set(rows.loc[rows["actual"] == rows[side].astype(float), "label"])
    return out


def reads_swaps(selection: Selection) -> bool:
    """Whether swaps can be read off the optimum: a proven optimum of a model with no rules beyond count, budget,
    quotas, groups and must-lists (a plan, belts or spatial rules couple villages in ways a swap does not see)."""
    model = selection.model
    return selection.status == "optimal" and model.simple and all(f.kind in SIMPLE_KINDS for f in model.families)


def budget_swaps(frame: pd.DataFrame, selection: Selection, score: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each left-out village i in ``rows`` (pool positions), the selected village j (not a must-include) it could
    replace but for the budget: the same value in every group column, a lower score, and quota flags the swap may
    trade (a quota at its minimum keeps j's flag, one at its maximum refuses a new flag). Swapping i for j would
    raise the total score and break no other rule, so at a proven optimum it must break the budget (c_i − c_j >
    the budget left): the score is enough, the cost is not. j is the lowest-scored such village; −1 where there is
    none or the scenario has no budget. Only meaningful when ``reads_swaps(selection)``. Shape: ``rows``'s."""
    out = np.full(len(rows), -1)
    if selection.rules.budget is None:
        return out
    pinned = frame["village_id"].isin(selection.rules.must_include).to_numpy()
    groups = [frame[g.by].astype(str).to_numpy() for g in selection.rules.groups]
    candidates = np.flatnonzero(selection.selected & ~pinned)
    for k, i in enumerate(rows):
        j = candidates[score[candidates] < score[i] - TOL]
        for column in groups:
            j = j[column[j] == column[i]]
        j = j[_quota_compatible(frame, selection, i, j)]
        if len(j):
            out[k] = int(j[np.argmin(score[j])])
    return out


def _quota_compatible(frame, selection: Selection, i: int, j: np.ndarray) -> np.ndarray:
    """Which swaps (i in, j out) keep every quota: a quota at its minimum may not lose a member, one at its
    maximum may not gain one."""
    ok = np.ones(len(j), dtype=bool)
    for quota in selection.rules.quotas:
        member = frame[quota.flag].fillna(False).astype(bool).to_numpy()
        actual = int(member[selection.selected].sum())
        if quota.low is not None and actual <= quota.low:
            ok &= ~(member[j] & ~member[i])
        if quota.high is not None and actual >= quota.high:
            ok &= ~(member[i] & ~member[j])
    return ok


def village_reasons(pool: Pool, scores: Scores, selection: Selection) -> Reasons:
    frame = pool.frame
    eligible, selected = scores.eligible, selection.selected
    code = np.full(pool.size, "why.ineligible", dtype=object)
    params = pd.DataFrame({name: pd.Series([None] * pool.size, dtype=object) for name in PARAMS}, index=frame.index)
    if not selection.found:
        code[eligible] = "why.no_solution"
        return Reasons(pd.Series(code, index=frame.index), params)
    rank = scores.table["rank"].fillna(0).astype(int).to_numpy()
    params["rank"] = pd.Series(rank, index=frame.index, dtype=object)
    undecided = eligible.copy()

    def assign(mask: np.ndarray, why: str, **values) -> None:
        mask = mask & undecided
        code[mask] = why
        for name, value in values.items():
            params.loc[mask, name] = value[mask] if isinstance(value, np.ndarray) else value
        undecided[mask] = False

    ids = frame["village_id"]
    assign(selected & ids.isin(selection.rules.must_include).to_numpy(), "why.in_must")
    assign(selected & (rank <= selection.count), "why.in_rank")
    for quota in selection.rules.quotas:
        member = frame[quota.flag].fillna(False).astype(bool).to_numpy()
        if quota.low is not None and int(member[selected].sum()) == quota.low:
            assign(selected & member, "why.in_quota", rule=quota.flag)
    for by, values in _groups_on_bound(selection, "low").items():
        column = frame[by].astype(str)
        assign(selected & column.isin(values).to_numpy(), "why.in_group", by=by, value=column.to_numpy())
    assign(selected, "why.in_combination")
    assign(ids.isin(selection.rules.must_exclude).to_numpy(), "why.out_must")
    score = scores.table["score"].to_numpy()
    for by, values in _groups_on_bound(selection, "high").items():
        column = frame[by].astype(str)  # Series.isin hashes; np.isin on text compares every pair (11 s at 500k)
        full = column.isin(values).to_numpy() & undecided
        if reads_swaps(selection):
            rows = np.flatnonzero(full)
            swaps = budget_swaps(frame, selection, score, rows)
            budget = np.zeros(pool.size, dtype=bool)
            budget[rows[swaps >= 0]] = True
            holder = np.full(pool.size, -1)
            holder[rows] = swaps
            names, costs = frame["village"].to_numpy(dtype=object), frame["cost"].to_numpy(dtype=float)
            assign(
                budget,
                "why.out_group_budget",
                by=by,
                value=column.to_numpy(),
                holder=names[np.maximum(holder, 0)],
                cost=costs,
                holder_cost=costs[np.maximum(holder, 0)],
            )
        assign(full, "why.out_group_full", by=by, value=column.to_numpy())
    cut = float(score[selected].min()) if selection.count else np.nan
    assign(score >= cut, "why.out_combination", cost=frame["cost"].to_numpy(dtype=float))
    assign(undecided, "why.out_below", gap=cut - score)
    return Reasons(pd.Series(code, index=frame.index), params)
