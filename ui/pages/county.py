"""县级预审: one county's villages — eligible or not, score, rank, and what each needs to get in (or could lose and
stay in) in the county's words, a map, the table and the one-page report to download. The panel arriving with no
result gets the workspace's scenario solved (a stored run, as on 结果); margins come from one pass per solve
(``ui.background``), so a pick never waits for a re-solve. Everything comes from ``ui.state.county_view``,
filtered there on the server: a county user gets its own county in the published run and nothing of any other
county's villages; the province appears only as aggregates (the lowest selected score, totals)."""

import plotly.graph_objects as go
import streamlit as st

from contract.errors import InputError
from report.escape import html
from ui.state import (
    can,
    county_exact_done,
    county_report_pdf,
    county_report_xlsx,
    county_view,
    drop_application,
    frame_xlsx,
    heading,
    md,
    page_top,
    pdf_font_missing,
    pick,
    remember,
    show_problems,
    tr,
    upload_application,
)
from ui.tables import show

state = st.session_state


def application_waiting():
    """The county's application file in the uploader that has not been taken in yet (None when there is none).
    Taken by its file id in a run of the whole page, not by an ``on_change`` callback: a callback runs in whichever
    run first carries the new value, which can be one of the progress fragment's 2-s runs that redraw nothing else
    (streamlit#9079: uploads lost beside a ``run_every`` fragment); once, in CI, a good file never reached the
    preview. The fragment asks for a run of the whole page when it sees a file waiting."""
    uploaded = state.get("application_upload")
    return uploaded if uploaded is not None and uploaded.file_id != state.get("application_taken") else None


def take_application(uploaded) -> None:
    state["application_taken"] = uploaded.file_id
    try:
        upload_application(uploaded.name, uploaded.getvalue())
        state.pop("application_problem", None)
    except InputError as error:
        state["application_problem"] = (uploaded.name, error)


if can("apply") and (waiting := application_waiting()) is not None:
    take_application(waiting)
with st.spinner(tr("ui.results.solving")):
    view = county_view(pick("county"))
if view is None:
    page_top("county", sample=False)
    if can("province") and state.get("run_error") is not None:  # the arrival's solve: the scenario does not fit the pool
        show_problems(state["run_error"])
    else:
        st.info(tr("ui.robust.need_result") if can("province") else tr("ui.access.not_published"))
    st.stop()
page_top("county", sample=view.is_sample)
if view.choices is not None:
    st.selectbox(
        tr("ui.county.pick"),
        view.choices,
        index=view.choices.index(view.county),
        key="county_pick",
        on_change=lambda: remember("county", state["county_pick"]),
    )
else:
    st.markdown("**" + md(view.county) + "**")
    if view.run_id is not None:
        st.caption(tr("ui.access.published", id=view.run_id))
if can("apply"):
    st.file_uploader(tr("ui.county.application"), type=["csv", "txt", "tsv", "xlsx", "xlsm"], key="application_upload")
    if state.get("application_problem"):
        file, error = state["application_problem"]
        show_problems(error, tr("ui.county.application_rejected", file=file))
    if view.application:
        st.info(tr("ui.county.application_used", file=view.application))
        st.button(tr("ui.county.application_drop"), key="application_drop", on_click=drop_application)
result = view.preview
cols = st.columns(3)
cols[0].metric(tr("ui.metric.eligible"), result.eligible)
cols[1].metric(tr("ui.metric.selected"), result.selected)
cols[2].metric(tr("ui.county.lowest"), f"{result.cutoff:.4f}" if result.cutoff is not None else "—", help=tr("ui.county.lowest_help"))
st.caption(tr("ui.county.table"))
if not result.complete:

    @st.fragment(run_every=2.0)
    def exact_progress() -> None:
        """Progress here; the page re-runs once, when every exact margin of this county is known (re-running at
        each arrival redrew the table and lost clicks while the user read it)."""
        done = county_exact_done(view)
        if done >= result.exact_total or application_waiting() is not None:
            st.rerun(scope="app")
        st.caption(tr("ui.county.exact_progress", done=done, total=result.exact_total))

    exact_progress()
# the name, then what it takes (the sentence a county reads), then the figures behind it, the codes last
order = [
    tr(f"col.{key}") for key in ("village", "standing", "score", "rank", "eligible", "selected", "distance", "at_least", "township", "village_id")
]
show(view.table, height=480, wide=(tr("col.standing"),), pinned=(tr("col.village"),), column_order=order)
downloads = st.columns(3)
downloads[0].download_button(tr("ui.county.download"), lambda: frame_xlsx(view.table), "县级预审.xlsx", key="county_download", on_click="ignore")
downloads[1].download_button(
    tr("ui.county.report"), lambda: county_report_xlsx(view), "县级预审报告.xlsx", key="county_report_download", on_click="ignore"
)
if pdf_font_missing() is None:
    downloads[2].download_button(
        tr("ui.county.report_pdf"),
        lambda: county_report_pdf(view),
        "县级预审报告.pdf",
        key="county_pdf_download",
        on_click="ignore",
        mime="application/pdf",
    )
frame = view.frame.dropna(subset=["lon", "lat"]) if {"lon", "lat"} <= set(view.frame) else view.frame.iloc[0:0]
if len(frame):
    st.subheader(tr("ui.county.map"))
    figure = go.Figure()
    groups = ((tr("ui.results.left_legend"), ~frame["selected"], "#b8c4d6"), (tr("ui.results.selected_legend"), frame["selected"], "#d62728"))
    for name, rows, colour in groups:
        part = frame[rows]
        text = (part["village"] + " · " + part["village_id"]).map(html)  # plotly reads tags in labels
        marker = {"color": colour, "size": 8}
        figure.add_trace(go.Scatter(x=part["lon"], y=part["lat"], mode="markers", name=name, text=text, hoverinfo="text", marker=marker))
    figure.update_layout(height=420, xaxis_title=heading("lon"), yaxis_title=heading("lat"), margin={"t": 10})
    figure.update_yaxes(scaleanchor="x", scaleratio=1.35)
    st.plotly_chart(figure, width="stretch")
