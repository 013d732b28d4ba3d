"""What a pool holds, for ``baicun pool check`` and the app's data page."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pool.places import PLACE_COLUMNS
from pool.read import Pool


@dataclass(frozen=True)
class PoolSummary:
    villages: int
    cities: int
    counties: int
    qiancun: int
    upgraded: int
    batches: pd.DataFrame  # per 千村 year: count, border, poverty
    by_city: pd.DataFrame  # per city: villages, qiancun, border, poverty (the last two within the 千村 pool)


def _flag(frame: pd.DataFrame, key: str) -> pd.Series:
    return frame[key].fillna(False).astype(bool) if key in frame else pd.Series(False, index=frame.index)


def summarize(pool: Pool) -> PoolSummary:
    """Counts by place identity (``city_place``, ``county_place``: two 朝阳区 are two counties); every optional
    column may be absent (no 千村创建年度: no batches, nothing counted as 千村)."""
    frame = pool.frame
    city = frame[PLACE_COLUMNS["city"]]
    member = frame["qiancun_year"].notna() if "qiancun_year" in frame else pd.Series(False, index=frame.index)
    qiancun = frame[member].assign(year=frame.loc[member, "qiancun_year"].astype(int) if member.any() else 0)
    batches = pd.DataFrame(
        {
            "count": qiancun.groupby("year").size(),
            "border": _flag(qiancun, "border").groupby(qiancun["year"]).sum(),
            "poverty": _flag(qiancun, "poverty_alleviated").groupby(qiancun["year"]).sum(),
        }
    ).astype(int)
    by_city = pd.DataFrame(
        {
            "villages": frame.groupby(city).size(),
            "qiancun": member.groupby(city).sum(),
            "border": (member & _flag(frame, "border")).groupby(city).sum(),
            "poverty": (member & _flag(frame, "poverty_alleviated")).groupby(city).sum(),
        }
    ).astype(int)
    by_city.index.name = "city"
    upgraded = int(frame["baicun_year"].notna().sum()) if "baicun_year" in frame else 0
    counties = frame[PLACE_COLUMNS["county"]].nunique()
    return PoolSummary(len(frame), city.nunique(), counties, int(member.sum()), upgraded, batches, by_city)
