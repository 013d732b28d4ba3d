"""What a session changed in its scenario, in words: "产业基础 0.3→0.4", "重点边境村 下限 24→30"."""

from __future__ import annotations

from contract.columns import header_of
from contract.texts import list_separator, t


def _value(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{…}"
    return header_of(str(value))  # a column key (a required flag, a group column) reads as its header


def _bound(field: str, lang) -> str:
    return t({"min": "col.low", "max": "col.high"}.get(field, f"change.{field}"), lang)


def change_subject(path: tuple, after: dict, lang: str | None = None) -> str:
    """A key path of the scenario as a panel names it: a criterion or flag by its header, a quota by its flag, a
    group rule by its column, a bound by 下限/上限; anything unusual by its dotted key."""
    head, rest = path[0], path[1:]
    if head in ("scoring", "eligibility") and len(rest) == 2 and isinstance(rest[1], str):
        return header_of(rest[1]) + ("" if rest[0] == "weights" else " " + t(f"change.{head}.{rest[0]}", lang))
    if head in ("selection", "plan") and len(rest) == 3 and rest[0] in ("quota", "group") and isinstance(rest[1], int):
        rule = after.get(head, {}).get(rest[0], [{}] * (rest[1] + 1))[rest[1]]
        column = header_of(rule.get("flag" if rest[0] == "quota" else "by", ""))
        name = column if rest[0] == "quota" else t("rule.per_group", lang, by=column)
        return _scope(head, lang) + f"{name} {_bound(rest[2], lang)}"
    if len(path) <= 2 and all(isinstance(p, str) for p in path):
        return _scope(head, lang) + t(f"change.{path[-1]}", lang) if f"change.{path[-1]}" in KNOWN else ".".join(path)
    return ".".join(map(str, path))


def _scope(head: str, lang) -> str:
    return t(f"change.{head}", lang) + " " if head in ("plan", "spatial") else ""


KNOWN = {
    f"change.{k}"
    for k in (
        "name",
        "normalize",
        "count",
        "budget",
        "must_include",
        "must_exclude",
        "quota",
        "group",
        "require",
        "exclude_upgraded",
        "backend",
        "time_limit_s",
        "mip_gap",
        "years",
        "funding",
        "discount",
        "total",
        "count_per_year",
        "budget_per_year",
        "locked",
        "radius_km",
        "weight",
        "plan",
        "spatial",
        "weights",
    )
}


ORDER = {"scoring": 0, "eligibility": 1, "selection": 2, "plan": 3, "spatial": 4, "solver": 5}  # weights and rules first


def ordered(changes: list[tuple[tuple, object, object]]) -> list[tuple[tuple, object, object]]:
    """Changes in the order a panel reads them: weights, eligibility, selection rules, plan, belts, solver, the rest."""
    return sorted(changes, key=lambda change: ORDER.get(change[0][0], len(ORDER)))


def change_lines(changes: list[tuple[tuple, object, object]], after: dict, lang: str | None = None) -> list[str]:
    return [f"{change_subject(path, after, lang)} {_value(old)}→{_value(new)}" for path, old, new in changes]


def change_label(changes: list[tuple[tuple, object, object]], after: dict, lang: str | None = None, limit: int = 2) -> str:
    """A run's automatic name: its first changes, "等 N 项" when there are more, 基准 when nothing changed."""
    if not changes:
        return t("change.none", lang)
    changes = ordered(changes)
    more = len(changes) - limit
    return list_separator(lang).join(change_lines(changes[:limit], after, lang)) + (t("change.more", lang, count=more) if more > 0 else "")
