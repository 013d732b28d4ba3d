"""A validation report as a file a person can fix a pool from: one row per problem."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from contract.errors import InputError
from contract.texts import current_language


def problem_table(error: InputError, lang: str | None = None) -> pd.DataFrame:
    lang = lang or current_language()
    zh = lang == "zh"
    return pd.DataFrame(
        {
            ("行号" if zh else "row"): [p.row for p in error.problems],
            ("列" if zh else "column"): [p.column or "" for p in error.problems],
            ("内容" if zh else "value"): [p.value or "" for p in error.problems],
            ("问题" if zh else "problem"): [p.message(lang) for p in error.problems],
        }
    )


def write_problem_report(error: InputError, path: Path) -> None:
    """The report as .xlsx or .csv (``report.sheets``: text stays text — a cell's content that looks like a formula
    is quoted, never run)."""
    from report.sheets import excel_writer, write_csv_table, write_frame

    table = problem_table(error)
    if path.suffix.lower() == ".xlsx":
        with excel_writer(path) as writer:
            write_frame(writer, "Sheet1", table)
    else:
        write_csv_table(table, path)
