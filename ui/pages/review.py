"""专家评审: upload the experts' score sheets (and the panel list), choose the rule, see agreement and outliers,
and apply the aggregate to the session's pool — the same calls as ``baicun review aggregate``."""

import tempfile
from pathlib import Path

import streamlit as st

from baicun.pipeline import panel_weights, review_agreement, reviewed
from contract.errors import InputError
from contract.scenario import ReviewRules, parse_scenario
from report.review import aspects_table, disagreements_table, excluded_table, experts_table, provenance_table, weights_table, write_review_report
from ui.state import ROOT, lang, page_top, scenario_text, show_problems, tr

RULES = ("trimmed_mean", "mean", "median")
state = st.session_state
page_top("review")
st.caption(tr("ui.review.intro"))

defaults = state["scenario"].get("review", {})
sheets = st.file_uploader(tr("ui.review.sheets"), type=["xlsx", "csv"], accept_multiple_files=True, key="review_sheets")
panel = st.file_uploader(tr("ui.review.panel"), type=["xlsx", "csv"], key="review_panel")
left, right = st.columns(2)
rule = left.selectbox(
    tr("ui.review.rule"),
    RULES,
    index=RULES.index(defaults.get("rule", "trimmed_mean")),
    format_func=lambda r: tr(f"review.rule.{r}"),
    key="review_rule",
)
standardize = right.checkbox(tr("ui.review.standardize"), value=bool(defaults.get("standardize", False)), key="review_standardize")


def _saved(folder: Path, upload) -> Path:
    path = folder / Path(upload.name).name  # the user's file name appears in every message
    path.write_bytes(upload.getvalue())
    return path


if st.button(tr("ui.review.run"), type="primary", key="review_run", disabled=not sheets):
    pool = state["pool"]
    rules = ReviewRules(**{k: v for k, v in defaults.items() if k in ReviewRules.model_fields and k not in ("sheets", "panel")})
    rules = rules.model_copy(update={"rule": rule, "standardize": standardize})
    loaded = parse_scenario(scenario_text(), source="scenario.toml", folder=ROOT / "scenarios")
    with tempfile.TemporaryDirectory() as folder, st.spinner(tr("ui.review.working")):
        try:
            paths = [_saved(Path(folder), s) for s in sheets]
            panel_path = _saved(Path(folder), panel) if panel is not None else None
            new_pool, result = reviewed(loaded, pool, paths, panel_path, rules)
            weights = panel_weights(paths, loaded)
            agreement = review_agreement(result, rules)
            report = Path(folder) / "评审报告.xlsx"
            write_review_report(report, pool, result, agreement, weights, lang())
            state["review"] = {"base": pool.fingerprint, "pool": new_pool, "result": result, "agreement": agreement, "weights": weights}
            state["review_report"] = report.read_bytes()
            state.pop("review_error", None)
        except InputError as error:
            state.pop("review", None)
            state["review_error"] = error

if state.get("review_error") is not None:
    show_problems(state["review_error"])
found = state.get("review")
if found is not None and found["base"] == state["pool"].fingerprint:
    result, agreement, weights = found["result"], found["agreement"], found["weights"]
    if agreement.outliers:
        st.warning(tr("ui.review.outliers", experts="、".join(agreement.outliers), limit=agreement.threshold))
    else:
        st.success(tr("ui.review.no_outlier", limit=agreement.threshold))
    st.dataframe(provenance_table(result, lang()), hide_index=True, width="stretch", placeholder="—")
    st.subheader(tr("rv.sheet_aspects"))
    st.dataframe(aspects_table(agreement, lang()), hide_index=True, width="stretch", placeholder="—")
    st.subheader(tr("rv.sheet_experts"))
    st.dataframe(experts_table(result, agreement, weights, lang()), hide_index=True, width="stretch", placeholder="—")
    st.subheader(tr("rv.sheet_excluded"))
    st.dataframe(excluded_table(state["pool"], result, lang()), hide_index=True, width="stretch", placeholder="—", height=300)
    st.subheader(tr("rv.sheet_disagree"))
    st.dataframe(disagreements_table(state["pool"], result, lang()), hide_index=True, width="stretch", placeholder="—")
    if weights is not None:
        st.subheader(tr("rv.sheet_weights"))
        st.dataframe(weights_table(weights, lang()), hide_index=True, width="stretch", placeholder="—")
    left, right = st.columns(2)
    left.download_button(tr("ui.review.download"), state["review_report"], "评审报告.xlsx", key="review_download")
    if right.button(tr("ui.review.apply"), key="review_apply"):
        state["pool"] = found["pool"]
        state["review_applied"] = tr("ui.review.applied", villages=len(result.values), rule=tr(f"review.rule.{result.rule}"))
        state.pop("review", None)
        st.rerun()  # the sidebar, drawn before this page, names the pool in use
if state.get("review_applied"):
    st.success(state["review_applied"])
