"""Aggregating the experts' scores into the pool's four review columns (seed 003 三(二)).

Mathematical formulation
------------------------
For village v and aspect a let S(v, a) be the scores x_e that count: every expert e who scored v on a, except an
expert barred by 回避 (``review.panel``), and blank cells. With n = |S(v, a)|:

* ``mean``:          A = (1/n) Σ x_e
* ``median``:        A = the median of S (the mean of the two middle scores when n is even)
* ``trimmed_mean``:  the usual rule of Chinese review panels, 去掉一个最高分和一个最低分: with the scores sorted
  x_(1) ≤ … ≤ x_(n), A = (1/(n−2)) Σ_{k=2}^{n−1} x_(k) when n ≥ 3. With n ≤ 2 nothing would remain, so A is the
  plain mean of the n scores and the village is listed as having too few scores. Ties: one highest and one lowest
  score are dropped whatever their number (the dropped ones are the first and last in (score, expert) order);
  n = 3 gives the median.

n = 0 leaves A blank: no expert's score may be invented.

*Per-expert standardisation* (``standardize = true``; a z-score per expert, to remove harsh or lenient habits):
for each expert e and aspect a, z_e = (x_e − m_e) / s_e with m_e, s_e the mean and population standard deviation
of e's counted scores on a; the score used is x'_e = m + s·z_e, with m, s the mean and population standard
deviation of all counted scores on a — the panel's own scale — clipped to 0–100. An expert who gave every
village the same score (s_e = 0) carries no ranking: z_e = 0. The rule above then applies to the x'_e.

Per village and aspect the *spread* of the counted scores (before trimming) is kept: their number, lowest, highest,
range and standard deviation. A village the experts *disagree on* is one where, on some aspect, the standardised
scores x'_e without the highest and the lowest still span at least ``disagreement_range`` points (default 20): a
harsh or lenient expert (removed by the z-score) or one stray score (removed by the trimming) does not make a
disagreement, experts who judge the village differently do.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from contract.columns import header_of
from contract.errors import Problem
from contract.scenario import ReviewRules
from contract.texts import Msg
from pool.read import Pool
from review.sheets import ASPECTS, PanelScores, SheetSource

COUNTED, TRIMMED_HIGH, TRIMMED_LOW, CONFLICT, BLANK = "counted", "trimmed_high", "trimmed_low", "conflict", "blank"


@dataclass(frozen=True)
class Aggregate:
    """The panel's scores turned into one score per village and aspect, with every step kept.

    ``values``: index village_id, one column per aspect (NaN: no counted score). ``scores``: one row per expert,
    village and aspect — expert, village_id, aspect, score (as written), value (as used, after standardisation),
    status (counted, trimmed_high, trimmed_low, conflict, blank), place (the home place for conflict), file, row.
    ``spread``: village_id, aspect, n, low, high, range, sd (over the scores that count, before trimming)."""

    values: pd.DataFrame
    scores: pd.DataFrame
    spread: pd.DataFrame
    rule: str
    standardize: bool
    experts: tuple[str, ...]
    sources: tuple[SheetSource, ...]
    disagreement_range: float
    notices: tuple[Problem, ...] = ()

    @property
    def few_scores(self) -> pd.DataFrame:
        """(village_id, aspect) where the trimmed mean fell back to the plain mean (fewer than 3 scores)."""
        if self.rule != "trimmed_mean":
            return self.spread.iloc[0:0]
        return self.spread[(self.spread["n"] > 0) & (self.spread["n"] < 3)]

    @property
    def disagreements(self) -> pd.DataFrame:
        """Villages the experts disagree on: on some aspect the standardised scores, without the highest and the
        lowest, still span at least ``disagreement_range`` points (``spread.core``): village_id, aspects (keys),
        widest such span."""
        wide = self.spread[self.spread["core"] >= self.disagreement_range]
        return (
            wide.groupby("village_id")
            .agg(aspects=("aspect", lambda a: tuple(a)), widest=("core", "max"))
            .reset_index()
            .sort_values(["widest", "village_id"], ascending=[False, True])
            .reset_index(drop=True)
        )

    def missing(self) -> pd.DataFrame:
        """Per expert, how many (village, aspect) of the panel's villages they left without a score (blank cell or
        no row) — excluding the ones 回避 bars: expert, missing, villages (the ids, first 20)."""
        grid = pd.MultiIndex.from_product([self.experts, sorted(self.values.index), ASPECTS], names=["expert", "village_id", "aspect"])
        given = self.scores[self.scores["status"] != BLANK].set_index(["expert", "village_id", "aspect"]).index
        barred = set(zip(*[self.scores.loc[self.scores["status"] == CONFLICT, k] for k in ("expert", "village_id")]))
        absent = grid.difference(given).to_frame(index=False)
        absent = absent[[(e, v) not in barred for e, v in zip(absent["expert"], absent["village_id"])]]
        counts = absent.groupby("expert").agg(missing=("aspect", "size"), villages=("village_id", lambda v: tuple(sorted(set(v)))[:20]))
        return counts.reindex(list(self.experts)).fillna({"missing": 0}).astype({"missing": int}).reset_index()

    def provenance(self) -> dict:
        """What produced the review columns, for the run record and the shortlist workbook."""
        counts = self.scores["status"].value_counts()
        return {
            "rule": self.rule,
            "standardize": self.standardize,
            "experts": list(self.experts),
            "sheets": [{"file": s.file, "sha256": s.sha256} for s in self.sources],
            "counted": int(counts.get(COUNTED, 0)),
            "trimmed": int(counts.get(TRIMMED_HIGH, 0) + counts.get(TRIMMED_LOW, 0)),
            "conflicts": int(counts.get(CONFLICT, 0)),
            "villages": int(len(self.values)),
        }


def aggregate(scores: PanelScores, rules: ReviewRules, barred: pd.DataFrame | None = None) -> Aggregate:
    """One score per village and aspect under ``rules`` (see the module's formulation); ``barred`` lists the
    (expert, village_id, place) that 回避 excludes (``review.panel.conflicts``)."""
    table = scores.table.copy()
    table["status"] = np.where(table["score"].isna(), BLANK, COUNTED)
    table["place"] = None
    if barred is not None and len(barred):
        marked = table.merge(barred, on=["expert", "village_id"], how="left", suffixes=("", "_barred"))
        hit = marked["place_barred"].notna().to_numpy()
        table.loc[hit, "status"] = CONFLICT
        table.loc[hit, "place"] = marked.loc[hit, "place_barred"].to_numpy()
    z = standardized(table)
    table["value"] = z if rules.standardize else table["score"].where(table["status"] == COUNTED)
    spread = _spread(table, z)
    if rules.rule == "trimmed_mean":
        table["status"] = _trim(table, table["value"])
    values = _combine(table, rules.rule)
    villages = sorted(table["village_id"].unique())
    values = values.reindex(index=villages, columns=list(ASPECTS))
    result = Aggregate(values, table, spread, rules.rule, rules.standardize, tuple(scores.experts), scores.sources, rules.disagreement_range)
    return _with_notices(result)


def standardized(table: pd.DataFrame) -> pd.Series:
    """x' = m + s·(x − m_e)/s_e per expert and aspect over counted scores, clipped to 0–100 (NaN elsewhere)."""
    counted = table["status"] == COUNTED
    x = table["score"].where(counted)
    by_expert = x.groupby([table["expert"], table["aspect"]])
    m_e, s_e = by_expert.transform("mean"), by_expert.transform(lambda v: v.std(ddof=0))
    by_aspect = x.groupby(table["aspect"])
    m, s = by_aspect.transform("mean"), by_aspect.transform(lambda v: v.std(ddof=0))
    z = ((x - m_e) / s_e.where(s_e > 0)).fillna(0.0).where(counted)
    return (m + s * z).clip(0, 100)


def _trim(table: pd.DataFrame, values: pd.Series) -> pd.Series:
    """The status column with one highest and one lowest counted score (by ``values``) per village and aspect
    marked as dropped, where at least 3 scores count."""
    status = table["status"].copy()
    counted = table.assign(value=values)[status == COUNTED].sort_values(["village_id", "aspect", "value", "expert"])
    keys = [counted["village_id"], counted["aspect"]]
    position = counted.groupby(keys).cumcount()
    size = counted.groupby(keys)["value"].transform("size")
    status.loc[counted.index[(size >= 3) & (position == 0)]] = TRIMMED_LOW
    status.loc[counted.index[(size >= 3) & (position == size - 1)]] = TRIMMED_HIGH
    return status


def _combine(table: pd.DataFrame, rule: str) -> pd.DataFrame:
    used = table[table["status"] == COUNTED]
    how = "median" if rule == "median" else "mean"
    return used.pivot_table(index="village_id", columns="aspect", values="value", aggfunc=how)


def _spread(table: pd.DataFrame, z: pd.Series) -> pd.DataFrame:
    """Per village and aspect: n, low, high, range, sd of the counted scores as written, and ``core`` — the range
    of the standardised scores without the highest and the lowest (the disagreement that neither a harsh or lenient
    expert nor one stray score explains)."""
    used = table[table["status"] == COUNTED]
    grouped = used.groupby(["village_id", "aspect"])["score"]
    spread = grouped.agg(n="size", low="min", high="max", sd=lambda v: v.std(ddof=1) if len(v) > 1 else 0.0).reset_index()
    spread["range"] = spread["high"] - spread["low"]
    kept = table.assign(value=z)[_trim(table, z) == COUNTED]
    core = kept.groupby(["village_id", "aspect"])["value"].agg(lambda v: v.max() - v.min())
    spread["core"] = core.reindex(pd.MultiIndex.from_frame(spread[["village_id", "aspect"]])).fillna(0.0).round(2).to_numpy()
    return spread[["village_id", "aspect", "n", "low", "high", "range", "sd", "core"]]


def _with_notices(result: Aggregate) -> Aggregate:
    notices = []
    conflicts = result.scores[result.scores["status"] == CONFLICT]
    if len(conflicts):
        notices.append(
            Problem("review.notice_conflicts", params={"count": len(conflicts), "experts": "、".join(sorted(conflicts["expert"].unique()))})
        )
    few = result.few_scores
    if len(few):
        notices.append(Problem("review.notice_few", params={"count": few["village_id"].nunique()}))
    empty = result.values.isna().any(axis=1)
    if empty.any():
        notices.append(Problem("review.notice_unscored", params={"count": int(empty.sum()), "ids": "、".join(result.values.index[empty][:10])}))
    return replace(result, notices=tuple(notices))


def apply_review(pool: Pool, result: Aggregate) -> Pool:
    """The pool with its four review columns replaced by the panel's aggregate (blank for villages the panel did
    not score) and a notice naming the rule, the experts and the exclusions — the run record and the shortlist
    workbook carry it (``Pool.notices``)."""
    frame = pool.frame.copy()
    for aspect in ASPECTS:
        frame[aspect] = frame["village_id"].map(result.values[aspect]).astype(float)
    headers = dict(pool.headers) | {a: header_of(a) for a in ASPECTS}
    info = result.provenance()
    notice = Problem(
        "review.applied",
        params={
            "rule": Msg(f"review.rule.{result.rule}"),
            "standardized": Msg("review.standardized" if result.standardize else "review.raw_scores"),
            "experts": "、".join(result.experts),
            "n": len(result.experts),
            "villages": info["villages"],
            "conflicts": info["conflicts"],
            "trimmed": info["trimmed"],
            "sheets": "、".join(f"{s['file']}（{s['sha256'][:12]}）" for s in info["sheets"]),
        },
    )
    notices = tuple(pool.notices) + (notice,) + tuple(result.notices)
    return Pool(frame, pool.source, pool.rows, headers, pool.extra, pool.encoding, notices)
