"""Terminal renderings (rich tables handle the width of Chinese characters)."""

from __future__ import annotations

import pandas as pd
from rich.table import Table

from baicun.texts import t
from pool.read import Pool
from pool.summary import summarize
from scoring.score import Scores


def table_of(frame: pd.DataFrame, title: str | None = None, index: bool = False) -> Table:
    table = Table(title=title, show_lines=False, header_style="bold")
    if index:
        table.add_column(str(frame.index.name or ""))
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        table.add_column(str(column), justify="right" if numeric else "left")
    for key, row in frame.iterrows():
        cells = [str(key)] if index else []
        table.add_row(*cells, *(_cell(v) for v in row))
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
    by_city = summary.by_city.rename(columns={
        "villages": t("summary.col_villages"), "qiancun": t("summary.col_qiancun"),
        "border": t("summary.col_border"), "poverty": t("summary.col_poverty"),
    })
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
    ineligible = pool.size - eligible
    counts.loc[len(counts)] = [t("score.total_ineligible"), int(counts["first"].sum()), pd.NA]
    counts["all"] = counts["all"].astype("Int64")
    counts = counts.rename(columns={"rule": t("score.col_rule"), "first": t("score.col_first"), "all": t("score.col_all")})
    lines.append(table_of(counts, title=t("score.reasons_title", count=ineligible)))
    return lines



def selection_lines(o) -> list:
    """Terminal summary of a solved selection: status, numbers, rules met, the top of the shortlist."""
    from report.tables import attainment_table, shortlist_table

    s = o.selection
    lines: list = [t("summary.sample")] if o.inputs.pool.is_sample else []
    lines += [n.render() for n in list(o.scores.notices) + list(s.rules.notices)]
    lines.append(t("solve.headline", name=o.inputs.loaded.scenario.name, status=t(f"status.{s.status}"), count=s.count,
                   objective=f"{s.objective:.6f}", gap=f"{s.gap:.1e}" if s.gap is not None else "—",
                   budget=f"{s.check.budget_used:,.1f}", backend=s.version, seconds=f"{sum(s.timings.values()):.2f}"))
    lines.append(table_of(attainment_table(o), title=t("sheet.rules")))
    shortlist = shortlist_table(o)
    keep = [c for c in shortlist.columns[:8]] + [shortlist.columns[-1]]
    lines.append(table_of(shortlist[keep].head(15), title=t("solve.top", shown=min(15, len(shortlist)), count=len(shortlist))))
    return lines
