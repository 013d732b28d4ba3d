"""Turning one column of text cells into typed values, recording every cell that cannot be read.

Conversion only parses; value checks (ranges, uniqueness, required) run afterwards in ``pool.schema`` so that a
cell that cannot be parsed is reported once, as unparsable, and never hides a problem in another cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from contract.columns import DEBT_LEVELS, FLAG_SPELLINGS

_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
# A plain decimal ("12", "-3.5", ".5", "1e5"): pyarrow's cast and pandas' to_numeric read it as the same nearest
# double (checked on 300,000 random decimals), and the cast is 5–10× faster on a national pool's columns.
_DECIMAL = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


@dataclass(frozen=True)
class CellProblem:
    position: int
    code: str
    value: str


def _blank(cells: pd.Series) -> pd.Series:
    return cells.str.strip() == ""


def _numbers(cells: pd.Series, thousands: bool = False) -> pd.Series:
    text = cells.str.strip()
    if thousands and text.str.contains(",", regex=False).any():
        text = text.str.replace(r"(?<=\d),(?=\d{3})", "", regex=True)
    filled = text.notna() & (text != "")
    arrow = pa.array(text[filled], type=pa.string())
    if len(arrow) and pc.all(pc.match_substring_regex(arrow, _DECIMAL)).as_py():
        values = np.full(len(text), np.nan)
        values[filled.to_numpy()] = pc.cast(arrow, pa.float64()).to_numpy(zero_copy_only=False) + 0.0  # -0 reads as 0, as in pandas
        return pd.Series(values, index=cells.index)
    return pd.to_numeric(text.where(filled, None), errors="coerce").astype(float)


def _lookup(key: pd.Series, table: dict) -> pd.Series:
    """``key.map(table)`` looked up once per distinct value (a national pool's flag column has a handful of
    distinct spellings in 500,000 cells); values not in ``table`` are NaN."""
    codes, uniques = pd.factorize(key)
    found = pd.Series(uniques, dtype=object).map(table).to_numpy(dtype=object)
    values = np.append(found, np.nan)[codes]  # code −1 (a missing key) takes the appended NaN
    return pd.Series(values, index=key.index, dtype=object)


def _problems(mask: pd.Series, cells: pd.Series, code: str) -> list[CellProblem]:
    return [CellProblem(int(i), code, str(cells.iat[i]).strip()) for i in np.flatnonzero(mask.to_numpy())]


def convert_id(cells: pd.Series, numeric: pd.Series | None) -> tuple[pd.Series, list[CellProblem]]:
    text = cells.str.strip()
    scientific = text.str.match(_SCIENTIFIC.pattern)
    stored_as_number = (numeric if numeric is not None else pd.Series(False, index=cells.index)) & ~scientific
    problems = _problems(scientific, cells, "pool.id_scientific") + [_numeric_id(p) for p in _problems(stored_as_number, cells, "pool.id_numeric")]
    return text.where(~(scientific | stored_as_number) & (text != ""), None).astype(object), problems


def _numeric_id(problem: CellProblem) -> CellProblem:
    """What a code stored as a number risks, said truly for its value: fewer than 12 digits — its leading zeros
    may be gone; else nothing yet, but Excel shows it as 2.20102E+11 and a copy or a CSV saved from that loses the
    last digits. (A number of 16 digits or more reads as scientific notation, ``pool.id_scientific``.)"""
    code = "pool.id_numeric_short" if problem.value.isdigit() and len(problem.value) < 12 else "pool.id_numeric"
    return CellProblem(problem.position, code, problem.value)


def convert_text(cells: pd.Series) -> tuple[pd.Series, list[CellProblem]]:
    text = cells.str.strip()
    return text.where(text != "", None).astype(object), []


def convert_flag(cells: pd.Series) -> tuple[pd.Series, list[CellProblem]]:
    key = cells.str.strip().str.lower()
    values = _lookup(key, FLAG_SPELLINGS)
    return values.fillna(False).astype(bool), _problems(values.isna(), cells, "pool.bad_flag")


def convert_level(cells: pd.Series) -> tuple[pd.Series, list[CellProblem]]:
    key = cells.str.strip().str.replace(r"\.0$", "", regex=True)
    values = _lookup(key, DEBT_LEVELS).astype(float)
    return values, _problems(values.isna() & ~_blank(cells), cells, "pool.bad_level")


def convert_number(cells: pd.Series, thousands: bool = False) -> tuple[pd.Series, list[CellProblem]]:
    values = _numbers(cells, thousands)
    return values, _problems(values.isna() & ~_blank(cells), cells, "pool.not_number")


def convert_score(cells: pd.Series) -> tuple[pd.Series, list[CellProblem]]:
    """A 0–100 score; a percent typed as text ("66.2%") is reported as such, not as text in a number column."""
    values = _numbers(cells)
    unreadable = values.isna() & ~_blank(cells)
    percent = pd.Series(False, index=cells.index)
    if unreadable.any():
        percent[unreadable] = cells[unreadable].str.strip().str.fullmatch(r"[+-]?\d+(\.\d+)?\s*%").to_numpy(dtype=bool)
    return values, _problems(unreadable & percent, cells, "pool.percent_score") + _problems(unreadable & ~percent, cells, "pool.not_number")


def convert_integer(cells: pd.Series, thousands: bool = False) -> tuple[pd.Series, list[CellProblem]]:
    values, problems = convert_number(cells, thousands)
    fractional = values.notna() & (values != values.round())
    values = values.where(~fractional)
    return values, problems + _problems(fractional, cells, "pool.not_integer")


def convert_column(kind: str, cells: pd.Series, numeric: pd.Series | None = None) -> tuple[pd.Series, list[CellProblem]]:
    """Typed values of one column of the given kind (see ``contract.columns``) and the cells that could not be read."""
    if kind == "id":
        return convert_id(cells, numeric)
    if kind == "text":
        return convert_text(cells)
    if kind == "flag":
        return convert_flag(cells)
    if kind == "level":
        return convert_level(cells)
    if kind in ("year", "count"):
        return convert_integer(cells, thousands=kind == "count")
    if kind == "score":
        return convert_score(cells)
    return convert_number(cells, thousands=kind in ("amount", "cost"))


def infer_extra(cells: pd.Series) -> tuple[str, pd.Series]:
    """Kind and values of a column the catalogue does not know: number if every filled cell is one, else yes/no if
    every filled cell is a yes/no word (0/1 counts as a number), else text."""
    filled = cells[~_blank(cells)]
    if filled.empty:
        return "text", convert_text(cells)[0]
    numbers = _numbers(filled)
    if numbers.notna().all():
        return "number", _numbers(cells)
    if filled.str.strip().str.lower().isin([k for k in FLAG_SPELLINGS if k]).all():
        return "flag", convert_flag(cells)[0]
    return "text", convert_text(cells)[0]
