"""The eligibility funnel on the 数据 and 规则 pages (``report.funnel``): a plotly funnel of the counts, the table,
and the villages each step removes. Rule names and village names are user text: escaped before plotly sees them
(plotly reads tags in labels)."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from contract.errors import InputError
from report.escape import html
from report.funnel import funnel_table, funnel_villages
from ui.state import current_result, is_current, lang, pool, scenario_text, scored, tr, ws
from ui.tables import show


def show_funnel(key: str) -> None:
    """The funnel of the session's scenario on its pool (with the selected step when the current result was
    solved for exactly this scenario). Nothing when the scenario does not fit the pool (the page says why)."""
    the_pool = pool()
    try:
        scores = scored(the_pool.fingerprint, scenario_text(), ws()["loaded_name"], the_pool)
    except InputError:
        return
    o = current_result()
    selection = o.selection if o is not None and o.selection.found and is_current(o) else None
    table = funnel_table(the_pool, scores, selection, lang())
    st.subheader(tr("funnel.title"))
    steps, remaining = table.iloc[:, 0], table.iloc[:, 1]
    figure = go.Figure(go.Funnel(y=[html(s) for s in steps], x=remaining, textinfo="value", marker={"color": "#4c78a8"}))
    figure.update_layout(height=60 + 36 * len(table), margin={"t": 10, "b": 10, "l": 10, "r": 10})
    st.plotly_chart(figure, width="stretch", key=f"funnel_{key}")
    show(table)
    with st.expander(tr("funnel.villages")):
        show(funnel_villages(the_pool, scores, lang()), height=360)
