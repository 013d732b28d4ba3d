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
    table = problem_table(error)
    if path.suffix.lower() == ".xlsx":
        table.to_excel(path, index=False, engine="xlsxwriter")
    else:
        table.to_csv(path, index=False, encoding="utf-8-sig")
