"""规则与权重: every part of the scenario as widgets; the scenario dict in the session is what they edit."""

import tomllib

import pandas as pd
import streamlit as st

from baicun.errors import InputError
from baicun.scenario import parse_scenario
from pool.columns import CATALOGUE, header_of
from scoring.score import judgement_matrix
from scoring.weights import ahp, direct, entropy
from ui.state import page_top, scenario_text, scored, show_problems, tr

state = st.session_state
page_top("rules")
data = state["scenario"]
scoring = data.setdefault("scoring", {})
elig = data.setdefault("eligibility", {})
sel = data.setdefault("selection", {})


def reset_widgets() -> None:
    for key in [k for k in state if str(k).startswith("sc.")]:
        del state[key]


# --- scenario file ---------------------------------------------------------------------------------------------
with st.expander(tr("ui.rules.toml"), expanded=False):
    upload = st.file_uploader(tr("ui.rules.upload"), type=["toml"], key="scenario_upload")
    if upload is not None and state.get("scenario_upload_id") != upload.file_id:
        state["scenario_upload_id"] = upload.file_id
        text = upload.getvalue().decode("utf-8-sig", errors="replace")
        try:
            loaded = parse_scenario(text, source=upload.name)
            state["scenario"] = tomllib.loads(text)
            reset_widgets()
            state["scenario_message"] = tr("ui.rules.loaded", name=loaded.scenario.name)
            st.rerun()
        except InputError as error:
            show_problems(error)
    if state.get("scenario_message"):
        st.success(state["scenario_message"])
    st.download_button(tr("ui.rules.download"), scenario_text().encode("utf-8"), "情景.toml", key="scenario_download")

# --- weights ---------------------------------------------------------------------------------------------------
st.subheader(tr("ui.rules.weights"))
weights = scoring.get("weights")
if weights:
    st.caption(tr("ui.rules.weights_help"))
    left, right = st.columns([3, 2])
    with left:
        for criterion in list(weights):
            weights[criterion] = st.slider(header_of(criterion), 0.0, 1.0, float(weights[criterion]), 0.005, format="%.3f", key=f"sc.w.{criterion}")
    used = direct(weights)
    # a static table (not a grid): readable on a projector, and its text is on the page for assistive tools and tests
    right.table(pd.DataFrame({tr("ui.rules.used_weights"): used.values}).rename(index=header_of).round(4))
    if right.button(tr("ui.rules.entropy"), key="entropy"):
        try:
            scores = scored(state["pool"].fingerprint, scenario_text(), state["pool"])
            matrix = state["pool"].frame.loc[scores.eligible, list(weights)].to_numpy(dtype=float)
            for criterion, value in zip(weights, entropy(matrix)):
                state[f"sc.w.{criterion}"] = round(float(value), 3)
            st.rerun()
        except InputError as error:
            show_problems(error)
    with st.expander(tr("ui.rules.ahp")):
        st.caption(tr("ui.rules.ahp_help"))
        names = [header_of(c) for c in weights]
        table = st.data_editor(pd.DataFrame("1", index=names, columns=names), key="ahp_matrix", width="stretch")
        try:
            result = ahp(judgement_matrix(table.values.tolist(), names))
            verdict = tr("ui.rules.ahp_ok") if result.consistent else tr("ui.rules.ahp_bad")
            st.write(tr("ui.rules.ahp_result", cr=result.cr, verdict=verdict))
            st.dataframe(pd.DataFrame({tr("ui.rules.used_weights"): result.weights}, index=names).round(4))
        except InputError as error:
            show_problems(error)
            result = None
        if st.button(tr("ui.rules.ahp_use"), key="ahp_use", disabled=result is None or not result.consistent):
            for criterion, value in zip(weights, result.weights):
                state[f"sc.w.{criterion}"] = round(float(value), 3)
            st.rerun()

# --- eligibility -------------------------------------------------------------------------------------------------
st.subheader(tr("ui.rules.eligibility"))
flags = [c.key for c in CATALOGUE if c.kind == "flag" and c.key in state["pool"].frame]
elig["require"] = st.multiselect(tr("ui.rules.require"), flags, default=[f for f in elig.get("require", []) if f in flags],
                                 format_func=header_of, key="sc.require")
columns = st.columns(max(1, len(elig.get("min", {}))))
for column, (key, value) in zip(columns, list(elig.get("min", {}).items())):
    elig["min"][key] = column.number_input(tr("ui.rules.min", name=header_of(key)), value=float(value), step=1.0, key=f"sc.min.{key}")
if "debt_risk" in elig.get("exclude", {}) or "debt_risk" in state["pool"].frame:
    levels = st.multiselect(tr("ui.rules.exclude_debt"), ["低", "中", "高"], default=[str(v) for v in elig.get("exclude", {}).get("debt_risk", [])],
                            key="sc.exclude_debt")
    elig.setdefault("exclude", {})["debt_risk"] = levels
elig["exclude_upgraded"] = st.checkbox(tr("ui.rules.exclude_upgraded"), value=bool(elig.get("exclude_upgraded", False)), key="sc.upgraded")

# --- selection ---------------------------------------------------------------------------------------------------
st.subheader(tr("ui.rules.selection"))
left, right = st.columns(2)
count = sel.get("count", [0, 0])
count = [count, count] if isinstance(count, int) else count
sel["count"] = list(left.slider(tr("ui.rules.count"), 0, max(500, int(count[1]) * 2), (int(count[0]), int(count[1])), key="sc.count"))
if "budget" in sel:
    sel["budget"] = right.number_input(tr("ui.rules.budget"), min_value=0.0, value=float(sel["budget"]), step=1000.0, key="sc.budget")
for i, quota in enumerate(sel.get("quota", [])):
    if "min" in quota:
        quota["min"] = int(st.number_input(tr("ui.rules.quota", name=header_of(quota["flag"])), min_value=0, value=int(quota["min"]), key=f"sc.quota.{i}"))
for i, group in enumerate(sel.get("group", [])):
    if "share" in group:
        group["share"] = list(st.slider(f"{header_of(group['by'])} · {tr('ui.rules.city_share')}", 0.0, 3.0,
                                        (float(group["share"][0]), float(group["share"][1])), 0.05, key=f"sc.share.{i}"))
    if "min" in group or "max" in group:
        a, b = st.columns(2)
        label = f"{header_of(group['by'])} · {tr('ui.rules.county_bounds')}"
        group["min"] = int(a.number_input(label + " ≥", min_value=0, value=int(group.get("min", 0)), key=f"sc.gmin.{i}"))
        if "max" in group:
            group["max"] = int(b.number_input(label + " ≤", min_value=0, value=int(group["max"]), key=f"sc.gmax.{i}"))


def id_list(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").replace("\n", ",").split(",") if part.strip()]


left, right = st.columns(2)
sel["must_include"] = id_list(left.text_area(tr("ui.rules.must_include"), "\n".join(sel.get("must_include", [])), key="sc.must_in"))
sel["must_exclude"] = id_list(right.text_area(tr("ui.rules.must_exclude"), "\n".join(sel.get("must_exclude", [])), key="sc.must_out"))

# --- is it valid? ---------------------------------------------------------------------------------------------------
try:
    scores = scored(state["pool"].fingerprint, scenario_text(), state["pool"])  # binds the scenario to the pool
    st.success(tr("ui.rules.valid", eligible=int(scores.eligible.sum())))
except InputError as error:
    show_problems(error, tr("ui.rules.invalid"))
