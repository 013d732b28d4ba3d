"""Plausible coordinate boxes used to catch mistyped or swapped coordinates.

Nothing here is Jilin-only: Jilin is the shipped default, ``全国`` covers any Chinese pool, and a user may give
their own box as ``"lon_min,lon_max,lat_min,lat_max"``. Boxes carry a margin of about 0.3° around the borders.
"""

from __future__ import annotations

from dataclasses import dataclass

from contract.errors import InputError, Problem


@dataclass(frozen=True)
class Region:
    name: str
    lon: tuple[float, float]
    lat: tuple[float, float]


REGIONS = {
    "吉林省": Region("吉林省", (121.3, 131.6), (40.5, 46.6)),
    "全国": Region("全国", (73.0, 135.5), (3.5, 54.0)),
}
DEFAULT_REGION = REGIONS["吉林省"]


def region_named(spec: str | None) -> Region:
    """A region by name (吉林省, 全国; also jilin, china) or by an explicit box."""
    if spec is None:
        return DEFAULT_REGION
    aliases = {"jilin": "吉林省", "china": "全国", "national": "全国"}
    name = aliases.get(spec.strip().lower(), spec.strip())
    if name in REGIONS:
        return REGIONS[name]
    parts = name.replace("，", ",").split(",")
    try:
        lon_min, lon_max, lat_min, lat_max = (float(p) for p in parts)
    except ValueError:
        raise InputError("region.invalid", [Problem("region.unknown", value=spec, params={"names": "、".join(REGIONS)})]) from None
    return Region(name, (lon_min, lon_max), (lat_min, lat_max))
