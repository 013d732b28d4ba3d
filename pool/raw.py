"""Reading a pool file into a grid of text cells, before any column is interpreted — as Excel and WPS show it.

Encodings of delimited text (.csv, .txt, .tsv) are tried strictly in this order: UTF-16 when the file starts with
its byte-order mark (Excel's "Unicode 文本"), UTF-8 (with or without BOM), GB18030 (a superset of GBK, which Excel
and WPS write on Chinese Windows), then charset-normalizer's detector; if none fits, the user is asked for
``--encoding``. A file that is mostly UTF-8 or GB18030 with some lines that are not (lines pasted in from a file
of the other encoding, or damaged bytes) is refused with those lines' rows (``_undecodable``), as is a file that
does not read as a given ``--encoding``. Nothing is ever decoded with replacement characters. The delimiter (comma, tab, semicolon or
vertical bar) is the one that splits a row into the most known headers.

Every cell and header goes through one normalisation (``clean_cells``), once, here: zero-width characters and
soft hyphens removed, NFKC (full-width letters, digits and brackets, ideographic and non-breaking spaces), and
Excel's text-forcing wrappers (``="00123"``, a leading ``'``) unwrapped; headers also lose line breaks. Where it
changed a cell, a notice says so (``pool.notice_normalised``).

Workbooks are read by ``pool.xlsx`` (limits, merged ranges, formulas without values, error values, percent
formats, hidden rows), whose findings come back as ``RawTable.issues`` (errors at a cell) and notices.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import datetime as _dt
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from contract.columns import CATALOGUE
from contract.errors import InputError, Problem, row_list
from pool.xlsx import SheetFacts, cell_ref, displayed_date, read_other_sheet_head, read_sheet, shows_only_the_year

_KNOWN_HEADERS = {c.zh for c in CATALOGUE} | {c.key for c in CATALOGUE} | {a for c in CATALOGUE for a in c.aliases}
_HEADER_SCAN_ROWS = 20
DELIMITED = (".csv", ".txt", ".tsv")
WORKBOOKS = (".xlsx", ".xlsm")

_INVISIBLE = "[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]"
# Characters NFKC leaves alone or that are common in pools: a column holding only these needs no normalisation.
_PLAIN = "[^\t\n\r\x20-\x7e\u3001-\u3035\u303b-\u303f\u3400-\u4dbf\u4e00-\u9fff\u00b7\u00d7\u2010\u2012-\u2016\u2018-\u2023\u2027\u221a\u2713\u2717]"
_WRAPPED = r'^\s*="(.*)"\s*$'
_SUSPECT = re.compile(_PLAIN + "|^'|" + r'^\s*="')
_PLAIN_IN_TEXT = re.compile(_PLAIN)  # anywhere in a delimited file (``_suspect_text``)
_QUOTE_IN_TEXT = re.compile("(?:^|[,\t;|])\\s*['=]", re.M)


@dataclass(frozen=True)
class CellIssue:
    """Something wrong with one cell found while reading (an Excel error value, a formula without a saved
    value, a merged range, a percent format): Excel row, 0-based column index, message code."""

    row: int
    column: int
    code: str
    value: str = ""
    params: dict = field(default_factory=dict)


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
    issues: list[CellIssue] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # Excel rows, 0-based columns
    percent: frozenset = frozenset()  # (Excel row, column index) of cells formatted as percent
    changed: pd.DataFrame | None = None  # which cells the normalisation changed
    digest: str | None = None  # SHA-256 of the file's bytes and of how they were read (``file_digest``)
    dates: dict = field(default_factory=dict)  # xlsx: (Excel row, column index) of a cell stored as a date -> as displayed

    def excel_row(self, position: int) -> int:
        return self.header_row + 1 + position


def clean_cells(cells: pd.Series) -> pd.Series:
    """One column of text cells as the user typed them (see the module docstring); only cells that hold a
    character outside the plain set are touched, so a clean column costs one scan."""
    text = cells.astype("str")
    # three simple tests: Arrow runs each in C, while one pattern with alternatives falls back to Python
    suspect = text.str.contains(_PLAIN, regex=True) | text.str.startswith("'") | text.str.lstrip().str.startswith("=")
    if not suspect.any():
        return text
    fixed = text[suspect].str.replace(_INVISIBLE, "", regex=True).str.normalize("NFKC")
    fixed = fixed.str.replace(_WRAPPED, r"\1", regex=True).str.replace(r"^'", "", regex=True)
    out = text.copy()
    out[suspect] = fixed
    return out


def clean_text(text: str) -> str:
    """``clean_cells`` for one string."""
    if not _SUSPECT.search(text):
        return text
    text = unicodedata.normalize("NFKC", re.sub(_INVISIBLE, "", text))
    return re.sub(r"^'", "", re.sub(_WRAPPED, r"\1", text))


def clean_header(text: str) -> str:
    return clean_text(re.sub(r"[\r\n]+", "", str(text)))


def normalize_header(text: str) -> str:
    """Header text as compared with the catalogue: no surrounding or full-width spaces, ASCII brackets."""
    text = clean_header(text).replace("\u3000", " ").strip()
    text = text.replace("（", "(").replace("）", ")")
    return re.sub(r"\s*([()、])\s*", r"\1", text)


def _looks_like_header(row: list[str], known: frozenset[str] = frozenset()) -> bool:
    return _header_hits(row, known) >= 2


def _header_hits(row: list[str], known: frozenset[str] = frozenset()) -> int:
    names = {normalize_header(c) for c in row if c}
    lowered = {n.lower() for n in names}
    return len((names | lowered) & (_KNOWN_HEADERS | known))


def read_raw(path: Path, encoding: str | None = None, sheet: str | None = None, header_row: int = 1, known: frozenset[str] = frozenset()) -> RawTable:
    """The file's header and cells as text. ``known``: further header names (besides the pool's) that mark a header
    row, for tables that are not pools (an expert's score sheet, a panel list)."""
    file = path.name
    if not path.exists():
        raise InputError("pool.invalid", [Problem("pool.not_found", params={"file": str(path)})], file=file)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError("pool.invalid", [Problem("pool.xls_legacy")], file=file)
    if suffix not in DELIMITED + WORKBOOKS:
        raise InputError("pool.invalid", [Problem("pool.bad_suffix", params={"suffix": suffix or "?"})], file=file)
    data = path.read_bytes()
    if not data.strip():
        raise InputError("pool.invalid", [Problem("pool.empty_file")], file=file)
    if suffix in WORKBOOKS:
        table = _read_xlsx(data, file, sheet, header_row, known)
    else:
        text, used, notices = _decode(data, encoding, file)
        table = _read_csv_text(text, file, header_row, used, notices, known)
    return replace(table, digest=file_digest(data, table))


def file_digest(data: bytes, table: RawTable) -> str:
    """SHA-256 of the file's bytes, continued with what decided how they were read — the sheet (workbooks), the
    encoding (text files) and the header row: the same bytes read another way are another table. One pass in C
    over bytes already in memory (0.2 s for 100 MB), where hashing the parsed table cost seconds."""
    digest = hashlib.sha256(data)
    digest.update(f"\0sheet={table.sheet or ''}\0encoding={table.encoding or ''}\0header_row={table.header_row}".encode())
    return digest.hexdigest()


# --- delimited text -----------------------------------------------------------------------------------------------


def _decode(data: bytes, encoding: str | None, file: str) -> tuple[str, str, list[Problem]]:
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError("pool.invalid", [Problem("pool.encoding_name", params={"encoding": encoding})], file=file) from None
        try:
            return data.decode(encoding), encoding, []
        except UnicodeDecodeError as error:
            other = "gb18030" if codecs.lookup(encoding).name.startswith("utf") else "utf-8"
            problem = _undecodable(data, encoding, other, error) or Problem("pool.encoding_failed", params=_where_undecodable(data, encoding, error))
            raise InputError("pool.invalid", [problem], file=file) from None
    candidates = ("utf-16",) if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "gb18030")
    for candidate in candidates:
        try:
            return data.decode(candidate), candidate, []
        except UnicodeDecodeError:
            continue
    if candidates == ("utf-8-sig", "gb18030"):
        # Most lines read in one of the two and the others do not: lines pasted in from a file of the other
        # encoding, or damaged bytes, said at their rows (a detector would guess a third encoding and garble all).
        utf8, gbk = (_bad_lines(data, c) for c in candidates)
        main, other = ("utf-8-sig", "gb18030") if len(utf8) <= len(gbk) else ("gb18030", "utf-8-sig")
        problem = _undecodable(data, main, other)
        if problem is not None:
            raise InputError("pool.invalid", [problem], file=file)
    detected = _detect(data)
    if detected is None:
        raise InputError("pool.invalid", [Problem("pool.encoding_unknown")], file=file)
    return detected[0], detected[1], [Problem("pool.notice_encoding", params={"encoding": detected[1]})]


_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "gb18030": "GBK/GB18030"}


def _bad_lines(data: bytes, encoding: str) -> list[int]:
    """0-based indices of the lines (split at newline bytes) that do not decode as ``encoding``; [] for an
    encoding whose characters may hold a newline byte (UTF-16, UTF-32), where lines cannot be told apart."""
    if codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        return []
    bad = []
    for index, line in enumerate(data.split(b"\n")):
        try:
            line.decode(encoding)
        except UnicodeDecodeError:
            bad.append(index)
    return bad


def _undecodable(data: bytes, main: str, other: str, error: UnicodeDecodeError | None = None) -> Problem | None:
    """What keeps a file that is mostly ``main`` from being read: rows in the ``other`` encoding (mixed), or rows
    that are neither; None when most lines do not read as ``main`` (the file is in another encoding)."""
    bad = _bad_lines(data, main)
    lines = sum(1 for line in data.split(b"\n") if line.strip())
    if not bad or len(bad) * 2 > lines:
        return None
    rows = _excel_rows(data, main, bad)
    params = {"encoding": _ENCODING_NAMES.get(main, main), "count": len(rows), "rows": row_list(rows, limit=10)}
    if not set(bad) & set(_bad_lines(data, other)):
        return Problem("pool.encoding_mixed", row=rows[0], params=params | {"other": _ENCODING_NAMES.get(other, other)})
    return Problem("pool.encoding_bad_rows", row=rows[0], params=params)


def _where_undecodable(data: bytes, encoding: str, error: UnicodeDecodeError) -> dict:
    """The rows that do not read as a given ``encoding`` (where the decoder stopped, when lines cannot be told
    apart), for a file that does not read as ``encoding`` at all."""
    bad = _bad_lines(data, encoding) or [data[: error.start].count(b"\n")]
    rows = _excel_rows(data, encoding, bad)
    return {"encoding": encoding, "count": len(rows), "rows": row_list(rows, limit=10)}


def _excel_rows(data: bytes, encoding: str, lines: list[int]) -> list[int]:
    """The rows, as Excel and WPS number them (CSV records: a quoted cell may span lines), of 0-based lines."""
    text = "\n".join(line.decode(encoding, errors="replace") for line in data.split(b"\n"))  # only to count records
    reader = csv.reader(io.StringIO(text, newline=""))
    ends = []
    try:
        for _ in reader:
            ends.append(reader.line_num)
    except csv.Error:
        return [line + 1 for line in lines]
    rows = [bisect.bisect_left(ends, line + 1) + 1 for line in lines]
    return list(dict.fromkeys(rows))


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


def sniff_delimiter(text: str, known: frozenset[str] = frozenset()) -> str:
    """The delimiter that splits some row of the first lines into the most known headers; else the one most
    frequent in the first line; comma when nothing tells."""
    head = text[:65536].splitlines()[:_HEADER_SCAN_ROWS]
    best, hits = ",", 0
    for delimiter in (",", "\t", ";", "|"):
        rows = list(csv.reader(head, delimiter=delimiter))
        found = max((_header_hits(r, known) for r in rows), default=0)
        if found > hits:
            best, hits = delimiter, found
    if hits == 0 and head:
        best = max((",", "\t", ";", "|"), key=lambda d: head[0].count(d))
        return best if head[0].count(best) else ","
    return best


def _read_csv_text(text: str, file: str, header_row: int, encoding: str, notices: list[Problem], known: frozenset[str] = frozenset()) -> RawTable:
    delimiter = sniff_delimiter(text, known)
    if delimiter != ",":
        notices = notices + [Problem("pool.notice_delimiter", params={"delimiter": {"\t": "Tab", ";": ";", "|": "|"}[delimiter]})]
    try:
        grid = _grid(text, delimiter)
        rows = None
    except (pd.errors.ParserError, ValueError):  # rows longer than the first: the csv module pads them
        grid = None
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as error:
            raise InputError("pool.invalid", [Problem("pool.csv_unparsable", params={"detail": str(error)})], file=file) from None
    suspect = _suspect_text(text, text.find("\n") + 1)
    if grid is not None:
        return _table_from_grid(grid.fillna(""), file, header_row, encoding=encoding, notices=notices, suspect=suspect, known=known)
    return _table_from_rows(rows, file, header_row, encoding=encoding, notices=notices, suspect=suspect, known=known)


def _grid(text: str, delimiter: str) -> pd.DataFrame:
    """Every cell as text ("" for blank), blank lines kept as rows (Excel's row numbers). pyarrow's parser first
    (threads, ~6× pandas' C parser on a 500,000-row pool); pandas' C parser when a row is shorter than the first
    line (it pads them); ``ParserError`` when one is longer."""
    try:
        width = len(next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), []))  # the first record
    except csv.Error:
        width = 0  # left to the parsers below, which report it
    if width:
        try:
            table = pa_csv.read_csv(
                io.BytesIO(text.encode("utf-8")),
                read_options=pa_csv.ReadOptions(autogenerate_column_names=True),
                parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
                convert_options=pa_csv.ConvertOptions(
                    column_types={f"f{i}": pa.string() for i in range(width)},  # every column text, as in the C parser
                    null_values=[],
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            return table.to_pandas().set_axis(range(table.num_columns), axis=1)
        except pa.ArrowInvalid:  # a row of another width
            pass
    return pd.read_csv(
        io.StringIO(text), sep=delimiter, header=None, dtype="str", keep_default_na=False, na_filter=False, skip_blank_lines=False, engine="c"
    )


def _suspect_text(text: str, start: int) -> bool:
    """Does the file hold any character the normalisation would touch? One character-class scan, and the scan
    for a leading ' or = only when the file has either (one alternation at every position cost seconds)."""
    if _PLAIN_IN_TEXT.search(text, start) is not None:
        return True
    return ("'" in text or "=" in text) and _QUOTE_IN_TEXT.search(text, start) is not None


# --- workbooks --------------------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, file: str, sheet: str | None, header_row: int, known: frozenset[str] = frozenset()) -> RawTable:
    values, facts, names = read_sheet(data, file, sheet)
    rows = [[_cell_text(v) for v in row] for row in values]
    dates, years = _date_cells(values, rows, facts.dates)
    if sheet is None and not _header_found(rows, known):
        for other in (n for n in names if n != facts.name):
            if _header_found([[_cell_text(v) for v in r] for r in read_other_sheet_head(data, file, other, _HEADER_SCAN_ROWS)], known):
                problem = Problem("pool.header_other_sheet", row=header_row, params={"sheet": facts.name, "found": other})
                raise InputError("pool.invalid", [problem], file=file)
    numeric = [[isinstance(v, (int, float)) and not isinstance(v, bool) for v in row] for row in values]
    for row, column in facts.errors:
        if row - 1 < len(rows) and column < len(rows[row - 1]):
            rows[row - 1][column] = ""
    table = _table_from_rows(rows, file, header_row, numeric=numeric, sheet=facts.name, known=known)
    table = _with_facts(table, facts, header_row)
    below = {k: v for k, v in dates.items() if k[0] > header_row}
    years = [k for k in years if k[0] > header_row]
    notices = table.notices + (
        [Problem("pool.notice_date_year", params={"count": len(years), "cells": "、".join(cell_ref(r, c) for r, c in years[:20])})] if years else []
    )
    return replace(table, dates=below, notices=notices)


def _date_cells(values: list[list], rows: list[list[str]], formats: dict[tuple[int, int], str]):
    """Cells Excel stores as dates: one whose format shows only the year reads as that year (what the user sees,
    listed for a notice); every other one is kept as (Excel row, column) -> what Excel displays, so that a
    message can say the cell is a date."""
    dates, years = {}, []
    for row, column in sorted(formats):  # only the date-formatted cells: calamine makes a date of no other
        value = values[row - 1][column] if row - 1 < len(values) and column < len(values[row - 1]) else None
        if not isinstance(value, (_dt.date, _dt.time)):
            continue
        if shows_only_the_year(formats[(row, column)]) and isinstance(value, _dt.date):
            rows[row - 1][column] = str(value.year)
            years.append((row, column))
        else:
            dates[(row, column)] = displayed_date(value, formats[(row, column)])
    return dates, years


def _with_facts(table: RawTable, facts: SheetFacts, header_row: int) -> RawTable:
    """The table with what the sheet scan found below the header: error values and formulas without a saved
    value as issues at their cell, hidden rows and columns as notices, merged ranges and percent cells kept."""
    below = lambda row: row > header_row  # noqa: E731
    issues = [CellIssue(r, c, "pool.excel_error", v) for (r, c), v in sorted(facts.errors.items()) if below(r)]
    issues += [CellIssue(r, c, "pool.formula_no_value", params={"cell": cell_ref(r, c)}) for r, c in sorted(facts.formulas_without_value) if below(r)]
    notices = list(table.notices)
    hidden = [r for r in facts.hidden_rows if below(r)]
    if hidden:
        notices.append(Problem("pool.notice_hidden_rows", params={"count": len(hidden), "rows": row_list(hidden)}))
    if facts.hidden_columns:
        letters = "、".join(cell_ref(1, c)[:-1] for c in facts.hidden_columns[:20])
        notices.append(Problem("pool.notice_hidden_columns", params={"count": len(facts.hidden_columns), "columns": letters}))
    merged = [m for m in facts.merged if m[2] > header_row]
    percent = frozenset(p for p in facts.percent if below(p[0]))
    return RawTable(
        table.header, table.cells, table.header_row, table.numeric_cells, None, table.sheet, notices, issues, merged, percent, table.changed
    )


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


def _cleaned(cells: pd.DataFrame, suspect: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not suspect:  # the whole file holds no character the normalisation would touch
        return cells, pd.DataFrame(False, index=cells.index, columns=cells.columns)
    out, changed = {}, {}
    for column in cells.columns:
        original = cells[column].astype("str")
        out[column] = clean_cells(original)
        changed[column] = (out[column] != original).to_numpy()
    return pd.DataFrame(out, index=cells.index), pd.DataFrame(changed, index=cells.index)


def _table_from_grid(grid: pd.DataFrame, file: str, header_row: int, *, encoding=None, notices=None, suspect=True, known=frozenset()) -> RawTable:
    """A rectangular grid of text cells (as pandas parsed it) to a RawTable, without touching cells one by one."""
    if grid.empty or not (grid.apply(lambda c: c.str.strip()) != "").to_numpy().any():
        raise InputError("pool.invalid", [Problem("pool.empty_file")], file=file)
    head = [[str(v) for v in grid.iloc[i].tolist()] for i in range(min(_HEADER_SCAN_ROWS, len(grid)))]
    header = _header(head, header_row, file, known)
    cells = grid.iloc[header_row:].reset_index(drop=True)
    cells.columns = range(cells.shape[1])
    cells, changed = _cleaned(cells, suspect)
    return RawTable([clean_header(h).strip() for h in header], cells, header_row, None, encoding, None, notices or [], changed=changed)


def _table_from_rows(
    rows: list[list[str]],
    file: str,
    header_row: int,
    *,
    numeric: list[list[bool]] | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    notices: list[Problem] | None = None,
    suspect: bool = True,
    known: frozenset[str] = frozenset(),
) -> RawTable:
    if not any(any(c.strip() for c in r) for r in rows):
        raise InputError("pool.invalid", [Problem("pool.empty_file")], file=file)
    header_index = header_row - 1
    header = _header(rows[:_HEADER_SCAN_ROWS], header_row, file, known)
    body = rows[header_index + 1 :]
    width = max([len(header)] + [len(r) for r in body])
    header = [clean_header(h).strip() if isinstance(h, str) else "" for h in header] + [""] * (width - len(header))
    padded = [list(r) + [""] * (width - len(r)) for r in body]
    cells = pd.DataFrame(padded, columns=range(width), dtype=object).fillna("")
    cells, changed = _cleaned(cells, suspect)
    numeric_cells = None
    if numeric is not None:
        flags = [list(r) + [False] * (width - len(r)) for r in numeric[header_index + 1 :]]
        numeric_cells = pd.DataFrame(flags, columns=range(width), dtype=bool) if flags else None
    return RawTable(header, cells, header_row, numeric_cells, encoding, sheet, notices or [], changed=changed)


__all__ = ["RawTable", "CellIssue", "read_raw", "normalize_header", "clean_cells"]
