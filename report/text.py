"""Terminal renderings (rich tables handle the width of Chinese characters). Every cell, header and title is a
``rich.text.Text`` made by ``report.escape.terminal``: a name such as ``[/b]`` is shown, never read as markup."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from rich import box
from rich.cells import cell_len
from rich.table import Table

from contract.columns import header_of, kind_of
from contract.texts import Msgs, current_language, render, t
from pool.read import Pool
from pool.summary import summarize
from report.escape import terminal, terminal_plain
from report.sheets import Shown
from report.status import status_text, stored_status_text
from solver.rules import RuleRef

if TYPE_CHECKING:  # an annotation only: `pool check` prints without the scoring rules (docs/ARCHITECTURE.md)
    from scoring.score import Scores


def table_of(frame: pd.DataFrame, title: str | None = None, index: bool = False) -> TerminalTable:
    return TerminalTable(frame, title, index)


# A text column whose longest value is wider than this wraps when the terminal is narrow; a narrower column (a code,
# a number, a name) is never wrapped or cut. A wrapping column is never narrower than TEXT_MIN.
LONG_TEXT = 20
TEXT_MIN = 16


class TerminalTable:
    """A table for the terminal that never cuts a value off with an ellipsis, whatever the terminal's width. The
    layout is chosen when it is printed, from the width it has:

    1. the boxed table with every value on one line, when it fits (always in a pipe or file, 250 columns);
    2. a compact table (no vertical rules), headers on up to two lines, long text (reasons) wrapped in its column,
       when codes, numbers and names still fit whole;
    3. one record per row: the row's fields as "header value" pairs side by side, long text on a line of its own.
    """

    def __init__(self, frame: pd.DataFrame, title: str | None = None, index: bool = False):
        self.title = title
        columns = ([frame.index.name or ""] if index else []) + [str(c) for c in frame.columns]
        self.numeric = ([False] if index else []) + [bool(pd.api.types.is_numeric_dtype(frame[c])) for c in frame.columns]
        self.headers = [terminal_plain(c) for c in columns]
        self.rows = [[terminal_plain(key)] * index + [terminal_plain(_cell(v)) for v in row] for key, row in frame.iterrows()]
        self.values = [max((_cells(row[i]) for row in self.rows), default=0) for i in range(len(columns))]
        self.long = [not numeric and width > LONG_TEXT for numeric, width in zip(self.numeric, self.values, strict=True)]

    def __rich_console__(self, console, options):
        width = options.max_width
        natural = [max(value, _cells(header)) for value, header in zip(self.values, self.headers, strict=True)]
        if sum(natural) + 3 * len(natural) + 1 <= width:
            yield self._table(box.HEAVY_HEAD, natural, fixed=False)
            return
        widths = [
            value if long else max(value, _header_min(header)) for value, header, long in zip(self.values, self.headers, self.long, strict=True)
        ]
        gaps = 2 * (len(widths) - 1)
        spare = width - gaps - sum(w for w, long in zip(widths, self.long, strict=True) if not long)
        wide = [i for i, long in enumerate(self.long) if long]
        if wide and spare >= TEXT_MIN * len(wide):
            share = spare // len(wide)
            for i in wide:
                widths[i] = max(min(self.values[i], share), _header_min(self.headers[i]), TEXT_MIN)
        if sum(widths) + gaps <= width:
            yield self._table(box.SIMPLE_HEAD, widths, fixed=True)
            return
        yield from self._records(width)

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        natural = [max(value, _cells(header)) for value, header in zip(self.values, self.headers, strict=True)]
        return Measurement(min(options.max_width, TEXT_MIN), min(options.max_width, sum(natural) + 3 * len(natural) + 1))

    def _table(self, style, widths: list[int], fixed: bool) -> Table:
        compact = style is box.SIMPLE_HEAD
        table = Table(
            title=terminal(self.title) if self.title is not None else None,
            box=style,
            show_edge=not compact,
            pad_edge=not compact,
            padding=(0, 1, 0, 0) if compact else (0, 1),
            header_style="bold",
        )
        for header, numeric, long, width in zip(self.headers, self.numeric, self.long, widths, strict=True):
            table.add_column(
                terminal(header),
                justify="right" if numeric else "left",
                overflow="fold",
                width=width if fixed else None,
                no_wrap=not long and not fixed,
            )
        for row in self.rows:
            table.add_row(*(terminal(cell) for cell in row))
        return table

    def _records(self, width: int):
        from rich.columns import Columns
        from rich.rule import Rule

        if self.title is not None:
            title = Table.grid()  # a grid cell wraps to the width, where a line printed as soft-wrapped text would not
            title.add_row(terminal(self.title))
            yield title
        label = max((_cells(h) for h, long in zip(self.headers, self.long, strict=True) if not long), default=0)
        for row in self.rows:
            yield Rule(style="dim")
            pairs = []
            for header, value, long in zip(self.headers, row, self.long, strict=True):
                if long or _cells(value) > LONG_TEXT:
                    if pairs:
                        yield Columns(pairs, padding=(0, 3))
                        pairs = []
                    line = Table.grid(padding=(0, 1, 0, 0))  # a grid wraps the text under itself, beside its header
                    line.add_column(style="bold", no_wrap=True)
                    line.add_column(overflow="fold")
                    line.add_row(terminal(header), terminal(value))
                    yield line
                else:
                    pairs.append(_pair(header + " " * (label - _cells(header)), value))
            if pairs:
                yield Columns(pairs, padding=(0, 3))


def _pair(header: str, value: str):
    from rich.text import Text

    pair = Text.assemble(terminal(header), " ", terminal(value))
    pair.stylize("bold", 0, len(header))
    return pair


def _cells(text: str) -> int:
    return max((cell_len(line) for line in str(text).splitlines()), default=0)


def _header_min(header: str) -> int:
    """The narrowest column a header reads well in: on two lines at most (Chinese wraps between any two characters,
    English between words)."""
    half = -(-_cells(header) // 2)
    half = max(half + half % 2, min(_cells(header), 4))  # a Chinese character takes two cells; 排名 stays whole
    if header.isascii():
        half = max([half] + [len(word) for word in header.split()])
    return half


def _cell(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and not isinstance(value, Shown):  # a Shown number says how it is shown
        return f"{value:.4f}" if abs(value) < 10 else f"{value:,.1f}"
    return str(value)


def pool_summary_lines(pool: Pool) -> list:
    summary = summarize(pool)
    lines: list = []
    if pool.is_sample:
        lines.append(t("summary.sample"))
    lines.append(t("summary.title", file=pool.source))
    lines += [f"  {notice.render()}" for notice in pool.notices]
    lines.append(t("summary.totals", villages=summary.villages, cities=summary.cities, counties=summary.counties, qiancun=summary.qiancun))
    for year, row in summary.batches.iterrows():
        lines.append(t("summary.batch", year=year, count=row["count"], border=row["border"], poverty=row["poverty"]))
    lines.append(t("summary.upgraded", count=summary.upgraded))
    if pool.extra:
        lines.append(t("summary.extra", columns="、".join(f"{k}({v})" for k, v in pool.extra.items())))
    by_city = summary.by_city.rename(
        columns={
            "villages": t("summary.col_villages"),
            "qiancun": t("summary.col_qiancun"),
            "border": t("summary.col_border"),
            "poverty": t("summary.col_poverty"),
        }
    )
    by_city.index.name = t("summary.city_header")
    lines.append(table_of(by_city, index=True))
    return lines


def score_lines(pool: Pool, scores: Scores, top: int) -> list:
    from report.funnel import reason_table
    from report.tables import column_name

    lines: list = []
    if pool.is_sample:
        lines.append(t("summary.sample"))
    lines += [notice.render() for notice in scores.notices]
    ranked = scores.ranked().head(top)
    names = pool.frame.loc[ranked.index, ["village", "county", "city"]]
    shown = pd.concat([ranked[["rank", "village_id"]], names, ranked[["score"]], ranked[list(scores.contributions.columns)]], axis=1)
    shown = shown.rename(columns=column_name)
    eligible = int(scores.eligible.sum())
    lines.append(table_of(shown, title=t("score.title", top=len(ranked), eligible=eligible, total=pool.size)))
    ineligible = pool.size - eligible
    counts = reason_table(scores)
    lines.append(table_of(counts, title=t("score.reasons_title", count=ineligible)))
    return lines


def selection_lines(o) -> list:
    """Terminal summary of a solved selection: status, numbers, rules met, the top of the shortlist."""
    from report.tables import attainment_table, prices_table, shortlist_table

    s = o.selection
    lines: list = [t("summary.sample")] if o.inputs.pool.is_sample else []
    lines += [n.render() for n in list(o.scores.notices) + list(s.rules.notices)]
    lines.append(
        t(
            "solve.headline",
            name=o.inputs.loaded.scenario.name,
            status=status_text(s),
            count=s.count,
            objective=f"{s.objective:.6f}",
            gap=f"{s.gap:.1e}" if s.gap is not None else "—",
            budget=f"{s.check.budget_used:,.1f}",
            backend=s.version,
            seconds=f"{sum(s.timings.values()):.2f}",
        )
    )
    lines.append(table_of(attainment_table(o), title=t("sheet.rules")))
    if o.prices is not None:
        lines.append(table_of(prices_table(o.prices).iloc[:, :5], title=t("sheet.prices")))
    shortlist = shortlist_table(o)
    keep = [c for c in shortlist.columns[:8]] + [shortlist.columns[-1]]
    lines.append(table_of(shortlist[keep].head(15), title=t("solve.top", shown=min(15, len(shortlist)), count=len(shortlist))))
    return lines


def _names(pool: Pool, ids, limit: int = 8) -> str:
    """Villages as 村名（代码）, the first ``limit`` of them."""
    names = pool.frame.set_index("village_id")["village"]
    shown = _joined([f"{names.get(v, '')}（{v}）" if v in names.index else v for v in list(ids)[:limit]])
    return shown + (t("explain.more", count=len(ids), more=len(ids) - limit) if len(ids) > limit else "")


def _joined(items) -> str:
    return ("、" if current_language() == "zh" else ", ").join(items)


def _swap(pool: Pool, village_id: str, entering, leaving, side: str) -> dict:
    """A re-solve's whole swap in words: who comes in and who goes out, the village itself (本村) first on ``side``
    ("in" when it is forced in, "out" when it is forced out)."""
    this = t("explain.this_village") + f"（{village_id}）"
    words = {}
    for key, ids in (("entering", list(entering)), ("leaving", list(leaving))):
        own = key == ("entering" if side == "in" else "leaving")
        words[key] = _joined(([this] if own else []) + ([_names(pool, ids)] if ids else [])) or "—"
        words[f"{key}_count"] = len(ids) + own
    return words


def _increase_line(criterion: str, amount: float) -> str:
    """A criterion's raw increase (a decrease for a cost criterion), in the criterion's own unit (its pool value)."""
    kind = kind_of(criterion)
    unit = t(f"unit.{kind}") if kind in ("score", "level", "amount", "cost", "year") else t("unit.raw")
    code = "explain.needed_criterion" if amount >= 0 else "explain.needed_criterion_down"
    return t(code, criterion=header_of(criterion), amount=f"{abs(amount):.2f}", unit=unit)


def explanation_lines(pool: Pool, selection, e) -> list[str]:
    row = pool.frame.iloc[e.position]
    lines = [t("summary.sample")] if pool.is_sample else []
    lines.append(
        t("explain.header", village_id=e.village_id, village=row["village"], township=row["township"], county=row["county"], city=row["city"])
    )
    if not e.eligible:
        return lines + [t("explain.ineligible", reasons=Msgs(e.reasons))]
    lines.append(t("explain.eligible"))
    lines.append(t("explain.score", score=f"{e.score:.4f}", rank=e.rank, eligible=e.eligible_count))
    lines.append(t("explain.contributions", parts=_joined(f"{header_of(k)} {v:.4f}" for k, v in e.contributions.items() if v)))
    cutoff = f"{e.cutoff:.4f}" if e.cutoff is not None else "—"
    if e.selected:
        lines.append(t("explain.in", cutoff=cutoff))
        if e.irreplaceable:
            lines.append(t("explain.irreplaceable", rule=_rule_words(e.blocked_by)))
        else:
            swap = _swap(pool, e.village_id, e.replacement, e.also_leaving, "out")
            lines.append(t("explain.replacement", loss=f"{e.importance:.4f}", **swap))
        return lines
    lines.append(t("explain.out", cutoff=cutoff))
    if e.cutoff is not None and e.score < e.cutoff:
        lines.append(t("explain.below", gap=f"{e.cutoff - e.score:.4f}"))
    elif e.cutoff is not None and e.score > e.cutoff:
        lines.append(t("explain.above", gap=f"{e.score - e.cutoff:.4f}"))
    for by, holders in e.group_holders.items():
        table = selection.check.attainment
        high = table.loc[(table["rule"] == RuleRef("group", by)) & (table["label"] == str(row[by])), "high"].iloc[0]
        lines.append(t("explain.group_full", by=header_of(by), value=row[by], high=f"{high:g}", holders=_names(pool, holders)))
    if e.blocked_by is not None or e.needed_increase is None:
        return lines + [t("explain.blocked", rule=_rule_words(e.blocked_by))]
    if e.displaced or e.also_entering:
        lines.append(t("explain.displaced", **_swap(pool, e.village_id, e.also_entering, e.displaced, "in")))
    lines.append(t("explain.needed", delta=f"{e.needed_increase:.6f}"))
    lines += [_increase_line(k, v) for k, v in e.criterion_increase.items()]
    return lines


def _rule_words(rule) -> str:
    from solver import families  # on demand (docs/ARCHITECTURE.md): `pool check` prints summaries without scipy.sparse

    return "—" if rule is None else render(families.label(rule))


def preview_lines(o, preview) -> list:
    """The county preview; when the outcome has stability classes (a ``[robustness]`` region), a line for each of
    the county's villages whose class is proved."""
    from report.tables import preview_table

    lines: list = [t("summary.sample")] if o.inputs.pool.is_sample else []
    lines.append(t("preview.title", county=preview.county, scenario=o.inputs.loaded.scenario.name))
    if o.inputs.pool.application is not None:
        lines.append(_application_line(o.inputs.pool))
    lines.append(
        t(
            "preview.summary",
            villages=len(preview.table),
            eligible=preview.eligible,
            selected=preview.selected,
            province_eligible=preview.province_eligible,
            province_selected=preview.province_selected,
            cutoff=f"{preview.cutoff:.4f}" if preview.cutoff is not None else "—",
        )
    )
    if preview.nearest is not None:
        n = preview.nearest
        lines.append(t("preview.nearest", village=n["village"], village_id=n["village_id"], score=f"{n['score']:.4f}", gap=f"{-n['distance']:.4f}"))
    lines.append(table_of(preview_table(o, preview)))
    lines.append(t("preview.distance_note"))
    if o.stability is not None:
        from report.stability import preview_notes

        classes = o.stability.table.set_index("village_id")["class"]
        lines += preview_notes(o.stability.region, classes, preview.table)
    return lines


def comparison_lines(comparison) -> list:
    lines: list = [t("cmp.title", a=comparison.names[0])]
    lines.append(table_of(comparison.overview))
    lines.append(table_of(comparison.overlap))
    lines.append(table_of(comparison.rules))
    lines.append(table_of(comparison.by_city))
    if len(comparison.changes):
        lines.append(table_of(comparison.changes))
    return lines


def runs_table(records, checks) -> TerminalTable:
    """Stored runs (``store.runs.list_runs``) as a table in the reader's language; ``checks`` is each run's record
    check (``store.runs.intact``: True, False or None)."""
    rows = [
        {
            t("run.col_id"): r.id,
            t("col.time"): r.created_at.strftime("%Y-%m-%d %H:%M"),
            t("run.col_label"): r.label,
            t("info.scenario"): r.scenario_name,
            t("info.pool_file"): r.pool_file,
            t("info.status"): stored_status_text(r.status, r.gap),
            t("run.col_objective"): r.objective,
            t("info.count"): r.count,
            t("info.backend"): r.backend,
            t("run.col_check"): t({True: "run.intact", False: "run.changed", None: "run.unverified"}[check]),
        }
        for r, check in zip(records, checks, strict=True)
    ]
    return table_of(pd.DataFrame(rows))


def run_lines(record, check: bool | None) -> list:
    """One stored run for a person: its fields as a table, the shortlist, then the scenario as it was saved, as text."""
    items = [
        ("col.time", record.created_at.strftime("%Y-%m-%d %H:%M:%S")),
        ("run.col_label", record.label),
        ("run.col_author", record.author or "—"),
        ("info.scenario", record.scenario_name),
        ("info.scenario_file", record.scenario_file),
        ("info.pool_file", record.pool_path),
        ("info.fingerprint", record.pool_fingerprint),
        ("info.data", t("summary.sample") if record.sample_data else t("info.real_data")),
        ("info.backend", record.backend),
        ("run.col_solver", record.solver_version),
        ("info.version", record.baicun_version),
        ("info.status", stored_status_text(record.status, record.gap)),
        ("info.objective", _number(record.objective, ".6f")),
        ("info.bound", _number(record.bound, ".6f")),
        ("info.gap", _number(record.gap, ".1e")),
        ("info.count", record.count),
        ("info.budget_used", _number(record.budget_used, ",.1f")),
        ("info.times", t("run.seconds", seconds=f"{sum(record.timings.values()):.2f}")),
        ("run.col_check", t({True: "run.intact", False: "run.changed", None: "run.unverified"}[check])),
    ]
    table = pd.DataFrame({t("info.item"): [t(code) for code, _ in items], t("info.value"): [str(v) for _, v in items]})
    lines: list = [t("run.title", id=record.id, label=record.label or "—"), table_of(table)]
    years = record.years or {}
    chosen = [f"{v}（{years[v]}）" if v in years else v for v in record.selected]
    lines.append(t("run.selected", count=len(chosen), villages=_joined(chosen) or "—"))
    return lines + ["", t("run.scenario_text", file=record.scenario_file), record.scenario_text.rstrip("\n")]


def _number(value, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def _application_line(pool: Pool) -> str:
    """What a county's application merged into the pool changed, added and left as it was (``pool.merge``)."""
    application, names = pool.application, pool.frame.set_index("village_id")["village"]

    def named(ids) -> str:
        return _joined(str(names.get(v, v)) for v in ids) or "—"

    return t(
        "preview.application",
        file=application.file,
        changed=len(application.changed),
        changed_names=named(application.changed),
        added=len(application.added),
        added_names=named(application.added),
        unchanged=len(application.unchanged),
    )
