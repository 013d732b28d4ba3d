"""Reading one sheet of an .xlsx/.xlsm workbook as Excel and WPS show it, with limits checked before any work.

1. **The package's directory** (nothing inflated yet): entry count and the declared uncompressed sizes, whose sum
   must stay under ``MAX_UNPACKED`` — a zip bomb is refused in milliseconds.
2. **The workbook part**: sheet names, hidden state and parts; at most ``MAX_SHEETS`` sheets.
3. **The sheet's XML, inflated by Python's zipfile**, which never yields more than an entry declares (an entry
   that lies about its size fails its CRC check instead of growing). The bytes are scanned with regular
   expressions (C speed; an element parser costs as much as reading the sheet with openpyxl) for what the values
   alone do not tell: the real extent of the data — last row and widest column, whatever ``<dimension>`` claims —
   against ``MAX_COLUMNS`` and ``MAX_CELLS``; text longer than ``MAX_CELL_CHARS``; merged ranges; hidden rows and
   columns; formula cells without a saved value; Excel error values (#N/A …); cells formatted as percent; cells
   formatted as dates, with their format (a year that Excel shows as 2021 but stores as 2021-01-01).
4. **The values**: python-calamine reads a new in-memory package holding only the checked parts, with the
   ``<dimension>`` element removed so that no reader sizes anything from a claim. Measured against openpyxl's
   read-only mode on the 9,300-village sample (``bench/bench_xlsx.py``): see ``bench/README.md``.

Returns the values as rows of Python objects (row 1 first, column A first) and the ``SheetFacts``.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from contract.errors import InputError, Problem

MAX_UNPACKED = 512 * 2**20  # bytes of XML and other parts, all entries together
MAX_SHEETS = 255
MAX_COLUMNS = 702  # A … ZZ
MAX_CELLS = 10_000_000  # rows × columns of the used range of the sheet read
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_ENTRIES = 10_000

EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA", "#SPILL!", "#CALC!"})

_NS = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix (<x:c> as some writers spell it)
_Q = rb"[\"']"
_ROW = re.compile(rb"<" + _NS + rb"row\b([^>]*)>")
_ROW_R = re.compile(rb"\br=" + _Q + rb"(\d+)" + _Q)
_CELL_REF = re.compile(rb"<" + _NS + rb"c\b[^>]*?\br=" + _Q + rb"([A-Z]{1,3})(\d+)" + _Q)
_HIDDEN = re.compile(rb"\bhidden=" + _Q + rb"(?:1|true)" + _Q)
_ERROR_CELL = re.compile(rb"<" + _NS + rb"c\b([^>]*\bt=" + _Q + rb"e" + _Q + rb"[^>]*)>(.*?)</" + _NS + rb"c>", re.S)
_FORMULA = re.compile(rb"<" + _NS + rb"f\b")
_CELL_OPEN = re.compile(rb"<" + _NS + rb"c\b([^>]*?)(/?)>")
_CELL_CLOSE = re.compile(rb"</" + _NS + rb"c>")
_VALUE = re.compile(rb"<" + _NS + rb"v>([^<]*)</" + _NS + rb"v>|<" + _NS + rb"is>")
_MERGE = re.compile(rb"<" + _NS + rb"mergeCell\b[^>]*\bref=" + _Q + rb"([A-Z]+\d+(?::[A-Z]+\d+)?)" + _Q)
_COL = re.compile(rb"<" + _NS + rb"col\b([^>]*)/?>")
_MIN_MAX = re.compile(rb"\bmin=" + _Q + rb"(\d+)" + _Q + rb"[^>]*\bmax=" + _Q + rb"(\d+)" + _Q)
_DIMENSION = re.compile(rb"<" + _NS + rb"dimension\b[^>]*?\bref=" + _Q + rb"([^\"']*)" + _Q + rb"[^>]*/>")
_LONG_TEXT = re.compile(rb">([^<]{%d,})<" % (MAX_CELL_CHARS + 1))
_REF = re.compile(r"^([A-Z]+)(\d+)$")

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass
class SheetFacts:
    """What the scan of a sheet's XML found, in Excel's 1-based rows and 0-based column indexes."""

    name: str
    dimension: str | None = None
    rows: int = 0
    columns: int = 0
    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: list[int] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, first col, last row, last col
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas_without_value: list[tuple[int, int]] = field(default_factory=list)
    percent: set[tuple[int, int]] = field(default_factory=set)
    dates: dict[tuple[int, int], str] = field(default_factory=dict)  # cells with a date format -> its format code


@dataclass(frozen=True)
class _Sheet:
    name: str
    part: str
    hidden: bool


def column_index(letters: str) -> int:
    """0-based index of a column's letters (A → 0, AD → 29)."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def cell_ref(row: int, column: int) -> str:
    letters, index = "", column + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def _fail(code: str, file: str, **params) -> InputError:
    return InputError("pool.invalid", [Problem(code, params=params)], file=file)


def open_package(data: bytes, file: str) -> zipfile.ZipFile:
    """The zip package, refused when it is not one, has too many entries or unpacks to more than the limit."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        entries = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _fail("pool.unreadable_xlsx", file, detail=type(error).__name__) from None
    if len(entries) > MAX_ENTRIES:
        raise _fail("pool.too_many_parts", file, count=len(entries), limit=MAX_ENTRIES)
    unpacked = sum(e.file_size for e in entries)
    if unpacked > MAX_UNPACKED:
        raise _fail("pool.unpacked_too_large", file, size=unpacked // 2**20, limit=MAX_UNPACKED // 2**20)
    return package


def _part(package: zipfile.ZipFile, name: str, file: str) -> bytes | None:
    try:
        return package.read(name)
    except KeyError:
        return None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
        raise _fail("pool.unreadable_xlsx", file, detail=type(error).__name__) from None


def _xml(data: bytes, file: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:
        raise _fail("pool.unreadable_xlsx", file, detail="XML") from None


def sheets(package: zipfile.ZipFile, file: str) -> list[_Sheet]:
    """The workbook's worksheets in tab order, with their parts and whether they are hidden."""
    book = _part(package, "xl/workbook.xml", file)
    rels = _part(package, "xl/_rels/workbook.xml.rels", file)
    if book is None or rels is None:
        raise _fail("pool.unreadable_xlsx", file, detail="workbook.xml")
    targets = {r.get("Id"): r.get("Target", "") for r in _xml(rels, file).iter(f"{_RELS}Relationship")}
    found = []
    for sheet in _xml(book, file).iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_R_ID), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        found.append(_Sheet(sheet.get("name", ""), part, sheet.get("state", "visible") != "visible"))
        if len(found) > MAX_SHEETS:
            raise _fail("pool.too_many_sheets", file, limit=MAX_SHEETS)
    if not found:
        raise _fail("pool.unreadable_xlsx", file, detail="no sheet")
    return found


def _percent_styles(styles: bytes | None, file: str) -> list[bytes]:
    """Indexes (as bytes) of the cell styles whose number format shows a percent."""
    if not styles:
        return []
    root = _xml(styles, file)
    custom = {f.get("numFmtId"): f.get("formatCode", "") for f in root.iter(f"{_MAIN}numFmt")}
    xfs = root.find(f"{_MAIN}cellXfs")
    out = []
    for index, xf in enumerate(xfs if xfs is not None else []):
        number_format = xf.get("numFmtId", "0")
        code = re.sub(r'"[^"]*"|\\.', "", custom.get(number_format, ""))
        if number_format in ("9", "10") or "%" in code:
            out.append(str(index).encode())
    return out


# Excel's built-in date formats (numFmtId) as a Chinese Excel/WPS shows them; 27–36 and 50–58 are the East Asian ones
_BUILTIN_DATES = {"14": "yyyy/m/d", "15": "d-mmm-yy", "16": "d-mmm", "17": "mmm-yy", "22": "yyyy/m/d h:mm"}
_BUILTIN_DATES |= {str(i): 'yyyy"年"m"月"d"日"' for i in (*range(27, 37), *range(50, 59))}
_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _date_styles(styles: bytes | None, file: str) -> dict[bytes, str]:
    """Cell style index (as bytes) -> number format code, for the styles whose format shows a date or a time."""
    if not styles:
        return {}
    root = _xml(styles, file)
    custom = {f.get("numFmtId"): f.get("formatCode", "") for f in root.iter(f"{_MAIN}numFmt")}
    xfs = root.find(f"{_MAIN}cellXfs")
    out = {}
    for index, xf in enumerate(xfs if xfs is not None else []):
        number_format = xf.get("numFmtId", "0")
        code = custom.get(number_format) or _BUILTIN_DATES.get(number_format, "")
        if number_format in _BUILTIN_DATES or re.search(r"[ymdhs]", _LITERAL.sub("", code).lower().replace("general", "")):
            out[str(index).encode()] = code
    return out


def shows_only_the_year(code: str) -> bool:
    """A date format that shows nothing but the year ("yyyy", 'yyyy"年"'): what Excel displays is a whole number."""
    letters = set(re.sub(r"[^a-z]", "", _LITERAL.sub("", code).lower()))
    return letters == {"y"}


_DATE_TOKEN = re.compile(r'"([^"]*)"|\\(.)|\[[^\]]*\]|(yyyy|yy|mmmm|mmm|mm|m|dd|d|hh|h|ss|s)|(.)', re.I)


def displayed_date(value, code: str) -> str:
    """What Excel shows for a date or time ``value`` under the format ``code`` (the common codes; ISO otherwise)."""
    parts, after_hour = [], False
    tokens = list(_DATE_TOKEN.finditer(code or ""))
    if not any(m.group(3) for m in tokens):
        return value.isoformat()
    for m in tokens:
        literal, escaped, token, other = m.groups()
        if token is None:
            parts.append(literal if literal is not None else escaped if escaped is not None else other or "")
            continue
        token = token.lower()
        if token[0] == "m" and len(token) <= 2 and after_hour:  # m after an hour is minutes
            parts.append(f"{getattr(value, 'minute', 0):0{len(token)}d}")
            continue
        after_hour = token[0] == "h"
        field_value = {"y": getattr(value, "year", 0), "m": getattr(value, "month", 0), "d": getattr(value, "day", 0)}
        field_value |= {"h": getattr(value, "hour", 0), "s": getattr(value, "second", 0)}
        if token == "yy":
            parts.append(f"{field_value['y'] % 100:02d}")
        elif token in ("mmm", "mmmm"):
            parts.append(value.strftime("%b" if token == "mmm" else "%B"))
        else:
            parts.append(f"{field_value[token[0]]:0{len(token) if len(token) == 2 else 1}d}")
    return "".join(parts)


def _scan(xml: bytes, facts: SheetFacts, percent_styles: list[bytes], file: str, date_styles: dict[bytes, str] | None = None) -> None:
    """Fill ``facts`` from the sheet's XML; raise ``InputError`` as soon as a limit is passed."""
    dimension = _DIMENSION.search(xml)
    facts.dimension = dimension.group(1).decode() if dimension else None
    rows = [int(m.group(1)) for m in _ROW_R.finditer(b" ".join(m.group(1) for m in _ROW.finditer(xml)))]
    facts.rows = max(rows, default=0)
    letters = {m.group(1) for m in _CELL_REF.finditer(xml)}
    facts.columns = max((column_index(x.decode()) + 1 for x in letters), default=0)
    if facts.columns > MAX_COLUMNS:
        raise _fail("pool.too_many_columns", file, columns=facts.columns, limit=MAX_COLUMNS, sheet=facts.name)
    if facts.rows * max(facts.columns, 1) > MAX_CELLS:
        used = f"A1:{cell_ref(facts.rows, max(facts.columns, 1) - 1)}"
        raise _fail("pool.too_many_cells", file, range=used, cells=facts.rows * max(facts.columns, 1), limit=MAX_CELLS, sheet=facts.name)
    if _LONG_TEXT.search(xml):
        raise _fail("pool.cell_too_long", file, limit=MAX_CELL_CHARS, sheet=facts.name)
    for m in _ROW.finditer(xml):
        if _HIDDEN.search(m.group(1)) and (r := _ROW_R.search(m.group(1))):
            facts.hidden_rows.append(int(r.group(1)))
    for m in _COL.finditer(xml):
        if _HIDDEN.search(m.group(1)) and (span := _MIN_MAX.search(m.group(1))):
            facts.hidden_columns += range(int(span.group(1)) - 1, min(int(span.group(2)), facts.columns))
    for m in _MERGE.finditer(xml):
        first, _, last = m.group(1).decode().partition(":")
        (r0, c0), (r1, c1) = _rc(first), _rc(last or first)
        facts.merged.append((r0, c0, r1, c1))
    for m in _ERROR_CELL.finditer(xml):
        where = _ref_of(m.group(1))
        value = re.search(rb"<" + _NS + rb"v>([^<]*)<", m.group(2))
        if where is not None:
            facts.errors[where] = value.group(1).decode("utf-8", "replace") if value else "#N/A"
    _scan_formulas(xml, facts)
    if percent_styles:
        styled = re.compile(rb"<" + _NS + rb"c\b([^>]*\bs=" + _Q + rb"(?:" + b"|".join(percent_styles) + rb")" + _Q + rb"[^>]*)>")
        facts.percent = {w for m in styled.finditer(xml) if (w := _ref_of(m.group(1))) is not None}
    if date_styles:
        styled = re.compile(rb"<" + _NS + rb"c\b([^>]*\bs=" + _Q + rb"(" + b"|".join(date_styles) + rb")" + _Q + rb"[^>]*)>")
        facts.dates = {w: date_styles[m.group(2)] for m in styled.finditer(xml) if (w := _ref_of(m.group(1))) is not None}


def _scan_formulas(xml: bytes, facts: SheetFacts) -> None:
    """Formula cells that carry no saved value (a file written by a program and never opened in Excel/WPS)."""
    for formula in _FORMULA.finditer(xml):
        window = max(0, formula.start() - 4096)
        opening = None
        for found in _CELL_OPEN.finditer(xml, window, formula.start()):
            opening = found  # the last cell opened before the formula is the formula's cell
        close = _CELL_CLOSE.search(xml, formula.end())
        if opening is None or close is None:
            continue
        value = _VALUE.search(xml, formula.end(), close.start())
        if value is None or (value.group(1) is not None and not value.group(1).strip()):
            where = _ref_of(opening.group(1))
            if where is not None and where not in facts.errors:
                facts.formulas_without_value.append(where)


def _rc(ref: str) -> tuple[int, int]:
    m = _REF.match(ref)
    return (int(m.group(2)), column_index(m.group(1))) if m else (0, 0)


def _ref_of(attributes: bytes) -> tuple[int, int] | None:
    m = re.search(rb"\br=" + _Q + rb"([A-Z]{1,3})(\d+)" + _Q, attributes)
    return (int(m.group(2)), column_index(m.group(1).decode())) if m else None


_KEPT_PARTS = ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/sharedStrings.xml")


def _checked_package(package: zipfile.ZipFile, sheet_part: str, sheet_xml: bytes, file: str) -> bytes:
    """A new package with only the parts a reader needs, each inflated (and so size-checked) by Python."""
    out = io.BytesIO()
    names = set(package.namelist())
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        for name in _KEPT_PARTS:
            if name in names:
                data = _part(package, name, file)
                if name == "xl/sharedStrings.xml" and _LONG_TEXT.search(data):
                    raise _fail("pool.cell_too_long", file, limit=MAX_CELL_CHARS, sheet="sharedStrings")
                copy.writestr(name, data)
        copy.writestr(sheet_part, _DIMENSION.sub(b"", sheet_xml))
    return out.getvalue()


def read_sheet(data: bytes, file: str, sheet: str | None = None) -> tuple[list[list], SheetFacts, list[str]]:
    """(rows of values from A1, the sheet's facts, every sheet name) of the named sheet or the first visible one.
    Raises ``InputError`` for an unreadable package, a passed limit or an unknown sheet name."""
    package = open_package(data, file)
    found = sheets(package, file)
    names = [s.name for s in found]
    if sheet is not None and sheet not in names:
        raise InputError("pool.invalid", [Problem("pool.no_sheet", params={"sheet": sheet, "sheets": "、".join(names)})], file=file)
    chosen = next(s for s in found if s.name == sheet) if sheet is not None else next((s for s in found if not s.hidden), found[0])
    return _read(package, chosen, file) + (names,)


def read_other_sheet_head(data: bytes, file: str, name: str, rows: int) -> list[list]:
    """The first ``rows`` rows of another sheet (to say where a header is), under the same limits."""
    package = open_package(data, file)
    chosen = next(s for s in sheets(package, file) if s.name == name)
    values, _ = _read(package, chosen, file)
    return values[:rows]


def _read(package: zipfile.ZipFile, chosen: _Sheet, file: str) -> tuple[list[list], SheetFacts]:
    from python_calamine import CalamineError, CalamineWorkbook

    xml = _part(package, chosen.part, file)
    if xml is None:
        raise _fail("pool.unreadable_xlsx", file, detail=chosen.part)
    facts = SheetFacts(chosen.name)
    styles = _part(package, "xl/styles.xml", file)
    _scan(xml, facts, _percent_styles(styles, file), file, _date_styles(styles, file))
    checked = _checked_package(package, chosen.part, xml, file)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(checked))
        values = book.get_sheet_by_name(chosen.name).to_python(skip_empty_area=False)
        book.close()
    except (CalamineError, ValueError, KeyError) as error:
        raise _fail("pool.unreadable_xlsx", file, detail=type(error).__name__) from None
    return values, facts
