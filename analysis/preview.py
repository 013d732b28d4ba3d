"""The county preview: one county's villages under a scenario — eligibility, score, provincial rank, in or out,
exact distance to the cut-off — and nothing about other counties' villages beyond the cut-off and totals.

The distance is exact (``analysis.whatif.score_margin``, one re-solve each) for the county's selected villages and
its ``exact`` best-scored villages left out: positive for a selected village (the score it could lose and still
be selected), negative for one left out (the score it must gain). For the county's other eligible villages the
preview gives a proven lower bound on the gain they need, from the LP relaxation (``gain_lower_bound``), which
costs a hundredth of a re-solve. Blank where no score change can move the village.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.whatif import gain_lower_bound, score_margin
from pool.places import PLACE_COLUMNS
from pool.read import Pool
from scoring.score import Scores
from solver.solve import Selection

EXACT_LEFT_OUT = 10


@dataclass(frozen=True)
class CountyPreview:
    county: str
    table: pd.DataFrame  # village_id, village, township, eligible, score, rank, selected, distance, at_least, position (pool row)
    eligible: int
    selected: int
    cutoff: float | None
    province_eligible: int
    province_selected: int
    nearest: pd.Series | None  # the county's best village left out (eligible), if any


def county_preview(pool: Pool, scores: Scores, selection: Selection, county: str, exact: int = EXACT_LEFT_OUT) -> CountyPreview:
    frame = pool.frame
    mine = (frame[PLACE_COLUMNS["county"]] == county).to_numpy()  # the county's identity, never its bare name
    cutoff = float(scores.table.loc[selection.selected, "score"].min()) if selection.count else None
    score = scores.table["score"]
    table = pd.DataFrame(
        {
            "village_id": frame["village_id"],
            "village": frame["village"],
            "township": frame["township"],
            "eligible": scores.eligible,
            "score": score,
            "rank": scores.table["rank"],
            "selected": selection.selected,
            "distance": np.nan,
            "at_least": np.nan,
            "position": np.arange(pool.size),
        }
    )[mine].sort_values(["rank", "village_id"], na_position="last")
    out = table.index[table["eligible"] & ~table["selected"]]
    for index in list(table.index[table["selected"]]) + list(out[:exact]):
        margin = score_margin(selection, int(index))
        table.at[index, "distance"] = np.nan if margin is None else margin
    for index in out[exact:]:
        bound = gain_lower_bound(selection, int(index))
        table.at[index, "at_least"] = np.nan if bound is None else bound
    left_out = table[table["eligible"] & ~table["selected"] & table["distance"].notna()]
    nearest = left_out.sort_values("distance", ascending=False).iloc[0] if len(left_out) else None
    return CountyPreview(
        county,
        table.reset_index(drop=True),
        int(table["eligible"].sum()),
        int(table["selected"].sum()),
        cutoff,
        int(scores.eligible.sum()),
        selection.count,
        nearest,
    )
