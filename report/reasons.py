"""Reasons in words: each village's ``why.*`` code (analysis/reasons.py) and each ineligible village's eligibility
reasons (scoring/eligibility.py), rendered in the reader's language at the moment of showing."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.reasons import Reasons
from contract.columns import header_of
from contract.texts import list_separator, render, t
from scoring.eligibility import Eligibility
from solver import families


def eligibility_texts(eligibility: Eligibility, lang: str | None = None, rows: np.ndarray | None = None) -> pd.Series:
    """Every ineligible village's reasons joined in one sentence ("" for eligible villages), built rule by rule over
    the distinct values, so it costs one pass per rule rather than one per village. ``rows`` (a boolean mask over
    the pool) limits the sentences to those rows, the others left "" (a county preview of a national pool)."""
    separator = list_separator(lang)
    texts = np.full(len(eligibility.frame), "", dtype=object)
    for rule in eligibility.rules:
        failed = np.asarray(rule.failed, dtype=bool) & (True if rows is None else rows)
        if not failed.any():
            continue
        values = eligibility.frame[rule.column][failed]
        rendered = {v: render(rule.reason(v), lang) for v in values.dropna().drop_duplicates()}
        blank = render(rule.reason(None), lang)
        parts = np.array([blank if pd.isna(v) else rendered[v] for v in values], dtype=object)
        current = texts[failed]
        texts[failed] = np.where(current == "", parts, current + separator + parts)
    return pd.Series(texts, index=eligibility.frame.index)


def _words(name: str, value):
    """A parameter as it appears in a sentence: column keys as headers, numbers formatted."""
    if name in ("rule", "by"):
        return header_of(value)
    if name == "gap":
        return f"{value:.4f}" if np.isfinite(value) else ""
    if name in ("cost", "holder_cost"):
        return f"{value:,.0f}"
    return value


def reason_texts(reasons: Reasons, eligibility: Eligibility, lang: str | None = None, positions=None) -> pd.Series:
    """One sentence per pool row (the ``reason`` column); with ``positions`` (row positions), only those rows, in
    that order (a county's preview words its own villages, not the province's)."""
    out = pd.Series("", index=reasons.code.index, dtype=object)
    ineligible = (reasons.code == "why.ineligible").to_numpy()
    wanted = np.ones(len(out), dtype=bool) if positions is None else np.isin(np.arange(len(out)), positions)
    chosen = ineligible & wanted
    if chosen.any():
        template = t("why.ineligible", lang, reasons="\0")
        out[chosen] = [template.replace("\0", w) for w in eligibility_texts(eligibility, lang, chosen)[chosen]]
    for position in np.flatnonzero(~ineligible & wanted):
        out.iat[position] = reason_text(reasons, position, lang)
    return out if positions is None else out.iloc[np.asarray(positions, dtype=int)]


def reason_text(reasons: Reasons, position: int, lang: str | None = None) -> str:
    """The sentence of one eligible village (``why.*`` codes other than ``why.ineligible``)."""
    code, params = reasons.of(position)
    return t(code, lang, **{k: _words(k, v) for k, v in params.items()})


def _gap(value: float) -> str:
    return f"{abs(value):.4f}"


def standing_texts(preview, reasons: pd.Series, lang: str | None = None) -> list[str]:
    """One sentence per row of a county preview (``analysis.preview.CountyPreview.table``): how far each village is
    from getting in (or from dropping out), in the county's words — the exact gap, the proven bound while the exact
    one is being computed, the budget (with both costs) or the full group (with who holds it) when that is what
    holds it back. ``reasons``: each row's province-wide reason (used for ineligible villages)."""
    out = []
    for row, reason in zip(preview.table.itertuples(index=False), reasons):
        rank = int(row.rank) if pd.notna(row.rank) else ""
        blocked = render(families.label(row.blocked), lang) if row.blocked is not None else None
        if not row.eligible:
            out.append(reason)
        elif row.selected:
            if blocked:
                out.append(t("standing.in_fixed", lang, rank=rank, rule=blocked))
            elif pd.notna(row.distance):
                out.append(t("standing.in", lang, rank=rank, gap=_gap(row.distance)))
            else:
                out.append(t("standing.in_pending", lang, rank=rank))
        elif row.cause == "excluded":
            out.append(t("standing.out_must", lang))
        elif blocked:
            out.append(t("standing.out_blocked", lang, rule=blocked))
        elif row.cause == "budget":
            costs = {"holder": row.holder, "cost": f"{row.cost:,.0f}", "holder_cost": f"{row.holder_cost:,.0f}"}
            if row.by:  # its group is full too: the same sentence as the province-wide reason (analysis/reasons.py)
                out.append(t("standing.out_group_budget", lang, by=header_of(row.by), **costs))
            else:
                out.append(t("standing.out_budget", lang, **costs))
        elif row.cause == "group":
            out.append(t("standing.out_group", lang, by=header_of(row.by), holder=row.holder))
        elif pd.notna(row.distance):
            out.append(t("standing.out_score", lang, gap=_gap(row.distance)))
        elif pd.notna(row.at_least):
            out.append(t("standing.out_score_bound", lang, gap=_gap(row.at_least)))
        else:
            out.append(reason)
    return out
