"""One sentence per village saying why it is in or out of the shortlist (the ``reason`` column of every output).

* ineligible: every eligibility reason;
* selected: its rank, and the rule that brought it in when villages ranked above it were passed over (a quota or
  group minimum that is exactly met and that the village counts towards), or that it is a must-include village;
* eligible but left out: a must-exclude, a full group (its county or city is at its maximum), or its distance
  below the cut-off (the lowest score selected); a village scoring above the cut-off that is still out is out
  because of the budget or the combination of rules — ``baicun explain`` gives the exact what-if.

Villages are sorted into these cases with whole-column masks; only the sentence itself is formatted per village.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from contract.columns import header_of
from contract.texts import t
from pool.read import Pool
from scoring.score import Scores
from solver.solve import Selection


def _groups_on_bound(selection: Selection, side: str) -> dict[str, set[str]]:
    """Per group column, the values whose selected count sits exactly on the given bound."""
    table = selection.check.attainment
    out = {}
    for group in selection.rules.groups:
        rows = table[table["rule"] == f"group:{group.by}"]
        out[group.by] = set(rows.loc[rows["actual"] == rows[side].astype(float), "label"])
    return out


def village_reasons(pool: Pool, scores: Scores, selection: Selection, lang: str | None = None) -> pd.Series:
    frame = pool.frame
    eligible, selected = scores.eligible, selection.selected
    reasons = pd.Series("", index=frame.index, dtype=object)
    ineligible = ~eligible
    if ineligible.any():
        why = scores.eligibility.reason_texts(lang)[ineligible]
        template = t("why.ineligible", lang, reasons="\0")
        reasons[ineligible] = [template.replace("\0", w) for w in why]
    if not selection.found:
        reasons[eligible] = t("why.no_solution", lang)
        return reasons
    rank = scores.table["rank"].fillna(0).astype(int).to_numpy()
    score = scores.table["score"].to_numpy()
    undecided = eligible.copy()

    def assign(mask: np.ndarray, code: str, **fixed) -> None:
        mask = mask & undecided
        for position in np.flatnonzero(mask):
            reasons.iat[position] = t(
                code, lang, rank=rank[position], **{k: (v[position] if isinstance(v, np.ndarray) else v) for k, v in fixed.items()}
            )
        undecided[mask] = False

    ids = frame["village_id"]
    assign(selected & ids.isin(selection.rules.must_include).to_numpy(), "why.in_must")
    assign(selected & (rank <= selection.count), "why.in_rank")
    for quota in selection.rules.quotas:
        member = frame[quota.flag].fillna(False).astype(bool).to_numpy()
        if quota.low is not None and int(member[selected].sum()) == quota.low:
            assign(selected & member, "why.in_quota", rule=header_of(quota.flag))
    for by, values in _groups_on_bound(selection, "low").items():
        column = frame[by].astype(str).to_numpy()
        assign(selected & np.isin(column, list(values)), "why.in_group", by=header_of(by), value=column)
    assign(selected, "why.in_combination")
    assign(ids.isin(selection.rules.must_exclude).to_numpy(), "why.out_must")
    for by, values in _groups_on_bound(selection, "high").items():
        column = frame[by].astype(str).to_numpy()
        assign(np.isin(column, list(values)), "why.out_group_full", by=header_of(by), value=column)
    cut = float(score[selected].min()) if selection.count else np.nan
    costs = np.array([f"{c:,.0f}" for c in frame["cost"]], dtype=object)
    assign(score >= cut, "why.out_combination", cost=costs)
    gaps = np.array([f"{cut - s:.4f}" if np.isfinite(s) else "" for s in score], dtype=object)
    assign(undecided, "why.out_below", gap=gaps)
    return reasons
