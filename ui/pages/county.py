"""县级预审: one county's villages — eligible or not and why, score, rank, exact distance to the cut-off."""

import streamlit as st

from baicun.pipeline import county
from report.tables import preview_table
from ui.state import lang, page_top, pick, remember, solved_result_or_stop, tr
from ui.tables import show

state = st.session_state
page_top("county")
o = solved_result_or_stop()
counties = sorted(o.inputs.pool.frame["county_place"].unique())  # by identity: two 朝阳区 are two entries
chosen = pick("county")
name = st.selectbox(
    tr("ui.county.pick"),
    counties,
    index=counties.index(chosen) if chosen in counties else 0,
    key="county_pick",
    on_change=lambda: remember("county", state["county_pick"]),
)


@st.cache_resource(show_spinner=False, max_entries=64)
def preview(run_key: tuple, county_name: str, _o):
    return county(_o, county_name)


with st.spinner(tr("ui.results.solving")):
    result = preview((o.inputs.pool.fingerprint, o.inputs.loaded.text, o.selection.objective), name, o)
cols = st.columns(3)
cols[0].metric(tr("ui.metric.eligible"), result.eligible)
cols[1].metric(tr("ui.metric.selected"), result.selected)
cols[2].metric(tr("ui.county.cutoff", cutoff=""), f"{result.cutoff:.4f}" if result.cutoff is not None else "—")
st.caption(tr("ui.county.table"))
show(preview_table(o, result, lang()), height=480)
