"""Plain-text renderings for the terminal."""

from __future__ import annotations

from baicun.texts import t
from pool.read import Pool
from pool.summary import summarize


def pool_summary_text(pool: Pool) -> str:
    summary = summarize(pool)
    lines = []
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
    table = summary.by_city.rename(columns={
        "villages": t("summary.col_villages"), "qiancun": t("summary.col_qiancun"),
        "border": t("summary.col_border"), "poverty": t("summary.col_poverty"),
    })
    table.index.name = t("summary.city_header")
    lines.append("")
    lines.append(table.to_string())
    return "\n".join(lines)
