"""会议摘要: the one page a review panel files with its minutes — the scenario and what the session changed in it,
the status with its gap, the key figures, the shortlist by city against its bounds, the map, every rule with what
it required, what the shortlist achieved and what the rule cost (its price, ``analysis.whatif``), and the 示例数据
label when the pool is the synthetic sample.

One set of data (``meeting_summary``) is drawn two ways: as an A4 PDF page (``summary_pdf``) and as the workbook's
first sheet (``write_summary_sheet``). The renderer is matplotlib: it draws text, tables and charts into a PDF with
the fonts embedded, needs no browser (kaleido does) and no system libraries (WeasyPrint needs Pango), works offline,
and is already a dependency of the statistics the expert review uses. Every text is drawn with mathtext off, so a
name such as ``$x$`` stays the characters typed.
"""

from __future__ import annotations

import datetime as _dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.outcome import Outcome
from contract import __version__
from contract.texts import SAMPLE_LABEL, t
from report.fonts import cjk_font
from report.sheets import FOUR_DECIMALS, GROUPED, NumberFormats, Shown, write_text, write_value
from report.status import status_text
from report.tables import attainment_rows, distribution_table

A4 = (8.27, 11.69)  # inches, portrait
RULE_ROWS = 16  # rules listed on the page; the workbook's 规则达成情况 and 各规则的代价 sheets hold every one
CHANGE_LINES = 6
SAMPLE_RED = "#C00000"


@dataclass(frozen=True)
class MeetingSummary:
    """What the page says, as data in the reader's language (made by ``meeting_summary``)."""

    title: str  # the scenario's name
    sample: bool  # the pool is the synthetic sample: the page says 示例数据
    status: str  # 已证明最优 / 可行，差距 g …
    figures: list[tuple[str, tuple]]  # (label, values): selected, total score, used / budget, eligible / pool size —
    # numbers as ``Shown`` (a number cell each in the workbook, " / " between them on the page), "—" when absent
    changes: list[str]  # what the session changed in the scenario, one line each ([] : the scenario file as is)
    rules: pd.DataFrame  # columns rule, required, actual, met, price (labels in the reader's language)
    by_city: pd.DataFrame  # city (label), selected_count, low, high (NaN where no bound)
    provenance: list[tuple[str, str]]  # (label, value): pool file and fingerprint, solver, generated, version
    lang: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # rules' column labels


def meeting_summary(o: Outcome, lang: str | None = None, changes: list[str] | None = None) -> MeetingSummary:
    """The page's data for a found selection ``o``; ``changes`` are the session's changes to the scenario file in
    words (``report.changes.change_lines``), None or [] when the scenario was run as written."""
    s, pool = o.selection, o.inputs.pool
    budget = s.rules.budget
    used = s.check.budget_used if s.check else 0.0
    figures = [
        (t("info.count", lang), (Shown(s.count, GROUPED),)),
        (t("info.objective", lang), (Shown(s.objective, FOUR_DECIMALS),) if s.objective is not None else ("—",)),
        (t("meeting.budget", lang), (Shown(used, GROUPED), Shown(budget, GROUPED)) if budget else (Shown(used, GROUPED),)),
        (t("meeting.eligible", lang), (Shown(int(o.scores.eligible.sum()), GROUPED), Shown(pool.size, GROUPED))),
    ]
    by_city = distribution_table(o, "city", lang, named=False)
    for bound in ("low", "high"):
        if bound not in by_city:
            by_city[bound] = float("nan")
    provenance = [
        (t("info.pool_file", lang), str(pool.source)),
        (t("info.fingerprint", lang), pool.fingerprint),
        (t("info.backend", lang), s.version),
        (t("info.generated", lang), _dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
        (t("info.version", lang), __version__),
    ]
    headers = {k: t(f"col.{k}", lang) for k in ("rule", "required", "actual", "met", "price")}
    return MeetingSummary(
        o.inputs.loaded.scenario.name,
        pool.is_sample,
        status_text(s, lang),
        figures,
        list(changes or []),
        _rules_with_prices(o, lang),
        by_city[["city", "selected_count", "low", "high"]],
        provenance,
        lang,
        headers,
    )


def _rules_with_prices(o: Outcome, lang) -> pd.DataFrame:
    """Each rule's line of the checker's report beside its price: the score the panel gives up for the rule."""
    prices = {p.rule: p.price for p in o.prices} if o.prices is not None else {}
    rows = []
    for ref, row in attainment_rows(o, lang):
        price = prices.get(ref)
        rows.append({**row, "met": t("word.yes" if row["met"] else "word.no", lang), "price": "—" if price is None else Shown(price, FOUR_DECIMALS)})
    return pd.DataFrame(rows, columns=["rule", "required", "actual", "met", "price"], dtype=object)  # Shown numbers kept


# --- the PDF page ------------------------------------------------------------------------------------------------


def summary_figure(summary: MeetingSummary, map_png: bytes | None = None):
    """The A4 page as a matplotlib ``Figure`` (inches ``A4``): heading, status, figures, changes, the by-city chart
    (beside the map when ``map_png`` is given), the rules and their prices, the provenance line."""
    from matplotlib.figure import Figure

    font = cjk_font()
    figure = Figure(figsize=A4)
    lang = summary.lang
    y = 0.965

    def line(text: str, size: float = 9.5, colour: str = "black", weight: str = "normal", x: float = 0.06) -> None:
        nonlocal y
        figure.text(x, y, text, fontsize=size, color=colour, weight=weight, family=font, va="top", parse_math=False)
        y -= size / 72 / A4[1] * 1.55

    line(t("meeting.title", lang, name=summary.title), 15, weight="bold")
    if summary.sample:
        line(t("meeting.sample", lang, label=SAMPLE_LABEL), 10.5, SAMPLE_RED, "bold")
    line(t("meeting.status", lang, status=summary.status), 10.5)
    y -= 0.006
    _figure_boxes(figure, summary.figures, y, font)
    y -= 0.075
    line(t("meeting.changes", lang), 10.5, weight="bold")
    shown = summary.changes[:CHANGE_LINES]
    for text in shown or [t("meeting.no_changes", lang)]:
        line("· " + text, 9, x=0.08)
    if len(summary.changes) > len(shown):
        line(t("change.more", lang, count=len(summary.changes) - len(shown)), 9, x=0.08)
    chart_top = y - 0.01
    chart_height = 0.38
    chart_width = 0.40 if map_png else 0.84
    axes = figure.add_axes((0.12, chart_top - chart_height, chart_width - 0.06, chart_height - 0.03))
    draw_by_city(axes, summary, font)
    if map_png:
        _draw_map(figure, map_png, (0.52, chart_top - chart_height, 0.44, chart_height))
    y = chart_top - chart_height - 0.025
    line(t("meeting.rules", lang), 10.5, weight="bold")
    _rules_table(figure, summary, y, font)
    footer = "  ·  ".join(f"{k}: {v}" for k, v in summary.provenance)
    figure.text(0.06, 0.018, footer, fontsize=6, color="#555555", family=font, parse_math=False, wrap=True)
    return figure


def _figure_boxes(figure, figures: list[tuple[str, str]], top: float, font: str) -> None:
    width = 0.88 / len(figures)
    for i, (label, value) in enumerate(figures):
        x = 0.06 + i * width
        figure.text(x, top, label, fontsize=8, color="#444444", family=font, va="top", parse_math=False)
        figure.text(x, top - 0.022, figure_text(value), fontsize=14, weight="bold", family=font, va="top", parse_math=False)


def figure_text(values: tuple) -> str:
    """A figure's values as the page shows them: "200,000 / 200,000"."""
    return " / ".join(str(v) for v in values)


def draw_by_city(axes, summary: MeetingSummary, font: str) -> None:
    """Villages selected per city (bars) against the group bounds (markers), cities top to bottom as in the tables."""
    table = summary.by_city.iloc[::-1]
    names = table["city"].astype(str).tolist()
    positions = range(len(names))
    axes.barh(positions, table["selected_count"], color="#2f6db5", label=t("ui.metric.selected", summary.lang))
    for bound, marker, colour in (("low", ">", "#d62728"), ("high", "<", "#222222")):
        values = table[bound]
        if values.notna().any():
            axes.scatter(values, positions, marker=marker, color=colour, zorder=3, label=t(f"col.{bound}", summary.lang))
    axes.set_yticks(list(positions), names, fontsize=7.5, family=font)
    for label in axes.get_yticklabels():
        label.set_parse_math(False)
    axes.tick_params(axis="x", labelsize=7)
    axes.set_title(t("meeting.by_city", summary.lang), fontsize=9.5, family=font, loc="left")
    axes.legend(prop={"family": font, "size": 7}, loc="upper right", frameon=False, scatterpoints=1)
    axes.spines[["top", "right"]].set_visible(False)


def _draw_map(figure, png: bytes, box: tuple[float, float, float, float]) -> None:
    from matplotlib.image import imread

    axes = figure.add_axes(box)
    axes.imshow(imread(io.BytesIO(png), format="png"))
    axes.set_axis_off()


def _rules_table(figure, summary: MeetingSummary, top: float, font: str) -> None:
    rows = summary.rules.head(RULE_ROWS)
    header = [summary.headers[k] for k in rows.columns]
    cells = [[str(v) for v in row] for row in rows.itertuples(index=False)]
    height = min(top - 0.06, 0.021 * (len(cells) + 1))
    axes = figure.add_axes((0.06, top - height - 0.005, 0.88, height))
    axes.set_axis_off()
    if not cells:
        return
    draw_table(axes, cells, header, [0.40, 0.17, 0.15, 0.10, 0.18], font)
    more = len(summary.rules) - len(rows)
    if more > 0:
        figure.text(0.06, top - height - 0.02, t("meeting.more_rules", summary.lang, count=more), fontsize=7.5, family=font, parse_math=False)


def rendering():
    """The settings every page is saved under: fonts embedded as TrueType (the page reads the same on any machine)
    and mathtext off (a name such as ``$x$`` is drawn as typed)."""
    import matplotlib

    return matplotlib.rc_context({"pdf.fonttype": 42, "text.parse_math": False})


def draw_table(axes, cells: list[list[str]], header: list[str], widths: list[float], font: str) -> None:
    """A table of text on a page (the summary's rules, the county's villages): ``widths`` as shares of ``axes``,
    7.5 pt, the header shaded like the workbook's, every cell drawn as typed (mathtext off)."""
    table = axes.table(cellText=cells, colLabels=header, colWidths=widths, loc="upper center", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(7.5)
    for (row, _), cell in table.get_celld().items():
        cell.get_text().set_family(font)
        cell.get_text().set_parse_math(False)
        cell.set_edgecolor("#bbbbbb")
        if row == 0:
            cell.set_facecolor("#DDEBF7")


def _rendered(figure, fmt: str, dpi: int = 150) -> bytes:
    buffer = io.BytesIO()
    with rendering():
        figure.savefig(buffer, format=fmt, dpi=dpi)
    return buffer.getvalue()


def summary_pdf(o: Outcome, lang: str | None = None, changes: list[str] | None = None) -> bytes:
    """The meeting summary of ``o`` as the bytes of a one-page A4 PDF, with the map (``report.maps.map_png``) when
    the pool has coordinates. Raises ``InputError`` without a CJK font."""
    return _rendered(summary_figure(meeting_summary(o, lang, changes), _map_picture(o, lang)), "pdf")


def _map_picture(o: Outcome, lang) -> bytes | None:
    from report.maps import map_png

    frame = o.inputs.pool.frame
    located = {"lon", "lat"} <= set(frame) and bool(frame[["lon", "lat"]].notna().all(axis=1).any())
    return map_png(o, lang=lang, width_in=5.0, dpi=200) if located else None


def write_summary_pdf(o: Outcome, path: Path, lang: str | None = None, changes: list[str] | None = None) -> None:
    """``summary_pdf`` written atomically to ``path`` (never half-written)."""
    from report.sheets import atomic_path

    data = summary_pdf(o, lang, changes)  # rendered first: a missing font leaves no file behind
    with atomic_path(path) as temporary:
        Path(temporary).write_bytes(data)


# --- the workbook's first sheet ----------------------------------------------------------------------------------


def write_summary_sheet(writer, o: Outcome, lang: str | None, formats: dict, changes: list[str] | None = None) -> None:
    """The summary as the workbook's first sheet 会议摘要: the same data as the PDF page, as cells (copyable) and the
    by-city chart as a picture. ``formats``: xlsxwriter formats ``banner``, ``sample``, ``header``, ``quoted``."""
    summary = meeting_summary(o, lang, changes)
    numbers = NumberFormats(writer.book)
    sheet = writer.book.add_worksheet(t("sheet.meeting", lang))
    rows: list[tuple[str, str, tuple]] = [("banner", t("meeting.title", lang, name=summary.title), ())]
    if summary.sample:
        rows.append(("sample", t("meeting.sample", lang, label=SAMPLE_LABEL), ()))
    rows.append(("pair", t("info.status", lang), (summary.status,)))
    rows += [("pair", label, values) for label, values in summary.figures]  # "used / budget": one number cell each
    rows.append(("heading", t("meeting.changes", lang), ()))
    rows += [("line", "· " + text, ()) for text in summary.changes or [t("meeting.no_changes", lang)]]
    rows.append(("heading", t("meeting.rules", lang), ()))
    row = 0
    for kind, first, values in rows:
        fmt = formats.get({"banner": "banner", "sample": "sample", "heading": "header"}.get(kind, ""))
        write_text(sheet, row, 0, first, fmt, formats["quoted"])
        for column, value in enumerate(values, start=1):
            write_value(sheet, row, column, value, numbers, None, formats["quoted"])
        row += 1
    for column, key in enumerate(summary.rules.columns):
        write_text(sheet, row, column, summary.headers[key], formats["header"], formats["quoted"])
    for values in summary.rules.itertuples(index=False):
        row += 1
        for column, value in enumerate(values):
            write_value(sheet, row, column, value, numbers, None, formats["quoted"])
    row += 2
    for label, value in summary.provenance:
        write_text(sheet, row, 0, label, None, formats["quoted"])
        write_text(sheet, row, 1, value, None, formats["quoted"])
        row += 1
    sheet.set_column(0, 0, 46)
    sheet.set_column(1, 4, 18)
    _by_city_chart(writer.book, sheet, summary, row + 2, formats)


def _by_city_chart(book, sheet, summary: MeetingSummary, first_row: int, formats: dict) -> None:
    """The by-city figures as cells under the summary and a native Excel chart of them beside it (columns: villages
    selected; markers: the group bounds) — editable in Excel/WPS, and no plotting library loaded for a workbook."""
    lang = summary.lang
    table = summary.by_city
    labels = [t("summary.city_header", lang), t("ui.metric.selected", lang), t("col.low", lang), t("col.high", lang)]
    for column, label in enumerate(labels):
        write_text(sheet, first_row, column, label, formats["header"], formats["quoted"])
    for offset, item in enumerate(table.itertuples(index=False), start=1):
        write_text(sheet, first_row + offset, 0, item.city, None, formats["quoted"])
        for column, value in enumerate((item.selected_count, item.low, item.high), start=1):
            if pd.notna(value):
                sheet.write_number(first_row + offset, column, float(value))
    last = first_row + len(table)
    name = sheet.get_name()
    chart = book.add_chart({"type": "column"})
    categories = [name, first_row + 1, 0, last, 0]
    chart.add_series({"name": labels[1], "categories": categories, "values": [name, first_row + 1, 1, last, 1], "fill": {"color": "#2f6db5"}})
    bounds = book.add_chart({"type": "line"})
    for column, colour in ((2, "#d62728"), (3, "#222222")):
        if table[["low", "high"][column - 2]].notna().any():
            marker = {"type": "triangle", "size": 8, "fill": {"color": colour}, "border": {"color": colour}}
            bounds.add_series(
                {
                    "name": labels[column],
                    "categories": categories,
                    "values": [name, first_row + 1, column, last, column],
                    "line": {"none": True},
                    "marker": marker,
                }
            )
    chart.combine(bounds)
    chart.set_title({"name": t("meeting.by_city", lang), "name_font": {"size": 11}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 620, "height": 340})
    sheet.insert_chart(0, 6, chart)
