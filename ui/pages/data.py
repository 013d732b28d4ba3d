"""数据: upload a pool (a failed upload keeps the previous pool), its summary, a map, an empty template."""

import pandas as pd
import plotly.express as px
import streamlit as st

from contract.columns import CATALOGUE, header_of
from contract.errors import InputError
from pool.summary import summarize
from report.escape import html
from ui.state import banner, frame_xlsx, lang, md, read_upload, sample_pool, show_problems, tr

state = st.session_state
st.header(tr("ui.page.data"))

uploaded = st.file_uploader(tr("ui.data.upload"), type=["csv", "txt", "tsv", "xlsx", "xlsm"], key="pool_upload")
if uploaded is not None and state.get("pool_upload_id") != uploaded.file_id:
    state["pool_upload_id"] = uploaded.file_id
    try:
        state["pool"] = read_upload(uploaded.name, uploaded.getvalue())
        state["upload_message"] = ("ok", tr("ui.data.loaded", file=uploaded.name, villages=state["pool"].size))
        st.rerun()  # the sidebar, drawn before this page, names the new pool
    except InputError as error:
        state["upload_message"] = ("error", error)
message = state.get("upload_message")
if message and message[0] == "ok":
    st.success(message[1])  # escaped: made by tr() when the upload was read
    for notice in state["pool"].notices:  # the same notices as `baicun pool check` (merged cells filled, hidden rows …)
        st.info(md(notice.render(lang())))  # the notice quotes cells: text, not Markdown
elif message:
    show_problems(message[1], tr("ui.data.rejected", file=message[1].params.get("file", ""), previous=state["pool"].source))

left, right = st.columns(2)
if left.button(tr("ui.data.use_sample"), key="use_sample"):
    state["pool"] = sample_pool()
    state.pop("upload_message", None)
    st.rerun()
template = pd.DataFrame(columns=[c.zh for c in CATALOGUE])
right.download_button(tr("ui.data.template"), frame_xlsx(template), "村庄库模板.xlsx", key="template")

pool = state["pool"]
banner()
summary = summarize(pool)
cols = st.columns(4)
for col, (code, value) in zip(
    cols, (("villages", summary.villages), ("cities", summary.cities), ("counties", summary.counties), ("qiancun", summary.qiancun))
):
    col.metric(tr(f"ui.metric.{code}"), f"{value:,}")

st.subheader(tr("ui.data.by_city"))
names = {
    "villages": tr("ui.metric.villages"),
    "qiancun": tr("ui.metric.qiancun"),
    "border": header_of("border"),
    "poverty": header_of("poverty_alleviated"),
}
st.dataframe(summary.by_city.rename(columns=names).rename_axis(header_of("city")), width="stretch", placeholder="—")

st.subheader(tr("ui.data.map"))
flags = [c.key for c in CATALOGUE if c.kind == "flag" and c.key in pool.frame]
flag = st.selectbox(tr("ui.data.colour_by"), flags, format_func=header_of, key="map_flag")
frame = pool.frame.dropna(subset=["lon", "lat"]) if {"lon", "lat"} <= set(pool.frame) else pool.frame.iloc[0:0]
if len(frame):
    shown = frame.assign(**{header_of(flag): frame[flag].map({True: "是", False: "否"}).fillna("空白")})
    shown = shown.assign(**{c: shown[c].map(html) for c in ("village", "county", "village_id")})  # plotly reads tags in labels
    figure = px.scatter(
        shown,
        x="lon",
        y="lat",
        color=header_of(flag),
        hover_name="village",
        hover_data=["county_place", "village_id"],
        labels={"lon": header_of("lon"), "lat": header_of("lat"), "county_place": header_of("county")},
        height=520,
        render_mode="webgl",
    )
    figure.update_traces(marker={"size": 4})
    figure.update_yaxes(scaleanchor="x", scaleratio=1.35)  # ≈ 1 / cos(43°): kilometres look square at Jilin's latitude
    st.plotly_chart(figure, width="stretch")
