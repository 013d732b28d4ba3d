"""The county's one-page report: a summary (county, scenario, run, counts, the province's totals and its lowest
selected score — named as what it is, not a cut-off) and the county's villages with what each needs
(``report.tables.preview_table``). ``county_report`` is the data any renderer takes (the app's Excel download
here; a PDF renderer takes the same ``CountyReport``); ``county_report_bytes`` writes the Excel page through
``report.sheets`` (atomic, text as text)."""

from __future__ import annotations

import io
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


PDF_ROWS = (26, 38)  # villages the first page (under the summary) and each further page hold legibly
PDF_COLUMNS = {"village": 0.13, "village_id": 0.11, "score": 0.07, "rank": 0.05, "selected": 0.05, "standing": 0.59}
STANDING_CHARS = 64  # a longer standing is cut with "…" on paper; the Excel report holds it whole


def county_pdf(report: CountyReport, lang: str | None = None) -> bytes:
    """The report as an A4 landscape PDF drawn with matplotlib (fonts embedded; ``report.summary`` says why this
    renderer): the title (示例数据 in red for the sample), the summary, and the county's eligible villages — the
    ones a margin is about — with their standing; the ineligible villages are counted in one line (their reasons
    are in the Excel report). One page for up to ``PDF_ROWS[0]`` eligible villages, ``PDF_ROWS[1]`` more a page. Raises ``InputError`` without a
    CJK font (``report.fonts``)."""
    from matplotlib.backends.backend_pdf import PdfPages

    from report.fonts import cjk_font
    from report.summary import rendering
    from report.tables import column_name

    font = cjk_font()
    villages = report.villages
    eligible = villages[villages[column_name("eligible", lang)] == t("word.yes", lang)]
    shown = eligible[[column_name(k, lang) for k in PDF_COLUMNS]].copy()
    score = column_name("score", lang)
    shown[score] = shown[score].map(lambda x: f"{x:.4f}")  # one number of decimals down the column
    shown = shown.astype(str).replace({"<NA>": "—", "nan": "—"})
    standing = column_name("standing", lang)
    shown[standing] = shown[standing].map(lambda s: s if len(s) <= STANDING_CHARS else s[: STANDING_CHARS - 1] + "…")
    first, rest = PDF_ROWS
    pages = [shown.iloc[:first]] + [shown.iloc[i : i + rest] for i in range(first, len(shown), rest)]
    ineligible = t("county.pdf_ineligible", lang, count=len(villages) - len(eligible))
    buffer = io.BytesIO()
    with rendering(), PdfPages(buffer) as pdf:
        for number, rows in enumerate(pages):
            pdf.savefig(_county_page(report, rows, ineligible if number == len(pages) - 1 else None, font, number))
    return buffer.getvalue()


def _county_page(report: CountyReport, rows: pd.DataFrame, footer: str | None, font: str, number: int):
    from matplotlib.figure import Figure

    from report.summary import draw_table

    figure = Figure(figsize=(11.69, 8.27))
    text = {"family": font, "parse_math": False, "va": "top"}
    figure.text(
        0.04,
        0.96,
        report.title + (f"（{number + 1}）" if number else ""),
        fontsize=14,
        weight="bold",
        color="#C00000" if report.sample else "black",
        **text,
    )
    top = 0.91
    if number == 0:
        for item, value in report.summary.itertuples(index=False):
            figure.text(0.04, top, f"{item}：{value}", fontsize=9, **text)
            top -= 0.028
    top -= 0.01
    if len(rows):
        height = min(top - 0.06, 0.022 * (len(rows) + 1))
        axes = figure.add_axes((0.04, top - height, 0.92, height))
        axes.set_axis_off()
        draw_table(axes, rows.values.tolist(), list(rows.columns), list(PDF_COLUMNS.values()), font)
        top -= height + 0.02
    if footer:
        figure.text(0.04, top, footer, fontsize=8.5, color="#444444", **text)
    return figure
