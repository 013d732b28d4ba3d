"""Form values of the rules page ↔ the scenario's plain data (the dict that is written as TOML).

Nothing here judges a value: whatever a person types goes into the scenario as typed, and the scenario schema
reports anything wrong by its key, exactly as for a TOML file. Only blank cells and wholly blank rows (what an
editor leaves when a row is added and not filled) are dropped, and a written number that is whole becomes an
integer, so the downloaded TOML says ``min = 15`` rather than ``min = 15.0``.
"""

from __future__ import annotations

import math
from typing import Any

RULE_FIELDS = {
    "quota": ("flag", "min", "max"),
    "group": ("by", "min", "max", "share_low", "share_high"),
    "bounds": ("column", "min", "max"),
}


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and not value.strip())


def plain(value: Any) -> Any:
    """A cell as the scenario should hold it: whole floats as integers, text trimmed."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def put(target: dict, key: str, value: Any, default: Any) -> None:
    """Write ``value`` unless it is the default and the scenario did not say it: a scenario loaded and downloaded
    unchanged stays the same text."""
    if key in target or value != default:
        target[key] = value


def set_or_drop(target: dict, key: str, value: Any) -> None:
    """An optional setting: left blank, it leaves the scenario and its default applies."""
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value


def rule_rows(rules: list[dict], kind: str, label_of=lambda key: key) -> list[dict]:
    """Rows for an editor table: one per quota / group rule; the rule's column shown by its label."""
    fields = RULE_FIELDS[kind]
    rows = []
    for rule in rules:
        row = {f: rule.get(f) for f in fields}
        if kind == "group" and rule.get("share") is not None:
            row["share_low"], row["share_high"] = rule["share"]
        row[fields[0]] = label_of(rule[fields[0]]) if rule.get(fields[0]) is not None else None
        rows.append(row)
    return rows


def rules_from_rows(rows: list[dict], kind: str, key_of=lambda label: label) -> list[dict]:
    """The scenario's rule list from edited rows (labels turned back into column keys)."""
    fields = RULE_FIELDS[kind]
    rules = []
    for row in rows:
        rule = {f: plain(row.get(f)) for f in fields if not blank(row.get(f))}
        if not rule:
            continue
        if fields[0] in rule:
            rule[fields[0]] = key_of(rule[fields[0]])
        if kind == "group" and ("share_low" in rule or "share_high" in rule):
            rule["share"] = [rule.pop("share_low", None), rule.pop("share_high", None)]
        rules.append(rule)
    return rules


def bounds_rows(minimum: dict, maximum: dict, label_of=lambda key: key) -> list[dict]:
    """Eligibility thresholds as rows (column, at least, at most)."""
    return [{"column": label_of(c), "min": minimum.get(c), "max": maximum.get(c)} for c in dict.fromkeys([*minimum, *maximum])]


def bounds_from_rows(rows: list[dict], key_of=lambda label: label) -> tuple[dict, dict]:
    minimum, maximum = {}, {}
    for rule in rules_from_rows(rows, "bounds", key_of):
        column = rule.get("column", "")
        if "min" in rule:
            minimum[column] = rule["min"]
        if "max" in rule:
            maximum[column] = rule["max"]
    return minimum, maximum


def id_list(text: str) -> list[str]:
    """Village ids typed one per line or separated by commas (either width)."""
    return [part.strip() for part in text.replace("，", ",").replace("\n", ",").split(",") if part.strip()]


def number_list(text: str) -> list[Any]:
    """Numbers typed as ``0.6, 0.4``; a part that is not a number is kept as text for the schema to report."""
    values = []
    for part in id_list(text):
        try:
            values.append(plain(float(part)))
        except ValueError:
            values.append(part)
    return values


def number_text(value: Any) -> str:
    """A per-year setting (nothing, one number or a list) as a person types it: ``0.6, 0.4``."""
    values = value if isinstance(value, list) else [] if value is None else [value]
    return ", ".join(f"{v:g}" for v in values)


def as_pair(value: Any) -> list:
    """A [min, max] setting, which a scenario may write as one integer (both ends) or leave out."""
    if value is None:
        return [None, None]
    return [value, value] if isinstance(value, int) else list(value)


def one_or_many(values: list[Any]) -> Any:
    """A per-year setting: nothing, one value for every year, or one value per year."""
    if not values:
        return None
    return values[0] if len(values) == 1 else values


def apply_edits(rows: list[dict], edits: dict, fields: tuple[str, ...]) -> list[dict]:
    """The rows after one ``st.data_editor`` change: ``edited_rows`` ({row: {field: value}}), ``deleted_rows``
    (row numbers) and ``added_rows`` (new rows), applied in that order as Streamlit does."""
    out = [dict(row) for row in rows]
    for row, changes in edits.get("edited_rows", {}).items():
        if int(row) < len(out):
            out[int(row)].update(changes)
    deleted = {int(r) for r in edits.get("deleted_rows", [])}
    out = [row for i, row in enumerate(out) if i not in deleted]
    out += [{f: added.get(f) for f in fields} for added in edits.get("added_rows", [])]
    return out
