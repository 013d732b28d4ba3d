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
    the budget left): the score is enough, the cost is not. j is the lowest-scored such village (the first in the
    pool among equals); −1 where there is none or the scenario has no budget. Only meaningful when
    ``reads_swaps(selection)``. Shape: ``rows``'s.

    Whole columns, not a loop over villages (a national pool has tens of thousands of left-out villages in full
    counties): the candidates are grouped by their groups' values and their flags on the quotas that sit on a bound
    (at most 2^k patterns for k such quotas); the lowest-scored candidate of each (groups, pattern) is found once, and
    each village takes the lowest of the patterns its own flags allow."""
    out = np.full(len(rows), -1)
    if selection.rules.budget is None or not len(rows):
        return out
    pinned = frame["village_id"].isin(selection.rules.must_include).to_numpy()
    candidates = np.flatnonzero(selection.selected & ~pinned)
    if not len(candidates):
        return out
    keys = _group_keys(frame, selection)
    tight = _tight_quotas(frame, selection)
    pattern = sum((member.astype(int) << b for b, (member, _, _) in enumerate(tight)), np.zeros(len(frame), dtype=int))
    patterns = 1 << len(tight)
    best_score = np.full((keys.max() + 1, patterns), np.inf)
    best_position = np.full((keys.max() + 1, patterns), np.iinfo(np.int64).max)
    table = pd.DataFrame({"key": keys[candidates], "pattern": pattern[candidates], "score": score[candidates], "position": candidates})
    best = table.sort_values(["score", "position"], kind="stable").drop_duplicates(["key", "pattern"])  # each one's lowest
    best_score[best["key"], best["pattern"]] = best["score"]
    best_position[best["key"], best["pattern"]] = best["position"]
    for mine in range(patterns):
        who = np.flatnonzero(pattern[rows] == mine)
        if not len(who):
            continue
        allowed = [theirs for theirs in range(patterns) if _swap_keeps_quotas(tight, mine, theirs)]
        group = keys[rows[who]]
        scores, positions = best_score[group][:, allowed], best_position[group][:, allowed]
        lowest = scores.min(axis=1)
        first = np.where(scores == lowest[:, None], positions, np.iinfo(np.int64).max).min(axis=1)
        found = lowest < score[rows[who]] - TOL
        out[who[found]] = first[found]
    return out


def _group_keys(frame: pd.DataFrame, selection: Selection) -> np.ndarray:
    """One code per distinct combination of the villages' group values (0 for all when there are no groups)."""
    columns = [frame[g.by].astype(str) for g in selection.rules.groups]
    if not columns:
        return np.zeros(len(frame), dtype=int)
    return pd.MultiIndex.from_arrays(columns).factorize()[0] if len(columns) > 1 else pd.factorize(columns[0])[0]


def _tight_quotas(frame: pd.DataFrame, selection: Selection) -> list[tuple[np.ndarray, bool, bool]]:
    """(members, at its minimum, at its maximum) of each quota the selection meets exactly on a bound."""
    out = []
    for quota in selection.rules.quotas:
        member = frame[quota.flag].fillna(False).astype(bool).to_numpy()
        actual = int(member[selection.selected].sum())
        at_min, at_max = quota.low is not None and actual <= quota.low, quota.high is not None and actual >= quota.high
        if at_min or at_max:
            out.append((member, at_min, at_max))
    return out


def _swap_keeps_quotas(tight, mine: int, theirs: int) -> bool:
    """Whether i (flags ``mine``) in and j (flags ``theirs``) out keeps every tight quota: one at its minimum may not
    lose a member, one at its maximum may not gain one."""
    for b, (_, at_min, at_max) in enumerate(tight):
        i_in, j_in = bool(mine >> b & 1), bool(theirs >> b & 1)
        if (at_min and j_in and not i_in) or (at_max and i_in and not j_in):
            return False
    return True


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
