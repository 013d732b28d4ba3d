"""A synthetic expert panel (示例数据) for the sample pool: seven experts, harsh to lenient, one outlier, one
conflict of interest, a few blank cells — everything the review report must show.

How the scores are made (so that tests can check the report finds what was planted):

* a village's "true" quality on each aspect is the pool's own review column (the sample pool has them);
* expert e writes truth + b_e + noise (sd 4), rounded to whole points and clipped to 0–100, with harshness
  b = −9, −5, −2, 0, +3, +6, +9 for E01 … E07 — a harsh and a lenient expert, both consistent;
* E05 is the **outlier**: their scores are drawn uniformly from 55–95, unrelated to the villages;
* E03 lives in the county with the most villages under review (the panel list says so) and scores those villages
  +12 above the truth — the **conflict of interest** the panel list must bar;
* E06 leaves three cells blank (missing scores);
* each expert's AHP judgements are the scenario's weight ratios w_i / w_j times lognormal noise, rounded to
  Saaty's scale; E05's are drawn at random (a high consistency ratio).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pool.read import Pool
from review.panel import county_identity
from review.sheets import ASPECTS

EXPERTS = ("E01", "E02", "E03", "E04", "E05", "E06", "E07")
HARSHNESS = dict(zip(EXPERTS, (-9.0, -5.0, -2.0, 0.0, 3.0, 6.0, 9.0)))
OUTLIER, CONFLICTED, MISSING = "E05", "E03", "E06"
NOISE, FAVOUR = 4.0, 12.0
SAATY = np.array([1 / 9, 1 / 8, 1 / 7, 1 / 6, 1 / 5, 1 / 4, 1 / 3, 1 / 2, 1, 2, 3, 4, 5, 6, 7, 8, 9])


@dataclass(frozen=True)
class SamplePanel:
    """``scores``: expert, village_id, aspect, score (NaN: left blank). ``homes``: expert, city, county, code.
    ``judgements``: expert → upper-triangle pairwise judgements (n × n, 1 on the diagonal) over ``criteria``."""

    scores: pd.DataFrame
    homes: pd.DataFrame
    judgements: dict[str, np.ndarray]
    criteria: tuple[str, ...]


def sample_panel(pool: Pool, villages: list[str], weights: dict[str, float] | None = None, seed: int = 2024) -> SamplePanel:
    """The synthetic panel for ``villages`` of ``pool`` (deterministic for a seed); ``weights`` (criterion →
    weight, the scenario's) seed the experts' AHP judgements."""
    rng = np.random.default_rng(seed)
    frame = pool.frame.set_index("village_id").loc[villages]
    identity = county_identity(pool).reindex(frame.index)
    home = identity.value_counts().sort_index(kind="stable").idxmax()
    scores = pd.concat([_expert_scores(e, frame, identity == home, rng) for e in EXPERTS], ignore_index=True)
    homes = _homes(pool, identity, home, rng)
    criteria = tuple(weights or ())
    judgements = {e: _judgements(np.array([weights[c] for c in criteria]), e, rng) for e in EXPERTS} if criteria else {}
    return SamplePanel(scores, homes, judgements, criteria)


def _truth(frame: pd.DataFrame, aspect: str) -> np.ndarray:
    column = frame[aspect] if aspect in frame else pd.Series(70.0, index=frame.index)
    return column.fillna(70.0).to_numpy(dtype=float)


def _expert_scores(expert: str, frame: pd.DataFrame, at_home: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    parts = []
    for aspect in ASPECTS:
        n = len(frame)
        if expert == OUTLIER:
            raw = rng.uniform(55, 95, n)
        else:
            raw = _truth(frame, aspect) + HARSHNESS[expert] + rng.normal(0, NOISE, n)
            if expert == CONFLICTED:
                raw = raw + FAVOUR * at_home.to_numpy()
        parts.append(pd.DataFrame({"expert": expert, "village_id": frame.index, "aspect": aspect, "score": np.clip(np.round(raw), 0, 100)}))
    table = pd.concat(parts, ignore_index=True)
    if expert == MISSING:
        table.loc[rng.choice(len(table), size=3, replace=False), "score"] = np.nan
    return table


def _homes(pool: Pool, identity: pd.Series, home: str, rng: np.random.Generator) -> pd.DataFrame:
    """E03 in the reviewed county; the others in counties with no village under review, or in a provincial office
    (no home place)."""
    frame = pool.frame
    all_places = county_identity(pool)
    names = frame.assign(identity=all_places.to_numpy()).drop_duplicates("identity").set_index("identity")[["city", "county"]]
    free = sorted(set(all_places) - set(identity))
    rows = []
    for expert in EXPERTS:
        if expert == CONFLICTED:
            place = home
        elif free and expert != "E01":
            place = free[int(rng.integers(len(free)))]
        else:
            rows.append({"expert": expert, "city": "", "county": "", "code": ""})  # 省直单位: no home place
            continue
        code = place if place.isdigit() else ""
        rows.append({"expert": expert, "city": names.at[place, "city"], "county": names.at[place, "county"], "code": code})
    return pd.DataFrame(rows, columns=["expert", "city", "county", "code"])


def _judgements(weights: np.ndarray, expert: str, rng: np.random.Generator) -> np.ndarray:
    n = len(weights)
    ratio = weights[:, None] / weights[None, :]
    noisy = ratio * np.exp(rng.normal(0, 0.25, (n, n))) if expert != OUTLIER else np.exp(rng.uniform(-2.2, 2.2, (n, n)))
    nearest = SAATY[np.abs(np.log(noisy)[..., None] - np.log(SAATY)).argmin(axis=-1)]
    matrix = np.ones((n, n))
    upper = np.triu_indices(n, 1)
    matrix[upper] = nearest[upper]
    matrix.T[upper] = 1 / nearest[upper]
    return matrix


def fraction(value: float) -> str:
    """A Saaty judgement as a person writes it: 3, 1/3."""
    return str(round(value)) if value >= 1 else f"1/{round(1 / value)}"


def fill_sheet(path, expert: str, panel: SamplePanel) -> None:
    """Fill an expert's blank template (``baicun review template``) in place, as the expert would in Excel: the
    expert id and the four scores on each village's row, the upper triangle of the judgement sheet."""
    from openpyxl import load_workbook

    from contract.columns import header_of
    from review.sheets import JUDGEMENT_SHEET, SCORE_SHEET

    book = load_workbook(path)
    sheet = book[SCORE_SHEET]
    header = [c.value for c in sheet[1]]
    column = {name: header.index(name) + 1 for name in header if name}
    mine = panel.scores[panel.scores["expert"] == expert].pivot_table(index="village_id", columns="aspect", values="score", dropna=False)
    for row in range(2, sheet.max_row + 1):
        village = sheet.cell(row, column[header_of("village_id")]).value
        sheet.cell(row, column["专家"]).value = expert
        if village not in mine.index:
            continue
        for aspect in ASPECTS:
            value = mine.at[village, aspect]
            sheet.cell(row, column[header_of(aspect)]).value = None if pd.isna(value) else int(value)
    if expert in panel.judgements and JUDGEMENT_SHEET in book.sheetnames:
        matrix, judgements = panel.judgements[expert], book[JUDGEMENT_SHEET]
        for i in range(len(panel.criteria)):
            judgements.cell(i + 2, 1).value = expert
            for j in range(i + 1, len(panel.criteria)):
                judgements.cell(i + 2, 3 + j).value = fraction(matrix[i, j])
    book.save(path)
