"""Synthetic sample province (示例数据) built from real county facts (``pool/data/jilin_counties.csv``).

What is real: the 60 county-level divisions, their cities, centre coordinates, the 10 border counties and the 8
former national poverty counties. What is invented: every village. ``village_weight_guess`` (the relative number of
villages per county) is an assumption, not a statistic.

Structure the generator plants, so that selections behave as they would on real data:

* villages near their city centre and near the capital are stronger in industry (exponential distance decay);
* a latent quality drives the industry, leader, enthusiasm and review scores together;
* hidden-debt stress varies by county (higher in former poverty counties);
* the 千村 pool is a 2021 batch and a 2022 batch, stronger villages being likelier to enter; the 2022 batch holds
  exactly the plan's 119 key border villages (border counties only) and 295 poverty-alleviated villages (scaled
  when ``villages`` differs from the province's 9,300);
* about 200 villages carry ``baicun_year = 2023``; a few pairs of villages are exact twins (equal scores), so tie
  handling is exercised; costs scatter around 1000万元.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from contract.columns import CATALOGUE, DEBT_LEVEL_NAMES
from contract.texts import SAMPLE_LABEL

PROVINCE_VILLAGES = 9300
QIANCUN_2021, QIANCUN_2022 = 1036, 1015
BORDER_2022, POVERTY_2022 = 119, 295
UPGRADED_2023 = 200
TWIN_PAIRS = 6
CAPITAL = (125.3245, 43.8868)  # Changchun
KM_PER_DEGREE = 111.0

_ROOTS = (
    "兴隆 永安 太平 胜利 红星 光明 民主 团结 富强 双山 三合 四合 五星 六合 红旗 前进 建设 和平 新华 长兴 永兴 福安 德胜 "
    "宝山 青山 杨树 榆林 松林 桦树 石头 黑林 白家 王家 李家 张家 刘家 赵家 孙家 马家 高家 朱家 于家 韩家 崔家 金家 "
    "东升 西岗 南沟 北岭 河口 岭后 泉眼 平安 丰收 幸福 向阳 合心 靠山 望海 长岭 柳树 榆树屯 三道 四道 荒沟 二龙 万宝"
).split()
_PREFIXES = ("", "东", "西", "南", "北", "前", "后", "新", "老", "大", "小", "上", "下")
_TOWN_SUFFIX = ("镇", "镇", "乡")


def county_facts() -> pd.DataFrame:
    with resources.files("pool").joinpath("data/jilin_counties.csv").open(encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype={"adcode": str})


def generate_pool(villages: int = PROVINCE_VILLAGES, seed: int = 2023) -> pd.DataFrame:
    """A synthetic pool with every column of SPEC §2, keyed by catalogue key; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    counties = county_facts()
    frame = _place_villages(counties, villages, rng)
    _add_scores(frame, rng)
    _add_flags(frame, rng)
    _add_qiancun(frame, villages / PROVINCE_VILLAGES, rng)
    _add_twins(frame, rng)
    frame["data_label"] = SAMPLE_LABEL
    return frame[[c.key for c in CATALOGUE if c.key in frame]].sort_values("village_id").reset_index(drop=True)


def _place_villages(counties: pd.DataFrame, villages: int, rng: np.random.Generator) -> pd.DataFrame:
    per_county = apportion(counties["village_weight_guess"].to_numpy(), villages)
    parts = [_county_villages(row, n, rng) for row, n in zip(counties.itertuples(index=False), per_county)]
    frame = pd.concat(parts, ignore_index=True)
    centres = counties[counties["county_type"] == "市辖区"].groupby("city")[["lon", "lat"]].mean()
    fallback = counties.groupby("city")[["lon", "lat"]].mean()
    centres = centres.reindex(fallback.index).fillna(fallback)
    frame["d_city"] = _km(frame["lon"], frame["lat"], frame["city"].map(centres["lon"]), frame["city"].map(centres["lat"]))
    frame["d_capital"] = _km(frame["lon"], frame["lat"], CAPITAL[0], CAPITAL[1])
    return frame


def apportion(weights: np.ndarray, total: int) -> np.ndarray:
    """Whole numbers ≥ 1 summing to ``total``, proportional to ``weights`` (largest-remainder method)."""
    if total < len(weights):
        raise ValueError(f"need at least {len(weights)} villages, one per county")
    quotas = (total - len(weights)) * weights / weights.sum()
    counts = np.floor(quotas).astype(int)
    counts[np.argsort(-(quotas - counts), kind="stable")[: total - len(weights) - counts.sum()]] += 1
    return counts + 1


def _county_villages(county, n: int, rng: np.random.Generator) -> pd.DataFrame:
    n_towns = max(1, round(n / 13))
    town_names = _unique_names(rng, n_towns, _TOWN_SUFFIX)
    town = np.sort(rng.integers(0, n_towns, n))
    spread_km = 8 + 18 * np.sqrt(county.village_weight_guess)
    lon = county.lon + rng.normal(0, spread_km, n) / (KM_PER_DEGREE * np.cos(np.radians(county.lat)))
    lat = county.lat + rng.normal(0, spread_km, n) / KM_PER_DEGREE
    names = _unique_names(rng, n, ("村",))
    order_in_town = pd.Series(town).groupby(town).cumcount().to_numpy()
    return pd.DataFrame(
        {
            "village_id": [f"{county.adcode}{100 + t:03d}{201 + k:03d}" for t, k in zip(town, order_in_town)],
            "village": names,
            "township": [town_names[t] for t in town],
            "county": county.county,
            "city": county.city,
            "lon": np.round(np.clip(lon, 121.7, 131.2), 6),
            "lat": np.round(np.clip(lat, 40.9, 46.2), 6),
            "region": county.region,
            "border_county": bool(county.border_county),
            "poverty_county": bool(county.former_national_poverty_county),
            "debt_stress": rng.uniform(0, 1) + 0.35 * county.former_national_poverty_county,
        }
    )


def _unique_names(rng: np.random.Generator, n: int, suffixes: tuple[str, ...]) -> list[str]:
    combos = [p + r for r in _ROOTS for p in _PREFIXES]
    picks = rng.choice(len(combos), size=min(n, len(combos)), replace=False)
    names = [combos[i] + suffixes[i % len(suffixes)] for i in picks]
    return names + [f"{combos[i % len(combos)]}{i // len(combos) + 1}{suffixes[0]}" for i in range(len(names), n)]


def _km(lon1, lat1, lon2, lat2) -> np.ndarray:
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(a))


def _score(base: float, spread: float, signal: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    noise = rng.normal(0, 1, len(signal))
    return np.round(np.clip(base + spread * (signal + noise) / np.sqrt(2), 0, 100), 1)


def _add_scores(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    n = len(frame)
    quality = rng.normal(0, 1, n)
    proximity = 1.6 * np.exp(-frame["d_city"] / 35) + 1.0 * np.exp(-frame["d_capital"] / 120)
    frame["quality"] = quality + proximity
    frame["industry_base"] = _score(55, 11, quality + 2 * proximity, rng)
    frame["leader"] = _score(70, 9, 0.6 * quality, rng)
    frame["enthusiasm"] = _score(74, 8, 0.5 * quality, rng)
    for key in ("review_basis", "review_investment", "review_outcomes", "review_path"):
        frame[key] = _score(68, 9, 0.7 * quality + 0.5 * proximity, rng)
    stress = frame["debt_stress"].to_numpy()
    p_high, p_mid, p_low = 0.03 + 0.10 * stress, 0.08 + 0.17 * stress, 0.32 * np.ones(n)
    u = rng.uniform(0, 1, n)
    level = np.select([u < p_high, u < p_high + p_mid, u < p_high + p_mid + p_low], [3, 2, 1], 0)
    frame["debt_risk"] = np.asarray(DEBT_LEVEL_NAMES)[level]
    frame["population"] = np.round(np.exp(rng.normal(7.2, 0.45, n))).astype(int)
    frame["collective_income"] = np.round(np.exp(2.4 + 0.04 * (frame["industry_base"] - 55) + rng.normal(0, 0.6, n)), 1)
    frame["cost"] = np.round(1000 * np.exp(rng.normal(0, 0.14, n)) / 10) * 10


def _add_flags(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    n = len(frame)
    chance = lambda p: rng.uniform(0, 1, n) < p  # noqa: E731 - local shorthand
    east, west = (frame["region"] == "东部").to_numpy(), (frame["region"] == "西部").to_numpy()
    strong = frame["quality"].to_numpy() > 1.0
    frame["border"] = frame["border_county"].to_numpy() & chance(0.30)
    frame["poverty_alleviated"] = chance(np.where(frame["poverty_county"], 0.45, 0.07))
    frame["demo_town"] = chance(0.12)
    frame["tourism"] = chance(np.where(east, 0.14, 0.05))
    frame["beef_cattle"] = chance(np.where(west, 0.18, 0.08))
    frame["sector_pilot"] = chance(0.08)
    frame["revitalization_demo"] = chance(np.where(strong, 0.12, 0.04))


def _weighted_pick(rng, candidates: np.ndarray, k: int, weights: np.ndarray) -> np.ndarray:
    k = max(0, min(k, len(candidates)))
    p = weights[candidates] / weights[candidates].sum()
    return rng.choice(candidates, size=k, replace=False, p=p)


def _add_qiancun(frame: pd.DataFrame, scale: float, rng: np.random.Generator) -> None:
    n = len(frame)
    appeal = np.exp(0.8 * frame["quality"].to_numpy())
    border, poverty = frame["border"].to_numpy(), frame["poverty_alleviated"].to_numpy()
    year = np.full(n, np.nan)
    batch_2021 = _weighted_pick(rng, np.arange(n), round(QIANCUN_2021 * scale), appeal)
    year[batch_2021] = 2021
    free = np.isnan(year)
    border_2022 = _weighted_pick(rng, np.flatnonzero(free & border), round(BORDER_2022 * scale), appeal)
    year[border_2022] = 2022
    poverty_left = round(POVERTY_2022 * scale) - int(poverty[border_2022].sum())
    free = np.isnan(year)
    year[_weighted_pick(rng, np.flatnonzero(free & poverty & ~border), poverty_left, appeal)] = 2022
    rest = round(QIANCUN_2022 * scale) - int((year == 2022).sum())
    free = np.isnan(year)
    year[_weighted_pick(rng, np.flatnonzero(free & ~poverty & ~border), rest, appeal)] = 2022
    frame["qiancun_year"] = year
    member = ~np.isnan(year)
    u = rng.uniform(0, 1, n)
    frame["accepted"] = member & (u < np.where(year == 2021, 0.93, 0.88))
    frame["ops_plan"] = rng.uniform(0, 1, n) < np.where(member & frame["accepted"], 0.80, 0.25)
    upgraded = np.full(n, np.nan)
    eligible = np.flatnonzero(member & frame["accepted"].to_numpy() & (year == 2021))
    upgraded[_weighted_pick(rng, eligible, round(UPGRADED_2023 * scale), appeal**2)] = 2023
    frame["baicun_year"] = upgraded


def _add_twins(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    """Copy every score, risk, cost and minor flag of one 千村 village onto a village of the same county, batch and
    quota flags, so that the two tie exactly while every batch count stays as planted."""
    quota_flags = ("border", "poverty_alleviated")
    copied = [c.key for c in CATALOGUE if c.kind in ("score", "level", "cost")]
    copied += [c.key for c in CATALOGUE if c.kind == "flag" and c.key not in quota_flags]
    members = frame[frame["qiancun_year"].notna() & frame["baicun_year"].isna()]
    groups = members.groupby(["county", "qiancun_year", *quota_flags]).groups
    pairable = [key for key, index in groups.items() if len(index) >= 2]
    for pick in rng.choice(len(pairable), size=min(TWIN_PAIRS, len(pairable)), replace=False):
        a, b = rng.choice(np.asarray(groups[pairable[pick]]), size=2, replace=False)
        frame.loc[b, copied] = frame.loc[a, copied].to_numpy()


def as_pool(frame: pd.DataFrame, name: str = "示例数据"):
    """A generated frame as an in-memory ``Pool`` (what ``read_pool`` would return for its file), skipping the
    file round trip — for benchmarks and the national-scale path."""
    from contract.columns import DEBT_LEVELS
    from pool.read import Pool

    canonical = frame.copy()
    canonical["debt_risk"] = canonical["debt_risk"].map(DEBT_LEVELS).astype(float)
    extra = {c: "text" for c in canonical.columns if c not in {k.key for k in CATALOGUE}}
    return Pool(canonical.reset_index(drop=True), name, np.arange(2, len(canonical) + 2), {c: c for c in canonical.columns}, extra)


def to_file_frame(frame: pd.DataFrame, headers: str = "zh") -> pd.DataFrame:
    """The pool as a user's file shows it: Chinese headers, 是/否 flags, 无/低/中/高 risk, blank for missing years."""
    out = frame.copy()
    for column in CATALOGUE:
        if column.key not in out:
            continue
        if column.kind == "flag":
            out[column.key] = np.where(out[column.key].astype(bool), "是", "否")
        elif column.kind == "year":
            out[column.key] = out[column.key].map(lambda v: "" if pd.isna(v) else str(int(v)))
    if headers == "zh":
        out = out.rename(columns={c.key: c.zh for c in CATALOGUE})
    return out


def write_pool(frame: pd.DataFrame, path, headers: str = "zh") -> None:
    """Write a pool as CSV (UTF-8 with BOM, so Excel opens it) or XLSX (text cells, with a note sheet)."""
    from pathlib import Path

    path = Path(path)
    out = to_file_frame(frame, headers)
    if path.suffix.lower() == ".xlsx":
        with pd.ExcelWriter(
            path, engine="xlsxwriter", engine_kwargs={"options": {"strings_to_numbers": False, "strings_to_formulas": False}}
        ) as writer:
            out.to_excel(writer, sheet_name="村庄库", index=False)
            sheet = writer.sheets["村庄库"]
            sheet.freeze_panes(1, 0)
            sheet.set_column(0, 0, 15)
            note = pd.DataFrame(
                {
                    "说明": [
                        f"{SAMPLE_LABEL}：本工作簿是按吉林省真实县级行政区划合成的示例数据，村庄均为虚构，不代表任何真实村庄。",
                        "Sample data: villages are synthetic, placed in Jilin's real county-level divisions.",
                    ]
                }
            )
            note.to_excel(writer, sheet_name="说明", index=False)
    else:
        out.to_csv(path, index=False, encoding="utf-8-sig")
