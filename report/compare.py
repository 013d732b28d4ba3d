"""Comparing shortlists side by side: scenario files or stored runs.

The first item is the reference. For every other item: villages entering and leaving (with their scores and
reasons in that item), overlap (count and Jaccard index |A ∩ B| / |A ∪ B|), distribution by city and county,
each rule's attainment, objective and budget.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.outcome import Outcome
from contract.scenario import scenario_changes
from contract.texts import t
from report.changes import change_lines, ordered
from report.escape import html
from report.reasons import reason_text
from report.sheets import ONE_DECIMAL, TEN_DIGITS, Shown
from report.status import status_text
from report.tables import attainment_table, column_name


@dataclass(frozen=True)
class Comparison:
    names: list[str]
    outcomes: list[Outcome]
    overview: pd.DataFrame
    rules: pd.DataFrame
    changes: pd.DataFrame
    by_city: pd.DataFrame
    by_county: pd.DataFrame
    overlap: pd.DataFrame
    scenario: pd.DataFrame  # what each item's scenario changed against the first: weights and rules first


def compare(items: list[tuple[str, Outcome]], lang: str | None = None) -> Comparison:
    names = _unique([n for n, _ in items])
    outcomes = [o for _, o in items]
    sets = [set(o.selection.selected_ids(o.inputs.pool)) for o in outcomes]
    return Comparison(
        names,
        outcomes,
        _overview(names, outcomes, lang),
        _rules(names, outcomes, lang),
        _changes(names, outcomes, sets, lang),
        _distribution(names, outcomes, "city", lang),
        _distribution(names, outcomes, "county", lang),
        _overlap(names, sets, lang),
        _scenario_differences(names, outcomes, lang),
    )


def _scenario_differences(names, outcomes, lang) -> pd.DataFrame:
    """Each item's scenario against the first's, one change a row: weights first, then the rules, then the rest."""
    first = tomllib.loads(outcomes[0].inputs.loaded.text)
    rows = []
    for name, o in zip(names[1:], outcomes[1:]):
        after = tomllib.loads(o.inputs.loaded.text)
        changes = ordered(scenario_changes(first, after))
        rows += [{"item": name, "change": line} for line in change_lines(changes, after, lang)]
    return pd.DataFrame(rows, columns=["item", "change"]).rename(columns={"item": t("cmp.item", lang), "change": t("cmp.change", lang)})


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _overview(names, outcomes, lang) -> pd.DataFrame:
    rows = {
        t("info.status", lang): [status_text(o.selection, lang) for o in outcomes],
        t("info.objective", lang): [Shown(o.selection.objective, TEN_DIGITS) for o in outcomes],  # as 运行信息 shows them
        t("info.count", lang): [o.selection.count for o in outcomes],
        t("info.budget_used", lang): [Shown(o.selection.check.budget_used, ONE_DECIMAL) for o in outcomes],
        t("info.eligible", lang): [int(o.scores.eligible.sum()) for o in outcomes],
        t("info.fingerprint", lang): [o.inputs.pool.fingerprint[:12] for o in outcomes],
    }
    return pd.DataFrame(rows, index=names, dtype=object).T.rename_axis(t("info.item", lang)).reset_index()  # Shown numbers kept


def _rules(names, outcomes, lang) -> pd.DataFrame:
    tables = []
    for name, o in zip(names, outcomes):
        table = attainment_table(o, lang)
        rule, actual = table.columns[0], table.columns[2]
        tables.append(
            table.set_index(rule)[[table.columns[1], actual]].rename(
                columns={table.columns[1]: f"{name} · {table.columns[1]}", actual: f"{name} · {actual}"}
            )
        )
    return pd.concat(tables, axis=1).reset_index()


def _changes(names, outcomes, sets, lang) -> pd.DataFrame:
    reference, base = outcomes[0], sets[0]
    rows = []
    for name, o, chosen in zip(names[1:], outcomes[1:], sets[1:]):
        for direction, ids in (("enter", chosen - base), ("leave", base - chosen)):
            for village in sorted(ids):
                rows.append(_change_row(name, direction, village, reference, o, lang))
    columns = ["item", "direction", "village_id", "village", "county", "city", "score_a", "score_b", "reason_b"]
    return pd.DataFrame(rows, columns=columns).rename(columns={c: t(f"cmp.{c}", lang, a=names[0]) for c in columns})


def _change_row(name, direction, village, reference: Outcome, o: Outcome, lang) -> dict:
    frame = o.inputs.pool.frame
    position = frame.index[frame["village_id"] == village][0]
    ref_frame = reference.inputs.pool.frame
    ref_position = ref_frame.index[ref_frame["village_id"] == village]
    score_a = round(reference.scores.table["score"].iat[ref_position[0]], 10) if len(ref_position) else None  # as every score column
    return {
        "item": name,
        "direction": t(f"cmp.{direction}", lang),
        "village_id": village,
        "village": frame.at[position, "village"],
        "county": frame.at[position, "county"],
        "city": frame.at[position, "city"],
        "score_a": score_a,
        "score_b": round(o.scores.table["score"].iat[position], 10),
        "reason_b": reason_text(o.reasons, position, lang),
    }


def _distribution(names, outcomes, by: str, lang) -> pd.DataFrame:
    counts = (
        pd.concat(
            [
                pd.Series(o.selection.selected, index=o.inputs.pool.frame.index).groupby(o.inputs.pool.frame[by]).sum().rename(n)
                for n, o in zip(names, outcomes)
            ],
            axis=1,
        )
        .fillna(0)
        .astype(int)
    )
    for name in names[1:]:
        counts[t("cmp.difference", lang, name=name, a=names[0])] = counts[name] - counts[names[0]]
    counts.index.name = column_name(by, lang)
    return counts.reset_index()


def _overlap(names, sets, lang) -> pd.DataFrame:
    base = sets[0]
    return pd.DataFrame(
        {
            t("cmp.item", lang): names,
            t("cmp.common", lang, a=names[0]): [len(s & base) for s in sets],
            t("cmp.jaccard", lang, a=names[0]): [round(len(s & base) / len(s | base), 4) if s | base else 1.0 for s in sets],
        }
    )


def city_difference_figure(comparison: Comparison, lang: str | None = None):
    """Per-city change in the number selected, each item against the first (a plotly bar chart)."""
    import plotly.graph_objects as go

    table = comparison.by_city.set_index(comparison.by_city.columns[0])
    figure = go.Figure()
    for name in comparison.names[1:]:  # city and run names are user text: plotly reads tags in labels
        figure.add_bar(x=[html(c) for c in table.index], y=table[name] - table[comparison.names[0]], name=html(name))
    figure.update_layout(
        title=t("cmp.figure_title", lang, a=html(comparison.names[0])),
        barmode="group",
        yaxis_title=t("cmp.figure_axis", lang),
        xaxis_title=column_name("city", lang),
        font={"family": "Noto Sans CJK SC, sans-serif"},
    )
    return figure


def comparison_bytes(comparison: Comparison, lang: str | None = None) -> bytes:
    """The workbook ``write_comparison`` writes, as bytes (the app's download)."""
    from report.sheets import written_bytes

    return written_bytes(lambda path: write_comparison(comparison, path, lang))


def write_comparison(comparison: Comparison, path: Path, lang: str | None = None) -> None:
    """The comparison workbook (``baicun compare --out``; the app's download is ``comparison_bytes``)."""
    from report.sheets import write_tables

    sheets = [
        ("cmp.sheet_scenario", comparison.scenario),
        ("cmp.sheet_overview", comparison.overview),
        ("cmp.sheet_rules", comparison.rules),
        ("cmp.sheet_changes", comparison.changes),
        ("cmp.sheet_city", comparison.by_city),
        ("cmp.sheet_county", comparison.by_county),
        ("cmp.sheet_overlap", comparison.overlap),
    ]
    write_tables(path, [(t(code, lang), table) for code, table in sheets], 16)
