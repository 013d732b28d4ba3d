"""Widgets bound to the workspace's scenario: each shows the value at a key path and writes it back in its
``on_change`` callback, never after the fact. Streamlit drops a widget's own state when its page is not shown or
its label changes language; the value lives in the workspace, so the widget is re-created showing what the user
set (ui/state.py).

A widget's key carries the workspace's ``generation`` and language: loading a scenario file starts a new generation,
and a language switch a new set of keys, so every widget is created afresh from the workspace (a widget kept under
the same key would go on showing the old value, or read back a label of the other language).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from ui.forms import RULE_FIELDS, apply_edits
from ui.state import save, scenario, ws

MISSING = object()


def key(name: str) -> str:
    """A widget's key: its name, the workspace's generation and the language. A language switch makes new widgets
    (from the workspace's values): a choice list's old labels, in the other language, are never read back as a value."""
    return f"sc.{ws()['generation']}.{ws()['lang']}.{name}"


def get(path: tuple, default=None):
    node = scenario()
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


def put(path: tuple, value) -> None:
    """Write ``value`` at ``path`` (creating tables on the way); None removes the key, so the default applies."""
    node = scenario()
    for part in path[:-1]:
        node = node.setdefault(part, {})
    if value is None:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value


def bound(
    widget: Callable,
    label: str,
    path: tuple,
    *,
    default=None,
    show: Callable | None = None,
    keep: Callable | None = None,
    value_arg: str = "value",
    name: str | None = None,
    **kwargs,
):
    """``widget(label, …)`` showing the scenario value at ``path`` (through ``show``) and storing what the user sets
    (through ``keep``; None removes the key) when they change it."""
    widget_key = key(name or ".".join(map(str, path)))
    current = get(path, default)
    kwargs[value_arg] = show(current) if show else current

    def commit() -> None:
        value = st.session_state[widget_key]
        put(path, keep(value) if keep else value)
        save()

    return widget(label, key=widget_key, on_change=commit, **kwargs)


def editor_rows(name: str, initial: Callable[[], list[dict]]) -> list[dict]:
    """The rows of a rule table: kept in the workspace (half-filled rows too), first taken from the scenario."""
    tables = ws()["tables"]
    if name not in tables:
        tables[name] = initial()
    return tables[name]


def rule_table(
    name: str, kind: str, initial: Callable[[], list[dict]], store: Callable[[list[dict]], None], column_config: dict, placeholder: str
) -> None:
    """An editable table of rules: each edit is applied to the workspace's rows in the callback, ``store`` writes
    the rules they mean into the scenario, and the editor starts afresh from the rows (a new key), so no edit is
    replayed or lost."""
    fields = RULE_FIELDS[kind]
    rows = editor_rows(name, initial)
    version = ws()["tables"].setdefault(f"{name}#version", 0)
    widget_key = key(f"table.{name}.{version}")
    numbers = [f for f in fields[1:]]

    def commit() -> None:
        tables = ws()["tables"]
        tables[name] = apply_edits(tables[name], st.session_state[widget_key], fields)
        tables[f"{name}#version"] = version + 1
        store(tables[name])
        save()

    frame = pd.DataFrame(rows, columns=list(fields)).astype({fields[0]: "object"} | {c: "float" for c in numbers})
    st.data_editor(
        frame,
        key=widget_key,
        on_change=commit,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config=column_config,
        placeholder=placeholder,
    )
