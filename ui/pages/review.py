"""专家评审: upload the experts' score sheets (and the panel list), choose the rule, see agreement and outliers,
and apply the aggregate to the session's pool — the same calls as ``baicun review aggregate``."""

import tempfile
from pathlib import Path

import streamlit as st

from baicun.pipeline import panel_weights, review_agreement, reviewed
from contract.errors import InputError
from contract.scenario import ReviewRules, parse_scenario
from report.review import (
    aspects_table,
    disagreements_table,
    excluded_table,
    experts_table,
    provenance_table,
    weights_table,
    write_review_report,
    write_reviewed_pool,
)
from report.sheets import written_bytes
from ui.state import ROOT, lang, page_top, pool, scenario, scenario_text, show_problems, tr, upload_pool, ws
from ui.tables import show

RULES = ("trimmed_mean", "mean", "median")
state = st.session_state
page_top("review")
st.caption(tr("ui.review.intro"))

defaults = scenario().get("review", {})
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
    the_pool = pool()
    rules = ReviewRules(**{k: v for k, v in defaults.items() if k in ReviewRules.model_fields and k not in ("sheets", "panel")})
    rules = rules.model_copy(update={"rule": rule, "standardize": standardize})
    loaded = parse_scenario(scenario_text(), source=ws()["loaded_name"], folder=ROOT / "scenarios")
    with tempfile.TemporaryDirectory() as folder, st.spinner(tr("ui.review.working")):
        try:
            paths = [_saved(Path(folder), s) for s in sheets]
            panel_path = _saved(Path(folder), panel) if panel is not None else None
            new_pool, result = reviewed(loaded, the_pool, paths, panel_path, rules)
            weights = panel_weights(paths, loaded)
            agreement = review_agreement(result, rules)
            report = Path(folder) / "评审报告.xlsx"
            write_review_report(report, the_pool, result, agreement, weights, lang())
            state["review"] = {"base": the_pool.fingerprint, "pool": new_pool, "result": result, "agreement": agreement, "weights": weights}
            state["review_report"] = report.read_bytes()
            state.pop("review_error", None)
        except InputError as error:
            state.pop("review", None)
            state["review_error"] = error

if state.get("review_error") is not None:
    show_problems(state["review_error"])
found = state.get("review")
if found is not None and found["base"] == pool().fingerprint:
    result, agreement, weights = found["result"], found["agreement"], found["weights"]
    if agreement.outliers:
        st.warning(tr("ui.review.outliers", experts="、".join(agreement.outliers), limit=agreement.threshold))
    else:
        st.success(tr("ui.review.no_outlier", limit=agreement.threshold))
    show(provenance_table(result, lang()))
    st.subheader(tr("rv.sheet_aspects"))
    show(aspects_table(agreement, lang()))
    st.subheader(tr("rv.sheet_experts"))
    show(experts_table(result, agreement, weights, lang()))
    st.subheader(tr("rv.sheet_excluded"))
    show(excluded_table(pool(), result, lang()), height=300)
    st.subheader(tr("rv.sheet_disagree"))
    show(disagreements_table(pool(), result, lang()))
    if weights is not None:
        st.subheader(tr("rv.sheet_weights"))
        show(weights_table(weights, lang()))
    left, right = st.columns(2)
    left.download_button(tr("ui.review.download"), state["review_report"], "评审报告.xlsx", key="review_download")
    if right.button(tr("ui.review.apply"), key="review_apply"):
        # the reviewed pool becomes the session's pool as a file, read back by the same reader: it survives a reload
        name = f"{Path(ws()['pool_name']).stem}_评审.xlsx"
        upload_pool(name, written_bytes(lambda path: write_reviewed_pool(path, found["pool"])))
        state["review_applied"] = tr("ui.review.applied", villages=len(result.values), rule=tr(f"review.rule.{result.rule}"))
        state.pop("review", None)
        st.rerun()  # the sidebar, drawn before this page, names the pool in use
if state.get("review_applied"):
    st.success(state["review_applied"])  # escaped: made by tr() when the aggregate was applied
