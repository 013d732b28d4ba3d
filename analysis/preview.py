"""The county preview: one county's villages under a scenario — eligibility, score, provincial rank, in or out,
how far from changing sides and what holds a left-out village back — and nothing about other counties' villages
beyond the province's totals.

The distance is exact (``analysis.margins``, one re-solve per village) where ``exact`` has the village: positive
for a selected village (the score it could lose and still be selected), negative for one left out (the score it
must gain). Where it has not (yet), the preview gives the proven LP bound (``analysis.margins.lp_bounds``) as
``at_least``. Blank where no score change can move the village. The cause of a left-out village is
``analysis.margins.binding_causes``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.margins import Margin, binding_causes, lp_bounds, province_margins
from pool.places import PLACE_COLUMNS
from pool.read import Pool
from scoring.score import Scores
from solver.solve import Selection


@dataclass(frozen=True)
class CountyPreview:
    county: str
    # village_id, village, township, eligible, score, rank, selected, distance, at_least, cause, holder, holder_cost,
    # by, blocked (RuleRef or None), cost, position (pool row); holder is the holding village's name ("" when none)
    table: pd.DataFrame
    eligible: int
    selected: int
    cutoff: float | None  # the lowest score among the province's selected villages
    province_eligible: int
    province_selected: int
    nearest: pd.Series | None  # the county's best village left out (eligible), if any
    exact_done: int = 0  # the county's eligible villages whose distance is exact
    exact_total: int = 0

    @property
    def complete(self) -> bool:
        return self.exact_done >= self.exact_total


def county_positions(pool: Pool, county: str) -> np.ndarray:
    """Pool rows of the county (by its place identity, never its bare name)."""
    return np.flatnonzero((pool.frame[PLACE_COLUMNS["county"]] == county).to_numpy())


def county_preview(
    pool: Pool,
    scores: Scores,
    selection: Selection,
    county: str,
    exact: dict[int, Margin] | None = None,
    bounds: np.ndarray | None = None,
) -> CountyPreview:
    """One county's preview. ``exact``: exact margins by pool row (computed here for the county when None);
    ``bounds``: ``lp_bounds(selection)`` (computed here when None). Both come from one pass per solve in the app."""
    frame = pool.frame
    rows = county_positions(pool, county)
    if exact is None:
        exact = province_margins(pool, scores, selection, rows)
    if bounds is None:
        bounds = lp_bounds(selection)
    causes = binding_causes(pool, scores, selection, rows)
    cutoff = float(scores.table.loc[selection.selected, "score"].min()) if selection.count else None
    distance = np.full(len(rows), np.nan)
    at_least = np.full(len(rows), np.nan)
    blocked = np.full(len(rows), None, dtype=object)
    for k, p in enumerate(rows):
        if scores.eligible[p] and p in exact:
            distance[k] = np.nan if exact[p].distance is None else exact[p].distance
            blocked[k] = exact[p].blocked_by
        elif scores.eligible[p] and not selection.selected[p]:
            at_least[k] = -bounds[p] if np.isfinite(bounds[p]) else np.nan
    holder = causes.holder[rows]
    names = frame["village"].to_numpy()
    costs = frame["cost"].to_numpy(dtype=float)
    table = pd.DataFrame(
        {
            "village_id": frame["village_id"].to_numpy()[rows],
            "village": names[rows],
            "township": frame["township"].to_numpy()[rows],
            "eligible": scores.eligible[rows],
            "score": scores.table["score"].to_numpy()[rows],
            "rank": scores.table["rank"].to_numpy()[rows],
            "selected": selection.selected[rows],
            "distance": distance,
            "at_least": at_least,
            "cause": causes.code[rows],
            "holder": np.where(holder >= 0, names[np.maximum(holder, 0)], ""),
            "holder_cost": np.where(holder >= 0, costs[np.maximum(holder, 0)], np.nan),
            "by": causes.by[rows],
            "blocked": blocked,
            "cost": costs[rows],
            "position": rows,
        }
    ).sort_values(["rank", "village_id"], na_position="last")
    left_out = table[table["eligible"] & ~table["selected"] & table["distance"].notna()]
    nearest = left_out.sort_values("distance", ascending=False).iloc[0] if len(left_out) else None
    eligible_rows = [p for p in rows if scores.eligible[p]]
    return CountyPreview(
        county,
        table.reset_index(drop=True),
        int(table["eligible"].sum()),
        int(table["selected"].sum()),
        cutoff,
        int(scores.eligible.sum()),
        selection.count,
        nearest,
        sum(1 for p in eligible_rows if p in exact),
        len(eligible_rows),
    )
