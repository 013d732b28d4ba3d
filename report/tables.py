"""The tables every output is made of (SPEC §5), in the user's language; xlsx, csv, json and the app render them."""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from analysis.outcome import Outcome
from analysis.whatif import RulePrice
from contract import __version__
from contract.columns import CATALOGUE, header_of
from contract.texts import Msg, render, t
from pool.places import PLACE_COLUMNS
from report.reasons import reason_texts
from report.sheets import GENERAL, ONE_DECIMAL, SCIENTIFIC, TEN_DIGITS, Shown
from report.status import status_text
from solver import families
from solver.rules import RuleRef

FLAG_KEYS = [c.key for c in CATALOGUE if c.kind == "flag"]


def column_name(key: str, lang: str | None = None) -> str:
    code = f"col.{key}"
    from contract.texts import MESSAGES

    if code in MESSAGES:
        return t(code, lang)
    return header_of(key) if (lang or _lang()) == "zh" else key


def _lang() -> str:
    from contract.texts import current_language

    return current_language()


def _named(frame: pd.DataFrame, lang) -> pd.DataFrame:
    return frame.rename(columns=lambda c: column_name(c, lang))


def _yes(values, lang) -> list[str]:
    yes, no = t("word.yes", lang), t("word.no", lang)
    return [yes if bool(v) else no for v in values]


def reason_column(o: Outcome, lang: str | None = None, positions=None) -> pd.Series:
    """Each village's reason (only those at ``positions``, in that order, when given), with the proved stability
    class appended when the scenario states a weight region (``；任意权重都入选（±5%）``)."""
    reasons = reason_texts(o.reasons, o.scores.eligibility, lang, positions)
    if o.stability is None:
        return reasons
    from report.stability import stability_notes

    classes = pd.Series(o.stability.table["class"].to_numpy(), index=o.reasons.code.index).loc[reasons.index]
    return reasons + stability_notes(o.stability.region, classes, lang)


def village_table(o: Outcome, lang: str | None = None, named: bool = True) -> pd.DataFrame:
    """One row per pool village: SPEC §4's CSV (village_id, eligible, score, rank, selected 1/0, reason)."""
    frame = o.inputs.pool.frame
    table = pd.DataFrame(
        {
            "village_id": frame["village_id"],
            "village": frame["village"],
            "township": frame["township"],
            "county": frame["county"],
            "city": frame["city"],
            "eligible": o.scores.table["eligible"].astype(int),
            "score": o.scores.table["score"].round(10),
            "rank": o.scores.table["rank"],
            "selected": o.selection.selected.astype(int),
            "reason": reason_column(o, lang),
        }
    )
    return _named(table, lang) if named else table


def shortlist_table(o: Outcome, lang: str | None = None) -> pd.DataFrame:
    """The ranked shortlist: order, id, names, score and every criterion's contribution, flags, cost, why."""
    frame, selected = o.inputs.pool.frame, o.selection.selected
    rows = frame[selected].copy()
    rows["score"] = o.scores.table.loc[selected, "score"]
    rows["rank"] = o.scores.table.loc[selected, "rank"]
    rows["year"] = o.selection.year[selected] if o.selection.year is not None else 0
    rows = rows.sort_values(["year", "score", "village_id"], ascending=[True, False, True])
    table = pd.DataFrame({"order": np.arange(1, len(rows) + 1)}, index=rows.index)
    if o.selection.year is not None:
        table["year"] = rows["year"]
    if o.selection.spatial is not None:
        table["belt"] = o.belts.number.reindex(rows.index).fillna(0).astype(int)
    for key in ("rank", "village_id", "village", "township", "county", "city"):
        table[key] = rows[key]
    table["score"] = rows["score"].round(10)  # as every other score column (and the CSV's)
    contributions = o.scores.contributions.loc[rows.index]
    for key in contributions.columns:
        table[f"contrib:{key}"] = contributions[key].round(10)
    for key in FLAG_KEYS:
        if key in rows:
            table[f"flag:{key}"] = _yes(rows[key], lang)
    table["cost"] = rows["cost"]
    table["reason"] = reason_column(o, lang).loc[rows.index]
    return table.rename(columns=lambda c: _shortlist_name(c, lang)).reset_index(drop=True)


def _shortlist_name(key: str, lang) -> str:
    if key.startswith("contrib:"):
        return t("col.contribution", lang, name=column_name(key.split(":", 1)[1], lang))
    if key.startswith("flag:"):
        return column_name(key.split(":", 1)[1], lang)
    return column_name(key, lang)


def belts_table(o: Outcome, lang: str | None = None) -> pd.DataFrame:
    """Each belt (connected group of selected neighbours) with its size, counties, cities and villages."""
    table = o.belts.table.copy()
    if o.selection.year is not None:
        year = pd.Series(o.selection.year, index=o.inputs.pool.frame["village_id"])
        table["years"] = [" ".join(str(y) for y in sorted(set(year[ids]))) for ids in table["village_ids"]]
    for column in ("counties", "cities", "village_names", "village_ids"):
        table[column] = ["、".join(items) for items in table[column]]
    return _named(table, lang)


def plan_summary_table(o: Outcome, lang: str | None = None) -> pd.DataFrame:
    """Villages per year × city, with each year's spending under the funding profile and its budget."""
    frame, s = o.inputs.pool.frame, o.selection
    plan = s.plan
    chosen = frame[s.selected].assign(year=s.year[s.selected])
    table = pd.crosstab(chosen["city"], chosen["year"]).reindex(columns=list(plan.years), fill_value=0)
    table[t("word.total", lang)] = table.sum(axis=1)
    table.loc[t("word.total", lang)] = table.sum(axis=0)
    table = table.astype(object)  # the budget row holds blanks for years without a budget
    cost = chosen.groupby("year")["cost"].sum().to_dict()
    spending = {y: plan.spending(cost, y) for y in plan.years}
    table.loc[t("plan.spending", lang)] = [round(spending[y], 1) for y in plan.years] + [round(sum(spending.values()), 1)]
    table.loc[t("plan.budget", lang)] = [plan.budgets[i] if plan.budgets[i] is not None else "" for i in range(len(plan.years))] + [""]
    table.index.name = column_name("city", lang)
    table.columns = [t("plan.year_column", lang, year=c) if isinstance(c, (int, np.integer)) else c for c in table.columns]
    return table.reset_index()


def left_out_table(o: Outcome, lang: str | None = None) -> pd.DataFrame:
    table = village_table(o, lang, named=False)
    table = table[table["selected"] == 0].drop(columns=["selected"])
    table["eligible"] = _yes(table["eligible"], lang)
    return _named(table.sort_values(["rank", "village_id"], na_position="last"), lang).reset_index(drop=True)


def distribution_table(o: Outcome, by: str, lang: str | None = None, named: bool = True) -> pd.DataFrame:
    """Per place of ``by`` (city, county: by identity, shown disambiguated) or value of another column: pool
    villages, eligible, selected, and the bounds a group rule set; columns named for the reader, or by key
    (``villages``, ``eligible_count``, ``selected_count``, ``low``, ``high``, ``share``, ``met``) for a chart."""
    key, by = by, PLACE_COLUMNS.get(by, by)
    frame = o.inputs.pool.frame
    table = pd.DataFrame(
        {
            "villages": frame.groupby(by).size(),
            "eligible_count": pd.Series(o.scores.eligible, index=frame.index).groupby(frame[by]).sum(),
            "selected_count": pd.Series(o.selection.selected, index=frame.index).groupby(frame[by]).sum(),
        }
    ).astype(int)
    rule = next((g for g in o.selection.rules.groups if g.by == by), None)
    if rule is not None:
        table["low"] = rule.table["low"].reindex(table.index)
        table["high"] = rule.table["high"].reindex(table.index)
        table["share"] = rule.table["share"].reindex(table.index).round(2)
        within = (table["selected_count"] >= table["low"].fillna(0)) & (table["selected_count"] <= table["high"].fillna(np.inf))
        table["met"] = _yes(within, lang)
    table = table.rename_axis(key).reset_index()  # the place's label under the column asked for
    return _named(table, lang) if named else table


def attainment_table(o: Outcome, lang: str | None = None) -> pd.DataFrame:
    """Count, budget, quotas, must lists: required against achieved, with group rules (and locked villages)
    summarised in one line each."""
    out = pd.DataFrame([row for _, row in attainment_rows(o, lang)], columns=["rule", "required", "actual", "met"], dtype=object)  # Shown kept
    out["met"] = _yes(out["met"], lang)
    return _named(out, lang)


def attainment_rows(o: Outcome, lang: str | None = None) -> list[tuple[RuleRef, dict]]:
    """The lines of ``attainment_table`` with the rule each is about: (rule, {rule, required, actual, met (bool)})."""
    rows = []
    table = o.selection.check.attainment
    for rule, part in table.groupby("rule", sort=False):
        label, kind = rule_label(rule, lang), rule.kind
        if kind in ("group", "locked"):
            line = {
                "rule": label,
                "required": t("rule.groups_bounded", lang, n=len(part)),
                "actual": f"{int(part['actual'].min())}–{int(part['actual'].max())}",
                "met": all(part["met"]),
            }
            rows.append((rule, line))
            continue
        for row in part.itertuples():
            required, actual = _range(row.low, row.high, kind), _amount(row.actual, kind)
            line = {"rule": label + (f" {row.label}" if row.label else ""), "required": required, "actual": actual, "met": row.met}
            rows.append((rule, line))
    return rows


def rule_label(rule: RuleRef, lang: str | None = None) -> str:
    """A rule of the checker's report in words; a group rule reads "按县(市、区)分组"."""
    base = Msg("rule.per_group", by=header_of(rule.subject)) if rule.kind == "group" else None
    return render(families.label(rule, base), lang)


def _amount(value, kind: str) -> Shown:
    """A rule's amount: a number (a number cell in a workbook) shown "1,234.5" for a budget, as General otherwise."""
    return Shown(value, ONE_DECIMAL if kind == "budget" else GENERAL)


def _range(low, high, kind: str) -> str:
    low = None if low is None or pd.isna(low) else low
    high = None if high is None or pd.isna(high) else high
    if low is not None and high is not None:
        return f"{_amount(low, kind)}–{_amount(high, kind)}"
    return f"≥ {_amount(low, kind)}" if low is not None else f"≤ {_amount(high, kind)}"


def run_info(o: Outcome, seconds: float | None = None, lang: str | None = None) -> pd.DataFrame:
    """What produced this shortlist: scenario, pool fingerprint, solver, status, numbers, times."""
    s, pool, loaded = o.selection, o.inputs.pool, o.inputs.loaded
    items = [
        ("info.scenario", loaded.scenario.name),
        ("info.scenario_file", loaded.source),
        ("info.pool_file", pool.source),
        ("info.fingerprint", pool.fingerprint),
        ("info.data", t("summary.sample", lang) if pool.is_sample else t("info.real_data", lang)),
        ("info.backend", s.version),
        ("info.status", status_text(s, lang)),
        ("info.objective", Shown(s.objective, TEN_DIGITS) if s.objective is not None else ""),
        ("info.bound", Shown(s.bound, TEN_DIGITS) if s.bound is not None else ""),
        ("info.gap", Shown(s.gap, SCIENTIFIC) if s.gap is not None else ""),
        *_tiebreak_item(s, lang),
        ("info.count", s.count),
        ("info.budget_used", Shown(s.check.budget_used, ONE_DECIMAL) if s.check else ""),
        ("info.eligible", int(o.scores.eligible.sum())),
        ("info.pool_size", pool.size),
        ("info.times", "、".join(f"{k} {v:.3f}s" for k, v in s.timings.items())),
        ("info.generated", _dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")),
        ("info.version", __version__),
    ]
    notices = list(pool.notices) + list(o.scores.notices) + list(s.rules.notices)
    items += [("info.review" if n.code == "review.applied" else "info.notice", n.render(lang)) for n in notices]
    values = [v if isinstance(v, (Shown, int, np.integer)) and not isinstance(v, bool) else str(v) for _, v in items]  # numbers stay numbers
    return pd.DataFrame({t("info.item", lang): [t(k, lang) for k, _ in items], t("info.value", lang): pd.Series(values, dtype=object)})


def _tiebreak_item(s, lang: str | None) -> list[tuple[str, str]]:
    """Only a proven optimum has a tie-break phase: whether it chose among equal totals by village_id in its time
    (``solver.backends.base.tiebreak_fits``)."""
    if s.status != "optimal":
        return []
    return [("info.tiebreak", t("info.tiebreak_done" if s.tiebreak_done else "info.tiebreak_unfinished", lang))]


def summary_json(o: Outcome, seconds: float) -> dict:
    """SPEC §4's ``--json`` object."""
    s = o.selection
    return {
        "status": s.status,
        "stopped": s.stopped or None,  # "time_limit" | "watchdog": the clock ended the search
        "time_limit_s": s.time_limit,
        "objective": s.objective,
        "bound": s.bound,
        "gap": s.gap,
        "tiebreak_done": s.tiebreak_done if s.status == "optimal" else None,  # ties broken by village_id within its time
        "selected": s.selected_ids(o.inputs.pool),
        "count": s.count,
        "budget_used": s.check.budget_used if s.check else None,
        "backend": s.backend,
        "solver_version": s.version,
        "seconds": round(seconds, 4),
        "timings": {k: round(v, 4) for k, v in s.timings.items()},
        "scenario": o.inputs.loaded.scenario.name,
        "pool_fingerprint": o.inputs.pool.fingerprint,
        "sample_data": o.inputs.pool.is_sample,
        "checked": s.check is not None and s.check.ok,
        "diagnosis": [p.render() for p in s.diagnosis],
        "notices": [n.render() for n in list(o.scores.notices) + list(s.rules.notices)],
        **_plan_and_belts_json(o),
    }


def _plan_and_belts_json(o: Outcome) -> dict:
    s, out = o.selection, {}
    if s.found and s.year is not None:
        years = s.years(o.inputs.pool)
        out["plan"] = {str(y): sorted(years.index[years == y]) for y in s.plan.years}
    if s.found and s.spatial is not None:
        table = o.belts.table
        out["belt_villages"] = s.check.belt_villages
        out["belts"] = [{"size": int(r.size), "counties": "、".join(r.counties), "village_ids": list(r.village_ids)} for r in table.itertuples()]
    return out


def prices_table(prices: tuple[RulePrice, ...], lang: str | None = None) -> pd.DataFrame:
    """The price of each rule (analysis/whatif.py): score given up, villages entering and leaving, LP dual."""
    return pd.DataFrame(
        {
            t("col.rule", lang): [render(families.label(p.rule), lang) for p in prices],
            t("col.price", lang): [round(p.price, 6) if p.price is not None else t("price.unsolved", lang) for p in prices],
            t("col.entering", lang): [len(p.entering) for p in prices],
            t("col.leaving", lang): [len(p.leaving) for p in prices],
            t("col.dual", lang): [round(p.dual, 6) if p.dual is not None else "" for p in prices],
            t("col.entering_ids", lang): ["、".join(p.entering[:20]) for p in prices],
        }
    )


def later_tables(o: Outcome, lang: str | None = None) -> list[tuple[str, pd.DataFrame]]:
    """(sheet name, table) for what an outcome carries beyond the shortlist: rule prices, belts, plan years."""
    sheets = []
    if o.prices is not None:
        sheets.append((t("sheet.prices", lang), prices_table(o.prices, lang)))
    if o.belts is not None:
        sheets.append((t("sheet.belts", lang), belts_table(o, lang)))
    s = o.selection
    if s.found and s.plan is not None:
        sheets.append((t("sheet.plan_summary", lang), plan_summary_table(o, lang)))
        shortlist = shortlist_table(o, lang)
        year_column = column_name("year", lang)
        sheets += [(t("sheet.plan_year", lang, year=y), shortlist[shortlist[year_column] == y].reset_index(drop=True)) for y in s.plan.years]
    return sheets


def preview_table(o: Outcome, preview, lang: str | None = None) -> pd.DataFrame:
    """A county preview's villages (analysis/preview.py) with yes/no words, scores and margins to 4 decimals and
    each village's standing in the county's words (``report.reasons.standing_texts``)."""
    from report.reasons import standing_texts

    source = preview.table
    reasons = reason_column(o, lang, source["position"].to_numpy()).to_numpy()
    table = source[["village_id", "village", "township", "eligible", "score", "rank", "selected", "distance", "at_least"]].copy()
    table["eligible"] = _yes(table["eligible"], lang)
    table["selected"] = _yes(table["selected"], lang)
    for column in ("score", "distance", "at_least"):
        table[column] = table[column].astype(float).round(4)
    table["rank"] = table["rank"].astype("Int64")  # a rank is a whole number (blank for an ineligible village)
    standing = pd.Series(standing_texts(preview, reasons, lang), index=table.index)
    if o.stability is not None:  # the proved stability class, as in every reason column
        from report.stability import stability_notes

        classes = pd.Series(o.stability.table["class"].to_numpy()[source["position"].to_numpy()], index=table.index)
        eligible = source["eligible"].to_numpy()
        standing[eligible] = standing[eligible] + stability_notes(o.stability.region, classes[eligible], lang)
    table["standing"] = standing
    application = o.inputs.pool.application
    if application is not None:  # a county's application merged in: which of its villages it changed or added
        marks = application.marks()
        table.insert(3, "application", [t(f"application.{marks[v]}", lang) if v in marks else "" for v in table["village_id"]])
    return _named(table, lang)
