"""结果: one button 求解; shortlist, map, distribution against bounds, rules met, prices, explanations, download."""

from functools import partial

import plotly.graph_objects as go
import streamlit as st

from baicun.pipeline import explain, priced
from contract.columns import header_of
from contract.errors import InputError
from report.escape import html
from report.status import status_text
from report.tables import attainment_table, distribution_table, later_tables, prices_table, shortlist_table
from report.text import explanation_lines
from solver.rules import RuleRef
from ui.state import current_result, inputs, lang, md, page_top, scenario_text, show_problems, solved, tr, xlsx_bytes

state = st.session_state
page_top("results")

if st.button(tr("ui.results.solve"), type="primary", key="solve"):
    try:
        inputs()
    except InputError as error:
        show_problems(error, tr("ui.rules.invalid"))
        st.stop()
    pool, text = state["pool"], scenario_text()
    with st.spinner(tr("ui.results.solving")):
        try:
            result = solved(pool.fingerprint, text, pool)
        except InputError as error:
            show_problems(error, tr("ui.rules.invalid"))
            st.stop()
    state["result"] = (result, (pool.fingerprint, text))
    name = f"#{len(state['runs']) + 1} {state['scenario'].get('name', '')}"
    if not any(o is result for _, o in state["runs"]):
        state["runs"].append((name, result))

o = current_result()
if o is None:
    st.info(tr("ui.results.none_yet"))
    st.stop()
s = o.selection
cols = st.columns(5)
cols[0].metric(tr("ui.metric.status"), status_text(s, lang()))
cols[1].metric(tr("ui.metric.selected"), s.count)
cols[2].metric(tr("ui.metric.eligible"), int(o.scores.eligible.sum()))
cols[3].metric(tr("ui.metric.objective"), f"{s.objective:.4f}" if s.objective is not None else "—")
cols[4].metric(tr("ui.metric.budget"), f"{s.check.budget_used:,.0f}" if s.check else "—")
if not s.found:
    st.error(tr("ui.results.infeasible"))
    for problem in s.diagnosis:
        st.markdown(f"- {md(problem.render(lang()))}")
    st.stop()

st.download_button(
    tr("ui.results.download"),
    partial(xlsx_bytes, o, lang()),
    "百村遴选结果.xlsx",
    key="download_xlsx",
    type="primary",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
later = later_tables(o, lang())
tabs = st.tabs(
    [
        tr("ui.results.shortlist"),
        tr("ui.results.map"),
        tr("ui.results.distribution"),
        tr("ui.results.rules"),
        tr("ui.results.prices"),
        tr("ui.results.explain"),
    ]
    + ([tr("ui.results.extra")] if later else [])
)

with tabs[0]:
    st.dataframe(shortlist_table(o, lang()), hide_index=True, width="stretch", placeholder="—", height=480)

with tabs[1]:
    frame = o.inputs.pool.frame
    eligible = frame[o.scores.eligible]
    chosen = s.selected[eligible.index]
    # one trace per plan year (or one for the shortlist), drawn over the villages left out
    groups = [(tr("ui.results.left_legend"), ~chosen, "#b8c4d6", 4)]
    if s.year is not None:
        years = s.year[eligible.index]
        groups += [(tr("ui.results.year_legend", year=y), chosen & (years == y), None, 7) for y in s.plan.years]
    else:
        groups.append((tr("ui.results.selected_legend"), chosen, "#d62728", 7))
    figure = go.Figure()
    for label, rows, colour, size in groups:
        part = eligible[rows]
        figure.add_trace(
            go.Scattergl(
                x=part["lon"],
                y=part["lat"],
                mode="markers",
                name=label,
                text=(part["village"] + " · " + part["county"]).map(html),
                marker={"size": size} | ({"color": colour} if colour else {}),
            )
        )
    figure.update_layout(height=540, xaxis_title=header_of("lon"), yaxis_title=header_of("lat"), margin={"t": 10})
    figure.update_yaxes(scaleanchor="x", scaleratio=1.35)
    st.plotly_chart(figure, width="stretch")

with tabs[2]:
    by = st.radio(tr("ui.results.by"), ["city", "county"], format_func=header_of, horizontal=True, key="distribution_by")
    table = distribution_table(o, by, lang())
    st.dataframe(table, hide_index=True, width="stretch", placeholder="—")
    raw = distribution_table(o, by, lang(), named=False)
    groups = raw[by].map(html)  # county and city names are user text: plotly reads tags in labels
    figure = go.Figure(go.Bar(x=groups, y=raw["selected_count"], name=tr("ui.metric.selected")))
    for bound, symbol in (("low", "triangle-up"), ("high", "triangle-down")):
        if bound in raw:
            figure.add_trace(go.Scatter(x=groups, y=raw[bound], mode="markers", name=tr(f"col.{bound}"), marker={"symbol": symbol, "size": 10}))
    figure.update_layout(height=380, margin={"t": 10})
    st.plotly_chart(figure, width="stretch")

with tabs[3]:
    rules = s.rules
    if rules.budget:
        st.progress(min(1.0, s.check.budget_used / rules.budget), text=tr("ui.results.budget_gauge", used=s.check.budget_used, budget=rules.budget))
    actual = s.check.attainment.set_index("rule")["actual"]
    for quota in rules.quotas:
        if quota.low:
            value = int(actual.get(RuleRef("quota", quota.flag), 0))
            st.progress(
                min(1.0, value / max(quota.low, 1) / 2), text=tr("ui.results.quota_gauge", name=header_of(quota.flag), actual=value, low=quota.low)
            )
    st.dataframe(attainment_table(o, lang()), hide_index=True, width="stretch", placeholder="—")

with tabs[4]:
    if o.prices is None and st.button(tr("ui.results.prices_button"), key="prices"):
        with st.spinner(tr("ui.results.solving")):
            o = priced(o)
        state["result"] = (o, state["result"][1])  # the workbook to download now holds the prices too
    if o.prices is not None:
        st.dataframe(prices_table(o.prices, lang()), hide_index=True, width="stretch", placeholder="—")

with tabs[5]:
    frame = o.inputs.pool.frame
    candidates = frame.loc[o.scores.table.sort_values("rank").index, ["village_id", "village"]]
    options = (candidates["village_id"] + " " + candidates["village"]).tolist()
    picked = st.selectbox(tr("ui.results.explain_pick"), options, index=None, key="explain_village", placeholder=tr("ui.choose"))
    if picked:
        village = picked.split(" ")[0]
        with st.spinner(tr("ui.results.solving")):
            explanation = explain(o, village)
        for line in explanation_lines(o.inputs.pool, s, explanation):
            st.markdown(f"- {md(line)}")

if later:
    with tabs[6]:
        for name, table in later:
            st.markdown(f"**{md(name)}**")
            st.dataframe(table, hide_index=True, width="stretch", placeholder="—")
