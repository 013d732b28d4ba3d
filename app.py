"""百村遴选 — the Streamlit app: ``streamlit run app.py`` (or ``baicun app``).

A router and the shared frame only: language switch, the 示例数据 label, pool and scenario captions. Each page in
``ui/pages`` is thin and calls the same pipeline functions as the command line (through ``ui.state``).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ui.state import lang, start_session, tr  # noqa: E402

# Material icons ship with Streamlit's frontend (no emoji font is needed on an intranet machine).
PAGES = (
    ("data", "ui/pages/data.py", ":material/upload_file:"),
    ("rules", "ui/pages/rules.py", ":material/tune:"),
    ("results", "ui/pages/results.py", ":material/checklist:"),
    ("compare", "ui/pages/compare.py", ":material/compare_arrows:"),
    ("robustness", "ui/pages/robustness.py", ":material/casino:"),
    ("county", "ui/pages/county.py", ":material/location_city:"),
    ("review", "ui/pages/review.py", ":material/groups:"),
)

st.set_page_config(page_title="百村遴选", layout="wide")
start_session()

with st.sidebar:
    choice = st.radio(tr("ui.language"), ["中文", "English"], index=0 if lang() == "zh" else 1, horizontal=True, key="language_choice")
    if {"中文": "zh", "English": "en"}[choice] != lang():
        st.session_state["lang"] = {"中文": "zh", "English": "en"}[choice]
        st.rerun()
    st.caption(tr("ui.pool_caption", file=st.session_state["pool"].source, villages=st.session_state["pool"].size))
    st.caption(tr("ui.scenario_caption", name=st.session_state["scenario"].get("name", "")))

root = Path(__file__).resolve().parent
page = st.navigation([st.Page(root / path, title=tr(f"ui.page.{key}"), icon=icon, url_path=key, default=key == "data") for key, path, icon in PAGES])
st.title(tr("ui.title"))
try:
    page.run()
except Exception as error:  # one page failing must never blank the app (Streamlit's rerun/stop are BaseException)
    logging.getLogger("baicun.app").exception("page failed")
    st.error(tr("ui.page_error", detail=f"{type(error).__name__}: {error}"))
