"""县级预审: one county's villages — eligible or not and why, score, rank, exact distance to the cut-off."""

import streamlit as st

from report.tables import preview_table
from ui.state import county_view, lang, page_top, scenario_text, solved_result_or_stop, tr

page_top("county")
o = solved_result_or_stop()
counties = sorted(o.inputs.pool.frame["county_place"].unique())  # by identity: two 朝阳区 are two entries
county = st.selectbox(tr("ui.county.pick"), counties, key="county_pick")
with st.spinner(tr("ui.results.solving")):
    preview = county_view(o.inputs.pool.fingerprint, scenario_text(), county, o)
cols = st.columns(3)
cols[0].metric(tr("ui.metric.eligible"), preview.eligible)
cols[1].metric(tr("ui.metric.selected"), preview.selected)
cols[2].metric(tr("ui.county.cutoff", cutoff=""), f"{preview.cutoff:.4f}" if preview.cutoff is not None else "—")
st.caption(tr("ui.county.table"))
st.dataframe(preview_table(o, preview, lang()), hide_index=True, width="stretch", placeholder="—", height=480)
