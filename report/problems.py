"""A validation report as a file a person can fix a pool from: one row per problem."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from contract.errors import Problem
from contract.texts import current_language


def problem_table(problems: Sequence[Problem], lang: str | None = None) -> pd.DataFrame:
    """One row per problem (every row, however many the terminal groups); no problems: the header alone."""
    lang = lang or current_language()
    zh = lang == "zh"
    return pd.DataFrame(
        {
            ("行号" if zh else "row"): pd.Series([p.row for p in problems], dtype="Int64"),
            ("列" if zh else "column"): pd.Series([p.column or "" for p in problems], dtype=object),
            ("内容" if zh else "value"): pd.Series([p.value or "" for p in problems], dtype=object),
            ("问题" if zh else "problem"): pd.Series([p.message(lang) for p in problems], dtype=object),
        }
    )


def write_problem_report(problems: Sequence[Problem], path: Path) -> None:
    """The report as .xlsx or .csv, atomically (``report.sheets``: text stays text — a cell's content that looks like
    a formula is quoted, never run). A clean run writes it too, with no problem rows: the file always says what
    this run found, never what an earlier run left there."""
    from report.sheets import excel_writer, write_csv_table, write_frame

    table = problem_table(problems)
    if path.suffix.lower() == ".xlsx":
        with excel_writer(path) as writer:
            write_frame(writer, "Sheet1", table)
    else:
        write_csv_table(table, path)
