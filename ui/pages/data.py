"""数据: upload a pool (kept on the server; a failed upload keeps the previous pool), its summary, a map, an empty
template."""

import pandas as pd
import plotly.express as px
import streamlit as st

from contract.columns import CATALOGUE, header_of
from contract.errors import InputError
from pool.summary import summarize
from report.escape import html
from ui.funnel import show_funnel
from ui.state import banner, can, frame_xlsx, heading, lang, md, pick, pool, remember, show_problems, tr, upload_pool, use_sample, ws
from ui.tables import show

state = st.session_state
st.subheader(tr("ui.page.data"))


def take_upload() -> None:
    uploaded = state.get("pool_upload")
    if uploaded is None:
        return
    previous = ws()["pool_name"]
    try:
        the_pool = upload_pool(uploaded.name, uploaded.getvalue())
        state["upload_message"] = ("ok", uploaded.name, the_pool.size)
    except InputError as error:
        state["upload_message"] = ("error", error, previous)


def back_to_sample() -> None:
    use_sample()
    state.pop("upload_message", None)


if can("upload"):  # a viewer reads the pool; ui.state refuses an upload from any role that may not make one
    st.file_uploader(tr("ui.data.upload"), type=["csv", "txt", "tsv", "xlsx", "xlsm"], key="pool_upload", on_change=take_upload)
message = state.get("upload_message")
if message and message[0] == "ok":
    st.success(tr("ui.data.loaded", file=message[1], villages=message[2]))
    for notice in pool().notices:  # the same notices as `baicun pool check` (merged cells filled, hidden rows …)
        st.info(md(notice.render(lang())))  # the notice quotes cells: text, not Markdown
elif message:
    show_problems(message[1], tr("ui.data.rejected", file=message[1].params.get("file", ""), previous=message[2]))

left, right = st.columns(2)
if can("upload"):
    left.button(tr("ui.data.use_sample"), key="use_sample", on_click=back_to_sample)
template = pd.DataFrame(columns=[c.zh for c in CATALOGUE])
right.download_button(tr("ui.data.template"), frame_xlsx(template), "村庄库模板.xlsx", key="template")

the_pool = pool()
banner()
summary = summarize(the_pool)
cols = st.columns(4)
for col, (code, value) in zip(
    cols, (("villages", summary.villages), ("cities", summary.cities), ("counties", summary.counties), ("qiancun", summary.qiancun))
):
    col.metric(tr(f"ui.metric.{code}"), f"{value:,}")

st.subheader(tr("ui.data.by_city"))
names = {
    "villages": tr("ui.metric.villages"),
    "qiancun": tr("ui.metric.qiancun"),
    "border": heading("border"),
    "poverty": heading("poverty_alleviated"),
}
show(summary.by_city.rename(columns=names).rename_axis(heading("city")).reset_index())

show_funnel("data")

st.subheader(tr("ui.data.map"))
flags = [c.key for c in CATALOGUE if c.kind == "flag" and c.key in the_pool.frame]
chosen = pick("map_flag")
flag = st.selectbox(
    tr("ui.data.colour_by"),
    flags,
    index=flags.index(chosen) if chosen in flags else 0,
    format_func=header_of,  # one label in both languages: a choice keeps its value across a language switch
    key="map_flag",
    on_change=lambda: remember("map_flag", state["map_flag"]),
)
frame = the_pool.frame.dropna(subset=["lon", "lat"]) if {"lon", "lat"} <= set(the_pool.frame) else the_pool.frame.iloc[0:0]
if len(frame) and flag:
    yes, no, blank = tr("word.yes"), tr("word.no"), tr("word.blank")
    shown = frame.assign(**{heading(flag): frame[flag].map({True: yes, False: no}).fillna(blank)})
    shown = shown.assign(**{c: shown[c].map(html) for c in ("village", "county_place", "village_id")})  # plotly reads tags in labels
    figure = px.scatter(
        shown,
        x="lon",
        y="lat",
        color=heading(flag),
        hover_name="village",
        hover_data={"county_place": True, "village_id": True},
        labels={"lon": heading("lon"), "lat": heading("lat"), "county_place": heading("county"), "village_id": heading("village_id")},
        height=520,
        render_mode="webgl",
    )
    figure.update_traces(marker={"size": 4})
    figure.update_yaxes(scaleanchor="x", scaleratio=1.35)  # ≈ 1 / cos(43°): kilometres look square at Jilin's latitude
    st.plotly_chart(figure, width="stretch")
