"""Tables as a panel reads them: one number format per column — whole amounts with thousands separators, scores
and contributions with four decimals, ranks, counts and years as plain integers — and user text shown as text."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def column_formats(frame: pd.DataFrame) -> dict:
    config = {}
    for name in frame.columns:
        values = frame[name]
        if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            continue
        if pd.api.types.is_integer_dtype(values):
            config[name] = st.column_config.NumberColumn(format="%d")
        elif values.dropna().mod(1).eq(0).all() and values.abs().max() >= 1000:
            config[name] = st.column_config.NumberColumn(format="localized")
        else:
            config[name] = st.column_config.NumberColumn(format="%.4f")
    return config


ROW_HEIGHT = 30  # px; Streamlit's 35 shows only ~9 shortlist rows above the fold on a 1366×768 projector


def show(frame: pd.DataFrame, height: int | str = "auto", wide: tuple[str, ...] = (), **kwargs) -> None:
    """``wide``: text columns given the large width (a sentence readable at 1366 px without opening the cell)."""
    config = column_formats(frame) | {name: st.column_config.TextColumn(width="large") for name in wide if name in frame}
    st.dataframe(frame, hide_index=True, width="stretch", placeholder="—", height=height, row_height=ROW_HEIGHT, column_config=config, **kwargs)
