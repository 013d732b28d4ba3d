"""Reading and validating a pool file (SPEC §2). ``read_pool`` returns a whole, valid ``Pool`` or raises an
``InputError`` listing every problem; a partially loaded pool is never returned."""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from contract.columns import CATALOGUE, DEFAULT_COST, Column, header_of
from contract.errors import InputError, Problem, row_list, suggest
from contract.texts import SAMPLE_LABEL
from pool.convert import convert_column, infer_extra
from pool.places import PLACE_COLUMNS, derive_places, without_places
from pool.raw import RawTable, normalize_header, read_raw
from pool.regions import Region, region_named
from pool.schema import place_failures, value_failures
from pool.xlsx import cell_ref

_BY_HEADER = (
    {normalize_header(c.zh): c for c in CATALOGUE} | {c.key: c for c in CATALOGUE} | {normalize_header(a): c for c in CATALOGUE for a in c.aliases}
)
# Merged ranges are filled down only in these columns: a village's place is shared by every village grouped
# under it, which is what a printed form's merged 县/乡镇 cell says, and the code check (``place_failures``) catches
# a fill that puts a village in the wrong county. Any other merged range below the header is an error.
FILL_DOWN = frozenset({"province", "city", "county", "township"})


@dataclass(frozen=True)
class Application:
    """What a county's application file did to the provincial pool (``pool.merge.merge_application``), by
    village_id: rows that replaced a provincial row with other values, rows identical to the provincial row, rows
    new to the pool."""

    file: str
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    added: tuple[str, ...]

    def marks(self) -> dict[str, str]:
        """village_id → "changed" | "unchanged" | "added"."""
        return {v: kind for kind in ("changed", "unchanged", "added") for v in getattr(self, kind)}


@dataclass(frozen=True)
class Pool:
    """A validated village pool: one row per village, columns named by catalogue key (extras by their header)."""

    frame: pd.DataFrame
    source: str
    rows: np.ndarray  # the Excel row number of every village, for messages
    headers: dict[str, str]  # column key -> header as written in the file
    extra: dict[str, str] = field(default_factory=dict)  # extra column -> "number" | "flag" | "text"
    encoding: str | None = None
    notices: tuple[Problem, ...] = ()
    file_digest: str | None = None  # read from a file: ``pool.raw.file_digest``; made in memory: None
    application: Application | None = None  # a county's application merged in (``pool.merge``): what it changed

    def __post_init__(self):
        # Place identities (pool.places) are derived here, once, for every pool however it was made.
        object.__setattr__(self, "frame", derive_places(self.frame))

    @property
    def size(self) -> int:
        return len(self.frame)

    @property
    def is_sample(self) -> bool:
        labels = self.frame.get("data_label")
        return labels is not None and bool(labels.astype(str).str.contains(SAMPLE_LABEL).any())

    @cached_property
    def fingerprint(self) -> str:
        """What a run is tied to (64 hex digits). A pool read from a file: the SHA-256 of the file's bytes and of
        how they were read (``pool.raw.file_digest``) — the file itself, so a re-saved or re-ordered file is another
        pool. A pool made in memory (generated, an application merged in, the experts' aggregate applied):
        ``content_fingerprint``. Runs stored before fingerprints were the file's hold the content fingerprint;
        ``baicun.pipeline.run_inputs`` accepts either."""
        return self.file_digest or self.content_fingerprint

    @cached_property
    def content_fingerprint(self) -> str:
        """SHA-256 of the canonical pool: rows sorted by village_id, columns by name, values as CSV text (seconds
        for 500,000 villages: computed only for pools made in memory and for runs stored before)."""
        frame = without_places(self.frame)
        canonical = frame.sort_values("village_id").reindex(columns=sorted(frame.columns))
        text = canonical.to_csv(index=False, float_format="%.10g", lineterminator="\n")
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def column_kind(self, key: str) -> str | None:
        """Catalogue kind, or the inferred kind of an extra column, or None if the pool has no such column."""
        if key not in self.frame.columns:
            return None
        if key in PLACE_COLUMNS.values():
            return "text"
        column = next((c for c in CATALOGUE if c.key == key), None)
        return column.kind if column else self.extra[key]


def read_pool(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    header_row: int = 1,
    region: Region | str | None = None,
    this_year: int | None = None,
) -> Pool:
    """Read, convert and validate a pool file. Raises ``InputError`` with every problem found."""
    path = Path(path)
    region = region if isinstance(region, Region) else region_named(region)
    this_year = this_year or _dt.date.today().year
    raw = read_raw(path, encoding, sheet, header_row)
    columns, labels, header_problems = _map_headers(raw, path.name)
    raw, problems, notices = _merged(raw, columns, labels)
    problems = header_problems + problems
    frame, rows, converted, extra = _convert(raw, columns, labels, path.name)
    problems += converted + _issues(raw, columns, labels)
    notices += _normalised(raw, columns, labels, rows)
    unreadable = {(p.row, p.column) for p in problems}
    catalogue_columns = [c for c in columns.values() if isinstance(c, Column)]
    failures = value_failures(frame, catalogue_columns, region, this_year, extra) + place_failures(frame)
    for position, key, code, params in failures:
        if (int(rows[position]), labels[key]) in unreadable:
            continue  # already reported as a cell that could not be read
        value = frame[key].iat[position]
        if code == "pool.duplicate_id":
            params = {"rows": ", ".join(str(r) for r in rows[(frame[key] == value).to_numpy()])}
        problems.append(Problem(code, int(rows[position]), labels[key], _show(value), params))
    if problems:
        order = {key: i for i, key in enumerate(labels)}
        problems.sort(key=lambda p: (p.row or 0, order.get(_key_of(p.column, labels), 0)))
        raise InputError("pool.invalid", problems, file=path.name)
    notices = list(raw.notices) + notices
    if "cost" not in frame.columns:
        frame["cost"] = DEFAULT_COST
        notices.append(Problem("pool.notice_cost_default"))
    headers = {key: raw.header[index] for index, key in _indexed_keys(columns)}
    return Pool(frame.reset_index(drop=True), path.name, rows, headers, extra, raw.encoding, tuple(notices), raw.digest)


def _key_of(label: str | None, labels: dict[str, str]) -> str | None:
    return next((k for k, v in labels.items() if v == label), None)


def _indexed_keys(columns: dict[int, Column | str]):
    return [(i, c.key if isinstance(c, Column) else c) for i, c in columns.items()]


def _show(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _map_headers(raw: RawTable, file: str) -> tuple[dict[int, Column | str], dict[str, str], list[Problem]]:
    """Which catalogue column (or extra column name) each file column is, the label used in messages, and the
    header's problems that leave the rest of the file readable (a column without a header that holds data, a
    repeated header: that column is set aside and every other cell still checked). A missing required column
    stops here, with them."""
    columns: dict[int, Column | str] = {}
    labels: dict[str, str] = {}
    problems: list[Problem] = []
    for index, text in enumerate(raw.header):
        name = normalize_header(text)
        if not name:
            filled = raw.cells[index].str.strip() != ""
            if filled.any():
                rows = [raw.excel_row(int(p)) for p in filled.to_numpy().nonzero()[0]]
                problems.append(Problem("pool.blank_header", column=_letter(index), params={"count": len(rows), "rows": row_list(rows, limit=10)}))
            continue
        column = _BY_HEADER.get(name) or _BY_HEADER.get(name.lower())
        key = column.key if column else name
        if key in labels:
            problems.append(Problem("pool.duplicate_column", row=raw.header_row, column=text, params={"header": text}))
            continue
        columns[index] = column or name
        labels[key] = (
            column.zh if column and name in (normalize_header(column.zh), *column.aliases) else (f"{column.zh}（{text}）" if column else name)
        )
    unmatched = [text for index, text in enumerate(raw.header) if isinstance(columns.get(index), str)]
    missing = [_missing(column, unmatched, raw.header_row) for column in CATALOGUE if column.required and column.key not in labels]
    if missing:
        raise InputError("pool.invalid", problems + missing, file=file)
    return columns, labels, problems


def _missing(column: Column, unmatched: list[str], header_row: int) -> Problem:
    """A required column not found, with the file's nearest unmatched header ("did you mean": 村庄编码 for 村庄代码,
    边境村 for 重点边境村) when one is close to its name, an alias or its key (``contract.errors.suggest``)."""
    found = {normalize_header(text): text for text in unmatched} | {normalize_header(text).lower(): text for text in unmatched}
    best = ""
    for name in (normalize_header(column.zh), *map(normalize_header, column.aliases), column.key):
        hit = suggest(name, list(found))
        if hit:
            best = found[hit]
            break
    params = {"header": column.zh, "key": column.key}
    if best:
        return Problem("pool.missing_column_near", row=header_row, column=best, params=params | {"found": best})
    return Problem("pool.missing_column", row=header_row, params=params)


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _convert(raw: RawTable, columns: dict[int, Column | str], labels: dict[str, str], file: str):
    cells = raw.cells
    blank = (cells.apply(lambda c: c.str.strip()) == "").all(axis=1).to_numpy()
    last = np.flatnonzero(~blank).max() if (~blank).any() else -1
    if last < 0:
        raise InputError("pool.invalid", [Problem("pool.no_rows", row=raw.header_row)], file=file)
    keep = ~blank[: last + 1]
    positions = np.flatnonzero(keep)
    excel_rows = np.array([raw.excel_row(p) for p in positions])
    problems = _blank_rows(raw, np.flatnonzero(blank[: last + 1]))
    data: dict[str, pd.Series] = {}
    extra: dict[str, str] = {}
    for index, column in columns.items():
        text = cells[index].iloc[positions].reset_index(drop=True).astype(str)
        if isinstance(column, Column):
            numeric = raw.numeric_cells[index].iloc[positions].reset_index(drop=True) if raw.numeric_cells is not None else None
            values, failures = convert_column(column.kind, text, numeric)
            problems += [_at_date(raw, f, int(excel_rows[f.position]), index, labels[column.key]) for f in failures]
            data[column.key] = values
        else:
            extra[column], data[column] = infer_extra(text)
    ordered = [c.key for c in CATALOGUE if c.key in data] + [k for k in data if k not in {c.key for c in CATALOGUE}]
    frame = pd.DataFrame({k: data[k] for k in ordered})
    return frame, excel_rows, problems, extra


def _at_date(raw: RawTable, failure, row: int, index: int, label: str) -> Problem:
    """A cell that could not be read, said as what it is: one Excel stores as a date (the user sees the date's
    display, not the ISO text read) gets ``pool.date_cell`` with what Excel shows and how to fix it."""
    shown = raw.dates.get((row, index))
    if shown is None or failure.code not in ("pool.not_number", "pool.not_integer"):  # a number column
        return Problem(failure.code, row, label, failure.value)
    return Problem("pool.date_cell", row, label, failure.value, {"shown": shown})


def _blank_rows(raw: RawTable, positions: np.ndarray) -> list[Problem]:
    """Blank rows inside the table, a run of them as one problem (a stray cell far below the data would
    otherwise make a million lines)."""
    problems = []
    for run in np.split(positions, np.flatnonzero(np.diff(positions) > 1) + 1) if len(positions) else []:
        first, last = raw.excel_row(int(run[0])), raw.excel_row(int(run[-1]))
        problems.append(Problem("pool.blank_row", row=first) if first == last else Problem("pool.blank_rows", row=first, params={"last": last}))
    return problems


def _label_at(index: int, columns: dict[int, Column | str], labels: dict[str, str]) -> str:
    column = columns.get(index)
    if column is None:
        return _letter(index)
    return labels[column.key if isinstance(column, Column) else column]


def _key_at(index: int, columns: dict[int, Column | str]) -> str | None:
    column = columns.get(index)
    return column.key if isinstance(column, Column) else column


def _merged(raw: RawTable, columns, labels) -> tuple[RawTable, list[Problem], list[Problem]]:
    """Merged ranges below the header: filled down in the place columns (``FILL_DOWN``) with a notice, an error
    at their first cell everywhere else (the other cells of a merged range read blank)."""
    problems, filled = [], []
    cells = raw.cells
    for r0, c0, r1, c1 in raw.merged:
        span = f"{cell_ref(r0, c0)}:{cell_ref(r1, c1)}"
        if c0 == c1 and _key_at(c0, columns) in FILL_DOWN and r0 > raw.header_row:
            first, last = r0 - raw.header_row - 1, min(r1 - raw.header_row - 1, len(cells) - 1)
            if cells is raw.cells:
                cells = raw.cells.copy()
            cells.iloc[first : last + 1, c0] = cells.iat[first, c0]
            filled.append(span)
        else:
            problems.append(Problem("pool.merged", row=max(r0, raw.header_row + 1), column=_label_at(c0, columns, labels), params={"range": span}))
    filled.sort(
        key=lambda span: (
            len(span.split(":")[0].rstrip("0123456789")),
            span.split(":")[0].rstrip("0123456789"),
            int(re.sub(r"\D", "", span.split(":")[0])),
        )
    )
    notices = [Problem("pool.notice_merged_filled", params={"count": len(filled), "ranges": "、".join(filled[:20])})] if filled else []
    if cells is not raw.cells:
        raw = replace(raw, cells=cells)
    return raw, problems, notices


def _issues(raw: RawTable, columns, labels) -> list[Problem]:
    """Errors the reader found at a cell (Excel error values, formulas without a saved value), and cells
    formatted as percent in a 0–100 score column."""
    found = [Problem(i.code, i.row, _label_at(i.column, columns, labels), i.value or None, i.params) for i in raw.issues]
    for row, index in sorted(raw.percent):
        column = columns.get(index)
        if isinstance(column, Column) and column.kind == "score" and row - raw.header_row - 1 < len(raw.cells):
            value = raw.cells.iat[row - raw.header_row - 1, index]
            if str(value).strip():
                found.append(Problem("pool.percent_score", row, labels[column.key], _percent(value)))
    return found


def _percent(value: str) -> str:
    try:
        return f"{float(value) * 100:g}%"
    except ValueError:
        return str(value)


def _normalised(raw: RawTable, columns, labels, rows: np.ndarray) -> list[Problem]:
    """One notice per column (village names aside: no rule uses them) whose cells the normalisation changed."""
    if raw.changed is None:
        return []
    notices = []
    kept = rows - raw.header_row - 1
    for index, column in columns.items():
        key = column.key if isinstance(column, Column) else column
        if key in ("village", "data_label"):
            continue
        changed = raw.changed[index].to_numpy()[kept]
        if changed.any():
            rows_shown = row_list(rows[changed], limit=10)
            notices.append(Problem("pool.notice_normalised", column=labels[key], params={"count": int(changed.sum()), "rows": rows_shown}))
    return notices


__all__ = ["Pool", "read_pool", "header_of"]
