"""The panel list and conflicts of interest (回避): an expert scores no village of their own home city or county.

The panel list (xlsx/csv, read by the pool's reader) has one row per expert and home place:

==============  ============================================================================================
专家            the expert, as written in the score sheets
市(州)          the home city (alone: the whole city)
县(市、区)      the home county (with 市(州): that county of that city)
区划代码        optional: the county's 6-digit code, or a city's 4-digit code (or 6 digits ending in 00)
==============  ============================================================================================

An expert with no place (blank city and county) abstains nowhere. A place is matched by identity, never by bare
name (SPEC §6): where the pool's village codes are 12-digit statistical codes, a county is the first 6 digits and a
city the first 4, and a name is first resolved to that code through the pool — a county name shared by two places
(朝阳区 in 长春市 and in 北京市) is an error that asks for the city or the code. Without codes, a county is its
(city, county) pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from contract.columns import header_of
from contract.errors import InputError, Problem
from contract.scenario import suggest
from pool.raw import normalize_header, read_raw
from pool.read import Pool
from review.sheets import in_file

PANEL_HEADERS = (
    {
        "专家": "expert",
        "专家编号": "expert",
        "专家姓名": "expert",
        "expert": "expert",
        "区划代码": "code",
        "行政区划代码": "code",
        "code": "code",
    }
    | {normalize_header(header_of(k)): k for k in ("city", "county")}
    | {"city": "city", "county": "county"}
)
_CODE = re.compile(r"^\d{4}(\d{2})?$")


class PlaceError(Exception):
    """A home place that cannot be told apart or read: a message code, the column and value, and its params."""

    def __init__(self, code: str, column: str, value: str, **params):
        super().__init__(code)
        self.code, self.column, self.value, self.params = code, column, value, params


@dataclass(frozen=True)
class Place:
    """A home place resolved against the pool: a code prefix of village codes (6 digits: county, 4: city), or
    failing codes a city with an optional county; ``label`` is how messages name it (长春市/朝阳区 (220104))."""

    label: str
    prefix: str | None = None
    city: str | None = None
    county: str | None = None

    def villages(self, frame: pd.DataFrame) -> np.ndarray:
        """Mask of the pool's villages in this place."""
        if self.prefix is not None:
            return frame["village_id"].astype(str).str.startswith(self.prefix).to_numpy()
        mask = (frame["city"] == self.city).to_numpy()
        return mask & (frame["county"] == self.county).to_numpy() if self.county else mask


@dataclass(frozen=True)
class Panel:
    """Each expert's home places (empty: abstains nowhere), the list's file name, and notices about it."""

    homes: dict[str, tuple[Place, ...]]
    source: str
    notices: tuple[Problem, ...] = ()

    @property
    def experts(self) -> list[str]:
        return sorted(self.homes)


def has_codes(pool: Pool) -> bool:
    """Whether every village code is a 12-digit statistical code (so its first 6 digits name the county)."""
    return bool(pool.frame["village_id"].astype(str).str.fullmatch(r"\d{12}").all())


def county_identity(pool: Pool) -> pd.Series:
    """Each village's county by identity, indexed by village_id: the 6-digit county code where the pool has
    12-digit codes, else "city/county"."""
    frame = pool.frame
    if has_codes(pool):
        values = frame["village_id"].astype(str).str[:6]
    else:
        values = frame["city"].astype(str) + "/" + frame["county"].astype(str)
    return pd.Series(values.to_numpy(), index=frame["village_id"].to_numpy())


def read_panel(path: Path, pool: Pool) -> Panel:
    """The panel list, every place resolved against the pool. Raises ``InputError`` (``review.panel_invalid``)
    for an unreadable list, a missing 专家 column, a malformed code, a place the pool cannot tell apart."""
    path = Path(path)
    try:
        raw = read_raw(path, known=frozenset(PANEL_HEADERS))
    except InputError as error:
        raise InputError("review.panel_invalid", [in_file(p, path.name) for p in error.problems], file=path.name) from None
    columns = {}
    for index, text in enumerate(raw.header):
        key = PANEL_HEADERS.get(normalize_header(text)) or PANEL_HEADERS.get(normalize_header(text).lower())
        if key and key not in columns:
            columns[key] = index
    if "expert" not in columns:
        raise InputError(
            "review.panel_invalid", [Problem("pool.missing_column", row=raw.header_row, params={"header": "专家", "key": "expert"})], file=path.name
        )
    homes: dict[str, list[Place]] = {}
    problems, notices = [], []
    for position in range(len(raw.cells)):
        cell = {k: str(raw.cells[i].iat[position]).strip() for k, i in columns.items()}
        if not any(cell.values()):
            continue
        row = raw.excel_row(position)
        if not cell["expert"]:
            problems.append(Problem("pool.blank_required", row, "专家"))
            continue
        places = homes.setdefault(cell["expert"], [])
        if not (cell.get("code") or cell.get("city") or cell.get("county")):
            continue
        try:
            place = resolve_place(pool, cell.get("city") or None, cell.get("county") or None, cell.get("code") or None)
        except PlaceError as error:
            problems.append(Problem(error.code, row, error.column, error.value, error.params))
            continue
        if not place.villages(pool.frame).any():
            notices.append(Problem("review.place_empty", row, value=place.label, params={"expert": cell["expert"]}))
        places.append(place)
    if problems:
        raise InputError("review.panel_invalid", problems, file=path.name)
    return Panel({e: tuple(p) for e, p in homes.items()}, path.name, tuple(notices))


def panel_from_places(places: dict[str, list[dict]], pool: Pool, source: str = "panel") -> Panel:
    """A panel given as data: expert → list of {city, county, code} (any may be absent). Raises like ``read_panel``."""
    homes, problems = {}, []
    for expert, items in places.items():
        homes[expert] = []
        for item in items:
            try:
                homes[expert].append(resolve_place(pool, item.get("city"), item.get("county"), item.get("code")))
            except PlaceError as error:
                problems.append(Problem(error.code, None, error.column, error.value, error.params | {"expert": expert}))
    if problems:
        raise InputError("review.panel_invalid", problems, file=source)
    return Panel({e: tuple(p) for e, p in homes.items()}, source)


def resolve_place(pool: Pool, city: str | None, county: str | None, code: str | None) -> Place:
    """A home place by identity. Raises ``PlaceError`` when it cannot be read or told apart."""
    if code:
        return _by_code(pool, code.strip(), city, county)
    frame = pool.frame
    mask = np.ones(len(frame), dtype=bool)
    if city:
        mask &= (frame["city"] == city).to_numpy()
    if county:
        mask &= (frame["county"] == county).to_numpy()
    name = "/".join(x for x in (city, county) if x)
    if not mask.any():
        return Place(name, None, city, county)  # outside the pool (another province?): bars nothing, and is said so
    if not has_codes(pool):
        if county and not city and frame.loc[mask, "city"].nunique() > 1:
            raise PlaceError("review.ambiguous_place", **_ambiguous(frame[mask], county, "county"))
        return Place(name, None, city or str(frame.loc[mask, "city"].iat[0]), county)
    width = 6 if county else 4
    prefixes = sorted(set(frame.loc[mask, "village_id"].astype(str).str[:width]))
    if len(prefixes) > 1:
        raise PlaceError("review.ambiguous_place", **_ambiguous(frame[mask], county or city, "county" if county else "city"))
    return Place(f"{name}（{prefixes[0]}）", prefixes[0])


def _by_code(pool: Pool, code: str, city: str | None, county: str | None) -> Place:
    column = "区划代码"
    if not _CODE.fullmatch(code):
        raise PlaceError("review.bad_code", column, code)
    prefix = code[:4] if len(code) == 4 or code.endswith("00") else code
    if not has_codes(pool):
        raise PlaceError("review.code_without_codes", column, code)
    label = "/".join(x for x in (city, county) if x) or code
    return Place(f"{label}（{prefix}）", prefix)


def _ambiguous(frame: pd.DataFrame, name: str, by: str) -> dict:
    places = frame.groupby(["city", "county"] if by == "county" else ["city"]).size().index
    shown = "、".join(f"{p[-1]}（{p[0]}）" if by == "county" else str(p if isinstance(p, str) else p[0]) for p in places)
    return {"column": header_of(by), "value": name, "places": shown}


def conflicts(panel: Panel, pool: Pool, scored: pd.DataFrame) -> pd.DataFrame:
    """Every (expert, village) the panel list bars, among the pairs in ``scored`` (columns expert, village_id):
    columns expert, village_id, place (the home place's label)."""
    frame = pool.frame
    rows = []
    for expert, places in panel.homes.items():
        for place in places:
            ids = set(frame.loc[place.villages(frame), "village_id"])
            mine = scored.loc[(scored["expert"] == expert) & scored["village_id"].isin(ids), "village_id"].unique()
            rows += [(expert, v, place.label) for v in mine]
    table = pd.DataFrame(rows, columns=["expert", "village_id", "place"])
    return table.drop_duplicates(["expert", "village_id"]).sort_values(["expert", "village_id"]).reset_index(drop=True)


def unknown_experts(panel: Panel, experts: list[str]) -> list[Problem]:
    """Experts with scores who are not on the panel list, and experts on the list with no scores at all."""
    problems = [
        Problem("review.expert_not_listed", value=e, params={"file": panel.source, "suggestion": suggest(e, panel.experts)})
        for e in experts
        if e not in panel.homes
    ]
    problems += [Problem("review.expert_without_scores", value=e, params={"file": panel.source}) for e in panel.experts if e not in experts]
    return problems
