"""Places by identity (SPEC §6): a county is its code or its full path, never its bare name.

The 12-digit statistical code of a village (国家统计局统计用区划代码, built on GB/T 2260) holds its places:
digits 1–2 province, 1–4 city, 1–6 county, 1–9 township. When every village_id of a pool is such a code, a
place is identified by its code prefix; otherwise (pools built in memory by tests and benchmarks) by its path of
names, province (when the pool has the column) / city / county / township.

Each place level gets one derived column, ``<level>_place`` (``PLACE_COLUMNS``), whose value is the place's name,
disambiguated where the pool holds two places of that name: ``朝阳区（长春市）`` beside ``朝阳区（北京市）``. The
value is one-to-one with the identity, so group rules, summaries, previews and reports that work on it count
places, not names, and still show a name a person knows. The columns are derived whenever a ``Pool`` is made
(``derive_places``), never read from a file, and left out of the pool's fingerprint.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from contract.columns import PLACE_LEVELS
from contract.errors import InputError, Problem

PLACE_COLUMNS = {key: f"{key}_place" for key, _ in PLACE_LEVELS if key != "province"}

# GB/T 2260 province-level codes, for naming the province of a code when the pool has no province column.
PROVINCE_CODES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省", "22": "吉林省",
    "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省",
    "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区", "61": "陕西省", "62": "甘肃省",
    "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}  # fmt: skip

# "Cities" that name no city (municipalities' districts, counties directly under a province): never a qualifier.
GENERIC_CITIES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

_CODE = re.compile(r"^\d{12}$")


def code_problems(ids: pd.Series) -> np.ndarray:
    """Positions of ids that are not plausible 12-digit statistical codes: twelve digits, a known province, a
    city part other than 00, township and village parts other than 000. (A county part of 00 is real: 东莞, 中山,
    儋州 and 嘉峪关 have no county level.)"""
    text = ids.fillna("").astype("str")
    good = (text.str.len() == 12) & text.str.isdigit()  # Arrow-native tests, C speed
    good &= text.str[:2].isin(list(PROVINCE_CODES))
    good &= text.str[2:4] != "00"
    good &= text.str[6:9] != "000"
    good &= text.str[9:12] != "000"
    return np.flatnonzero(~good.to_numpy(dtype=bool))


def uses_codes(frame: pd.DataFrame) -> bool:
    return len(frame) > 0 and len(code_problems(frame["village_id"])) == 0


def _identity(frame: pd.DataFrame, key: str, digits: int, coded: bool) -> pd.Series:
    if coded:
        return frame["village_id"].astype(str).str[:digits]
    present = [k for k, _ in PLACE_LEVELS if k in frame]
    levels = present[: present.index(key) + 1]
    return frame[levels[0]].astype(str).str.cat([frame[k].astype(str) for k in levels[1:]], sep="/")


def _province_names(frame: pd.DataFrame, coded: bool) -> pd.Series | None:
    if "province" in frame:
        return frame["province"].astype(str)
    if coded:
        return frame["village_id"].astype(str).str[:2].map(PROVINCE_CODES)
    return None


def _labels(places: pd.DataFrame) -> pd.Series:
    """One label per place (index: identity): the name, or the name with the first qualifier that tells it
    apart from the other places of the same name, or, failing every qualifier, with its identity."""
    label = places["name"].copy()
    shared = places["name"].duplicated(keep=False)
    qualifiers = [c for c in ("parent", "province", "both") if c in places]
    for column in qualifiers:
        if not shared.any():
            break
        candidate = places["name"] + "（" + places[column].astype(str) + "）"
        usable = shared & places[column].notna() & (places[column].astype(str) != "")
        unique = ~candidate.duplicated(keep=False)
        settle = usable & unique
        label[settle] = candidate[settle]
        shared &= ~settle
    label[shared] = places["name"][shared] + "（" + places.index[shared].astype(str) + "）"
    return label


def derive_places(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``<level>_place`` column for each place level it has (see the module docstring). Names
    and qualifiers are compared on one row per place, then spread back by the identity's factor codes."""
    if "village_id" not in frame or not len(frame):
        return frame
    coded = uses_codes(frame)
    out = frame.copy()
    keys = [k for k, _ in PLACE_LEVELS]
    for key, digits in PLACE_LEVELS:
        if key not in PLACE_COLUMNS or key not in frame:
            continue
        codes, uniques = pd.factorize(_identity(frame, key, digits, coded))
        first = frame.iloc[np.unique(codes, return_index=True)[1]]
        province = _province_names(first, coded)
        parent_key = keys[keys.index(key) - 1]
        parent = first[parent_key].astype(str) if parent_key in first and key != "city" else None  # a city's parent is its province
        places = pd.DataFrame({"name": first[key].astype(str).to_numpy()}, index=pd.Index(uniques, name="identity"))
        if parent is not None:
            places["parent"] = parent.where(~parent.isin(GENERIC_CITIES), None).to_numpy()
        if province is not None:
            places["province"] = province.to_numpy()
            if parent is not None:
                places["both"] = (province + "·" + parent).to_numpy()
        out[PLACE_COLUMNS[key]] = _labels(places).to_numpy()[codes]
    return out


def without_places(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=[c for c in PLACE_COLUMNS.values() if c in frame])


def county_code(frame: pd.DataFrame, place: str) -> str | None:
    """The 6-digit code of a county (by its place label), when the pool identifies places by code."""
    if not uses_codes(frame):
        return None
    ids = frame.loc[frame[PLACE_COLUMNS["county"]] == place, "village_id"].astype(str).str[:6]
    return ids.iat[0] if len(ids) else None


def find_place(frame: pd.DataFrame, key: str, text: str) -> str:
    """The place label of ``key`` (county, city, township) that ``text`` names: a label as shown
    (``朝阳区（长春市）``), a code prefix (``220104``), a path (``长春市/朝阳区``, ``吉林省/长春市/朝阳区``) or a bare
    name that only one place bears. Raises ``InputError`` for an unknown name (with the nearest ones) or a name
    that several places share (listing them)."""
    column = PLACE_COLUMNS[key]
    labels = frame[column]
    text = str(text).strip()
    if (labels == text).any():
        return text
    digits = dict(PLACE_LEVELS)[key]
    if text.isdigit() and len(text) == digits and uses_codes(frame):
        match = labels[frame["village_id"].astype(str).str[:digits] == text]
        if len(match):
            return match.iat[0]
    parts = [p.strip() for p in re.split(r"[/／]", text) if p.strip()]
    mask = frame[key].astype(str) == parts[-1] if parts else pd.Series(False, index=frame.index)
    province = _province_names(frame, uses_codes(frame))
    for part in parts[:-1]:
        named = [frame[k].astype(str) == part for k, _ in PLACE_LEVELS if k in frame and k != key]
        mask &= np.logical_or.reduce(named + ([province == part] if province is not None else []))
    found = sorted(set(labels[mask]))
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise InputError("cli.invalid", [Problem("place.ambiguous", value=text, params={"places": "、".join(found)})])
    from contract.scenario import suggest

    raise InputError("cli.invalid", [Problem("preview.unknown_county", value=text, params={"suggestion": suggest(text, sorted(set(labels)))})])
