"""规则与权重: every part of the scenario as widgets bound to the workspace (ui/fields.py): each shows the value the
session holds and writes back what the user sets, in its callback. Leaving the page, switching language or
reloading changes nothing; loading a scenario file starts a new generation of widgets showing that file."""

import pandas as pd
import streamlit as st

from baicun.pipeline import entropy_suggestion
from contract.columns import CATALOGUE, header_of
from contract.errors import InputError
from scoring.score import judgement_matrix
from scoring.weights import ahp, direct
from ui.fields import bound, get, key, put, rule_table
from ui.forms import as_pair, bounds_from_rows, bounds_rows, id_list, number_list, number_text, one_or_many, rule_rows, rules_from_rows
from ui.funnel import show_funnel
from ui.state import (
    heading,
    inputs,
    load_scenario_text,
    page_top,
    pool,
    save,
    scenario,
    scenario_text,
    scored,
    show_problems,
    tr,
    ws,
)

state = st.session_state
page_top("rules")
frame = pool().frame
FLAGS = [c.key for c in CATALOGUE if c.kind == "flag" and c.key in frame]
NUMBERS = [c.key for c in CATALOGUE if c.numeric and c.key in frame]
GROUP_BY = [k for k in ("province", "city", "county", "township") if k in frame]
HEADER_KEYS = {c.zh: c.key for c in CATALOGUE}
BACKENDS = {"highs": "HiGHS", "cbc": "CBC", "cpsat": "OR-Tools CP-SAT"}
NORMALIZE = ("minmax", "zscore", "rank", "none")


def labels(keys: list[str]):
    """Chinese headers for a table's choice column, and the way back to column keys: a label not in the list goes
    to the schema as its catalogue key (a column this pool lacks) or as typed, and the schema reports it."""
    back = {header_of(k): k for k in keys}
    return [header_of(k) for k in keys], lambda label: back.get(label, HEADER_KEYS.get(label, label))


def rules_editor(name: str, kind: str, path: tuple, choices: list[str]) -> None:
    """A table of quota / group rules at ``path`` that a person can add to, change and delete."""
    options, key_of = labels(choices)
    choice, *numbers = ("flag", "min", "max") if kind == "quota" else ("by", "min", "max", "share_low", "share_high")

    def store(rows: list[dict]) -> None:
        rules = rules_from_rows(rows, kind, key_of)
        put(path, rules if rules or get(path) is not None else None)

    config = {choice: st.column_config.SelectboxColumn(tr(f"ui.rules.col.{kind}"), options=options, required=True)}
    config |= {c: st.column_config.NumberColumn(tr(f"ui.rules.col.{c}")) for c in numbers}
    rule_table(name, kind, lambda: rule_rows(get(path, []), kind, header_of), store, config, tr("ui.rules.none"))


def thresholds_editor() -> None:
    """Eligibility thresholds (column, at least, at most) as one table."""
    options, key_of = labels(NUMBERS)

    def store(rows: list[dict]) -> None:
        minimum, maximum = bounds_from_rows(rows, key_of)
        for side, values in (("min", minimum), ("max", maximum)):
            put(("eligibility", side), values if values or get(("eligibility", side)) is not None else None)

    config = {"column": st.column_config.SelectboxColumn(tr("ui.rules.col.bounds"), options=options, required=True)}
    config |= {c: st.column_config.NumberColumn(tr(f"ui.rules.col.{c}")) for c in ("min", "max")}
    initial = lambda: bounds_rows(get(("eligibility", "min"), {}), get(("eligibility", "max"), {}), header_of)  # noqa: E731
    rule_table("eligibility.bounds", "bounds", initial, store, config, tr("ui.rules.none"))


def section_switch(name: str, label: str, defaults: dict) -> bool:
    """An optional table (``[plan]``, ``[spatial]``): switched off it leaves the scenario and waits in the workspace,
    so switching it back on restores what was typed."""
    switch = key(f"{name}.on")

    def commit() -> None:
        stash = ws()["stash"]
        if state[switch]:
            scenario()[name] = stash.pop(name, None) or defaults
        elif name in scenario():
            stash[name] = scenario().pop(name)
        save()

    return st.toggle(label, value=name in scenario(), key=switch, on_change=commit)


def pair_inputs(path: tuple, codes: tuple[str, str], placeholder: str) -> None:
    """An optional [min, max] pair; both left blank, it leaves the scenario and its default applies."""
    left, right = st.columns(2)
    for column, side, code in ((left, 0, codes[0]), (right, 1, codes[1])):

        def keep(value, side=side):
            pair = as_pair(get(path))
            pair[side] = value
            return None if pair == [None, None] else pair

        with column:
            bound(
                st.number_input,
                tr(code),
                path,
                show=lambda v, side=side: as_pair(v)[side],
                keep=keep,
                name=f"{'.'.join(path)}.{side}",
                min_value=0,
                placeholder=placeholder,
            )


def set_weights(values: dict[str, float]) -> None:
    """New weights from a button (entropy, AHP): written in the button's callback, before any slider exists, and
    the sliders start afresh from them."""
    scenario()["scoring"]["weights"] = {c: round(float(v), 3) for c, v in values.items()}
    ws()["tables"]["weights#version"] = ws()["tables"].get("weights#version", 0) + 1
    save()


# --- the scenario file --------------------------------------------------------------------------------------------
with st.expander(tr("ui.rules.toml"), expanded=False):

    def load_file() -> None:
        upload = state.get("scenario_upload")
        if upload is None:
            return
        try:
            load_scenario_text(upload.getvalue().decode("utf-8-sig", errors="replace"), upload.name)
            state["scenario_message"] = ("ok", upload.name)
        except InputError as error:
            state["scenario_message"] = ("error", error)

    st.file_uploader(tr("ui.rules.upload"), type=["toml"], key="scenario_upload", on_change=load_file)
    message = state.get("scenario_message")
    if message and message[0] == "ok":
        st.success(tr("ui.rules.loaded", name=scenario().get("name", "")))
    elif message:
        show_problems(message[1])
    st.download_button(tr("ui.rules.download"), scenario_text().encode("utf-8"), ws()["loaded_name"], key="scenario_download")

bound(st.text_input, tr("ui.rules.name"), ("name",), default="")
weights_tab, eligibility_tab, selection_tab, belts_tab, plan_tab, solver_tab = st.tabs(
    [tr(f"ui.rules.tab.{t}") for t in ("weights", "eligibility", "selection", "belts", "plan", "solver")]
)

# --- weights ---------------------------------------------------------------------------------------------------
with weights_tab:
    bound(
        st.selectbox,
        tr("ui.rules.normalize"),
        ("scoring", "normalize"),
        default="minmax",
        value_arg="index",
        show=NORMALIZE.index,
        options=NORMALIZE,
        format_func={m: tr(f"ui.rules.normalize.{m}") for m in NORMALIZE}.get,
    )
    weights = get(("scoring", "weights"))
    if not weights:
        st.info(tr("ui.rules.weights_other"))
        if st.button(tr("ui.rules.weights_direct"), key="weights_direct"):
            try:
                used = scored(pool().fingerprint, scenario_text(), ws()["loaded_name"], pool()).weights.values
                for method in ("ahp", "entropy", "dimensions"):
                    scenario()["scoring"].pop(method, None)
                set_weights(used)
                st.rerun()
            except InputError as error:
                show_problems(error)
    else:
        st.caption(tr("ui.rules.weights_help"))
        left, right = st.columns([3, 2])
        version = ws()["tables"].get("weights#version", 0)
        with left:
            for criterion in list(weights):
                bound(
                    st.slider,
                    heading(criterion),
                    ("scoring", "weights", criterion),
                    name=f"w.{version}.{criterion}",
                    show=float,
                    keep=lambda value: round(value, 6),  # the slider's steps are 0.005: 0.4, not 0.40000000000000002
                    min_value=0.0,
                    max_value=1.0,
                    step=0.005,
                    format="%.3f",
                )
        used = direct(get(("scoring", "weights")))
        # a static table (not a grid): readable on a projector, and its text is on the page for assistive tools and tests
        right.table(pd.DataFrame({tr("ui.rules.used_weights"): used.values}).rename(index=heading).map(lambda v: f"{v:.4f}"))

        def use_entropy() -> None:
            try:
                set_weights(entropy_suggestion(inputs()))
            except InputError as error:
                state["weights_problem"] = error

        right.button(tr("ui.rules.entropy"), key="entropy", on_click=use_entropy)
        if state.get("weights_problem") is not None:
            show_problems(state.pop("weights_problem"))
        with st.expander(tr("ui.rules.ahp")):
            st.caption(tr("ui.rules.ahp_help"))
            names = [heading(c) for c in weights]
            table = st.data_editor(pd.DataFrame("1", index=names, columns=names), key=key("ahp"), width="stretch")
            try:
                result = ahp(judgement_matrix(table.values.tolist(), names))
                verdict = tr("ui.rules.ahp_ok") if result.consistent else tr("ui.rules.ahp_bad")
                st.write(tr("ui.rules.ahp_result", cr=result.cr, verdict=verdict))
                st.dataframe(pd.DataFrame({tr("ui.rules.used_weights"): result.weights}, index=names).round(4), placeholder="—")
            except InputError as error:
                show_problems(error)
                result = None
            st.button(
                tr("ui.rules.ahp_use"),
                key="ahp_use",
                disabled=result is None or not result.consistent,
                on_click=lambda: set_weights(dict(zip(weights, result.weights))),
            )

# --- eligibility -------------------------------------------------------------------------------------------------
with eligibility_tab:
    bound(
        st.multiselect,
        tr("ui.rules.require"),
        ("eligibility", "require"),
        default=[],
        value_arg="default",
        show=lambda v: [f for f in v if f in FLAGS],
        options=FLAGS,
        format_func=header_of,  # one label in both languages: a choice keeps its value across a language switch
        placeholder=tr("ui.choose"),
    )
    st.caption(tr("ui.rules.bounds_help"))
    thresholds_editor()
    if "debt_risk" in frame or get(("eligibility", "exclude", "debt_risk")) is not None:
        bound(
            st.multiselect,
            tr("ui.rules.exclude_debt"),
            ("eligibility", "exclude", "debt_risk"),
            default=[],
            value_arg="default",
            show=lambda v: [str(x) for x in v],
            options=["低", "中", "高"],
            placeholder=tr("ui.choose"),
        )
    bound(st.checkbox, tr("ui.rules.exclude_upgraded"), ("eligibility", "exclude_upgraded"), default=False, show=bool)

# --- selection ---------------------------------------------------------------------------------------------------
with selection_tab:
    if "plan" in scenario():
        st.caption(tr("ui.rules.every_year"))
    left, right = st.columns(2)
    count = as_pair(get(("selection", "count"), 0))
    with left:
        bound(
            st.slider,
            tr("ui.rules.count"),
            ("selection", "count"),
            show=lambda v: tuple(int(x) for x in as_pair(v or 0)),
            keep=list,
            min_value=0,
            max_value=max(500, int(count[1]) * 2),
        )
    with right:
        bound(
            st.number_input,
            tr("ui.rules.budget"),
            ("selection", "budget"),
            show=lambda v: None if v is None else float(v),
            min_value=0.0,
            step=1000.0,
            format="%.1f",
            placeholder=tr("ui.rules.none"),
        )
        if get(("selection", "budget")) is not None:
            st.caption(tr("ui.rules.amount", amount=f"{get(('selection', 'budget')):,.1f}"))
    st.markdown(tr("ui.rules.quotas"))
    rules_editor("selection.quota", "quota", ("selection", "quota"), FLAGS)
    st.markdown(tr("ui.rules.groups"))
    st.caption(tr("ui.rules.groups_help"))
    rules_editor("selection.group", "group", ("selection", "group"), GROUP_BY)
    left, right = st.columns(2)
    for column, name in ((left, "must_include"), (right, "must_exclude")):
        with column:
            bound(
                st.text_area,
                tr(f"ui.rules.{name}"),
                ("selection", name),
                default=[],
                show="\n".join,
                keep=lambda text, name=name: id_list(text) or (None if get(("selection", name)) is None else []),
            )

# --- demonstration belts -----------------------------------------------------------------------------------------
with belts_tab:
    st.caption(tr("ui.rules.belts_help"))
    if section_switch("spatial", tr("ui.rules.belts_on"), {"radius_km": 15, "weight": 0.02}):
        left, right = st.columns(2)
        with left:
            bound(st.number_input, tr("ui.rules.radius"), ("spatial", "radius_km"), default=15, show=float, min_value=0.0, step=1.0)
        with right:
            bound(
                st.number_input, tr("ui.rules.belt_weight"), ("spatial", "weight"), default=0.0, show=float, min_value=0.0, step=0.005, format="%.3f"
            )

# --- multi-year plan ---------------------------------------------------------------------------------------------
with plan_tab:
    st.caption(tr("ui.rules.plan_help"))
    if section_switch("plan", tr("ui.rules.plan_on"), {"years": [2024, 2025, 2026, 2027, 2028], "funding": [0.6, 0.4]}):
        a, b, c = st.columns(3)
        for column, end, code in ((a, 0, "ui.rules.plan_first"), (b, -1, "ui.rules.plan_last")):

            def keep_years(value, end=end):
                years = get(("plan", "years")) or [int(value)]
                first, last = (int(value), years[-1]) if end == 0 else (years[0], int(value))
                return list(range(first, last + 1))

            with column:
                bound(
                    st.number_input,
                    tr(code),
                    ("plan", "years"),
                    name=f"plan.years.{end}",
                    show=lambda v, end=end: int((v or [2024])[end]),
                    keep=keep_years,
                    min_value=2000,
                    max_value=2100,
                )
        with c:
            bound(st.number_input, tr("ui.rules.discount"), ("plan", "discount"), default=0.0, show=float, min_value=0.0, max_value=0.99, step=0.01)
        pair_inputs(("plan", "total"), ("ui.rules.total_min", "ui.rules.total_max"), tr("ui.rules.none"))
        pair_inputs(("plan", "count_per_year"), ("ui.rules.per_year_min", "ui.rules.per_year_max"), tr("ui.rules.as_selection"))
        a, b = st.columns(2)
        with a:
            bound(
                st.text_input,
                tr("ui.rules.plan_budget"),
                ("plan", "budget_per_year"),
                show=number_text,
                keep=lambda text: one_or_many(number_list(text)),
                placeholder=tr("ui.rules.as_selection"),
            )
        with b:
            bound(st.text_input, tr("ui.rules.funding"), ("plan", "funding"), default=[1.0], show=number_text, keep=number_list)
        years = get(("plan", "years")) or []
        bound(
            st.multiselect,
            tr("ui.rules.locked"),
            ("plan", "locked"),
            default=[],
            value_arg="default",
            show=lambda v: [y for y in v if y in years],
            options=years,
            placeholder=tr("ui.choose"),
        )
        if not get(("solver", "mip_gap")):
            st.info(tr("ui.rules.plan_gap_hint"))
        st.markdown(tr("ui.rules.plan_quotas"))
        rules_editor("plan.quota", "quota", ("plan", "quota"), FLAGS)
        rules_editor("plan.group", "group", ("plan", "group"), GROUP_BY)

# --- solver ------------------------------------------------------------------------------------------------------
with solver_tab:
    a, b, c = st.columns(3)
    with a:
        bound(
            st.selectbox,
            tr("ui.rules.backend"),
            ("solver", "backend"),
            default="highs",
            value_arg="index",
            show=lambda v: list(BACKENDS).index(v) if v in BACKENDS else 0,
            options=list(BACKENDS),
            format_func=BACKENDS.get,
        )
    with b:
        bound(st.number_input, tr("ui.rules.time_limit"), ("solver", "time_limit_s"), default=60.0, show=float, min_value=1.0, step=10.0)
    with c:
        bound(
            st.number_input,
            tr("ui.rules.mip_gap"),
            ("solver", "mip_gap"),
            default=0.0,
            show=float,
            min_value=0.0,
            max_value=0.5,
            step=0.0001,
            format="%.4f",
        )
    st.caption(tr("ui.rules.solver_help"))

# --- is it valid? ---------------------------------------------------------------------------------------------------
try:
    scores = scored(pool().fingerprint, scenario_text(), ws()["loaded_name"], pool())  # binds the scenario to the pool
    st.success(tr("ui.rules.valid", eligible=int(scores.eligible.sum())))
    show_funnel("rules")
except InputError as error:
    show_problems(error, tr("ui.rules.invalid"))
