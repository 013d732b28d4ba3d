"""情景对比: stored runs side by side (they survive a reload): what the scenarios change first, then the villages
entering and leaving and why, the overlap, rule by rule, per city and county; the whole comparison as a workbook."""

import streamlit as st

from contract.errors import InputError
from report.compare import city_difference_figure, compare, comparison_bytes
from ui.state import compared_item, lang, page_top, pick, remember, run_name, show_problems, stored_runs, tr
from ui.tables import show

state = st.session_state
page_top("compare")
runs = [r for r in stored_runs() if r.status in ("optimal", "feasible", "time_limit")]
if len(runs) < 2:
    st.info(tr("ui.compare.need_two"))
    st.stop()
names = {r.id: run_name(r) for r in runs}
chosen = [i for i in pick("compare", []) if i in names] or [r.id for r in runs[:2]][::-1]
picked = st.multiselect(
    tr("ui.compare.pick"),
    list(names),
    default=chosen,
    format_func=names.get,
    key="compare_runs",
    placeholder=tr("ui.choose"),
    on_change=lambda: remember("compare", state["compare_runs"]),
)
if len(picked) < 2:
    st.info(tr("ui.compare.need_two"))
    st.stop()
try:
    items = [(names[i], compared_item(i)[1]) for i in picked]
except InputError as error:
    show_problems(error)
    st.stop()
comparison = compare(items, lang())
st.download_button(tr("ui.compare.download"), comparison_bytes(comparison, lang()), "情景对比.xlsx", key="compare_download")
st.subheader(tr("ui.compare.scenario"))
if len(comparison.scenario):
    show(comparison.scenario)
else:
    st.info(tr("ui.compare.same_scenario"))
st.subheader(tr("ui.compare.overview"))
show(comparison.overview)
st.subheader(tr("ui.compare.changes"))
show(comparison.changes, height=360)
st.subheader(tr("ui.compare.overlap"))
show(comparison.overlap)
st.subheader(tr("ui.compare.rules"))
show(comparison.rules)
st.subheader(tr("ui.compare.figure"))
st.plotly_chart(city_difference_figure(comparison, lang()), width="stretch")
st.subheader(tr("ui.compare.by_county"))
show(comparison.by_county, height=360)
