"""稳健性: which villages are proved in (or out) for every weight of the panel's range, which depend on the weights
and how soon they switch, how often sampling selects them; and the earlier Dirichlet sampling study."""

import plotly.express as px
import streamlit as st

from analysis.robustness import robustness
from baicun.pipeline import stability_region, stability_study
from contract.columns import header_of
from contract.errors import InputError
from contract.scenario import RobustnessRegion
from report.robustness import frequency_table, summary_table
from report.sheets import written_bytes
from report.stability import class_label, class_table, flip_table, interval_sentence, region_label, write_stability
from ui.state import lang, md, page_top, pick, remember, show_problems, solved_result_or_stop, tr, ws
from ui.tables import show

state = st.session_state
page_top("robustness")
o = solved_result_or_stop()
proofs, sampling = st.tabs([tr("ui.stab.tab"), tr("ui.stab.legacy")])


def kept(name: str, default):
    """A widget's value remembered in the workspace: leaving the page or reloading keeps what the panel set."""
    return {"value": pick(name, default), "key": name, "on_change": lambda: remember(name, state[name])}


def stability_bytes(study, language: str) -> bytes:
    return written_bytes(lambda path: write_stability(study, path, language))


def region_spec() -> RobustnessRegion | None:
    """The region the panel sets here; None to use the scenario's own [robustness]."""
    if o.inputs.scenario.robustness is not None:
        own = region_label(stability_region(o.inputs, o.scores), lang())
        if st.toggle(tr("ui.stab.scenario_region", region=own), **kept("stab_own", True)):
            return None
    names = list(o.scores.weights.values)
    left, right = st.columns(2)
    percent = left.slider(tr("ui.stab.relative"), 0.5, 30.0, step=0.5, **kept("stab_relative", 5.0))
    chosen = [n for n in pick("stab_order", []) if n in names]
    chain = right.multiselect(
        tr("ui.stab.order"),
        names,
        chosen,
        format_func=header_of if lang() == "zh" else str,
        key="stab_order",
        on_change=lambda: remember("stab_order", state["stab_order"]),
    )
    return RobustnessRegion(relative=percent / 100, order=[chain] if len(chain) >= 2 else [])


def show_study(study) -> None:
    st.caption(md(region_label(study.region, lang())))
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
        show(class_table(study, lang()), height=360)
    st.subheader(tr("ui.stab.flips"))
    show(flip_table(study, lang()), height=360)
    open_ = study.table[study.table["class"].isin(("depends", "undecided")) & study.table["frequency"].notna()]
    if len(open_):
        st.subheader(tr("ui.stab.frequency"))
        figure = px.histogram(open_, x="frequency", nbins=20, height=280, labels={"frequency": tr("robust.frequency")})
        figure.update_layout(yaxis_title=tr("ui.robust.villages"))
        st.plotly_chart(figure, width="stretch")
    if study.intervals:
        st.subheader(tr("stab.intervals_title"))
        for interval in study.intervals:
            st.markdown(md(interval_sentence(study, interval, lang())))
    st.download_button(tr("ui.stab.download"), stability_bytes(study, lang()), "稳定性.xlsx", key="stab_download")


with proofs:
    spec = region_spec()
    left, middle, right = st.columns(3)
    budget = left.number_input(tr("ui.stab.budget"), 1.0, 300.0, step=1.0, **kept("stab_budget", 10.0))
    count = middle.slider(tr("ui.stab.samples"), 0, 2000, step=10, **kept("stab_samples", 200))
    with_intervals = right.checkbox(tr("ui.stab.intervals"), **kept("stab_intervals", True))
    if st.button(tr("ui.stab.run"), type="primary", key="stab_run"):
        total = count + (len(o.scores.weights.values) if with_intervals else 0)
        bar = st.progress(0.0, text=tr("ui.stab.progress", done=0, total=total))
        done = {"n": 0}

        def tick() -> None:
            done["n"] += 1
            bar.progress(min(1.0, done["n"] / max(total, 1)), text=tr("ui.stab.progress", done=done["n"], total=total))

        try:
            found = stability_study(o.inputs, o.scores, o.selection, spec, samples=count, time_budget=budget, intervals=with_intervals, progress=tick)
            state["stability"] = (ws()["run"], found)
        except InputError as error:
            show_problems(error)
    found = state.get("stability")
    if found and found[0] == ws()["run"]:
        show_study(found[1])

with sampling:
    left, right = st.columns(2)
    samples = left.slider(tr("ui.robust.samples"), 10, 500, step=10, **kept("robust_samples", 50))
    spread = right.slider(tr("ui.robust.spread"), 10.0, 200.0, step=10.0, **kept("robust_spread", 50.0))
    if st.button(tr("ui.robust.run"), key="robust_run"):
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
