"""The app's own look, as static CSS written here (never user text): Streamlit's file-uploader strings in the
reader's language, compact key figures readable on a 1366×768 projector and at 150 % zoom."""

from __future__ import annotations

import json

import streamlit as st

from ui.state import tr


def apply() -> None:
    drop, limit, browse = (json.dumps(tr(code)) for code in ("ui.upload.drop", "ui.upload.limit", "ui.upload.browse"))
    st.html(
        f"""<style>
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0 !important; }}
[data-testid="stFileUploaderDropzoneInstructions"] div > span:first-child::after {{ content: {drop}; font-size: 1rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] div > small {{ font-size: 0 !important; }}
[data-testid="stFileUploaderDropzoneInstructions"] div > small::after {{ content: {limit}; font-size: 0.8rem; }}
[data-testid="stFileUploaderDropzone"] button {{ font-size: 0 !important; }}
[data-testid="stFileUploaderDropzone"] button::after {{ content: {browse}; font-size: 0.9rem; }}
[data-testid="stMetricValue"] {{ font-size: 1.6rem; white-space: normal; overflow-wrap: anywhere; }}
[data-testid="stMetricLabel"] p {{ white-space: normal; }}
</style>"""
    )
