"""Explanations, prices and the county preview, each checked by actually applying what it says."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import openpyxl
import pandas as pd
import pytest

from analysis.margins import province_margins
from analysis.preview import county_preview
from analysis.whatif import explain_village, rule_prices
from baicun.pipeline import bind, outcome, solve
from contract.errors import InputError
from pool.generate import generate_pool, write_pool
from pool.merge import merge_application
from pool.read import Pool, read_pool
from report.files import write_xlsx
from solver.rules import RuleRef
from tests.conftest import SAMPLE_CSV
from tests.scenario_helpers import DEFAULT_SCENARIO, scenario_with


@pytest.fixture(scope="module")
def solved():
    pool = read_pool(SAMPLE_CSV)
    inputs = bind(scenario_with(), pool)
    scores, selection = solve(inputs)
    return pool, inputs, scores, selection


def with_raw_change(pool: Pool, village_id: str, column: str, step: float) -> Pool:
    frame = pool.frame.copy()
    frame.loc[frame["village_id"] == village_id, column] += step
    return Pool(frame, pool.source, pool.rows, pool.headers, pool.extra)


def test_explained_increase_brings_the_village_in_and_slightly_less_does_not(solved):
    pool, inputs, scores, selection = solved
    left_out = scores.table[scores.eligible & ~selection.selected].sort_values("rank")
    explanation = next(
        e
        for e in (explain_village(pool, scores, selection, v) for v in left_out["village_id"].head(15))
        if e.needed_increase and e.criterion_increase
    )
    column, step = next(iter(explanation.criterion_increase.items()))
    for factor, expected in ((1.001, True), (0.999, False)):
        changed = with_raw_change(pool, explanation.village_id, column, step * factor)
        new_scores, new_selection = solve(bind(inputs.loaded, changed))
        position = explanation.position
        assert np.isclose(
            new_scores.table["score"].iat[position] - scores.table["score"].iat[position], explanation.needed_increase * factor, rtol=1e-9, atol=1e-12
        )
        assert bool(new_selection.selected[position]) is expected


def test_selected_village_replacement_importance(solved):
    pool, _, scores, selection = solved
    selected = scores.table[selection.selected].sort_values("rank")
    explanation = explain_village(pool, scores, selection, selected["village_id"].iloc[0])
    assert explanation.selected and explanation.importance > 0 and len(explanation.replacement) >= 1
    assert all(not selection.selected[pool.frame.index[pool.frame["village_id"] == v][0]] for v in explanation.replacement)


def test_ineligible_village_explained_with_every_reason(solved):
    pool, _, scores, selection = solved
    village = pool.frame.loc[~scores.eligible, "village_id"].iloc[0]
    explanation = explain_village(pool, scores, selection, village)
    assert not explanation.eligible and explanation.reasons and explanation.reasons == tuple(scores.eligibility.reasons(explanation.position))


def test_prices_are_what_dropping_the_rule_gives(solved):
    pool, _, _, _ = solved
    changes = {
        "selection.quota": [{"flag": "border", "min": 24}, {"flag": "poverty_alleviated", "min": 59}, {"flag": "tourism", "max": 300}]
    }  # the last can never bind: price 0
    inputs = bind(scenario_with(changes), pool)
    scores, selection = solve(inputs)
    prices = {p.rule: p for p in rule_prices(selection)}
    assert set(prices) == {f.ref for f in selection.model.families}
    assert all(p.price >= -1e-9 for p in prices.values())
    tourism = RuleRef("quota", "tourism")
    assert abs(prices[tourism].price) <= 1e-9 and not prices[tourism].entering
    for flag in ("tourism", "border"):
        dropped = {"selection.quota": [q for q in changes["selection.quota"] if q["flag"] != flag]}
        _, without = solve(bind(scenario_with(dropped), pool))
        assert np.isclose(without.objective - selection.objective, prices[RuleRef("quota", flag)].price, atol=1e-7)


def test_prices_sheet_in_the_workbook(tmp_path, solved):
    pool, inputs, scores, selection = solved
    o = outcome(inputs, scores, selection, prices=True)
    write_xlsx(o, tmp_path / "s.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "s.xlsx")["各规则的代价"]
    rules = [r[0] for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert rules == ["遴选数量", "预算", "重点边境村", "脱贫村", "县(市、区)", "市(州)"]


def test_county_preview_shows_only_the_county_and_exact_margins(solved):
    pool, inputs, scores, selection = solved
    rows = np.flatnonzero((pool.frame["county"] == "九台区").to_numpy())
    out_rows = [p for p in rows if scores.eligible[p] and not selection.selected[p]]
    known = province_margins(pool, scores, selection, [p for p in rows if selection.selected[p]] + out_rows[:3])
    preview = county_preview(pool, scores, selection, "九台区", exact=known)
    assert set(pool.frame.set_index("village_id").loc[preview.table["village_id"], "county"]) == {"九台区"}
    assert len(preview.table) == (pool.frame["county"] == "九台区").sum()
    chosen = preview.table[preview.table["selected"]]
    assert (chosen["distance"].dropna() >= 0).all()
    out = preview.table[preview.table["eligible"] & ~preview.table["selected"]]
    exact, bounded = out[out["position"].isin(out_rows[:3])], out[~out["position"].isin(out_rows[:3])]
    assert len(exact) == 3 and exact["distance"].notna().all() and (exact["distance"] <= 0).all() and bounded["distance"].isna().all()
    assert preview.exact_done == len(known) < preview.exact_total and not preview.complete
    nearest = explain_village(pool, scores, selection, preview.nearest["village_id"])
    assert np.isclose(-preview.nearest["distance"], nearest.needed_increase, atol=1e-9)
    # the LP bound never exceeds the exact gain
    for _, row in bounded.iloc[:3].iterrows():
        exact_gain = explain_village(pool, scores, selection, row["village_id"]).needed_increase
        assert row["at_least"] <= exact_gain + 1e-9


def test_application_file_merges_into_the_pool(tmp_path, solved):
    pool, _, _, _ = solved
    county = pool.frame[pool.frame["county"] == "九台区"].copy()
    frame = generate_pool(seed=2023)
    frame = frame[frame["county"] == "九台区"].copy()
    frame.iloc[0, frame.columns.get_loc("leader")] = 99.0
    path = tmp_path / "jiutai.csv"
    write_pool(frame, path)
    merged = merge_application(pool, read_pool(path), "九台区")
    assert merged.size == pool.size
    assert merged.frame.set_index("village_id").at[frame["village_id"].iloc[0], "leader"] == 99.0
    with pytest.raises(InputError) as caught:
        merge_application(pool, read_pool(path), "农安县")
    assert caught.value.problems[0].code == "preview.foreign_row" and caught.value.problems[0].row == 2
    assert len(county) == len(frame)


def test_explain_and_preview_commands():
    run = lambda *a: subprocess.run([sys.executable, "-m", "baicun", *a], capture_output=True, text=True)  # noqa: E731
    done = run("explain", str(DEFAULT_SCENARIO), "000000000000")
    assert done.returncode == 2 and "000000000000" in done.stderr
    done = run("preview", str(DEFAULT_SCENARIO), "--county", "九台县")
    assert done.returncode == 2 and "九台区" in done.stderr


def _shortlist(selection, pool) -> set[str]:
    return set(pool.frame.loc[selection.selected, "village_id"])


def test_explanation_names_the_whole_swap_and_applying_it_gives_the_forced_shortlist(solved):
    """Forcing a village out (or in) is a swap of several villages both ways: the explanation names everyone who
    comes in and everyone who goes out, and solving with the village excluded (included) gives exactly that list."""
    from report.text import explanation_lines

    pool, inputs, scores, selection = solved
    current = _shortlist(selection, pool)
    ranked = scores.table.sort_values("rank")
    swaps = {}
    for village in ranked.loc[selection.selected, "village_id"].head(10):
        e = explain_village(pool, scores, selection, village)
        if e.also_leaving:
            swaps["out"] = (e, "must_exclude", set(e.replacement), {village, *e.also_leaving})
            break
    for village in ranked.loc[scores.eligible & ~selection.selected, "village_id"].head(40):
        e = explain_village(pool, scores, selection, village)
        if e.also_entering and e.needed_increase is not None:
            swaps["in"] = (e, "must_include", {village, *e.also_entering}, set(e.displaced))
            break
    assert set(swaps) == {"out", "in"}  # the sample has both kinds of many-for-many swap
    for e, key, entering, leaving in swaps.values():
        forced = solve(bind(scenario_with({f"selection.{key}": [e.village_id]}), pool))[1]
        assert _shortlist(forced, pool) == (current - leaving) | entering
        words = "\n".join(explanation_lines(pool, selection, e))
        assert all(v in words for v in entering | leaving - {e.village_id})
        swap_line = next(line for line in words.splitlines() if "换入" in line)
        assert f"换入 {len(entering)} 个村" in swap_line and f"换出 {len(leaving)} 个村" in swap_line


def test_explanation_says_the_lowest_score_is_no_threshold_and_gives_the_unit(solved):
    from contract.texts import set_language
    from report.text import explanation_lines

    pool, _, scores, selection = solved
    cutoff = scores.table.loc[selection.selected, "score"].min()
    above = scores.table[scores.eligible & ~selection.selected & (scores.table["score"] > cutoff)].sort_values("rank")
    e = next(e for e in (explain_village(pool, scores, selection, v) for v in above["village_id"].head(20)) if "leader" in e.criterion_increase)
    words = "\n".join(explanation_lines(pool, selection, e))
    assert "入选线" not in words and "不是分数线" in words and "高 " in words
    assert f"「带头人」提高 {e.criterion_increase['leader']:.2f} 分（" in words and "0–100" in words
    set_language("en")
    try:
        words = "\n".join(explanation_lines(pool, selection, e))
    finally:
        set_language("zh")
    assert "not a cut-off" in words and "above the lowest selected score" in words and "points" in words
    assert "、" not in words.split("contributions:")[1].splitlines()[0]


def test_preview_with_an_application_says_what_it_changed_and_marks_the_rows(tmp_path):
    """An application changing one village, repeating one as it is and adding one: the preview says so in a line
    (both languages) and marks each of those rows; the merge keeps what it did."""
    pool = read_pool(SAMPLE_CSV)
    own = pool.frame[pool.frame["county"] == "九台区"].head(2).copy()
    changed, same = own["village_id"].tolist()
    own.iloc[0, own.columns.get_loc("leader")] = 99.0
    added = own.iloc[[0]].copy()
    added["village_id"], added["village"] = changed[:9] + "999", "新申报村"
    path = tmp_path / "申报表.csv"
    write_pool(pd.concat([own, added]).drop(columns=[c for c in own.columns if c.endswith("_place")]), path)
    merged = merge_application(pool, read_pool(path), "九台区")
    assert merged.application.marks() == {changed: "changed", same: "unchanged", added["village_id"].iat[0]: "added"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "baicun", *a], capture_output=True, text=True)  # noqa: E731
    names = pool.frame.set_index("village_id")["village"]
    out = run("preview", str(DEFAULT_SCENARIO), "--county", "九台区", "--application", str(path)).stdout
    assert f"申报表 申报表.csv：改动 1 个村（{names[changed]}），新增 1 个村（新申报村），与省级村庄库相同 1 个村" in out
    rows = {line.split()[0]: line for line in out.splitlines() if line.strip()[:12].isdigit()}
    assert " 改动 " in rows[changed] and " 与省级相同 " in rows[same] and " 新增 " in rows[added["village_id"].iat[0]]
    assert not any(word in line for v, line in rows.items() if v not in (changed, same, added["village_id"].iat[0]) for word in ("改动", "新增"))
    english = run("--lang", "en", "preview", str(DEFAULT_SCENARIO), "--county", "九台区", "--application", str(path)).stdout
    assert "1 added (新申报村)" in english and "1 identical to the provincial pool" in english
