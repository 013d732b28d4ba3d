"""规则与权重: every part of the scenario as widgets; the scenario dict in the session is what they edit.

Widgets start from the dict and write back into it on every run. Their keys carry a generation
(``widget_key``): loading another scenario file starts a new generation, so every widget is created afresh and
shows the new file's values (a widget kept under the same key would go on showing the old value in the browser).
Table editors keep the rows they started from under ``base.*`` (Streamlit replays a table's edits on the rows it
was first given).
"""

import tomllib

import pandas as pd
import streamlit as st

from baicun.pipeline import admit, entropy_suggestion
from contract.columns import CATALOGUE, header_of
from contract.errors import InputError
from contract.scenario import UPLOADED, parse_scenario
from scoring.score import judgement_matrix
from scoring.weights import ahp, direct
from ui.forms import (
    RULE_FIELDS,
    as_pair,
    bounds_from_rows,
    bounds_rows,
    id_list,
    number_list,
    number_text,
    one_or_many,
    put,
    rule_rows,
    rules_from_rows,
    set_or_drop,
)
from ui.state import inputs, page_top, scenario_text, scored, show_problems, tr, widget_key

state = st.session_state
page_top("rules")
data = state["scenario"]
scoring = data.setdefault("scoring", {})
elig = data.setdefault("eligibility", {})
sel = data.setdefault("selection", {})
frame = state["pool"].frame
FLAGS = [c.key for c in CATALOGUE if c.kind == "flag" and c.key in frame]
NUMBERS = [c.key for c in CATALOGUE if c.numeric and c.key in frame]
GROUP_BY = [k for k in ("province", "city", "county", "township") if k in frame]
HEADER_KEYS = {c.zh: c.key for c in CATALOGUE}
BACKENDS = {"highs": "HiGHS", "cbc": "CBC", "cpsat": "OR-Tools CP-SAT"}
NORMALIZE = ("minmax", "zscore", "rank", "none")


def reset_widgets() -> None:
    for key in [k for k in state if str(k).startswith("sc.")]:
        del state[key]
    state["sc_generation"] = state.get("sc_generation", 0) + 1


def labels(keys: list[str]) -> tuple[list[str], dict[str, str]]:
    """Chinese headers for an editor's choice column, and the way back to column keys."""
    return [header_of(k) for k in keys], {header_of(k): k for k in keys}


def rule_editor(rules: list[dict], kind: str, key: str, choices: list[str]) -> list[dict]:
    """A table of quota / group / threshold rules a person can add to, change and delete."""
    options, keys = labels(choices)
    choice, *numbers = RULE_FIELDS[kind]
    base = widget_key(f"base.{key}")
    if base not in state:
        rows = bounds_rows(*rules, header_of) if kind == "bounds" else rule_rows(rules, kind, header_of)
        state[base] = pd.DataFrame(rows, columns=RULE_FIELDS[kind]).astype({choice: "object"} | {c: "float" for c in numbers})
    config = {choice: st.column_config.SelectboxColumn(tr(f"ui.rules.col.{kind}"), options=options, required=True)}
    config |= {c: st.column_config.NumberColumn(tr(f"ui.rules.col.{c}")) for c in numbers}
    edited = st.data_editor(
        state[base], key=widget_key(key), num_rows="dynamic", hide_index=True, width="stretch", column_config=config, placeholder=tr("ui.rules.none")
    )
    rows = edited.to_dict("records")
    # a label not in the list goes to the schema as its catalogue key (a column this pool lacks) or as typed
    key_of = lambda label: keys.get(label, HEADER_KEYS.get(label, label))  # noqa: E731
    return bounds_from_rows(rows, key_of) if kind == "bounds" else rules_from_rows(rows, kind, key_of)


def toggled_section(name: str, label: str, defaults: dict) -> dict | None:
    """An optional scenario table (``[plan]``, ``[spatial]``): switched off, it leaves the scenario and waits in
    the session, so switching it back on restores what was typed."""
    on = st.toggle(label, value=name in data, key=widget_key(f"{name}_on"))
    if on:
        return data.setdefault(name, state.pop(widget_key(f"stash.{name}"), None) or defaults)
    if name in data:
        state[widget_key(f"stash.{name}")] = data.pop(name)
    return None


def range_input(target: dict, key: str, codes: tuple[str, str], placeholder: str) -> None:
    """An optional [min, max] pair; both left blank, it leaves the scenario and its default applies."""
    pair = as_pair(target.get(key))
    left, right = st.columns(2)
    low = left.number_input(tr(codes[0]), min_value=0, value=pair[0], placeholder=placeholder, key=widget_key(f"{key}_min"))
    high = right.number_input(tr(codes[1]), min_value=0, value=pair[1], placeholder=placeholder, key=widget_key(f"{key}_max"))
    set_or_drop(target, key, None if low is None and high is None else [low, high])


# --- scenario file (filled at the end, so the download holds this run's edits) ---------------------------------
file_box = st.expander(tr("ui.rules.toml"), expanded=False)
with file_box:
    upload = st.file_uploader(tr("ui.rules.upload"), type=["toml"], key="scenario_upload")
    if upload is not None and state.get("scenario_upload_id") != upload.file_id:
        state["scenario_upload_id"] = upload.file_id
        text = upload.getvalue().decode("utf-8-sig", errors="replace")
        try:
            loaded = parse_scenario(text, source=upload.name)
            admit(loaded.scenario, UPLOADED)  # says at once that a lock_run cannot be followed here
            state["scenario"] = tomllib.loads(text)
            reset_widgets()
            state["scenario_message"] = tr("ui.rules.loaded", name=loaded.scenario.name)
            st.rerun()
        except InputError as error:
            show_problems(error)
    if state.get("scenario_message"):
        st.success(state["scenario_message"])  # escaped: made by tr() when the file was loaded

data["name"] = st.text_input(tr("ui.rules.name"), data.get("name", ""), key=widget_key("name"))
weights_tab, eligibility_tab, selection_tab, belts_tab, plan_tab, solver_tab = st.tabs(
    [tr(f"ui.rules.tab.{t}") for t in ("weights", "eligibility", "selection", "belts", "plan", "solver")]
)

# --- weights ---------------------------------------------------------------------------------------------------
with weights_tab:
    put(
        scoring,
        "normalize",
        st.selectbox(
            tr("ui.rules.normalize"),
            NORMALIZE,
            NORMALIZE.index(scoring.get("normalize", "minmax")),
            format_func=lambda m: tr(f"ui.rules.normalize.{m}"),
            key=widget_key("normalize"),
        ),
        "minmax",
    )
    weights = scoring.get("weights")
    if not weights:
        st.info(tr("ui.rules.weights_other"))
        if st.button(tr("ui.rules.weights_direct"), key="weights_direct"):
            try:
                computed = scored(state["pool"].fingerprint, scenario_text(), state["pool"]).weights.values
                for method in ("ahp", "entropy", "dimensions"):
                    scoring.pop(method, None)
                scoring["weights"] = {k: round(float(v), 4) for k, v in computed.items()}
                reset_widgets()
                st.rerun()
            except InputError as error:
                show_problems(error)
    else:
        st.caption(tr("ui.rules.weights_help"))
        left, right = st.columns([3, 2])
        with left:
            for criterion in list(weights):
                weights[criterion] = st.slider(
                    header_of(criterion), 0.0, 1.0, float(weights[criterion]), 0.005, format="%.3f", key=widget_key(f"w.{criterion}")
                )
        used = direct(weights)
        # a static table (not a grid): readable on a projector, and its text is on the page for assistive tools and tests
        right.table(pd.DataFrame({tr("ui.rules.used_weights"): used.values}).rename(index=header_of).round(4))
        if right.button(tr("ui.rules.entropy"), key="entropy"):
            try:
                for criterion, value in entropy_suggestion(inputs()).items():
                    state[widget_key(f"w.{criterion}")] = round(float(value), 3)
                st.rerun()
            except InputError as error:
                show_problems(error)
        with st.expander(tr("ui.rules.ahp")):
            st.caption(tr("ui.rules.ahp_help"))
            names = [header_of(c) for c in weights]
            table = st.data_editor(pd.DataFrame("1", index=names, columns=names), key=widget_key("ahp"), width="stretch")
            try:
                result = ahp(judgement_matrix(table.values.tolist(), names))
                verdict = tr("ui.rules.ahp_ok") if result.consistent else tr("ui.rules.ahp_bad")
                st.write(tr("ui.rules.ahp_result", cr=result.cr, verdict=verdict))
                st.dataframe(pd.DataFrame({tr("ui.rules.used_weights"): result.weights}, index=names).round(4), placeholder="—")
            except InputError as error:
                show_problems(error)
                result = None
            if st.button(tr("ui.rules.ahp_use"), key="ahp_use", disabled=result is None or not result.consistent):
                for criterion, value in zip(weights, result.weights):
                    state[widget_key(f"w.{criterion}")] = round(float(value), 3)
                st.rerun()

# --- eligibility -------------------------------------------------------------------------------------------------
with eligibility_tab:
    put(
        elig,
        "require",
        st.multiselect(
            tr("ui.rules.require"),
            FLAGS,
            default=[f for f in elig.get("require", []) if f in FLAGS],
            format_func=header_of,
            key=widget_key("require"),
            placeholder=tr("ui.choose"),
        ),
        [],
    )
    st.caption(tr("ui.rules.bounds_help"))
    minimum, maximum = rule_editor([elig.get("min", {}), elig.get("max", {})], "bounds", "elig.bounds", NUMBERS)
    for name, bound in (("min", minimum), ("max", maximum)):
        put(elig, name, bound, {})
    if "debt_risk" in elig.get("exclude", {}) or "debt_risk" in frame:
        levels = st.multiselect(
            tr("ui.rules.exclude_debt"),
            ["低", "中", "高"],
            default=[str(v) for v in elig.get("exclude", {}).get("debt_risk", [])],
            key=widget_key("exclude_debt"),
            placeholder=tr("ui.choose"),
        )
        if levels or "debt_risk" in elig.get("exclude", {}):
            elig.setdefault("exclude", {})["debt_risk"] = levels
    put(
        elig,
        "exclude_upgraded",
        st.checkbox(tr("ui.rules.exclude_upgraded"), value=bool(elig.get("exclude_upgraded", False)), key=widget_key("upgraded")),
        False,
    )

# --- selection ---------------------------------------------------------------------------------------------------
with selection_tab:
    if "plan" in data:
        st.caption(tr("ui.rules.every_year"))
    left, right = st.columns(2)
    count = as_pair(sel.get("count", 0))
    sel["count"] = list(left.slider(tr("ui.rules.count"), 0, max(500, int(count[1]) * 2), (int(count[0]), int(count[1])), key=widget_key("count")))
    budget = right.number_input(
        tr("ui.rules.budget"),
        min_value=0.0,
        value=None if sel.get("budget") is None else float(sel["budget"]),
        step=1000.0,
        placeholder=tr("ui.rules.none"),
        key=widget_key("budget"),
    )
    set_or_drop(sel, "budget", budget)
    st.markdown(tr("ui.rules.quotas"))
    put(sel, "quota", rule_editor(sel.get("quota", []), "quota", "quota", FLAGS), [])
    st.markdown(tr("ui.rules.groups"))
    st.caption(tr("ui.rules.groups_help"))
    put(sel, "group", rule_editor(sel.get("group", []), "group", "group", GROUP_BY), [])
    left, right = st.columns(2)
    put(
        sel,
        "must_include",
        id_list(left.text_area(tr("ui.rules.must_include"), "\n".join(sel.get("must_include", [])), key=widget_key("must_in"))),
        [],
    )
    put(
        sel,
        "must_exclude",
        id_list(right.text_area(tr("ui.rules.must_exclude"), "\n".join(sel.get("must_exclude", [])), key=widget_key("must_out"))),
        [],
    )

# --- demonstration belts -----------------------------------------------------------------------------------------
with belts_tab:
    st.caption(tr("ui.rules.belts_help"))
    spatial = toggled_section("spatial", tr("ui.rules.belts_on"), {"radius_km": 15, "weight": 0.02})
    if spatial is not None:
        left, right = st.columns(2)
        spatial["radius_km"] = left.number_input(
            tr("ui.rules.radius"), min_value=0.0, value=float(spatial.get("radius_km", 15)), step=1.0, key=widget_key("radius")
        )
        spatial["weight"] = right.number_input(
            tr("ui.rules.belt_weight"),
            min_value=0.0,
            value=float(spatial.get("weight", 0.0)),
            step=0.005,
            format="%.3f",
            key=widget_key("belt_weight"),
        )

# --- multi-year plan ---------------------------------------------------------------------------------------------
with plan_tab:
    st.caption(tr("ui.rules.plan_help"))
    plan = toggled_section("plan", tr("ui.rules.plan_on"), {"years": [2024, 2025, 2026, 2027, 2028], "funding": [0.6, 0.4]})
    if plan is not None:
        a, b, c = st.columns(3)
        years = plan.get("years") or [2024]
        first = a.number_input(tr("ui.rules.plan_first"), 2000, 2100, int(years[0]), key=widget_key("plan_first"))
        last = b.number_input(tr("ui.rules.plan_last"), 2000, 2100, int(years[-1]), key=widget_key("plan_last"))
        plan["years"] = list(range(int(first), int(last) + 1))
        put(
            plan,
            "discount",
            c.number_input(tr("ui.rules.discount"), 0.0, 0.99, float(plan.get("discount", 0.0)), 0.01, key=widget_key("discount")),
            0.0,
        )
        range_input(plan, "total", ("ui.rules.total_min", "ui.rules.total_max"), tr("ui.rules.none"))
        range_input(plan, "count_per_year", ("ui.rules.per_year_min", "ui.rules.per_year_max"), tr("ui.rules.as_selection"))
        a, b = st.columns(2)
        budget = number_text(plan.get("budget_per_year"))
        set_or_drop(
            plan,
            "budget_per_year",
            one_or_many(
                number_list(a.text_input(tr("ui.rules.plan_budget"), budget, placeholder=tr("ui.rules.as_selection"), key=widget_key("plan_budget")))
            ),
        )
        funding = number_text(plan.get("funding", [1.0]))
        put(plan, "funding", number_list(b.text_input(tr("ui.rules.funding"), funding, key=widget_key("funding"))), [1.0])
        locked = [y for y in plan.get("locked", []) if y in plan["years"]]
        put(
            plan,
            "locked",
            st.multiselect(tr("ui.rules.locked"), plan["years"], default=locked, key=widget_key("locked"), placeholder=tr("ui.choose")),
            [],
        )
        if not data.get("solver", {}).get("mip_gap"):
            st.info(tr("ui.rules.plan_gap_hint"))
        st.markdown(tr("ui.rules.plan_quotas"))
        put(plan, "quota", rule_editor(plan.get("quota", []), "quota", "plan.quota", FLAGS), [])
        put(plan, "group", rule_editor(plan.get("group", []), "group", "plan.group", GROUP_BY), [])

# --- solver ------------------------------------------------------------------------------------------------------
with solver_tab:
    solver = data.get("solver", {})
    a, b, c = st.columns(3)
    backend = solver.get("backend", "highs")
    put(
        solver,
        "backend",
        a.selectbox(
            tr("ui.rules.backend"),
            list(BACKENDS),
            list(BACKENDS).index(backend) if backend in BACKENDS else 0,
            format_func=BACKENDS.get,
            key=widget_key("backend"),
        ),
        "highs",
    )
    put(
        solver,
        "time_limit_s",
        b.number_input(
            tr("ui.rules.time_limit"), min_value=1.0, value=float(solver.get("time_limit_s", 60.0)), step=10.0, key=widget_key("time_limit")
        ),
        60.0,
    )
    put(
        solver,
        "mip_gap",
        c.number_input(
            tr("ui.rules.mip_gap"),
            min_value=0.0,
            max_value=0.5,
            value=float(solver.get("mip_gap", 0.0)),
            step=0.0001,
            format="%.4f",
            key=widget_key("mip_gap"),
        ),
        0.0,
    )
    st.caption(tr("ui.rules.solver_help"))
    if solver:
        data["solver"] = solver

# --- is it valid? ---------------------------------------------------------------------------------------------------
with file_box:
    st.download_button(tr("ui.rules.download"), scenario_text().encode("utf-8"), "情景.toml", key="scenario_download")
try:
    scores = scored(state["pool"].fingerprint, scenario_text(), state["pool"])  # binds the scenario to the pool
    st.success(tr("ui.rules.valid", eligible=int(scores.eligible.sum())))
except InputError as error:
    show_problems(error, tr("ui.rules.invalid"))
