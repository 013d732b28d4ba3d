"""Synthetic national pool (示例数据) for scale tests: 31 provinces, about 2,800 counties, any number of villages.

Everything is invented except the province names and their rough centres; villages follow the same schema as
the Jilin sample plus a ``province`` (省份) column. Built with whole-array numpy operations, so 500,000 villages
take a few seconds. Deterministic for a seed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from contract.columns import CATALOGUE, DEBT_LEVEL_NAMES
from contract.texts import SAMPLE_LABEL
from pool.generate import apportion
from pool.places import PROVINCE_CODES

# name, centre lon, lat, relative number of villages (rough)
PROVINCES = [
    ("北京市", 116.4, 40.2, 0.6),
    ("天津市", 117.3, 39.3, 0.6),
    ("河北省", 115.5, 38.7, 8.0),
    ("山西省", 112.3, 37.6, 5.0),
    ("内蒙古自治区", 113.0, 43.5, 2.3),
    ("辽宁省", 122.6, 41.3, 2.0),
    ("吉林省", 126.2, 43.7, 1.6),
    ("黑龙江省", 127.8, 47.0, 1.6),
    ("上海市", 121.4, 31.1, 0.3),
    ("江苏省", 119.5, 32.9, 2.8),
    ("浙江省", 120.2, 29.2, 3.8),
    ("安徽省", 117.2, 31.8, 3.0),
    ("福建省", 118.2, 26.1, 2.8),
    ("江西省", 115.7, 27.6, 3.4),
    ("山东省", 118.2, 36.3, 12.0),
    ("河南省", 113.6, 33.9, 9.0),
    ("湖北省", 112.3, 30.9, 4.8),
    ("湖南省", 111.7, 27.6, 4.8),
    ("广东省", 113.4, 23.3, 3.8),
    ("广西壮族自治区", 108.8, 23.8, 2.8),
    ("海南省", 109.8, 19.2, 0.6),
    ("重庆市", 107.8, 29.9, 1.7),
    ("四川省", 103.9, 30.6, 5.5),
    ("贵州省", 106.7, 26.8, 3.0),
    ("云南省", 101.5, 24.9, 2.7),
    ("西藏自治区", 89.1, 31.4, 1.0),
    ("陕西省", 108.9, 35.2, 3.5),
    ("甘肃省", 103.8, 36.0, 3.0),
    ("青海省", 97.0, 35.7, 0.8),
    ("宁夏回族自治区", 106.2, 37.3, 0.4),
    ("新疆维吾尔自治区", 85.6, 42.1, 1.7),
]
COUNTIES = 2800


def generate_national(villages: int = 500_000, seed: int = 2024) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    weights = np.array([p[3] for p in PROVINCES])
    counties_per_province = apportion(weights, min(COUNTIES, villages))
    province_of_county = np.repeat(np.arange(len(PROVINCES)), counties_per_province)
    n_counties = len(province_of_county)
    county_in_province = np.concatenate([np.arange(k) for k in counties_per_province])
    city_of_county = county_in_province // 8
    county_size = rng.lognormal(0, 0.5, n_counties)
    per_county = apportion(county_size, villages)
    county = np.repeat(np.arange(n_counties), per_county)
    serial = np.concatenate([np.arange(k) for k in per_county])
    province = province_of_county[county]
    names = np.array([p[0] for p in PROVINCES], dtype=object)
    centre_lon = np.array([p[1] for p in PROVINCES])[province_of_county] + rng.normal(0, 1.2, n_counties)
    centre_lat = np.array([p[2] for p in PROVINCES])[province_of_county] + rng.normal(0, 0.9, n_counties)
    # A real code's structure: province 2, city 2 (from 01), county 2 (01–99 within its city), township 3 (from
    # 001), village 3 (001–015 under each township), so that every county has its own 6-digit prefix.
    county_in_city = county_in_province % 8 + 1
    town, village_in_town = serial // 15 + 1, serial % 15 + 1
    province_code = np.array([int(c) for c in PROVINCE_CODES])[: len(PROVINCES)]  # same order as PROVINCES
    code = province_code[province] * 10**10 + (city_of_county[county] + 1) * 10**8 + county_in_city[county] * 10**6 + town * 1000 + village_in_town
    frame = pd.DataFrame(
        {
            "village_id": pd.Series(code).astype(str).str.zfill(12),
            "village": pd.Series(serial + 1).astype(str).radd("示例村"),
            "township": pd.Series(town).astype(str).radd("示例镇"),
            # The same county and city names recur in every province (as 朝阳区 and 鼓楼区 do in the real division
            # table): places are told apart by code, never by name.
            "county": pd.Series(county_in_city[county]).astype(str).radd("示例县").to_numpy(),
            "city": pd.Series(city_of_county[county] + 1).astype(str).radd("示例市").to_numpy(),
            "lon": np.round(np.clip(centre_lon[county] + rng.normal(0, 0.15, villages), 74, 134), 6),
            "lat": np.round(np.clip(centre_lat[county] + rng.normal(0, 0.12, villages), 18.5, 53), 6),
        }
    )
    quality = rng.normal(0, 1, villages) + rng.normal(0, 0.5, n_counties)[county]
    score = lambda base, spread, signal: np.round(np.clip(base + spread * (signal + rng.normal(0, 1, villages)) / np.sqrt(2), 0, 100), 1)  # noqa: E731
    frame["industry_base"] = score(58, 11, quality)
    frame["leader"] = score(70, 9, 0.6 * quality)
    frame["enthusiasm"] = score(74, 8, 0.5 * quality)
    for key in ("review_basis", "review_investment", "review_outcomes", "review_path"):
        frame[key] = score(68, 9, 0.7 * quality)
    stress = rng.uniform(0, 1, n_counties)[county]
    u = rng.uniform(0, 1, villages)
    frame["debt_risk"] = np.asarray(DEBT_LEVEL_NAMES)[
        np.select([u < 0.03 + 0.1 * stress, u < 0.11 + 0.27 * stress, u < 0.43 + 0.27 * stress], [3, 2, 1], 0)
    ]
    border_county = rng.uniform(0, 1, n_counties) < 0.05
    poverty_county = rng.uniform(0, 1, n_counties) < 0.30
    frame["border"] = border_county[county] & (rng.uniform(0, 1, villages) < 0.4)
    frame["poverty_alleviated"] = rng.uniform(0, 1, villages) < np.where(poverty_county[county], 0.4, 0.05)
    for key, p in (("demo_town", 0.1), ("tourism", 0.08), ("beef_cattle", 0.08), ("sector_pilot", 0.06), ("revitalization_demo", 0.05)):
        frame[key] = rng.uniform(0, 1, villages) < p
    frame["accepted"] = rng.uniform(0, 1, villages) < 0.6
    frame["ops_plan"] = rng.uniform(0, 1, villages) < np.where(frame["accepted"], 0.8, 0.3)
    frame["qiancun_year"] = np.where(frame["accepted"], rng.choice([2021.0, 2022.0, 2023.0], villages), np.nan)
    frame["baicun_year"] = np.nan
    frame["population"] = np.round(np.exp(rng.normal(7.2, 0.45, villages))).astype(int)
    frame["collective_income"] = np.round(np.exp(2.4 + 0.04 * (frame["industry_base"] - 55) + rng.normal(0, 0.6, villages)), 1)
    frame["cost"] = np.round(1000 * np.exp(rng.normal(0, 0.14, villages)) / 10) * 10
    frame["data_label"] = SAMPLE_LABEL
    frame["province"] = names[province]
    return frame[[c.key for c in CATALOGUE]]
