"""The app's own look, as static CSS written here (never user text): Streamlit's file-uploader strings in the
reader's language, compact key figures and page tops, so the answer and the first rows of the shortlist fit a 1366×768 projector
and read at 150 % zoom."""

from __future__ import annotations

import json

import streamlit as st

from ui.state import tr


def apply() -> None:
    st.html(css())


def css() -> str:
    """The style sheet, with Streamlit's uploader strings replaced by ours (as CSS strings: JSON's quoting, never
    ``\\uXXXX`` escapes, which CSS does not read). Only the empty uploader's browse button is relabelled: the
    buttons beside a chosen file (remove it, add another) are icons and stay so."""
    drop, limit, browse = (json.dumps(tr(code), ensure_ascii=False) for code in ("ui.upload.drop", "ui.upload.limit", "ui.upload.browse"))
    return f"""<style>
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0 !important; }}
[data-testid="stFileUploaderDropzoneInstructions"] div > span:first-child::after {{ content: {drop}; font-size: 1rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] div > small {{ font-size: 0 !important; }}
[data-testid="stFileUploaderDropzoneInstructions"] div > small::after {{ content: {limit}; font-size: 0.8rem; }}
[data-testid="stFileUploaderDropzone"] > span > button {{ font-size: 0 !important; white-space: nowrap; }}
[data-testid="stFileUploaderDropzone"] > span > button:not(:has(p))::after {{ content: {browse}; font-size: 0.9rem; }}
[data-testid="stFileUploaderDropzone"] > span > button p::after {{ content: {browse}; font-size: 0.9rem; }}
[data-testid="stFileUploaderDropzone"] > span > button [data-testid="stMarkdownContainer"] p {{ font-size: 0 !important; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div > span:only-child::after {{ content: {drop} " · " {limit}; font-size: 0.9rem; }}
[data-testid="stMetricValue"] {{ font-size: 1.6rem; white-space: normal; overflow-wrap: anywhere; }}
[data-testid="stMetricLabel"] p {{ white-space: normal; }}
[data-testid="stMainBlockContainer"] {{ padding-top: 3.9rem; padding-bottom: 2rem; }}
[data-testid="stAlertContainer"] {{ padding-top: 0.45rem; padding-bottom: 0.45rem; }}
[data-testid="stMainBlockContainer"] h3 {{ padding-top: 0.2rem; padding-bottom: 0.2rem; }}
</style>"""
