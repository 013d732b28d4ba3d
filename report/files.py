"""Writing outputs: the Excel workbook of SPEC §5, the per-village CSV of SPEC §4 — through ``report.sheets``:
atomic (never half-written) and text as text (a name that looks like a formula stays text, ``report.escape``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.outcome import Outcome
from contract.texts import SAMPLE_LABEL, t
from report.funnel import funnel_table
from report.maps import curve_table
from report.sheets import excel_writer, quoted_format, write_csv_table, write_frame, write_text, written_bytes
from report.summary import write_summary_pdf, write_summary_sheet
from report.tables import attainment_table, distribution_table, later_tables, left_out_table, run_info, shortlist_table, village_table


def write_csv(o: Outcome, path: Path, lang: str | None = None) -> None:
    write_csv_table(village_table(o, lang), path)


OUTPUT_SUFFIXES = (".xlsx", ".csv", ".pdf")


def write_output(o: Outcome, path: Path, lang: str | None = None, map_picture: bool = False) -> None:
    """One output of ``baicun solve --out``, by its suffix (``OUTPUT_SUFFIXES``): the workbook of SPEC §5 (with the
    map picture when ``map_picture``), the per-village CSV of SPEC §4, or the one-page meeting summary PDF
    (``report.summary``, which always draws the map)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(o, path, lang, map_picture=map_picture)
    else:
        (write_csv if suffix == ".csv" else write_summary_pdf)(o, path, lang)


def workbook_sheets(o: Outcome, lang: str | None = None) -> list[tuple[str, pd.DataFrame]]:
    """(sheet name, table) in the order a panel reads them."""
    sheets = [
        (t("sheet.shortlist", lang), shortlist_table(o, lang)),
        (t("sheet.by_city", lang), distribution_table(o, "city", lang)),
        (t("sheet.by_county", lang), distribution_table(o, "county", lang)),
        (t("sheet.rules", lang), attainment_table(o, lang)),
        (t("sheet.left_out", lang), left_out_table(o, lang)),
        (t("sheet.funnel", lang), funnel_table(o.inputs.pool, o.scores, o.selection, lang)),
    ]
    sheets += later_tables(o, lang)
    if o.curves:
        sheets.append((t("sheet.value_curve", lang), curve_table(o, lang)))
    sheets.append((t("sheet.run", lang), run_info(o, lang=lang)))
    return sheets


def workbook_bytes(o: Outcome, lang: str | None = None, changes: list[str] | None = None, map_picture: bool = False) -> bytes:
    """The workbook ``write_xlsx`` writes, as bytes (the app's download)."""
    return written_bytes(lambda path: write_xlsx(o, path, lang, changes, map_picture))


def write_xlsx(o: Outcome, path: Path, lang: str | None = None, changes: list[str] | None = None, map_picture: bool = False) -> None:
    """The workbook of SPEC §5 (the only builder: ``baicun solve --out`` and the app's download both use it), opening
    with the meeting summary (``report.summary``; ``changes``: the session's changes to the scenario, in words);
    ``map_picture``: a 地图 sheet with the map (``report.maps.map_png``) after the shortlist, when a shortlist was
    found — off by default because drawing it loads matplotlib (about a second)."""
    name = o.inputs.loaded.scenario.name
    title = name if not o.inputs.pool.is_sample or SAMPLE_LABEL in name else f"{name}（{SAMPLE_LABEL}）"
    with excel_writer(path) as writer:
        book = writer.book
        style = {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        header = (book.add_format(style), quoted_format(book, style))
        banner_style = {"bold": True, "font_size": 12, "font_color": "#C00000" if o.inputs.pool.is_sample else "#000000"}
        banner = (book.add_format(banner_style), quoted_format(book, banner_style))
        sample = book.add_format(banner_style | {"font_color": "#C00000"})
        formats = {"banner": banner[0], "sample": sample, "header": header[0], "quoted": quoted_format(book)}
        write_summary_sheet(writer, o, lang, formats, changes)
        for k, (name, table) in enumerate(workbook_sheets(o, lang)):
            _write_sheet(writer, name[:31], table, f"{title} — {name}", header, banner)
            if k == 0 and map_picture and o.selection.found:
                _write_map(writer, o, lang, f"{title} — {t('sheet.map', lang)}", banner)
        _write_scenario(writer, o, lang, header)


def _write_sheet(writer, name: str, table: pd.DataFrame, title: str, header, banner) -> None:
    write_frame(writer, name, table, startrow=2, header=False)
    sheet = writer.sheets[name]
    write_text(sheet, 0, 0, title, *banner)
    for column, label in enumerate(table.columns):
        write_text(sheet, 1, column, label, *header)
        sheet.set_column(column, column, _width(label, table.iloc[:, column]))
    sheet.freeze_panes(2, 0)
    if len(table.columns):
        sheet.autofilter(1, 0, 1 + len(table), len(table.columns) - 1)


def _write_map(writer, o: Outcome, lang, title: str, banner) -> None:
    """The map as a picture; without a CJK font, the message that says which to install, in its place."""
    import io

    from contract.errors import InputError
    from report.maps import map_png

    sheet = writer.book.add_worksheet(t("sheet.map", lang)[:31])
    write_text(sheet, 0, 0, title, *banner)
    try:
        picture = map_png(o, lang=lang, width_in=10.0, dpi=110)
    except InputError as error:
        write_text(sheet, 2, 0, error.problems[0].render(lang), None, quoted_format(writer.book))
        return
    sheet.insert_image(2, 0, "map.png", {"image_data": io.BytesIO(picture), "object_position": 3})


def _write_scenario(writer, o: Outcome, lang, header) -> None:
    name = t("sheet.scenario", lang)
    lines = o.inputs.loaded.text.splitlines()
    sheet = writer.book.add_worksheet(name)
    write_text(sheet, 0, 0, t("sheet.scenario_title", lang, file=o.inputs.loaded.source), *header)
    quoted = quoted_format(writer.book)
    for row, line in enumerate(lines, start=1):
        write_text(sheet, row, 0, line, None, quoted)
    sheet.set_column(0, 0, 110)


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _width(label, values: pd.Series) -> float:
    sample = values.head(200).map(str)
    longest = max([_display_width(str(label))] + [_display_width(v) for v in sample])
    return min(max(longest + 2, 8), 60)
