"""百村遴选 — the Streamlit app: ``streamlit run app.py`` (or ``baicun app``).

A router and the shared frame only: language, the 示例数据 label, the pool, the scenario with what the session
changed in it, and the stored runs to reopen. Each page in ``ui/pages`` is thin and calls the same pipeline
functions as the command line (through ``ui.state``). Offline: the favicon is a local file, no page icon is
fetched from the internet.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from report.changes import change_lines, ordered  # noqa: E402
from ui import style  # noqa: E402
from ui.signin import sign_in_form  # noqa: E402
from ui.state import (  # noqa: E402
    account,
    can,
    changes,
    end_session,
    lang,
    language_switch,
    open_run,
    pool,
    run_name,
    scenario,
    server_mode,
    set_lang,
    signed_in,
    start_session,
    stored_runs,
    tr,
    ws,
)

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
# What each role reaches (store.access.ALLOWED says what it may do; ui.state refuses the rest on the server).
ROLE_PAGES = {"panel": None, "viewer": ("data", "results", "compare", "county"), "county": ("county",)}

st.set_page_config(page_title="百村遴选", page_icon=str(ROOT / "ui" / "favicon.png"), layout="wide")
style.apply()
if not signed_in():
    sign_in_form()
    st.stop()
start_session()


def province_sidebar() -> None:
    """The session's pool, scenario with its changes and the stored runs to reopen (never for a county user)."""
    st.caption(tr("ui.pool_caption", file=ws()["pool_name"], villages=pool().size))
    edited = changes()
    st.markdown(tr("ui.scenario_caption", name=scenario().get("name", "")) + (" · **" + tr("ui.modified") + "**" if edited else ""))
    if edited:
        with st.expander(tr("ui.changes", count=len(edited))):
            for line in change_lines(ordered(edited), scenario(), lang()):
                st.text(line)
    runs = stored_runs()
    if runs:

        def reopen() -> None:
            open_run(st.session_state["open_run"])

        st.selectbox(
            tr("ui.open_run"),
            [r.id for r in runs],
            index=None,
            format_func={r.id: run_name(r) for r in runs}.get,
            key="open_run",
            on_change=reopen,
            placeholder=tr("ui.choose"),
        )


with st.sidebar:
    st.title(tr("ui.title"))
    language_switch("language_choice", lang(), lambda: set_lang(st.session_state["language_choice"]))
    if server_mode():
        who = account()
        st.caption(tr("ui.access.who", name=who.name, role=tr(f"role.{who.role}"), county=f" {who.county}" if who.county else ""))
        st.button(tr("ui.access.sign_out"), key="sign_out", on_click=end_session)
    if can("province"):
        province_sidebar()

shown = ROLE_PAGES[account().role] or [key for key, _, _ in PAGES]
first = shown[0]
page = st.navigation(
    [st.Page(ROOT / path, title=tr(f"ui.page.{key}"), icon=icon, url_path=key, default=key == first) for key, path, icon in PAGES if key in shown]
)
try:
    page.run()
except Exception as error:  # one page failing must never blank the app (Streamlit's rerun/stop are BaseException)
    logging.getLogger("baicun.app").exception("page failed")
    st.error(tr("ui.page_error", detail=f"{type(error).__name__}: {error}"))
