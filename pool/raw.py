"""Reading a pool file into a grid of text cells, before any column is interpreted.

Encodings are tried strictly in this order: UTF-8 (with or without BOM), GB18030 (a superset of GBK, which Excel
and WPS write on Chinese Windows), then charset-normalizer's detector; if none fits, the user is asked for
``--encoding``. Nothing is ever decoded with replacement characters.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from contract.columns import CATALOGUE
from contract.errors import InputError, Problem

_KNOWN_HEADERS = {c.zh for c in CATALOGUE} | {c.key for c in CATALOGUE}
_HEADER_SCAN_ROWS = 20


@dataclass(frozen=True)
class RawTable:
    """Header cells and data cells as text, with the Excel row number of the header."""

    header: list[str]
    cells: pd.DataFrame  # one column per header cell, all text ("" for blank)
    header_row: int
    numeric_cells: pd.DataFrame | None = None  # xlsx only: which cells Excel stored as numbers
    encoding: str | None = None
    sheet: str | None = None
    notices: list[Problem] = field(default_factory=list)

    def excel_row(self, position: int) -> int:
        return self.header_row + 1 + position


def normalize_header(text: str) -> str:
    """Header text as compared with the catalogue: no surrounding or full-width spaces, ASCII brackets."""
    text = str(text).replace("\u3000", " ").strip()
    text = text.replace("（", "(").replace("）", ")")
    return re.sub(r"\s*([()、])\s*", r"\1", text)


def _looks_like_header(row: list[str], known: frozenset[str] = frozenset()) -> bool:
    names = {normalize_header(c) for c in row if c}
    lowered = {n.lower() for n in names}
    return len((names | lowered) & (_KNOWN_HEADERS | known)) >= 2


def read_raw(path: Path, encoding: str | None = None, sheet: str | None = None, header_row: int = 1, known: frozenset[str] = frozenset()) -> RawTable:
    """The file's header and cells as text. ``known``: further header names (besides the pool's) that mark a header
    row, for tables that are not pools (an expert's score sheet, a panel list)."""
    file = path.name
    if not path.exists():
        raise InputError("pool.invalid", [Problem("pool.not_found", params={"file": str(path)})], file=file)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError("pool.invalid", [Problem("pool.xls_legacy")], file=file)
    if suffix not in (".csv", ".xlsx", ".xlsm", ".txt"):
        raise InputError("pool.invalid", [Problem("pool.bad_suffix", params={"suffix": suffix or "?"})], file=file)
    data = path.read_bytes()
    if not data.strip():
        raise InputError("pool.invalid", [Problem("pool.empty_file")], file=file)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data, file, sheet, header_row, known)
    text, used, notices = _decode(data, encoding, file)
    return _read_csv_text(text, file, header_row, used, notices, known)


# --- CSV --------------------------------------------------------------------------------------------------------


def _decode(data: bytes, encoding: str | None, file: str) -> tuple[str, str, list[Problem]]:
    if encoding:
        try:
            return data.decode(encoding), encoding, []
        except (UnicodeDecodeError, LookupError) as error:
            problem = Problem("pool.encoding_failed", params={"encoding": encoding, "detail": str(error)[:120]})
            raise InputError("pool.invalid", [problem], file=file) from None
    for candidate in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(candidate), candidate, []
        except UnicodeDecodeError:
            continue
    detected = _detect(data)
    if detected is None:
        raise InputError("pool.invalid", [Problem("pool.encoding_unknown")], file=file)
    return detected[0], detected[1], [Problem("pool.notice_encoding", params={"encoding": detected[1]})]


def _detect(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        return None
    text = str(best)
    # A "detection" that needs control characters to make sense is binary junk, not a pool.
    if sum(ch < " " and ch not in "\r\n\t" for ch in text) > 0:
        return None
    return text, best.encoding


def _read_csv_text(text: str, file: str, header_row: int, encoding: str, notices: list[Problem], known: frozenset[str] = frozenset()) -> RawTable:
    try:  # pandas' C parser with Arrow strings: a 500,000-row pool in seconds
        grid = pd.read_csv(io.StringIO(text), header=None, dtype="str", keep_default_na=False, na_filter=False, skip_blank_lines=False, engine="c")
        rows = None
    except (pd.errors.ParserError, ValueError):  # ragged rows: the csv module pads them
        grid = None
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as error:
            raise InputError("pool.invalid", [Problem("pool.csv_unparsable", params={"detail": str(error)})], file=file) from None
    if grid is not None:
        return _table_from_grid(grid.fillna(""), file, header_row, encoding=encoding, notices=notices, known=known)
    return _table_from_rows(rows, file, header_row, encoding=encoding, notices=notices, known=known)


# --- XLSX -------------------------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, file: str, sheet: str | None, header_row: int, known: frozenset[str] = frozenset()) -> RawTable:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise InputError("pool.invalid", [Problem("pool.unreadable_xlsx", params={"detail": type(error).__name__})], file=file) from None
    names = book.sheetnames
    if sheet is not None and sheet not in names:
        problem = Problem("pool.no_sheet", params={"sheet": sheet, "sheets": "、".join(names)})
        raise InputError("pool.invalid", [problem], file=file)
    chosen = sheet or names[0]
    grids = {name: _sheet_grid(book[name]) for name in names}
    book.close()
    values, numeric = grids[chosen]
    rows = [[_cell_text(v) for v in row] for row in values]
    if sheet is None and not _header_found(rows, known):
        other = next((n for n in names[1:] if _header_found([[_cell_text(v) for v in r] for r in grids[n][0]], known)), None)
        if other is not None:
            problem = Problem("pool.header_other_sheet", row=header_row, params={"sheet": chosen, "found": other})
            raise InputError("pool.invalid", [problem], file=file)
    return _table_from_rows(rows, file, header_row, numeric=numeric, sheet=chosen, known=known)


def _sheet_grid(worksheet) -> tuple[list[list], list[list[bool]]]:
    values = [list(row) for row in worksheet.iter_rows(values_only=True)]
    numeric = [[isinstance(v, (int, float)) and not isinstance(v, bool) for v in row] for row in values]
    return values, numeric


def _header_found(rows: list[list[str]], known: frozenset[str] = frozenset()) -> bool:
    return any(_looks_like_header(r, known) for r in rows[:_HEADER_SCAN_ROWS])


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


# --- shared: header detection and the cell grid ----------------------------------------------------------------


def _header(head: list[list[str]], header_row: int, file: str, known: frozenset[str] = frozenset()) -> list[str]:
    """The header row's cells, or an error saying where the header seems to be (a title row above it?)."""
    header = head[header_row - 1] if header_row - 1 < len(head) else []
    if not _looks_like_header(header, known):
        found = next((i + 1 for i, r in enumerate(head) if _looks_like_header(r, known)), None)
        code = "pool.header_elsewhere" if found else "pool.no_header"
        raise InputError("pool.invalid", [Problem(code, row=header_row, params={"found": found})], file=file)
    return header


def _table_from_grid(grid: pd.DataFrame, file: str, header_row: int, *, encoding=None, notices=None, known=frozenset()) -> RawTable:
    """A rectangular grid of text cells (as pandas parsed it) to a RawTable, without touching cells one by one."""
    if grid.empty or not (grid.apply(lambda c: c.str.strip()) != "").to_numpy().any():
        raise InputError("pool.invalid", [Problem("pool.empty_file")], file=file)
    head = [[str(v) for v in grid.iloc[i].tolist()] for i in range(min(_HEADER_SCAN_ROWS, len(grid)))]
    header = _header(head, header_row, file, known)
    cells = grid.iloc[header_row:].reset_index(drop=True)
    cells.columns = range(cells.shape[1])
    return RawTable([h.strip() for h in header], cells, header_row, None, encoding, None, notices or [])


def _table_from_rows(
    rows: list[list[str]],
    file: str,
    header_row: int,
    *,
    numeric: list[list[bool]] | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    notices: list[Problem] | None = None,
    known: frozenset[str] = frozenset(),
) -> RawTable:
    if not any(any(c.strip() for c in r) for r in rows):
        raise InputError("pool.invalid", [Problem("pool.empty_file")], file=file)
    header_index = header_row - 1
    header = _header(rows[:_HEADER_SCAN_ROWS], header_row, file, known)
    body = rows[header_index + 1 :]
    width = max([len(header)] + [len(r) for r in body])
    header = [h.strip() if isinstance(h, str) else "" for h in header] + [""] * (width - len(header))
    padded = [list(r) + [""] * (width - len(r)) for r in body]
    cells = pd.DataFrame(padded, columns=range(width), dtype=object).fillna("")
    numeric_cells = None
    if numeric is not None:
        flags = [list(r) + [False] * (width - len(r)) for r in numeric[header_index + 1 :]]
        numeric_cells = pd.DataFrame(flags, columns=range(width), dtype=bool) if flags else None
    return RawTable(header, cells, header_row, numeric_cells, encoding, sheet, notices or [])
