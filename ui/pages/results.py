"""结果: 求解 (saved as a run, named by the user or by what changed); the whole answer first — status with its gap,
count, score, budget, the shortlist — then map, distribution against bounds, rules met, prices, explanations and
the workbook (the same builder as the CLI)."""

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
from ui.meeting import map_tab, value_tab
from ui.state import (
    can,
    current_result,
    heading,
    inputs,
    is_current,
    lang,
    md,
    page_top,
    pdf_font_missing,
    pick,
    publish,
    published,
    remember,
    replace_run,
    run_changes,
    server_mode,
    show_problems,
    solve_and_keep,
    summary_pdf_bytes,
    tr,
    ws,
    xlsx_bytes,
)
from ui.tables import show

state = st.session_state
page_top("results")

left, right = st.columns([1, 3], vertical_alignment="bottom")
label = right.text_input(tr("ui.results.run_label"), key="run_label", placeholder=tr("ui.results.run_label_hint")) if can("solve") else ""
if can("solve") and left.button(tr("ui.results.solve"), type="primary", key="solve", width="stretch"):
    try:
        inputs()
        with st.spinner(tr("ui.results.solving")):
            solve_and_keep(label)
    except InputError as error:
        show_problems(error, tr("ui.rules.invalid"))
        st.stop()

o = current_result()
if state.get("run_error") is not None:
    show_problems(state.pop("run_error"))
if o is None:
    st.info(tr("ui.results.none_yet"))
    st.stop()
if not is_current(o):
    st.warning(tr("ui.results.stale"))
s = o.selection


def status_line() -> str:
    return status_text(s, lang())


if not s.found:
    st.error(md(status_line()) + " — " + tr("ui.results.infeasible"))
    for problem in s.diagnosis:
        st.text("• " + problem.render(lang()))
    st.stop()
(st.success if s.status == "optimal" else st.warning)(md(status_line()))
if server_mode() and can("publish") and ws()["run"] is not None:
    if published() == ws()["run"]:
        st.caption(tr("ui.access.published", id=ws()["run"]))
    else:
        st.button(tr("ui.access.publish"), key="publish", on_click=publish, args=(ws()["run"],))
cols = st.columns(4)
cols[0].metric(tr("ui.metric.selected"), f"{s.count:,}")
cols[1].metric(tr("ui.metric.objective"), f"{s.objective:.4f}")
cols[2].metric(tr("ui.metric.budget"), f"{s.check.budget_used:,.0f}")
cols[3].metric(tr("ui.metric.eligible"), f"{int(o.scores.eligible.sum()):,}")

later = later_tables(o, lang())
tabs = st.tabs(
    [
        tr("ui.results.shortlist"),
        tr("ui.results.map"),
        tr("ui.results.value"),
        tr("ui.results.distribution"),
        tr("ui.results.rules"),
        tr("ui.results.prices"),
        tr("ui.results.explain"),
    ]
    + ([tr("ui.results.extra")] if later else [])
)

with tabs[0]:
    show(shortlist_table(o, lang()), height=560)
    st.download_button(
        tr("ui.results.download"),
        partial(xlsx_bytes, o, lang(), run_changes(o, lang())),
        "百村遴选结果.xlsx",
        key="download_xlsx",
        type="primary",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    if pdf_font_missing() is None:
        pdf = partial(summary_pdf_bytes, o, lang(), run_changes(o, lang()))
        st.download_button(tr("ui.results.download_summary"), pdf, "会议摘要.pdf", key="download_summary", mime="application/pdf")
    else:
        missing = pdf_font_missing()
        st.caption(tr(missing.title_code, **missing.params))

with tabs[1]:
    map_tab(o)

with tabs[2]:
    value_tab(o)

with tabs[3]:
    by = st.radio(
        tr("ui.results.by"),
        ["city", "county"],
        index=["city", "county"].index(pick("distribution_by", "city")),
        format_func=header_of,  # one label in both languages: a choice keeps its value across a language switch
        horizontal=True,
        key="distribution_by",
        on_change=lambda: remember("distribution_by", state["distribution_by"]),
    )
    show(distribution_table(o, by, lang()))
    raw = distribution_table(o, by, lang(), named=False)
    if by == "county":  # counties grouped by city, one bar a row: sixty names stay readable
        places = o.inputs.pool.frame.groupby("county_place")[["county", "city_place"]].first()  # raw["county"]: place labels
        raw = raw.assign(city=raw["county"].map(places["city_place"])).sort_values(["city", "county"], ascending=False)
        plain = raw["county"].map(places["county"])
        names = (plain + "（" + raw["city"] + "）").where(raw["county"] == plain, raw["county"])  # a label that names its city already
    else:
        raw = raw.sort_values(by, ascending=False)
        names = raw[by].astype(str)
    names = names.map(html)  # county and city names are user text: plotly reads tags in labels
    figure = go.Figure(go.Bar(y=names, x=raw["selected_count"], orientation="h", name=tr("ui.metric.selected")))
    for bound, symbol in (("low", "triangle-right"), ("high", "triangle-left")):
        if bound in raw:
            figure.add_trace(go.Scatter(y=names, x=raw[bound], mode="markers", name=tr(f"col.{bound}"), marker={"symbol": symbol, "size": 10}))
    figure.update_layout(height=max(320, 22 * len(raw)), margin={"t": 10, "l": 10}, legend={"orientation": "h"})
    st.plotly_chart(figure, width="stretch")

with tabs[4]:
    rules = s.rules
    if rules.budget:
        st.progress(min(1.0, s.check.budget_used / rules.budget), text=tr("ui.results.budget_gauge", used=s.check.budget_used, budget=rules.budget))
    actual = s.check.attainment.set_index("rule")["actual"]
    for quota in rules.quotas:
        if quota.low:
            value = int(actual.get(RuleRef("quota", quota.flag), 0))
            st.progress(
                min(1.0, value / max(quota.low, 1) / 2), text=tr("ui.results.quota_gauge", name=heading(quota.flag), actual=value, low=quota.low)
            )
    show(attainment_table(o, lang()))

with tabs[5]:
    if o.prices is None:
        if st.button(tr("ui.results.prices_button"), key="prices"):
            with st.spinner(tr("ui.results.solving")):
                replace_run(priced(o))  # the workbook to download now holds the prices too
            st.rerun()
    else:
        show(prices_table(o.prices, lang()))

with tabs[6]:
    frame = o.inputs.pool.frame
    order = o.scores.table.sort_values("rank").index
    ids = frame.loc[order, "village_id"].tolist()
    names = dict(zip(frame["village_id"], frame["village"]))
    chosen_id = pick("explain")
    picked = st.selectbox(
        tr("ui.results.explain_pick"),
        ids,
        index=ids.index(chosen_id) if chosen_id in ids else None,
        format_func=lambda v: f"{v} {names[v]}",
        key="explain_village",
        placeholder=tr("ui.choose"),
        on_change=lambda: remember("explain", state["explain_village"]),
    )
    if picked:
        with st.spinner(tr("ui.results.solving")):
            explanation = explain(o, picked)
        for line in explanation_lines(o.inputs.pool, s, explanation):
            st.text("• " + line)

if later:
    with tabs[7]:
        for name, table in later:
            st.subheader(md(name))
            show(table)
