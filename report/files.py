"""Writing outputs: the Excel workbook of SPEC §5, the per-village CSV of SPEC §4, atomically.

Nothing is half-written: every file goes to a temporary name beside the target and is renamed into place only
when complete. Text can never become a formula: xlsxwriter writes every string as a string, and CSV text cells
that begin with = + - @, a tab or a carriage return are prefixed with an apostrophe (OWASP's CSV-injection rule).
"""

from __future__ import annotations

import io
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from analysis.outcome import Outcome
from contract.texts import SAMPLE_LABEL, t
from report.tables import attainment_table, distribution_table, later_tables, left_out_table, run_info, shortlist_table, village_table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


@contextmanager
def atomic_path(path: Path):
    """A temporary path in the target's folder, moved onto ``path`` only if the block finishes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    try:
        yield Path(temporary)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; a report is an ordinary file
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def defuse(value):
    """A text cell that a spreadsheet would run as a formula, made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(o: Outcome, path: Path, lang: str | None = None) -> None:
    table = village_table(o, lang)
    text_columns = table.select_dtypes(include=["object", "string"]).columns
    table[text_columns] = table[text_columns].map(defuse)
    with atomic_path(path) as temporary:
        table.to_csv(temporary, index=False, encoding="utf-8-sig")


def workbook_sheets(o: Outcome, lang: str | None = None) -> list[tuple[str, pd.DataFrame]]:
    """(sheet name, table) in the order a panel reads them."""
    sheets = [
        (t("sheet.shortlist", lang), shortlist_table(o, lang)),
        (t("sheet.by_city", lang), distribution_table(o, "city", lang)),
        (t("sheet.by_county", lang), distribution_table(o, "county", lang)),
        (t("sheet.rules", lang), attainment_table(o, lang)),
        (t("sheet.left_out", lang), left_out_table(o, lang)),
    ]
    sheets += later_tables(o, lang)
    sheets.append((t("sheet.run", lang), run_info(o, lang=lang)))
    return sheets


def write_xlsx(o: Outcome, path: Path, lang: str | None = None) -> None:
    """The workbook of SPEC §5 (the only builder: ``baicun solve --out`` and the app's download both use it)."""
    with atomic_path(path) as temporary:
        _build_workbook(o, temporary, lang)


def workbook_bytes(o: Outcome, lang: str | None = None) -> bytes:
    """The same workbook as ``write_xlsx``, in memory (the app's download)."""
    buffer = io.BytesIO()
    _build_workbook(o, buffer, lang)
    return buffer.getvalue()


def _build_workbook(o: Outcome, target, lang: str | None) -> None:
    name = o.inputs.loaded.scenario.name
    title = name if not o.inputs.pool.is_sample or SAMPLE_LABEL in name else f"{name}（{SAMPLE_LABEL}）"
    with pd.ExcelWriter(target, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}) as writer:
        book = writer.book
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
        banner = book.add_format({"bold": True, "font_size": 12, "font_color": "#C00000" if o.inputs.pool.is_sample else "#000000"})
        for name, table in workbook_sheets(o, lang):
            _write_sheet(writer, name[:31], table, f"{title} — {name}", header, banner)
        _write_scenario(writer, o, lang, header)


def _write_sheet(writer, name: str, table: pd.DataFrame, title: str, header, banner) -> None:
    table.to_excel(writer, sheet_name=name, index=False, startrow=2, header=False)
    sheet = writer.sheets[name]
    sheet.write_string(0, 0, title, banner)
    for column, label in enumerate(table.columns):
        sheet.write_string(1, column, str(label), header)
        sheet.set_column(column, column, _width(label, table.iloc[:, column]))
    sheet.freeze_panes(2, 0)
    if len(table.columns):
        sheet.autofilter(1, 0, 1 + len(table), len(table.columns) - 1)


def _write_scenario(writer, o: Outcome, lang, header) -> None:
    name = t("sheet.scenario", lang)
    lines = o.inputs.loaded.text.splitlines()
    sheet = writer.book.add_worksheet(name)
    sheet.write_string(0, 0, t("sheet.scenario_title", lang, file=o.inputs.loaded.source), header)
    for row, line in enumerate(lines, start=1):
        sheet.write_string(row, 0, line)
    sheet.set_column(0, 0, 110)


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _width(label, values: pd.Series) -> float:
    sample = values.head(200).map(str)
    longest = max([_display_width(str(label))] + [_display_width(v) for v in sample])
    return min(max(longest + 2, 8), 60)
