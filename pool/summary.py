"""What a pool holds, for ``baicun pool check`` and the app's data page."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

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
    return frame[key] if key in frame else pd.Series(False, index=frame.index)


def summarize(pool: Pool) -> PoolSummary:
    frame = pool.frame
    member = frame["qiancun_year"].notna() if "qiancun_year" in frame else pd.Series(False, index=frame.index)
    qiancun = frame[member]
    batches = (
        qiancun.assign(year=qiancun["qiancun_year"].astype(int))
        .groupby("year")
        .agg(count=("village_id", "size"), border=("border", "sum"), poverty=("poverty_alleviated", "sum"))
        .astype(int)
    )
    by_city = pd.DataFrame(
        {
            "villages": frame.groupby("city").size(),
            "qiancun": member.groupby(frame["city"]).sum(),
            "border": (member & _flag(frame, "border")).groupby(frame["city"]).sum(),
            "poverty": (member & _flag(frame, "poverty_alleviated")).groupby(frame["city"]).sum(),
        }
    ).astype(int)
    upgraded = int(frame["baicun_year"].notna().sum()) if "baicun_year" in frame else 0
    return PoolSummary(len(frame), frame["city"].nunique(), frame["county"].nunique(), int(member.sum()), upgraded, batches, by_city)
