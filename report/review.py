"""The expert panel's files: the blank score sheet an expert fills (the template) and the review report a panel
signs (per village each expert's score, what was not counted and why, the aggregate and the spread; per expert
agreement and consistency; per aspect Kendall's W and the ICC; the group weights).

Every cell an expert or a user typed is written as text or a number, never as a formula (xlsxwriter with
``strings_to_formulas`` off); every sentence is a message code of ``contract.texts``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from contract.columns import header_of
from contract.texts import SAMPLE_LABEL, t
from pool.read import Pool
from report.files import _width
from report.sheets import XLSX_OPTIONS, atomic_path, excel_writer, quoted_format, write_frame, write_text
from review.aggregate import CONFLICT, COUNTED, TRIMMED_HIGH, TRIMMED_LOW, Aggregate
from review.agreement import Agreement
from review.sheets import ASPECTS, DIRECT_SHEET, JUDGEMENT_SHEET, ROW_HEADER, SCORE_SHEET
from scoring.panel import GroupWeights

PLACE_COLUMNS = ("village_id", "village", "township", "county", "city")


# --- the template ------------------------------------------------------------------------------------------------


def write_template(
    path: Path,
    villages: pd.DataFrame,
    *,
    expert: str | None = None,
    criteria: list[str] | None = None,
    barred: set[str] = frozenset(),
    sample: bool = False,
    lang: str | None = None,
) -> None:
    """An expert's score sheet: Chinese headers, one row per village (``villages``: village_id, village,
    township, county, city), the four aspects validated to 0–100 in Excel/WPS; with ``criteria`` the sheets for
    pairwise judgements and direct weights; rows in ``barred`` (the expert's own place) are greyed and marked 回避."""
    with atomic_path(path) as temporary:
        import xlsxwriter

        book = xlsxwriter.Workbook(str(temporary), XLSX_OPTIONS)
        formats = _formats(book)
        _score_sheet(book, formats, villages, expert, barred, lang)
        if criteria:
            _judgement_sheet(book, formats, criteria, expert)
            _direct_sheet(book, formats, criteria, expert)
        _notes_sheet(book, formats, sample, bool(criteria), lang)
        book.close()


def _formats(book) -> dict:
    return {
        "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}),
        "input": book.add_format({"bg_color": "#FFF2CC", "border": 1}),
        "text": book.add_format({"num_format": "@"}),
        "barred": book.add_format({"bg_color": "#D9D9D9", "font_color": "#7F7F7F", "num_format": "@"}),
        "fixed": book.add_format({"bg_color": "#D9D9D9", "align": "center"}),
        "banner": book.add_format({"bold": True, "font_color": "#C00000"}),
    }


def _score_sheet(book, formats, villages: pd.DataFrame, expert, barred, lang) -> None:
    sheet = book.add_worksheet(SCORE_SHEET)
    headers = ["专家"] + [header_of(c) for c in PLACE_COLUMNS] + [header_of(a) for a in ASPECTS] + ["备注"]
    for column, label in enumerate(headers):
        sheet.write_string(0, column, label, formats["header"])
    first, last = 1 + len(PLACE_COLUMNS), len(PLACE_COLUMNS) + len(ASPECTS)
    for row, village in enumerate(villages.itertuples(index=False), start=1):
        own = village.village_id in barred
        style = formats["barred"] if own else formats["text"]
        sheet.write_string(row, 0, expert or "", style)
        for column, key in enumerate(PLACE_COLUMNS, start=1):
            sheet.write_string(row, column, str(getattr(village, key)), style)
        for column in range(first, last + 1):
            sheet.write_blank(row, column, None, formats["barred"] if own else formats["input"])
        sheet.write_string(row, last + 1, t("rv.template_barred", lang) if own else "", style)
    if len(villages):
        sheet.data_validation(
            1,
            first,
            len(villages),
            last,
            {
                "validate": "decimal",
                "criteria": "between",
                "minimum": 0,
                "maximum": 100,
                "error_title": t("rv.template_error_title", lang),
                "error_message": t("rv.template_error", lang),
                "input_title": t("rv.template_input_title", lang),
                "input_message": t("rv.template_input", lang),
            },
        )
    sheet.freeze_panes(1, 3)
    for column, label in enumerate(headers):
        sheet.set_column(column, column, 16 if column in (1, 2) else max(8, 2 * len(label) + 2))


def _judgement_sheet(book, formats, criteria: list[str], expert) -> None:
    sheet = book.add_worksheet(JUDGEMENT_SHEET)
    names = [header_of(c) for c in criteria]
    for column, label in enumerate(["专家", ROW_HEADER, *names]):
        sheet.write_string(0, column, label, formats["header"])
    for i, name in enumerate(names, start=1):
        sheet.write_string(i, 0, expert or "", formats["text"])
        sheet.write_string(i, 1, name, formats["header"])
        for j in range(1, len(names) + 1):
            if j == i:
                sheet.write_string(i, 1 + j, "1", formats["fixed"])
            elif j < i:
                sheet.write_blank(i, 1 + j, None, formats["fixed"])
            else:
                sheet.write_blank(i, 1 + j, None, formats["input"])
    sheet.set_column(0, 1, 14)
    sheet.set_column(2, 1 + len(names), 12)


def _direct_sheet(book, formats, criteria: list[str], expert) -> None:
    sheet = book.add_worksheet(DIRECT_SHEET)
    names = [header_of(c) for c in criteria]
    for column, label in enumerate(["专家", *names]):
        sheet.write_string(0, column, label, formats["header"])
    sheet.write_string(1, 0, expert or "", formats["text"])
    for column in range(1, len(names) + 1):
        sheet.write_blank(1, column, None, formats["input"])
    sheet.set_column(0, len(names), 14)


def _notes_sheet(book, formats, sample: bool, weights: bool, lang) -> None:
    sheet = book.add_worksheet(t("rv.notes_sheet", lang))
    lines = ([t("rv.sample_note", lang)] if sample else []) + [t(f"rv.note_{i}", lang) for i in range(1, 5)]
    lines += [t("rv.note_weights", lang)] if weights else []
    for row, line in enumerate(lines):
        sheet.write_string(row, 0, line, formats["banner"] if sample and row == 0 else None)
    sheet.set_column(0, 0, 110)


# --- the report --------------------------------------------------------------------------------------------------


def provenance_table(result: Aggregate, lang: str | None = None) -> pd.DataFrame:
    info = result.provenance()
    items = [
        ("rv.item_rule", t(f"review.rule.{result.rule}", lang)),
        ("rv.item_standardize", t("review.standardized" if result.standardize else "review.raw_scores", lang)),
        ("rv.item_experts", f"{len(result.experts)}：{'、'.join(result.experts)}"),
        ("rv.item_villages", info["villages"]),
        ("rv.item_counted", info["counted"]),
        ("rv.item_trimmed", info["trimmed"]),
        ("rv.item_conflicts", info["conflicts"]),
        ("rv.item_disagree", t("rv.disagree_count", lang, count=len(result.disagreements), limit=f"{result.disagreement_range:g}")),
    ]
    items += [("rv.item_sheet", f"{s['file']}（SHA-256 {s['sha256'][:16]}…）") for s in info["sheets"]]
    items += [("info.notice", n.render(lang)) for n in result.notices]
    return pd.DataFrame({t("info.item", lang): [t(k, lang) for k, _ in items], t("info.value", lang): [str(v) for _, v in items]})


def aspects_table(agreement: Agreement, lang: str | None = None) -> pd.DataFrame:
    """Per aspect: experts, villages every expert scored, Kendall's W (χ², p), ICC(A,1), ICC(A,k) with 95 % CI."""
    a = agreement.aspects
    return pd.DataFrame(
        {
            t("rv.col_aspect", lang): [header_of(x) for x in a["aspect"]],
            t("rv.col_experts", lang): a["experts"],
            t("rv.col_complete", lang): a["villages"],
            t("rv.col_w", lang): a["w"].round(4),
            t("rv.col_chi2", lang): a["chi2"].round(3),
            t("rv.col_p", lang): a["p"].map(lambda p: f"{p:.2e}" if pd.notna(p) else ""),
            t("rv.col_icc1", lang): a["icc_a1"].round(4),
            t("rv.col_icck", lang): a["icc_ak"].round(4),
            t("rv.col_icck_ci", lang): [f"[{lo:.2f}, {hi:.2f}]" if pd.notna(lo) else "" for lo, hi in zip(a["icc_ak_low"], a["icc_ak_high"])],
        }
    )


def experts_table(result: Aggregate, agreement: Agreement, weights: GroupWeights | None = None, lang: str | None = None) -> pd.DataFrame:
    """Per expert: scores counted, missing, barred by 回避, correlation with the rest, mean deviation (harsh < 0),
    mean absolute deviation, outlier flag, and their AHP consistency ratio when they gave judgements."""
    e = agreement.experts.set_index("expert")
    missing = result.missing().set_index("expert")["missing"]
    barred = result.scores[result.scores["status"] == CONFLICT].groupby("expert").size()
    cr = {w.expert: w.cr for w in weights.experts} if weights is not None else {}
    yes, no = t("word.yes", lang), t("word.no", lang)
    table = pd.DataFrame(
        {
            t("rv.col_expert", lang): list(result.experts),
            t("rv.col_scores", lang): [int(e.at[x, "scores"]) for x in result.experts],
            t("rv.col_missing", lang): [int(missing.get(x, 0)) for x in result.experts],
            t("rv.col_barred", lang): [int(barred.get(x, 0)) for x in result.experts],
            t("rv.col_rest_r", lang): [round(float(e.at[x, "rest_correlation"]), 3) for x in result.experts],
            t("rv.col_bias", lang): [round(float(e.at[x, "mean_deviation"]), 2) for x in result.experts],
            t("rv.col_abs_dev", lang): [round(float(e.at[x, "mean_abs_deviation"]), 2) for x in result.experts],
            t("rv.col_outlier", lang): [yes if e.at[x, "outlier"] else no for x in result.experts],
        }
    )
    if cr:
        table[t("rv.col_cr", lang)] = [round(cr[x], 4) if cr.get(x) is not None else "" for x in result.experts]
    return table


def villages_table(pool: Pool, result: Aggregate, lang: str | None = None) -> pd.DataFrame:
    """One row per village and aspect: each expert's score as written, the scores not counted and why, the
    aggregate, and the spread of the counted scores."""
    scores = result.scores
    wide = scores.pivot_table(index=["village_id", "aspect"], columns="expert", values="score", aggfunc="first").reindex(columns=list(result.experts))
    why = scores[scores["status"].isin([CONFLICT, TRIMMED_HIGH, TRIMMED_LOW])].copy()
    why["text"] = [_why(r, lang) for r in why.itertuples()]
    excluded = why.groupby(["village_id", "aspect"])["text"].agg("；".join)
    spread = result.spread.set_index(["village_id", "aspect"])
    names = pool.frame.set_index("village_id")
    index = wide.index
    villages = index.get_level_values(0)
    table = pd.DataFrame(
        {
            t("rv.col_village_id", lang): villages,
            t("rv.col_village", lang): names["village"].reindex(villages).to_numpy(),
            t("rv.col_county", lang): names["county"].reindex(villages).to_numpy(),
            t("rv.col_aspect", lang): [header_of(a) for a in index.get_level_values(1)],
        }
    )
    for expert in result.experts:
        table[expert] = wide[expert].to_numpy()
    table[t("rv.col_excluded", lang)] = excluded.reindex(index).fillna("").to_numpy()
    table[t("rv.col_aggregate", lang)] = [result.values.at[v, a] for v, a in index]
    table[t("rv.col_aggregate", lang)] = table[t("rv.col_aggregate", lang)].astype(float).round(2)
    table[t("rv.col_range", lang)] = spread["range"].reindex(index).to_numpy()
    table[t("rv.col_sd", lang)] = spread["sd"].reindex(index).round(2).to_numpy()
    table[t("rv.col_core", lang)] = spread["core"].reindex(index).to_numpy()
    return table


def _why(row, lang) -> str:
    reason = t(f"rv.why_{row.status}", lang, place=row.place or "")
    return f"{row.expert} {row.score:g}（{reason}）"


def excluded_table(pool: Pool, result: Aggregate, lang: str | None = None) -> pd.DataFrame:
    """Every score not counted — barred by 回避 or dropped as a highest/lowest — with the reason."""
    rows = result.scores[result.scores["status"].isin([CONFLICT, TRIMMED_HIGH, TRIMMED_LOW])].sort_values(
        ["status", "village_id", "aspect", "expert"]
    )
    rows = pd.concat([rows[rows["status"] == CONFLICT], rows[rows["status"] != CONFLICT]])
    names = pool.frame.set_index("village_id")
    return pd.DataFrame(
        {
            t("rv.col_expert", lang): rows["expert"].to_numpy(),
            t("rv.col_village_id", lang): rows["village_id"].to_numpy(),
            t("rv.col_village", lang): names["village"].reindex(rows["village_id"]).to_numpy(),
            t("rv.col_county", lang): names["county"].reindex(rows["village_id"]).to_numpy(),
            t("rv.col_aspect", lang): [header_of(a) for a in rows["aspect"]],
            t("rv.col_score", lang): rows["score"].to_numpy(),
            t("rv.col_reason", lang): [t(f"rv.why_{s}", lang, place=p or "") for s, p in zip(rows["status"], rows["place"])],
            t("rv.col_where", lang): [f"{f} {r}" for f, r in zip(rows["file"], rows["row"])],
        }
    )


def disagreements_table(pool: Pool, result: Aggregate, lang: str | None = None) -> pd.DataFrame:
    """Villages the experts disagree on (a range of at least ``disagreement_range`` on some aspect)."""
    d = result.disagreements
    names = pool.frame.set_index("village_id")
    return pd.DataFrame(
        {
            t("rv.col_village_id", lang): d["village_id"].to_numpy(),
            t("rv.col_village", lang): names["village"].reindex(d["village_id"]).to_numpy(),
            t("rv.col_county", lang): names["county"].reindex(d["village_id"]).to_numpy(),
            t("rv.col_aspects", lang): ["、".join(header_of(a) for a in x) for x in d["aspects"]],
            t("rv.col_core", lang): d["widest"].to_numpy(),
        }
    )


def missing_table(result: Aggregate, lang: str | None = None) -> pd.DataFrame:
    m = result.missing()
    return pd.DataFrame(
        {
            t("rv.col_expert", lang): m["expert"],
            t("rv.col_missing", lang): m["missing"],
            t("rv.col_missing_ids", lang): ["、".join(v) if isinstance(v, tuple) else "" for v in m["villages"]],
        }
    )


def weights_table(weights: GroupWeights, lang: str | None = None) -> pd.DataFrame:
    """Criterion, the group's weight, each expert's weight; a last row with the consistency ratios."""
    table = pd.DataFrame({t("rv.col_criterion", lang): [header_of(c) for c in weights.criteria]})
    table[t(f"rv.group_{weights.method}", lang)] = [round(weights.group[c], 4) for c in weights.criteria]
    for e in weights.experts:
        table[e.expert] = [round(e.weights[c], 4) for c in weights.criteria]
    if weights.method != "direct":
        cr_row = {t("rv.col_criterion", lang): t("rv.col_cr", lang), t(f"rv.group_{weights.method}", lang): _round(weights.group_cr)}
        cr_row |= {e.expert: _round(e.cr) for e in weights.experts}
        table = pd.concat([table, pd.DataFrame([cr_row])], ignore_index=True)
    return table


def _round(value) -> object:
    return round(value, 4) if value is not None else ""


def report_sheets(
    pool: Pool, result: Aggregate, agreement: Agreement, weights: GroupWeights | None, lang: str | None = None
) -> list[tuple[str, pd.DataFrame]]:
    sheets = [
        (t("rv.sheet_overview", lang), provenance_table(result, lang)),
        (t("rv.sheet_aspects", lang), aspects_table(agreement, lang)),
        (t("rv.sheet_experts", lang), experts_table(result, agreement, weights, lang)),
        (t("rv.sheet_villages", lang), villages_table(pool, result, lang)),
        (t("rv.sheet_excluded", lang), excluded_table(pool, result, lang)),
        (t("rv.sheet_disagree", lang), disagreements_table(pool, result, lang)),
        (t("rv.sheet_missing", lang), missing_table(result, lang)),
    ]
    if weights is not None:
        sheets.append((t("rv.sheet_weights", lang), weights_table(weights, lang)))
    return sheets


def write_review_report(
    path: Path, pool: Pool, result: Aggregate, agreement: Agreement, weights: GroupWeights | None = None, lang: str | None = None
) -> None:
    """The review report workbook (atomically: nothing half-written)."""
    title = t("rv.title", lang) + (f"（{SAMPLE_LABEL}）" if pool.is_sample else "")
    with excel_writer(path) as writer:
        header_style = {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        banner_style = {"bold": True, "font_size": 12, "font_color": "#C00000" if pool.is_sample else "#000000"}
        header = (writer.book.add_format(header_style), quoted_format(writer.book, header_style))
        banner = (writer.book.add_format(banner_style), quoted_format(writer.book, banner_style))
        for name, table in report_sheets(pool, result, agreement, weights, lang):
            write_frame(writer, name[:31], table, startrow=2, header=False)
            sheet = writer.sheets[name[:31]]
            write_text(sheet, 0, 0, f"{title} — {name}", *banner)
            for column, label in enumerate(table.columns):
                write_text(sheet, 1, column, label, *header)
                sheet.set_column(column, column, _width(label, table.iloc[:, column]))
            sheet.freeze_panes(2, 0)


def write_reviewed_pool(path: Path, pool: Pool) -> None:
    """The pool with the panel's review columns, as a pool file (xlsx or csv) that ``read_pool`` reads back."""
    from pool.generate import to_file_frame

    frame = pool.frame.copy()
    if "debt_risk" in frame:
        names = np.array(["无", "低", "中", "高"], dtype=object)
        frame["debt_risk"] = [names[int(v)] if pd.notna(v) else "" for v in frame["debt_risk"]]
    out = to_file_frame(frame)
    if Path(path).suffix.lower() == ".xlsx":
        with excel_writer(path) as writer:
            write_frame(writer, "村庄库", out)
    else:
        with atomic_path(path) as temporary:
            out.to_csv(temporary, index=False, encoding="utf-8-sig")


def counted_share(result: Aggregate) -> float:
    """Share of the given scores that counted (for the terminal summary)."""
    given = result.scores["status"].isin([COUNTED, TRIMMED_HIGH, TRIMMED_LOW, CONFLICT]).sum()
    return float((result.scores["status"] == COUNTED).sum() / given) if given else 0.0


def write_panel_list(path: Path, homes: pd.DataFrame, sample: bool = False, lang: str | None = None) -> None:
    """The panel list (专家, 市(州), 县(市、区), 区划代码 — one row per expert and home place) that ``read_panel``
    reads; ``homes`` has columns expert, city, county, code."""
    table = pd.DataFrame({"专家": homes["expert"], header_of("city"): homes["city"], header_of("county"): homes["county"], "区划代码": homes["code"]})
    with excel_writer(path) as writer:
        write_frame(writer, "专家名单", table)
        text = writer.book.add_format({"num_format": "@"})
        writer.sheets["专家名单"].set_column(0, 3, 16, text)
        if sample:
            write_frame(writer, t("rv.notes_sheet", lang), pd.DataFrame({t("rv.notes_sheet", lang): [t("rv.sample_note", lang)]}))


def review_lines(result: Aggregate, agreement: Agreement, weights: GroupWeights | None = None, lang: str | None = None) -> list:
    """The terminal summary: rule, experts, agreement per aspect, outliers, conflicts, disagreements, weights."""
    from report.text import table_of

    info = result.provenance()
    lines: list = [
        t(
            "rv.line_rule",
            lang,
            rule=t(f"review.rule.{result.rule}", lang),
            standardized=t("review.standardized" if result.standardize else "review.raw_scores", lang),
        ),
        t(
            "rv.line_counts",
            lang,
            experts=len(result.experts),
            villages=info["villages"],
            counted=info["counted"],
            trimmed=info["trimmed"],
            conflicts=info["conflicts"],
        ),
        table_of(aspects_table(agreement, lang)),
    ]
    outliers = agreement.outliers
    lines.append(
        t("rv.line_outliers", lang, experts="、".join(outliers), limit=agreement.threshold)
        if outliers
        else t("rv.line_no_outlier", lang, limit=agreement.threshold)
    )
    barred = result.scores[result.scores["status"] == CONFLICT]
    if len(barred):
        lines.append(
            t(
                "rv.line_conflicts",
                lang,
                count=len(barred),
                experts="、".join(sorted(barred["expert"].unique())),
                villages=barred["village_id"].nunique(),
            )
        )
    lines.append(t("rv.line_disagree", lang, count=len(result.disagreements), limit=f"{result.disagreement_range:g}"))
    missing = result.missing()
    missing = missing[missing["missing"] > 0]
    if len(missing):
        lines.append(t("rv.line_missing", lang, experts="、".join(f"{e} {n}" for e, n in zip(missing["expert"], missing["missing"]))))
    if weights is not None:
        lines.append(table_of(weights_table(weights, lang)))
    lines += [n.render(lang) for n in result.notices]
    return lines


def review_json(result: Aggregate, agreement: Agreement, weights: GroupWeights | None = None) -> dict:
    """The review as one JSON object: provenance, agreement per aspect and per expert, the experts' weights."""
    clean = lambda v: None if isinstance(v, float) and np.isnan(v) else v  # noqa: E731
    return {
        **result.provenance(),
        "aspects": [{k: clean(v) for k, v in row.items()} for row in agreement.aspects.to_dict("records")],
        "experts_agreement": [{k: clean(v) for k, v in row.items()} for row in agreement.experts.to_dict("records")],
        "outliers": agreement.outliers,
        "excluded_conflicts": result.scores.loc[result.scores["status"] == CONFLICT, ["expert", "village_id", "aspect", "score", "place"]].to_dict(
            "records"
        ),
        "disagreements": list(result.disagreements["village_id"]),
        "weights": None
        if weights is None
        else {
            "method": weights.method,
            "group": weights.group,
            "group_cr": weights.group_cr,
            "experts": weights.weight_vectors(),
            "cr": {e.expert: e.cr for e in weights.experts},
        },
        "notices": [n.render() for n in result.notices],
    }
