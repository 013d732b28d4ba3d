"""The robustness study as tables, terminal lines and a workbook."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from contract.texts import t
from report.text import table_of


def class_label(code: str, lang: str | None = None) -> str:
    return t(f"robust.{code}", lang)


def frequency_table(study, lang: str | None = None, eligible_only: bool = True) -> pd.DataFrame:
    table = study.table[study.table["eligible"]] if eligible_only else study.table
    table = table.sort_values(["frequency", "village_id"], ascending=[False, True])
    return pd.DataFrame(
        {
            t("col.village_id", lang): table["village_id"],
            t("col.village", lang): table["village"],
            t("col.county", lang): table["county"],
            t("col.city", lang): table["city"],
            t("robust.base", lang): [t("word.yes", lang) if v else t("word.no", lang) for v in table["base_selected"]],
            t("robust.frequency", lang): table["frequency"].round(4),
            t("robust.class", lang): [class_label(c, lang) for c in table["class"]],
        }
    )


def summary_table(study, lang: str | None = None) -> pd.DataFrame:
    counts = study.table["class"].value_counts()
    rows = [(class_label(c, lang), int(counts.get(c, 0))) for c in ("stable_in", "marginal", "stable_out", "ineligible")]
    rows += [
        (t("robust.jaccard", lang), f"{study.jaccard.mean():.4f}（{study.jaccard.min():.4f}–{study.jaccard.max():.4f}）"),
        (t("robust.spearman", lang), f"{study.spearman.mean():.4f}（{study.spearman.min():.4f}–{study.spearman.max():.4f}）"),
        (
            t("robust.settings", lang),
            t(
                "robust.settings_value",
                lang,
                samples=study.samples,
                method=study.method,
                spread=study.spread,
                seed=study.seed,
                workers=study.workers,
                seconds=f"{study.seconds:.1f}",
            ),
        ),
    ]
    return pd.DataFrame(rows, columns=[t("info.item", lang), t("info.value", lang)])


def robustness_lines(pool, study) -> list:
    lines: list = [t("summary.sample")] if pool.is_sample else []
    lines.append(table_of(summary_table(study), title=t("robust.title")))
    marginal = frequency_table(study)
    marginal = marginal[marginal[t("robust.class")] == class_label("marginal")]
    lines.append(table_of(marginal.head(30), title=t("robust.marginal_title", count=len(marginal))))
    return lines


def write_robustness(study, path: Path, lang: str | None = None) -> None:
    from report.sheets import write_tables

    sheets = [
        (t("robust.title", lang), summary_table(study, lang)),
        (t("robust.frequency", lang), frequency_table(study, lang)),
        (t("robust.weights", lang), study.weights.assign(jaccard=study.jaccard, spearman=study.spearman)),
    ]
    write_tables(path, sheets, 16)


def robustness_json(study) -> dict:
    """The study as one JSON object: settings, class counts, and each eligible village's frequency and class."""
    table = study.table[study.table["eligible"]]
    return {
        "samples": study.samples,
        "seed": study.seed,
        "method": study.method,
        "spread": study.spread,
        "workers": study.workers,
        "seconds": round(study.seconds, 4),
        "classes": {c: int(n) for c, n in study.table["class"].value_counts().items()},
        "jaccard_mean": float(study.jaccard.mean()),
        "spearman_mean": float(study.spearman.mean()),
        "villages": [
            {"village_id": v, "frequency": float(f), "class": c} for v, f, c in zip(table["village_id"], table["frequency"], table["class"])
        ],
    }
