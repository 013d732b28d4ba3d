"""A selection's status in words: the one place a status becomes a sentence (terminal, workbook, app, comparison)."""

from __future__ import annotations

from contract.texts import MESSAGES, t


def status_text(s, lang: str | None = None) -> str:
    """A selection's status in words, honest about the clock: 已证明最优; 可行，差距 g (and whether the time limit
    stopped it, and whether the list is the greedy start); 在 N 秒内没有找到可行名单; 无解."""
    limit = f"{s.time_limit:g}" if s.time_limit is not None else "—"
    if s.status == "feasible":
        gap = f"{s.gap * 100:.3g}%" if s.gap is not None else t("status.gap_unknown", lang)
        text = t("status.feasible_timed" if s.stopped else "status.feasible_gap", lang, gap=gap, limit=limit)
        return text + (t("status.from_start", lang) if s.from_start else "")
    if s.status == "time_limit" and s.time_limit is not None:
        return t("status.time_limit_in", lang, limit=limit)
    return t(f"status.{s.status}", lang)


def stored_status_text(status: str, gap: float | None, lang: str | None = None) -> str:
    """A stored run's status in the same words, from what the run keeps (its status and gap, not the clock)."""
    if status == "feasible":
        return t("status.feasible_gap", lang, gap=f"{gap * 100:.3g}%" if gap is not None else t("status.gap_unknown", lang))
    return t(f"status.{status}", lang) if f"status.{status}" in MESSAGES else status
