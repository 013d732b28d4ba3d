"""Why each village is in or out of the shortlist — as data: a message code and its parameters per village, which
``report.reasons`` renders in the reader's language (the ``reason`` column of every output).

* ineligible: code ``why.ineligible``; the eligibility reasons themselves come from ``scores.eligibility``;
* selected: its rank, and the rule that brought it in when villages ranked above it were passed over (a quota or
  group minimum that is exactly met and that the village counts towards), or that it is a must-include village;
* eligible but left out: a must-exclude, a full group (its county or city is at its maximum), or its distance
  below the cut-off (the lowest score selected); a village scoring above the cut-off that is still out is out
  because of the budget or the combination of rules — ``baicun explain`` gives the exact what-if.

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

PARAMS = ("rank", "rule", "by", "value", "gap", "cost")  # rule and by are column keys; gap in score points; cost in 万元


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
    for by, values in _groups_on_bound(selection, "high").items():
        column = frame[by].astype(str)  # Series.isin hashes; np.isin on text compares every pair (11 s at 500k)
        assign(column.isin(values).to_numpy(), "why.out_group_full", by=by, value=column.to_numpy())
    score = scores.table["score"].to_numpy()
    cut = float(score[selected].min()) if selection.count else np.nan
    assign(score >= cut, "why.out_combination", cost=frame["cost"].to_numpy(dtype=float))
    assign(undecided, "why.out_below", gap=cut - score)
    return Reasons(pd.Series(code, index=frame.index), params)
