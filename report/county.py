"""The county's one-page report: a summary (county, scenario, run, counts, the province's totals and its lowest
selected score — named as what it is, not a cut-off) and the county's villages with what each needs
(``report.tables.preview_table``). ``county_report`` is the data any renderer takes (the app's Excel download
here; a PDF renderer takes the same ``CountyReport``); ``county_report_bytes`` writes the Excel page through
``report.sheets`` (atomic, text as text)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.outcome import Outcome
from contract.texts import SAMPLE_LABEL, t
from report.files import _display_width
from report.sheets import excel_writer, quoted_format, write_frame, write_text, written_bytes
from report.tables import preview_table


@dataclass(frozen=True)
class CountyReport:
    """``title`` (with the 示例数据 label for the sample pool), ``summary`` (two columns: item, value — text),
    ``villages`` (the county's villages, headers in the reader's language), ``sample``."""

    title: str
    summary: pd.DataFrame
    villages: pd.DataFrame
    sample: bool


def county_report(o: Outcome, preview, lang: str | None = None, run_id: int | None = None) -> CountyReport:
    """The report of one county preview (``analysis.preview.CountyPreview``) of outcome ``o``."""
    sample = o.inputs.pool.is_sample
    title = t("county.report_title", lang, county=preview.county) + (f"（{SAMPLE_LABEL}）" if sample else "")
    items = [
        ("county.report_scenario", o.inputs.loaded.scenario.name),
        ("county.report_villages", str(len(preview.table))),
        ("county.report_eligible", str(preview.eligible)),
        ("county.report_selected", str(preview.selected)),
        ("county.report_province", f"{preview.province_eligible} / {preview.province_selected}"),
        ("county.report_lowest", f"{preview.cutoff:.4f}" if preview.cutoff is not None else "—"),
    ]
    if run_id is not None:
        items.insert(1, ("county.report_run", f"#{run_id}"))
    if sample:
        items.append(("county.report_sample", SAMPLE_LABEL))
    summary = pd.DataFrame(
        {t("county.report_item", lang): [t(code, lang) for code, _ in items], t("county.report_value", lang): [v for _, v in items]}
    )
    return CountyReport(title, summary, preview_table(o, preview, lang), sample)


def write_county_xlsx(report: CountyReport, path: Path, lang: str | None = None) -> None:
    """One sheet, printed on one page wide (landscape): title, summary, the villages."""
    name = t("sheet.county_summary", lang)[:31]
    with excel_writer(path) as writer:
        book = writer.book
        style = {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        header = (book.add_format(style), quoted_format(book, style))
        banner_style = {"bold": True, "font_size": 12, "font_color": "#C00000" if report.sample else "#000000"}
        write_frame(writer, name, report.summary, startrow=2, header=False)
        sheet = writer.sheets[name]
        write_text(sheet, 0, 0, report.title, book.add_format(banner_style), quoted_format(book, banner_style))
        for column, label in enumerate(report.summary.columns):
            write_text(sheet, 1, column, label, *header)
        start = 3 + len(report.summary) + 1
        write_frame(writer, name, report.villages, startrow=start + 1, header=False)
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        for column, label in enumerate(report.villages.columns):
            write_text(sheet, start, column, label, *header)
            values = report.villages.iloc[:, column].map(str)
            width = min(max([_display_width(str(label))] + [_display_width(v) for v in values]) + 2, 48)
            sheet.set_column(column, column, max(width, 8), wrap)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)


def county_report_bytes(report: CountyReport, lang: str | None = None) -> bytes:
    """The Excel page as bytes (the app's download)."""
    return written_bytes(lambda path: write_county_xlsx(report, path, lang))
