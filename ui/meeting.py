"""The panel's pictures on 结果: the map (click or pick a village → its explanation → lock it in or out of the next
solve) and value for money (score against investment, the frontier, the total score against budget and count).

A lock writes the session scenario's ``[selection] must_include`` / ``must_exclude`` — the lists the rules page
edits — so the next solve honours it and the change is audited like any rule edit (``ui.state.save``)."""

from __future__ import annotations

import streamlit as st

from baicun.pipeline import explain, valued
from report.maps import budget_more, colour_modes, curve_figure, curve_table, map_figure, value_scatter
from report.text import explanation_lines
from ui.fields import get, put
from ui.state import can, lang, md, pick, remember, replace_run, save, tr
from ui.tables import show

state = st.session_state
LISTS = {"in": "must_include", "out": "must_exclude"}


def _run_key(o) -> tuple:
    """What identifies a result for the caches below (as for the county preview in ``ui/state.py``)."""
    return (o.inputs.pool.fingerprint, o.inputs.loaded.text, o.selection.objective, o.stability is not None)


@st.cache_resource(show_spinner=False, max_entries=16)
def _figure(run_key: tuple, colour: str, language: str, highlight: str | None, _o):
    """The map of a result (plotly only reads it: a cached figure is never changed by a page that shows it)."""
    return map_figure(_o, colour, language, height=520, highlight=highlight)


@st.cache_resource(show_spinner=False, max_entries=256)
def _explained(run_key: tuple, village_id: str, _o):
    """One village's explanation (a re-solve or two), once per result: a rerun of the page does not re-solve."""
    return explain(_o, village_id)


def lock(village_id: str, side: str | None) -> None:
    """Put the village in must_include (``side`` "in") or must_exclude ("out"), out of the other list; None takes
    it out of both."""
    for key, name in LISTS.items():
        ids = [v for v in get(("selection", name), []) if v != village_id]
        if key == side:
            ids.append(village_id)
        put(("selection", name), ids or None)  # an emptied list goes: the default is the empty list
    save()


def locked(village_id: str) -> str | None:
    return next((key for key, name in LISTS.items() if village_id in get(("selection", name), [])), None)


def _clicked(event) -> str | None:
    points = (
        (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else getattr(getattr(event, "selection", None), "points", [])
    )
    for point in points:
        value = point.get("customdata")
        value = value[0] if isinstance(value, list | tuple) and value else value
        if isinstance(value, str) and value:
            return value
    return None


def map_tab(o) -> None:
    frame = o.inputs.pool.frame
    modes = colour_modes(o)
    colour = modes[0]
    if len(modes) > 1:
        colour = st.radio(
            tr("ui.map.colour"),
            modes,
            index=modes.index(pick("map_colour", "status")) if pick("map_colour", "status") in modes else 0,
            format_func=lambda m: tr(f"ui.map.colour.{m}"),
            horizontal=True,
            key="map_colour",
            on_change=lambda: remember("map_colour", state["map_colour"]),
        )
    if "city_place" not in frame or not frame["village_id"].astype(str).str.fullmatch(r"\d{12}").all():
        st.caption(tr("map.no_outlines"))
    # the village's explanation and its lock buttons beside the map, not under it: at 1366×768 a click on the map
    # shows its answer without a scroll
    on_map, beside = st.columns([3, 2])
    with on_map:
        _map_chart(o, colour)
    with beside:
        village_panel(o)


def _map_chart(o, colour: str) -> None:
    event = st.plotly_chart(
        _figure(_run_key(o), colour, lang(), state.get("map_village") or pick("map_village"), o),
        width="stretch",
        key="map_chart",
        on_select="rerun",
        selection_mode=("points", "box", "lasso"),
        config={"scrollZoom": True, "displaylogo": False},
    )
    clicked = _clicked(event)
    if clicked and clicked != state.get("map_clicked"):  # a new click: it becomes the picked village
        state["map_clicked"] = clicked
        state["map_village"] = clicked
        remember("map_village", clicked)
    from pool.boundaries import data_version

    st.caption(tr("map.source", version=data_version()) + " · " + tr("ui.map.hint"))


def village_panel(o) -> None:
    frame = o.inputs.pool.frame
    ids = frame["village_id"].tolist()
    names = dict(zip(frame["village_id"], frame["village"]))
    if "map_village" not in state and pick("map_village") in names:
        state["map_village"] = pick("map_village")
    picked = st.selectbox(
        tr("ui.map.pick"),
        ids,
        index=None,
        format_func=lambda v: f"{v} {names[v]}",
        key="map_village",
        placeholder=tr("ui.choose"),
        on_change=lambda: remember("map_village", state["map_village"]),
    )
    if not picked:
        return
    eligible = bool(o.scores.eligible[ids.index(picked)])
    now = locked(picked)
    if can("edit"):  # one under another: beside the map a row of three would break each label over lines
        if eligible and now != "in":
            st.button(tr("ui.map.lock_in"), key="lock_in", on_click=lock, args=(picked, "in"), width="stretch")
        if now != "out":
            st.button(tr("ui.map.lock_out"), key="lock_out", on_click=lock, args=(picked, "out"), width="stretch")
        if now is not None:
            st.button(tr("ui.map.unlock"), key="unlock", on_click=lock, args=(picked, None), width="stretch")
    if now is not None:
        st.info(tr(f"ui.map.locked_{now}", village=f"{picked} {names[picked]}"))
    with st.spinner(tr("ui.results.solving")):
        explanation = _explained(_run_key(o), picked, o)
    for line in explanation_lines(o.inputs.pool, o.selection, explanation):
        st.markdown("- " + md(line))  # markdown, not st.text: it wraps in the column beside the map


def value_tab(o) -> None:
    st.plotly_chart(value_scatter(o, lang()), width="stretch", key="value_scatter")
    if o.curves is None:
        if not o.selection.model.simple:
            st.info(tr("value.single_year"))
            return
        if st.button(tr("value.compute"), key="value_curves"):
            bar = st.progress(0.0, text=tr("value.progress", done=0, total="…"))
            replace_run(valued(o, lambda done, total: bar.progress(done / total, text=tr("value.progress", done=done, total=total))))
            st.rerun()
        return
    columns = st.columns(len(o.curves)) if o.curves else []
    for column, curve in zip(columns, o.curves):
        with column:
            st.plotly_chart(curve_figure(curve, lang()), width="stretch", key=f"value_curve_{curve.kind}")
            more = budget_more(curve, lang())
            if more:
                st.markdown("**" + md(more) + "**")
    show(curve_table(o, lang()))
