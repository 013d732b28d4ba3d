"""Tables to files, the one way baicun writes a spreadsheet or a CSV: atomically, checked first, text as text.

* **Checked before work** (``output_problems``): the extension, the folder (it exists or can be made, and a file
  can be created in it — tried, not guessed from permission bits), and the free space (at least
  ``MIN_FREE_BYTES`` plus three times the size of the pool file the outputs are made from), so that a read-only
  or full folder is reported before the pool is read, not after the solve.
* **Atomic** (``atomic_path``): every file goes to a temporary name beside the target and is renamed into place
  only when complete; nothing is ever half-written.
* **Text is text** (``report.escape.spreadsheet``): xlsxwriter writes every string as a string (no formula, URL or
  number conversion) and a string that a spreadsheet would run as a formula gets Excel's quote prefix, so that
  editing the cell keeps it text; in CSV such a string gets an apostrophe in front (OWASP).
* **Numbers are numbers** (``Shown``, ``write_value``): a figure is a number cell, never its text ("210",
  "200,000 / 200,000" would be numbers Excel cannot sum), with the number format that shows it as the text did
  (thousands separators, four decimals); two figures side by side are two cells.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from contract.errors import InputError, Problem
from report.escape import formula_like, spreadsheet

XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
MIN_FREE_BYTES = 16 * 1024 * 1024


class Shown(float):
    """A number together with how it is shown: a workbook gets a number cell with the Excel number format
    ``excel`` (Excel can sum and format it; no "number stored as text"), text (the terminal, the PDF, str()) gets
    ``format(value, python)`` — the same figures both ways (``GROUPED``, ``ONE_DECIMAL``, ``FOUR_DECIMALS``)."""

    python: str
    excel: str

    def __new__(cls, value, style: tuple[str, str]):
        number = super().__new__(cls, value)
        number.python, number.excel = style
        return number

    def __str__(self) -> str:
        return format(float(self), self.python)

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else format(float(self), spec)


GROUPED = (",.0f", "#,##0")  # 200,000
ONE_DECIMAL = (",.1f", "#,##0.0")  # 1,234.5
FOUR_DECIMALS = (".4f", "0.0000")  # 129.3928
GENERAL = ("g", "General")  # as Excel's General shows a plain number
TEN_DIGITS = (".10g", "General")  # 129.3927872: ten significant digits, as General shows them
SCIENTIFIC = (".2e", "0.00E+00")  # 1.23e-04
SIZE_FACTOR = 3  # an output is at most about this many times the pool file it is made from


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


@contextmanager
def excel_writer(path: Path):
    """A pandas ExcelWriter (xlsxwriter) on a temporary file renamed onto ``path`` when the block finishes."""
    with atomic_path(path) as temporary:
        with pd.ExcelWriter(temporary, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}) as writer:
            yield writer


def written_bytes(write, suffix: str = ".xlsx") -> bytes:
    """What ``write(path)`` writes, as bytes: the app's downloads are made by the command line's writers, so a
    downloaded workbook is the file ``--out`` would have written."""
    with tempfile.TemporaryDirectory(prefix="baicun-") as folder:
        path = Path(folder) / f"download{suffix}"
        write(path)
        return path.read_bytes()


def quoted_format(book, properties: dict | None = None):
    """The cell format for text that looks like a formula: ``properties`` plus Excel's quote prefix."""
    return book.add_format({**(properties or {}), "quote_prefix": True})


def write_text(sheet, row: int, column: int, value, fmt=None, quoted=None) -> None:
    """One text cell; formula-like text gets ``quoted`` (a ``quoted_format``)."""
    text = str(value)
    sheet.write_string(row, column, text, quoted if formula_like(text) else fmt)


class NumberFormats:
    """A workbook's cell formats by Excel number format, each made once."""

    def __init__(self, book):
        self.book, self.made = book, {}

    def __call__(self, code: str):
        if code not in self.made:
            self.made[code] = self.book.add_format({"num_format": code})
        return self.made[code]


def write_value(sheet, row: int, column: int, value, numbers: NumberFormats, fmt=None, quoted=None) -> None:
    """One cell holding ``value`` as what it is: a ``Shown`` number with its number format, another number as a
    number, None or NaN as a blank, anything else as text (``write_text``)."""
    if isinstance(value, Shown):
        sheet.write_number(row, column, float(value), numbers(value.excel))
    elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        if np.isfinite(value):
            sheet.write_number(row, column, float(value), fmt)
    elif value is not None:
        write_text(sheet, row, column, value, fmt, quoted)


def write_tables(path: Path, sheets: list[tuple[str, pd.DataFrame]], width: float) -> None:
    """A workbook of plain tables, one sheet each (name cut to Excel's 31 characters), header frozen, columns
    ``width`` characters wide: the study and comparison workbooks."""
    with excel_writer(path) as writer:
        for name, table in sheets:
            write_frame(writer, name[:31], table)
            writer.sheets[name[:31]].freeze_panes(1, 0)
            writer.sheets[name[:31]].set_column(0, max(len(table.columns) - 1, 0), width)


def write_frame(writer, sheet_name: str, table: pd.DataFrame, startrow: int = 0, header: bool = True) -> None:
    """``table.to_excel`` onto ``sheet_name``, then every formula-like text cell (header included) rewritten with
    the quote prefix."""
    table.to_excel(writer, sheet_name=sheet_name, index=False, startrow=startrow, header=header)
    sheet, quoted = writer.sheets[sheet_name], None
    cells = [(startrow, c, label) for c, label in enumerate(table.columns)] if header else []
    first = startrow + (1 if header else 0)
    for c in range(len(table.columns)):
        values = table.iloc[:, c]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            cells += [(first + r, c, v) for r, v in enumerate(values) if formula_like(v)]
    for row, column, value in cells:
        if formula_like(value):
            quoted = quoted or quoted_format(writer.book)
            sheet.write_string(row, column, str(value), quoted)
    numbers = NumberFormats(writer.book)
    for c in range(len(table.columns)):
        values = table.iloc[:, c]
        if values.dtype == object:  # a Shown number keeps its number format in the cell (to_excel wrote it as General)
            for r, v in enumerate(values):
                if isinstance(v, Shown):
                    write_value(sheet, first + r, c, v, numbers)


def write_csv_table(table: pd.DataFrame, path: Path) -> None:
    """A table as UTF-8 CSV with a BOM (Excel opens it as UTF-8), formula-like text defused."""
    table = table.copy()
    table.columns = [spreadsheet(str(c)) for c in table.columns]
    text_columns = table.select_dtypes(include=["object", "string"]).columns
    table[text_columns] = table[text_columns].map(spreadsheet)
    with atomic_path(path) as temporary:
        table.to_csv(temporary, index=False, encoding="utf-8-sig")


def output_problems(paths, suffixes: tuple[str, ...], source: Path | None = None, option: str = "--out") -> list[Problem]:
    """Everything wrong with writing ``paths`` (see the module doc), found before any work; ``source`` is the pool
    file whose size sets the space needed."""
    problems = []
    needed = MIN_FREE_BYTES + SIZE_FACTOR * _size(source)
    for path in map(Path, paths):
        if path.is_dir():
            problems.append(Problem("output.is_folder", column=option, value=str(path)))
            continue
        if path.suffix.lower() not in suffixes:
            problems.append(Problem("output.bad_suffix", column=option, value=str(path), params={"choices": " / ".join(suffixes)}))
            continue
        folder = _existing_folder(path.parent)
        if folder is None:
            problems.append(Problem("output.no_folder", column=option, value=str(path)))
            continue
        detail = _cannot_create(folder)
        if detail:
            problems.append(Problem("output.not_writable", column=option, value=str(path), params={"folder": str(folder), "detail": detail}))
            continue
        free = shutil.disk_usage(folder).free
        if free < needed:
            mib = 1024 * 1024
            problems.append(
                Problem(
                    "output.no_space", column=option, value=str(path), params={"folder": str(folder), "free": free // mib, "needed": needed // mib}
                )
            )
    return problems


def _size(path: Path | None) -> int:
    try:
        return Path(path).stat().st_size if path else 0
    except OSError:
        return 0


def _existing_folder(folder: Path) -> Path | None:
    """The folder, or its nearest existing ancestor (``atomic_path`` creates the rest); None when an ancestor is a
    file."""
    folder = folder.absolute()
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate if candidate.is_dir() else None
    return None


def _cannot_create(folder: Path) -> str:
    """Why a file cannot be created in ``folder`` ("" when one can): tried, since permission bits lie (root, ACLs,
    read-only mounts)."""
    try:
        handle, probe = tempfile.mkstemp(prefix=".baicun-probe-", dir=folder)
    except OSError as error:
        return error.strerror or type(error).__name__
    os.close(handle)
    os.remove(probe)
    return ""


def check_outputs(paths, suffixes: tuple[str, ...], scenario_path: str | Path | None = None, pool_path: str | Path | None = None, option="--out"):
    """Before any work: every output path can be written (extension, folder, free space for outputs about the size
    of the pool file — ``--pool`` or the scenario's ``pool``). Raises ``InputError`` listing what is wrong. Here, not in
    ``baicun.pipeline``, so that commands which only read a pool do not load the selection to check their outputs."""
    if not paths:
        return
    source = Path(pool_path) if pool_path else None
    if source is None and scenario_path is not None:
        from contract.scenario import load_scenario  # on demand (docs/ARCHITECTURE.md): `pool check` reads no scenario

        try:
            source = load_scenario(scenario_path).pool_path()
        except InputError:
            source = None  # the scenario's own problems are reported when it is loaded
    problems = output_problems(paths, suffixes, source, option)
    if problems:
        raise InputError("output.invalid", problems)
