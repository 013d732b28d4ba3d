"""A scenario edited in the app, written back as TOML: the text as loaded, the edits applied, its comments and
layout kept. Apart from ``contract.scenario`` because only the app writes scenarios: ``tomlkit`` costs every
command start-up about 0.05 s (docs/ARCHITECTURE.md, "Start-up")."""

from __future__ import annotations

import tomlkit

from contract.scenario import is_table_list


def text_with(text: str, data: dict) -> str:
    """The scenario ``text`` (as loaded, with its comments and layout) changed to hold exactly ``data``: every key
    that did not change keeps its line and its comment; changed values are rewritten in place, new keys added,
    removed keys dropped. ``tomllib.loads(text_with(t, d)) == d`` for any TOML-able ``d`` (tests/test_forms.py)."""
    document = tomlkit.parse(text) if text.strip() else tomlkit.document()
    _sync(document, data)
    return tomlkit.dumps(document)


def _sync(table, data: dict) -> None:
    for key in [k for k in table if k not in data]:
        del table[key]
    for key, value in data.items():
        current = table.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            _sync(current, value)
            if not value and _implicit(current):  # nothing left under an implicit table: it would not be written
                table[key] = _item(value)
        elif is_table_list(value) and isinstance(current, tomlkit.items.AoT):
            _sync_rows(current, value)
        elif current is None or _plain(current) != value:
            table[key] = _item(value)


def _implicit(table) -> bool:
    """A table that exists only as the parent of ``[a.b]`` headers (tomlkit's super table): it has no header of its
    own, so once its last sub-table is removed nothing of it is written."""
    return isinstance(table, tomlkit.items.Table) and table.is_super_table()


def _sync_rows(array, rows: list[dict]) -> None:
    """A ``[[…]]`` list edited row by row: kept rows keep their comments, new rows are appended, extra ones dropped."""
    for item, row in zip(array, rows):
        _sync(item, row)
    while len(array) > len(rows):
        del array[len(array) - 1]
    for row in rows[len(array) :]:
        array.append(_table(row))


def _item(value):
    """A new TOML item: a list of tables as ``[[…]]`` blocks, a table as a table, anything else as a value."""
    if is_table_list(value):
        array = tomlkit.aot()
        for row in value:
            array.append(_table(row))
        return array
    if isinstance(value, dict):
        return _table(value)
    return value


def _table(data: dict):
    table = tomlkit.table()
    for key, value in data.items():
        table[key] = _item(value)
    table.add(tomlkit.nl())
    return table


def _plain(item):
    return item.unwrap() if hasattr(item, "unwrap") else item
