"""The stability study (analysis/stability.py) in words and tables: terminal lines, the workbook, JSON, and the short
notes that the shortlist's reason column and the county preview carry."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.stability import CLASSES, PROOF_MARGIN
from contract.columns import header_of
from contract.texts import t
from report.text import table_of

ORDER = {c: i for i, c in enumerate((*CLASSES, "ineligible"))}


def _criterion(name: str, lang: str | None) -> str:
    return header_of(name) if (lang or _lang()) == "zh" else name


def _lang() -> str:
    from contract.texts import current_language

    return current_language()


def region_label(region, lang: str | None = None) -> str:
    """The region in a sentence: "各权重 ±5%（再按比例换算为合计 1）"."""
    params = region.params
    if region.kind == "hull":
        text = t("stab.region.hull", lang, experts=params["experts"])
    else:
        parts = []
        if "percent" in params:
            parts.append(t("stab.region.relative", lang, percent=f"{params['percent']:g}"))
        if "intervals" in params:
            spans = "、".join(f"{_criterion(k, lang)}∈[{lo:g}, {hi:g}]" for k, (lo, hi) in params["intervals"].items())
            parts.append(t("stab.region.intervals", lang, intervals=spans))
        if "order" in params:
            chains = "、".join(" ≥ ".join(_criterion(c, lang) for c in chain) for chain in params["order"])
            parts.append(t("stab.region.order", lang, order=chains))
        text = t("stab.region.join", lang).join(parts)
    if region.total is not None:
        text += t("stab.region.rescaled", lang, total=f"{region.total:g}")
    return text


def region_short(region, lang: str | None = None) -> str:
    """The region in a word or two, for a reason cell: "±5%"."""
    if region.kind == "relative":
        return t("stab.short.relative", lang, percent=f"{region.params['percent']:g}")
    return t(f"stab.short.{region.kind}", lang)


def class_label(code: str, lang: str | None = None) -> str:
    return t(f"stab.class.{code}", lang)


def method_label(code: str, cells: int, lang: str | None = None) -> str:
    return t(f"stab.method.{code}", lang, cells=cells)


def _yes(values, lang) -> list[str]:
    return [t("word.yes", lang) if v else t("word.no", lang) for v in values]


def _percent(values: pd.Series) -> list[str]:
    return ["" if pd.isna(v) else t("stab.switch_value", percent=f"{100 * v:.2f}") for v in values]


def _village_columns(table: pd.DataFrame, lang) -> dict:
    return {
        t("col.village_id", lang): table["village_id"],
        t("col.village", lang): table["village"],
        t("col.county", lang): table["county"],
        t("col.city", lang): table["city"],
    }


def class_table(study, lang: str | None = None) -> pd.DataFrame:
    """Every eligible village: classes first (always in, never in, depends, undecided), then by rank."""
    table = study.table[study.table["eligible"]].copy()
    table["order"] = table["class"].map(ORDER)
    table = table.sort_values(["order", "rank", "village_id"])
    return pd.DataFrame(
        _village_columns(table, lang)
        | {
            t("col.score", lang): table["score"].round(6),
            t("col.rank", lang): table["rank"],
            t("robust.base", lang): _yes(table["base_selected"], lang),
            t("stab.class", lang): [class_label(c, lang) for c in table["class"]],
            t("stab.method", lang): [method_label(m, study.proof.cells, lang) for m in table["method"]],
            t("stab.frequency", lang): table["frequency"].round(4),
        }
    )


def flip_table(study, lang: str | None = None) -> pd.DataFrame:
    """The villages with a frequency, the one whose status a smaller weight change switches first."""
    table = study.table[study.table["class"].isin(("depends", "undecided"))].copy()
    table["closeness"] = (table["frequency"] - 0.5).abs()
    table = table.sort_values(["switch_at", "closeness", "village_id"], na_position="last")
    return pd.DataFrame(
        _village_columns(table, lang)
        | {
            t("robust.base", lang): _yes(table["base_selected"], lang),
            t("stab.class", lang): [class_label(c, lang) for c in table["class"]],
            t("stab.switch_at", lang): _percent(table["switch_at"]),
            t("stab.frequency", lang): table["frequency"].round(4),
            t("stab.favours", lang): [_criterion(c, lang) if c else "" for c in table["favours"]],
            t("stab.disfavours", lang): [_criterion(c, lang) if c else "" for c in table["disfavours"]],
        }
    )


def summary_table(study, lang: str | None = None) -> pd.DataFrame:
    counts = study.counts()
    eligible = int(study.table["eligible"].sum())
    done = eligible - counts["undecided"]
    rows = [(t("ui.stab.region", lang), region_label(study.region, lang))]
    rows += [(class_label(c, lang), counts[c]) for c in (*CLASSES, "ineligible")]
    rows.append((t("stab.share", lang), t("stab.share_value", lang, share=f"{100 * study.proved_share:.1f}", done=done, eligible=eligible)))
    timings = {k: f"{v:.1f}" for k, v in study.timings.items()}
    seconds = t(
        "stab.seconds_value",
        lang,
        cells=study.proof.cells,
        pool=study.proof.pool,
        count=study.samples,
        workers=study.workers,
        size=study.undecided_size,
        **timings,
    )
    rows.append((t("stab.seconds", lang), seconds))
    rows.append((t("stab.method", lang), t("stab.margin_note", lang, margin=f"{PROOF_MARGIN:g}")))
    return pd.DataFrame(rows, columns=[t("info.item", lang), t("info.value", lang)])


def _names(study, columns: tuple[int, ...], lang) -> str:
    if not columns:
        return t("stab.none", lang)
    eligible = study.table[study.table["eligible"]]
    return "、".join(f"{eligible['village'].iat[i]}({eligible['village_id'].iat[i]})" for i in columns)


def interval_sentence(study, interval, lang: str | None = None) -> str:
    """ "产业基础权重在 [0.27, 0.33] 内名单不变；超过 0.33 时 A 村入、B 村出"."""
    text = t("stab.interval_line", lang, criterion=_criterion(interval.criterion, lang), low=f"{interval.low:.4f}", high=f"{interval.high:.4f}")
    total = float(study.region.centre.sum())
    if interval.above_in or interval.above_out:
        text += t(
            "stab.interval_above",
            lang,
            high=f"{interval.high:.4f}",
            entering=_names(study, interval.above_in, lang),
            leaving=_names(study, interval.above_out, lang),
        )
    elif interval.high >= total - 1e-12:
        text += t("stab.interval_end", lang, end=f"{total:g}")
    if interval.below_in or interval.below_out:
        text += t(
            "stab.interval_below",
            lang,
            low=f"{interval.low:.4f}",
            entering=_names(study, interval.below_in, lang),
            leaving=_names(study, interval.below_out, lang),
        )
    return text


def intervals_table(study, lang: str | None = None) -> pd.DataFrame:
    rows = [
        {
            t("stab.col.criterion", lang): _criterion(i.criterion, lang),
            t("stab.col.weight", lang): round(i.weight, 6),
            t("stab.col.low", lang): round(i.low, 6),
            t("stab.col.high", lang): round(i.high, 6),
            t("stab.col.above_in", lang): _names(study, i.above_in, lang),
            t("stab.col.above_out", lang): _names(study, i.above_out, lang),
            t("stab.col.below_in", lang): _names(study, i.below_in, lang),
            t("stab.col.below_out", lang): _names(study, i.below_out, lang),
            t("stab.col.sentence", lang): interval_sentence(study, i, lang),
        }
        for i in study.intervals
    ]
    return pd.DataFrame(rows)


def central_table(study, lang: str | None = None) -> pd.DataFrame:
    central = study.central.rename(columns=lambda c: _criterion(c, lang)).round(6)
    names = study.table.set_index("village_id")["village"]
    central.insert(0, t("col.village", lang), names.reindex(central.index).to_numpy())
    central.insert(0, t("col.village_id", lang), central.index)
    return central.reset_index(drop=True)


def stability_lines(pool, study) -> list:
    lines: list = [t("summary.sample")] if pool.is_sample else []
    lines.append(table_of(summary_table(study), title=t("stab.title", region=region_short(study.region))))
    flips = flip_table(study)
    lines.append(table_of(flips.head(30), title=t("stab.flip_title", count=len(flips))))
    if study.intervals:
        lines.append(t("stab.intervals_title"))
        lines += [f"  {interval_sentence(study, i)}" for i in study.intervals]
    return lines


def write_stability(study, path: Path, lang: str | None = None) -> None:
    from report.sheets import write_tables

    sheets = [
        (t("stab.sheet.summary", lang), summary_table(study, lang)),
        (t("stab.sheet.classes", lang), class_table(study, lang)),
        (t("stab.sheet.flips", lang), flip_table(study, lang)),
        (t("stab.sheet.intervals", lang), intervals_table(study, lang)),
        (t("stab.sheet.central", lang), central_table(study, lang)),
    ]
    write_tables(path, sheets, 18)


def stability_json(study) -> dict:
    """The study as one JSON object: region, class counts, timings, intervals and each eligible village's class."""
    table = study.table[study.table["eligible"]]
    ids = table["village_id"].to_numpy()
    number = lambda v: None if pd.isna(v) else float(v)  # noqa: E731
    return {
        "region": {"kind": study.region.kind, **_plain(study.region.params)},
        "classes": study.counts(),
        "proved_share": study.proved_share,
        "samples": study.samples,
        "seed": study.seed,
        "workers": study.workers,
        "seconds": {k: round(v, 4) for k, v in study.timings.items()},
        "cells": study.proof.cells,
        "margin": PROOF_MARGIN,
        "intervals": [
            {
                "criterion": i.criterion,
                "weight": i.weight,
                "low": i.low,
                "high": i.high,
                "above_in": [ids[c] for c in i.above_in],
                "above_out": [ids[c] for c in i.above_out],
                "below_in": [ids[c] for c in i.below_in],
                "below_out": [ids[c] for c in i.below_out],
            }
            for i in study.intervals
        ],
        "villages": [
            {"village_id": v, "class": c, "method": m or None, "frequency": number(f), "switch_at": number(s)}
            for v, c, m, f, s in zip(ids, table["class"], table["method"], table["frequency"], table["switch_at"])
        ],
    }


def _plain(params: dict) -> dict:
    return {k: ({a: list(b) for a, b in v.items()} if isinstance(v, dict) else v) for k, v in params.items()}


def stability_notes(region, classes: pd.Series, lang: str | None = None) -> pd.Series:
    """Per pool row, the sentence a reason cell gains from a proved class ("；任意权重都入选（±5%）"), else ""."""
    short = region_short(region, lang)
    notes = {"always_in": t("why.stable_in", lang, region=short), "never_in": t("why.stable_out", lang, region=short)}
    return classes.map(lambda c: notes.get(c, "")).fillna("")


def preview_notes(region, classes: pd.Series, preview_table: pd.DataFrame, lang: str | None = None) -> list[str]:
    """County preview lines for the county's villages whose class is proved: "本村在权重 ±5% 内始终落选：需提高 X 分"."""
    short = region_short(region, lang)
    lines = []
    for _, row in preview_table.iterrows():
        code = classes.get(row["village_id"])
        if code == "always_in":
            lines.append(t("preview.stable_in", lang, village=row["village"], region=short))
        elif code == "never_in":
            if pd.notna(row["distance"]):
                lines.append(t("preview.stable_out", lang, village=row["village"], region=short, gain=f"{-row['distance']:.4f}"))
            elif pd.notna(row["at_least"]):
                lines.append(t("preview.stable_out_at_least", lang, village=row["village"], region=short, gain=f"{row['at_least']:.4f}"))
            else:
                lines.append(t("preview.stable_out_unknown", lang, village=row["village"], region=short))
    return lines
