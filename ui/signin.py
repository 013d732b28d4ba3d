"""The sign-in form of a shared server (``baicun serve``): a name and a password, checked by ``ui.state`` against
the database (argon2id hashes, lock-out after repeated failures, every attempt audited)."""

from __future__ import annotations

import datetime
import math

import streamlit as st

from ui.state import LANGUAGES, language_switch, tr, try_sign_in


def pre_lang() -> str:
    """The sign-in page's language: chosen on the form, kept in the address (``?lang=``) so a reload keeps it."""
    state = st.session_state
    if "pre_lang" not in state and st.query_params.get("lang") in LANGUAGES:
        state["pre_lang"] = st.query_params["lang"]
    return state.get("pre_lang", "zh")


def _choose_language() -> None:
    st.session_state["pre_lang"] = st.session_state["sign_in_language"]
    st.query_params["lang"] = st.session_state["pre_lang"]


def sign_in_form() -> None:
    """Name, password and the language the session starts in (kept as ``pre_lang`` until a workspace exists)."""
    pre_lang()  # before the first word is drawn
    st.title(tr("ui.title"))
    language_switch("sign_in_language", pre_lang(), _choose_language)
    with st.form("sign_in"):
        st.subheader(tr("ui.access.title"))
        name = st.text_input(tr("ui.access.name"), key="sign_in_name")
        password = st.text_input(tr("ui.access.password"), type="password", key="sign_in_password")
        submitted = st.form_submit_button(tr("ui.access.submit"), type="primary")
    if not submitted:
        return
    attempt = try_sign_in(name, password)
    if attempt.token:
        st.rerun()
    elif attempt.refusal == "locked":
        # minutes left, not a clock time: the server's clock and time zone need not be the reader's
        minutes = max(1, math.ceil((attempt.until - datetime.datetime.now()).total_seconds() / 60))
        st.error(tr("ui.access.locked", minutes=minutes))
    else:
        st.error(tr("ui.access.bad"))
