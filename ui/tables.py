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


WIDEST = 600  # px: two thirds of the table at 1366 px (about 900 px beside the sidebar), the figures still in view


def text_width(values: pd.Series) -> int:
    """Pixels that show the longest of ``values`` whole in the table's 14 px font: a Chinese character is as wide as
    the font is high, a Latin letter or digit about half; plus the cell's padding; at most ``WIDEST``."""
    longest = max((sum(14 if ord(c) > 0x2E7F else 8 for c in str(v)) for v in values), default=0)
    return min(longest + 24, WIDEST)


def show(frame: pd.DataFrame, height: int | str = "auto", wide: tuple[str, ...] = (), pinned: tuple[str, ...] = (), **kwargs) -> None:
    """``wide``: text columns as wide as their longest sentence (up to ``WIDEST``), so it reads at 1366 px without
    opening the cell; ``pinned``: columns kept in view while the table scrolls sideways (the village's name)."""
    config = column_formats(frame)
    config |= {name: st.column_config.TextColumn(width=text_width(frame[name])) for name in wide if name in frame}
    config |= {name: st.column_config.TextColumn(pinned=True) for name in pinned if name in frame}
    st.dataframe(frame, hide_index=True, width="stretch", placeholder="—", height=height, row_height=ROW_HEIGHT, column_config=config, **kwargs)
