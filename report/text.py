"""Terminal renderings (rich tables handle the width of Chinese characters). Every cell, header and title is a
``rich.text.Text`` made by ``report.escape.terminal``: a name such as ``[/b]`` is shown, never read as markup."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from rich.table import Table

from contract.columns import header_of
from contract.texts import Msgs, render, t
from pool.read import Pool
from pool.summary import summarize
from report.escape import terminal
from report.status import status_text
from solver.rules import RuleRef

if TYPE_CHECKING:  # an annotation only: `pool check` prints without the scoring rules (docs/ARCHITECTURE.md)
    from scoring.score import Scores


def table_of(frame: pd.DataFrame, title: str | None = None, index: bool = False) -> Table:
    table = Table(title=terminal(title) if title is not None else None, show_lines=False, header_style="bold")
    if index:
        table.add_column(terminal(frame.index.name or ""))
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        table.add_column(terminal(column), justify="right" if numeric else "left")
    for key, row in frame.iterrows():
        cells = [terminal(key)] if index else []
        table.add_row(*cells, *(terminal(_cell(v)) for v in row))
    return table


def _cell(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
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
    counts = scores.eligibility.reason_counts()
    counts["rule"] = [render(rule) for rule in counts["rule"]]
    ineligible = pool.size - eligible
    total = pd.DataFrame({"rule": [t("score.total_ineligible")], "first": [int(counts["first"].sum())], "all": pd.array([pd.NA], dtype="Int64")})
    # a pool where every village is eligible has no reason rows; concatenating an empty frame is deprecated
    counts = pd.concat([counts.astype({"first": int, "all": "Int64"}), total], ignore_index=True) if len(counts) else total
    counts = counts.rename(columns={"rule": t("score.col_rule"), "first": t("score.col_first"), "all": t("score.col_all")})
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
    shown = "、".join(f"{names.get(v, '')}（{v}）" if v in names.index else v for v in list(ids)[:limit])
    return shown + (f" 等 {len(ids)} 个" if len(ids) > limit else "")


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
    lines.append(t("explain.contributions", parts="、".join(f"{header_of(k)} {v:.4f}" for k, v in e.contributions.items() if v)))
    cutoff = f"{e.cutoff:.4f}" if e.cutoff is not None else "—"
    if e.selected:
        lines.append(t("explain.in", cutoff=cutoff))
        if e.irreplaceable:
            lines.append(t("explain.irreplaceable", rule=_rule_words(e.blocked_by)))
        else:
            lines.append(t("explain.replacement", loss=f"{e.importance:.4f}", villages=_names(pool, e.replacement)))
        return lines
    lines.append(t("explain.out", cutoff=cutoff))
    if e.cutoff is not None and e.score < e.cutoff:
        lines.append(t("explain.below", gap=f"{e.cutoff - e.score:.4f}"))
    for by, holders in e.group_holders.items():
        table = selection.check.attainment
        high = table.loc[(table["rule"] == RuleRef("group", by)) & (table["label"] == str(row[by])), "high"].iloc[0]
        lines.append(t("explain.group_full", by=header_of(by), value=row[by], high=f"{high:g}", holders=_names(pool, holders)))
    if e.blocked_by is not None or e.needed_increase is None:
        return lines + [t("explain.blocked", rule=_rule_words(e.blocked_by))]
    if e.displaced:
        lines.append(t("explain.displaced", villages=_names(pool, e.displaced)))
    lines.append(t("explain.needed", delta=f"{e.needed_increase:.6f}"))
    lines += [t("explain.needed_criterion", criterion=header_of(k), amount=f"{v:.2f}") for k, v in e.criterion_increase.items()]
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
