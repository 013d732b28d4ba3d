"""稳健性: which villages are proved in (or out) for every weight of the panel's range, which depend on the weights
and how soon they switch, how often sampling selects them; and the earlier Dirichlet sampling study."""

import tempfile
from pathlib import Path

import plotly.express as px
import streamlit as st

from analysis.robustness import robustness
from baicun.pipeline import stability_region, stability_study
from contract.columns import header_of
from contract.errors import InputError
from contract.scenario import RobustnessRegion
from report.robustness import frequency_table, summary_table
from report.stability import class_label, class_table, flip_table, interval_sentence, region_label, write_stability
from ui.state import lang, page_top, show_problems, solved_result_or_stop, tr

state = st.session_state
page_top("robustness")
o = solved_result_or_stop()
proofs, sampling = st.tabs([tr("ui.stab.tab"), tr("ui.stab.legacy")])


def stability_bytes(study, language: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stability.xlsx"
        write_stability(study, path, language)
        return path.read_bytes()


def region_spec() -> RobustnessRegion | None:
    """The region the panel sets here; None to use the scenario's own [robustness]."""
    if o.inputs.scenario.robustness is not None:
        own = region_label(stability_region(o.inputs, o.scores), lang())
        if st.toggle(tr("ui.stab.scenario_region", region=own), True, key="stab_own"):
            return None
    names = list(o.scores.weights.values)
    left, right = st.columns(2)
    percent = left.slider(tr("ui.stab.relative"), 0.5, 30.0, 5.0, 0.5, key="stab_relative")
    chain = right.multiselect(tr("ui.stab.order"), names, format_func=header_of if lang() == "zh" else str, key="stab_order")
    return RobustnessRegion(relative=percent / 100, order=[chain] if len(chain) >= 2 else [])


def show(study) -> None:
    st.caption(region_label(study.region, lang()))
    counts = study.counts()
    for column, code in zip(st.columns(4), ("always_in", "never_in", "depends", "undecided")):
        column.metric(class_label(code, lang()), counts[code])
    st.caption(
        tr(
            "stab.share_value",
            share=f"{100 * study.proved_share:.1f}",
            done=int(study.table["eligible"].sum()) - counts["undecided"],
            eligible=int(study.table["eligible"].sum()),
        )
    )
    with st.expander(tr("ui.stab.classes")):
        st.dataframe(class_table(study, lang()), hide_index=True, width="stretch", placeholder="—", height=360)
    st.subheader(tr("ui.stab.flips"))
    st.dataframe(flip_table(study, lang()), hide_index=True, width="stretch", placeholder="—", height=360)
    open_ = study.table[study.table["class"].isin(("depends", "undecided")) & study.table["frequency"].notna()]
    if len(open_):
        st.subheader(tr("ui.stab.frequency"))
        st.plotly_chart(px.histogram(open_, x="frequency", nbins=20, height=280), width="stretch")
    if study.intervals:
        st.subheader(tr("stab.intervals_title"))
        for interval in study.intervals:
            st.write(interval_sentence(study, interval, lang()))
    st.download_button(tr("ui.stab.download"), stability_bytes(study, lang()), "稳定性.xlsx", key="stab_download")


with proofs:
    spec = region_spec()
    left, middle, right = st.columns(3)
    budget = left.number_input(tr("ui.stab.budget"), 1.0, 300.0, 10.0, 1.0, key="stab_budget")
    count = middle.slider(tr("ui.stab.samples"), 0, 2000, 200, 10, key="stab_samples")
    with_intervals = right.checkbox(tr("ui.stab.intervals"), True, key="stab_intervals")
    if st.button(tr("ui.stab.run"), type="primary", key="stab_run"):
        total = count + (len(o.scores.weights.values) if with_intervals else 0)
        bar = st.progress(0.0, text=tr("ui.stab.progress", done=0, total=total))
        done = {"n": 0}

        def tick() -> None:
            done["n"] += 1
            bar.progress(min(1.0, done["n"] / max(total, 1)), text=tr("ui.stab.progress", done=done["n"], total=total))

        try:
            found = stability_study(o.inputs, o.scores, o.selection, spec, samples=count, time_budget=budget, intervals=with_intervals, progress=tick)
            state["stability"] = (id(o), found)
        except InputError as error:
            show_problems(error)
    kept = state.get("stability")
    if kept and kept[0] == id(o):
        show(kept[1])

with sampling:
    left, right = st.columns(2)
    samples = left.slider(tr("ui.robust.samples"), 10, 500, 50, 10, key="robust_samples")
    spread = right.slider(tr("ui.robust.spread"), 10.0, 200.0, 50.0, 10.0, key="robust_spread")
    if st.button(tr("ui.robust.run"), key="robust_run"):
        bar = st.progress(0.0, text=tr("ui.robust.progress", done=0, total=samples))
        done = {"n": 0}

        def tick() -> None:
            done["n"] += 1
            bar.progress(min(1.0, done["n"] / samples), text=tr("ui.robust.progress", done=done["n"], total=samples))

        state["study"] = (id(o), robustness(o.inputs.pool, o.scores, o.selection, samples=samples, spread=spread, progress=tick))
    study = state.get("study")
    if study and study[0] == id(o):
        st.dataframe(summary_table(study[1], lang()), hide_index=True, width="stretch", placeholder="—")
        table = frequency_table(study[1], lang())
        st.subheader(tr("ui.robust.frequency"))
        st.plotly_chart(px.histogram(study[1].table[study[1].table["eligible"]], x="frequency", nbins=20, height=300), width="stretch")
        st.dataframe(table, hide_index=True, width="stretch", placeholder="—", height=420)
