"""The panel's sheets and list in, the aggregate out: read, check the experts against the list, bar conflicts,
aggregate. One function the command line, the app and the solve path share."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from contract.errors import InputError
from contract.scenario import ReviewRules
from pool.read import Pool
from review.aggregate import Aggregate, aggregate
from review.panel import Panel, conflicts, read_panel, unknown_experts
from review.sheets import PanelScores, read_score_sheets


def collect(pool: Pool, sheets: list[Path], panel: Path | Panel | None, rules: ReviewRules) -> tuple[PanelScores, Panel | None, Aggregate]:
    """The experts' scores, the panel list (when given) and the aggregate under ``rules``.

    Raises ``InputError`` for bad sheets, a bad list, or experts who are on one but not the other (a score from
    someone not on the panel, or a panel member with no scores, is a mistake a panel must settle, not skip)."""
    scores = read_score_sheets(sheets, pool)
    the_panel = read_panel(panel, pool) if isinstance(panel, (str, Path)) else panel
    barred = None
    if the_panel is not None:
        problems = unknown_experts(the_panel, scores.experts)
        if problems:
            raise InputError("review.panel_invalid", problems, file=the_panel.source)
        barred = conflicts(the_panel, pool, scores.table[["expert", "village_id"]].drop_duplicates())
    result = aggregate(scores, rules, barred)
    if the_panel is not None and the_panel.notices:
        result = replace(result, notices=tuple(the_panel.notices) + result.notices)
    return scores, the_panel, result
