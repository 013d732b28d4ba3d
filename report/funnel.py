"""The eligibility funnel in words: from the whole pool, through the 千村 rule and each eligibility rule in turn
(``scoring.eligibility.Eligibility.steps``), to the eligible villages and the selected ones — the counts at each
step and the villages each step removes. One source for the 数据 and 规则 pages, the workbook's 资格漏斗 sheet
and ``baicun score``'s reason table."""

from __future__ import annotations

import pandas as pd

from contract.texts import render, t
from pool.read import Pool
from scoring.score import Scores


def funnel_table(pool: Pool, scores: Scores, selection=None, lang: str | None = None) -> pd.DataFrame:
    """One row per step: step (words), remaining (villages left after it), removed (villages it removes).
    First row the whole pool, then each rule, then eligible; then selected when ``selection`` has a shortlist."""
    steps = [(t("funnel.pool", lang), pool.size, 0)]
    remaining = pool.size
    for rule, removed in scores.eligibility.steps():
        remaining -= int(removed.sum())
        steps.append((step_label(rule, lang), remaining, int(removed.sum())))
    eligible = int(scores.eligible.sum())
    steps.append((t("funnel.eligible", lang), eligible, 0))
    if selection is not None and selection.found:
        steps.append((t("funnel.selected", lang), selection.count, eligible - selection.count))
    return pd.DataFrame(steps, columns=[t("funnel.col_step", lang), t("funnel.col_remaining", lang), t("funnel.col_removed", lang)])


def step_label(rule, lang: str | None = None) -> str:
    """An eligibility rule as a step of the funnel, in words ("须「九有六无验收」为“是”"): the one label of the
    资格漏斗 sheet's rows, of the villages each step removes and of ``baicun score``'s reason table."""
    return render(rule.describe(), lang)


def reason_table(scores: Scores, lang: str | None = None) -> pd.DataFrame:
    """``baicun score``'s reasons, one row per step of the funnel: the villages it is the first reason for (these add
    up to the ineligible count, the last row) and all villages it excludes."""
    rows = [(step_label(rule, lang), int(removed.sum()), int(rule.failed.sum())) for rule, removed in scores.eligibility.steps()]
    rows.append((t("score.total_ineligible", lang), sum(first for _, first, _ in rows), None))
    table = pd.DataFrame(rows, columns=["rule", "first", "all"]).astype({"first": int, "all": "Int64"})
    return table.rename(columns={"rule": t("score.col_rule", lang), "first": t("score.col_first", lang), "all": t("score.col_all", lang)})


def funnel_villages(pool: Pool, scores: Scores, lang: str | None = None) -> pd.DataFrame:
    """The villages each rule removes (step, village_id, village, county, city), in the funnel's order."""
    frame = pool.frame
    parts = []
    for rule, removed in scores.eligibility.steps():
        part = frame.loc[removed, ["village_id", "village", "county", "city"]].copy()
        part.insert(0, "step", step_label(rule, lang))
        parts.append(part)
    columns = ["step", "village_id", "village", "county", "city"]
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    from report.tables import column_name

    return table.rename(columns={"step": t("funnel.col_step", lang)} | {c: column_name(c, lang) for c in columns[1:]})
