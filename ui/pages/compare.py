"""情景对比: this session's runs side by side — what entered and left and why, per-city differences."""

import streamlit as st

from report.compare import city_difference_figure, compare
from ui.state import lang, page_top, tr

state = st.session_state
page_top("compare")
runs = [(name, o) for name, o in state["runs"] if o.selection.found]
if len(runs) < 2:
    st.info(tr("ui.compare.need_two"))
    st.stop()
names = [name for name, _ in runs]
picked = st.multiselect(tr("ui.compare.pick"), names, default=names[-2:], key="compare_runs", placeholder=tr("ui.choose"))
if len(picked) < 2:
    st.info(tr("ui.compare.need_two"))
    st.stop()
comparison = compare([(name, o) for name, o in runs if name in picked], lang())
st.subheader(tr("ui.compare.overview"))
st.dataframe(comparison.overview, width="stretch", placeholder="—")
st.subheader(tr("ui.compare.changes"))
st.dataframe(comparison.changes, hide_index=True, width="stretch", placeholder="—")
st.subheader(tr("ui.compare.figure"))
st.plotly_chart(city_difference_figure(comparison, lang()), width="stretch")
