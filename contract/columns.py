"""The columns a pool file may hold (SPEC §2): English key, Chinese header, kind, whether required.

The kind decides how a cell is read and checked (see ``pool.convert``):

==========  =====================================================================
kind        meaning
==========  =====================================================================
id          text, unique, never a number (leading zeros must survive)
text        free text
flag        yes/no in any spelling of ``FLAG_SPELLINGS``; blank is no
score       0–100
level       hidden-debt risk 无/低/中/高, stored as the ordinal 0–3
year        a calendar year, not in the future
lon, lat    decimal degrees inside the region's plausible box
count       whole number ≥ 0
amount      number ≥ 0
cost        number > 0
==========  =====================================================================
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()  # other headers that mean this column (compared after normalisation)

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


NUMERIC_KINDS = frozenset({"score", "level", "year", "lon", "lat", "count", "amount", "cost"})

CATALOGUE: tuple[Column, ...] = (
    Column("village_id", "村庄代码", "id", True),
    Column("village", "村名", "text", True),
    Column("township", "乡镇", "text", True),
    Column("county", "县(市、区)", "text", True),
    Column("province", "省(自治区、直辖市)", "text", aliases=("省份", "省")),
    Column("city", "市(州)", "text", True),
    Column("lon", "经度", "lon"),
    Column("lat", "纬度", "lat"),
    Column("qiancun_year", "千村创建年度", "year"),
    Column("accepted", "九有六无验收", "flag"),
    Column("baicun_year", "百村提升年度", "year"),
    Column("border", "重点边境村", "flag", True),
    Column("poverty_alleviated", "脱贫村", "flag", True),
    Column("demo_town", "示范镇结合", "flag"),
    Column("tourism", "乡村旅游精品村", "flag"),
    Column("beef_cattle", "肉牛养殖大村", "flag"),
    Column("sector_pilot", "行业试点示范村", "flag"),
    Column("revitalization_demo", "乡村振兴示范村", "flag"),
    Column("ops_plan", "后续运营规划", "flag"),
    Column("industry_base", "产业基础", "score", True),
    Column("leader", "带头人", "score", True),
    Column("enthusiasm", "创建积极性", "score"),
    Column("debt_risk", "隐性债务风险", "level", True),
    Column("review_basis", "基础条件", "score"),
    Column("review_investment", "配套投入", "score"),
    Column("review_outcomes", "目标成效", "score"),
    Column("review_path", "实施路径", "score"),
    Column("population", "户籍人口", "count"),
    Column("collective_income", "村集体经营性收入(万元)", "amount"),
    Column("cost", "计划投资(万元)", "cost"),
    Column("data_label", "数据标注", "text"),
)

_BY_KEY = {c.key: c for c in CATALOGUE}

DEFAULT_COST = 1000.0

# Any number beyond ±NUMBER_BOUND (and inf, -inf, nan typed as text, 1e309) is an input error at its cell: no
# column of a pool holds such a value (10⁹ 万元 is ten trillion yuan), and one such cell would swamp every score
# or break every solver.
NUMBER_BOUND = 1e9

# Places, coarse to fine: the catalogue key of each level's name and the length of its part of the 12-digit
# statistical code (GB/T 2260 + the NBS division code: 2 province, 4 city, 6 county, 9 township, 12 village).
PLACE_LEVELS: tuple[tuple[str, int], ...] = (("province", 2), ("city", 4), ("county", 6), ("township", 9))

# Every spelling SPEC §2 accepts, compared after strip() and lower-casing.
FLAG_SPELLINGS: dict[str, bool] = {
    "是": True,
    "否": False,
    "y": True,
    "n": False,
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
    "1": True,
    "0": False,
    "1.0": True,
    "0.0": False,
    "√": True,
    "×": False,
    "✓": True,
    "✗": False,
    "x": False,
    "": False,
}

DEBT_LEVELS: dict[str, int] = {"无": 0, "低": 1, "中": 2, "高": 3, "0": 0, "1": 1, "2": 2, "3": 3}
DEBT_LEVEL_NAMES = ("无", "低", "中", "高")


def kind_of(key: str) -> str | None:
    """The kind of a catalogue column (``score``, ``level`` …), None for an extra column."""
    column = _BY_KEY.get(key)
    return column.kind if column else None


def header_of(key: str) -> str:
    """The Chinese header of a catalogue key (a place's identity column ``county_place`` is headed as its
    level), or the key itself for an extra column."""
    column = _BY_KEY.get(key) or _BY_KEY.get(key.removesuffix("_place") if key.endswith("_place") else "")
    return column.zh if column else key
