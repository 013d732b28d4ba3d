"""稳健性: perturb the weights many times, re-solve each, and show how often each village is selected."""

import plotly.express as px
import streamlit as st

from analysis.robustness import robustness
from report.robustness import frequency_table, summary_table
from ui.state import lang, page_top, pick, remember, solved_result_or_stop, tr, ws
from ui.tables import show

state = st.session_state
page_top("robustness")
o = solved_result_or_stop()
left, right = st.columns(2)
samples = left.slider(
    tr("ui.robust.samples"),
    10,
    500,
    pick("robust_samples", 50),
    10,
    key="robust_samples",
    on_change=lambda: remember("robust_samples", state["robust_samples"]),
)
spread = right.slider(
    tr("ui.robust.spread"),
    10.0,
    200.0,
    float(pick("robust_spread", 50.0)),
    10.0,
    key="robust_spread",
    on_change=lambda: remember("robust_spread", state["robust_spread"]),
)
if st.button(tr("ui.robust.run"), type="primary", key="robust_run"):
    bar = st.progress(0.0, text=tr("ui.robust.progress", done=0, total=samples))
    done = {"n": 0}

    def tick() -> None:
        done["n"] += 1
        bar.progress(min(1.0, done["n"] / samples), text=tr("ui.robust.progress", done=done["n"], total=samples))

    state["study"] = (ws()["run"], robustness(o.inputs.pool, o.scores, o.selection, samples=samples, spread=spread, progress=tick))
study = state.get("study")
if study and study[0] == ws()["run"]:
    show(summary_table(study[1], lang()))
    st.subheader(tr("ui.robust.frequency"))
    eligible = study[1].table[study[1].table["eligible"]]
    figure = px.histogram(eligible, x="frequency", nbins=20, height=300, labels={"frequency": tr("robust.frequency")})
    figure.update_layout(yaxis_title=tr("ui.robust.villages"))
    st.plotly_chart(figure, width="stretch")
    show(frequency_table(study[1], lang()), height=420)
