"""The sign-in form of a shared server (``baicun serve``): a name and a password, checked by ``ui.state`` against
the database (argon2id hashes, lock-out after repeated failures, every attempt audited)."""

from __future__ import annotations

import streamlit as st

from ui.state import tr, try_sign_in

LANGUAGES = {"zh": "中文", "en": "English"}


def sign_in_form() -> None:
    """Name, password and the language the session starts in (kept as ``pre_lang`` until a workspace exists)."""
    st.title(tr("ui.title"))
    st.radio(
        tr("ui.language"),
        list(LANGUAGES),
        index=list(LANGUAGES).index(st.session_state.get("pre_lang", "zh")),
        format_func=LANGUAGES.get,
        horizontal=True,
        key="sign_in_language",
        on_change=lambda: st.session_state.update(pre_lang=st.session_state["sign_in_language"]),
    )
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
        st.error(tr("ui.access.locked", until=attempt.until.strftime("%H:%M")))
    else:
        st.error(tr("ui.access.bad"))
