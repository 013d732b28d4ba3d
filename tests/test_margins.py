"""The county's "how far from getting in" (analysis/margins.py, report/reasons.standing_texts): the LP bounds,
the exact margins and the binding cause, against brute force on small hand-made pools."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from analysis.margins import binding_causes, lp_bounds, province_margins
from analysis.preview import county_preview
from analysis.reasons import village_reasons
from analysis.whatif import explain_village
from solver.solve import select
from tests.factories import make_pool, prepared


def _case(frame: pd.DataFrame, selection: dict):
    pool = make_pool(frame)
    data = {"name": "小例", "scoring": {"normalize": "none", "weights": {"industry_base": 1.0}}, "selection": selection}
    scenario, scores, _ = prepared(pool, data)
    return pool, scores, select(pool, scenario, scores)


def _frame(score, cost, county) -> pd.DataFrame:
    n = len(score)
    return pd.DataFrame(
        {
            "village_id": [f"2200000000{i:02d}" for i in range(n)],
            "village": [f"村{i}" for i in range(n)],
            "township": "镇",
            "county": county,
            "city": "甲市",
            "industry_base": np.asarray(score, dtype=float),
            "cost": np.asarray(cost, dtype=float),
        }
    )


def test_a_higher_scored_dearer_village_of_the_county_is_out_because_of_the_budget():
    # issue 22: 甲县 has two places; 村0 (9 points, 1000 万元) scores above 村1 (8 points, 840 万元), which is in.
    # The county's cap is not what keeps 村0 out — swapping them would keep the county at two — the budget is.
    frame = _frame([10, 9, 8, 5], [900, 1000, 840, 300], ["甲县", "甲县", "甲县", "乙县"])
    pool, scores, selection = _case(frame, {"count": [3, 3], "budget": 2150, "group": [{"by": "county", "max": 2}]})
    assert selection.selected.tolist() == [True, False, True, True]
    causes = binding_causes(pool, scores, selection, range(4))
    assert causes.code[1] == "budget" and causes.holder[1] == 2
    # with room in the budget the same village is in: the budget was the binding cause
    _, _, roomy = _case(frame, {"count": [3, 3], "budget": 2200, "group": [{"by": "county", "max": 2}]})
    assert roomy.selected[1]


def test_a_village_of_a_full_county_is_held_by_the_county_not_the_budget():
    frame = _frame([10, 9, 8, 5], [500, 500, 500, 500], ["甲县", "甲县", "甲县", "乙县"])
    pool, scores, selection = _case(frame, {"count": [3, 3], "budget": 5000, "group": [{"by": "county", "max": 2}]})
    assert selection.selected.tolist() == [True, True, False, True]
    causes = binding_causes(pool, scores, selection, range(4))
    assert causes.code[2] == "group" and causes.by[2] == "county_place" and causes.holder[2] == 1


def _best(frame, selection: dict, forced: int | None = None) -> float | None:
    """Best total score by enumeration, optionally with village ``forced`` in."""
    score, cost, county = frame["industry_base"].to_numpy(), frame["cost"].to_numpy(), frame["county"].to_numpy()
    low, high = selection["count"]
    best = None
    for size in range(low, high + 1):
        for chosen in itertools.combinations(range(len(frame)), size):
            if forced is not None and forced not in chosen:
                continue
            if cost[list(chosen)].sum() > selection["budget"] + 1e-9:
                continue
            if max(pd.Series(county[list(chosen)]).value_counts().max() if chosen else 0, 0) > selection["group"][0]["max"]:
                continue
            total = float(score[list(chosen)].sum())
            best = total if best is None or total > best else best
    return best


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.integers(1, 20), min_size=5, max_size=6),
    st.lists(st.integers(1, 9), min_size=7, max_size=7),
    st.lists(st.sampled_from(["甲县", "乙县"]), min_size=7, max_size=7),
    st.integers(8, 30),
)
@example(
    [10, 9, 8, 5, 1], [5, 6, 4, 2, 9, 1, 1], ["甲县", "甲县", "甲县", "乙县", "乙县", "甲县", "甲县"], 12
)  # 甲县 full, 村1 kept out by the budget
def test_margins_bounds_and_the_budget_cause_match_brute_force(score, cost, county, budget):
    n = len(score)
    frame = _frame(score, cost[:n], county[:n])
    rules = {"count": [2, 3], "budget": budget, "group": [{"by": "county", "max": 2}]}
    pool, scores, selection = _case(frame, rules)
    if not selection.found:
        return
    best = _best(frame, rules)
    margins = province_margins(pool, scores, selection, range(n))
    bounds = lp_bounds(selection)
    causes = binding_causes(pool, scores, selection, range(n))
    reasons = village_reasons(pool, scores, selection)
    used = float(frame["cost"].to_numpy()[selection.selected].sum())
    for p in range(n):
        if selection.selected[p]:
            continue
        # the workbook's reason and the county preview's cause are one reading: a village of a full county that a
        # cheaper, lower-scored county neighbour keeps out is out because of the budget in both, with that holder
        full = sum(selection.selected[j] and county[j] == county[p] for j in range(n)) == 2
        code, params = reasons.of(p)
        assert (code == "why.out_group_budget") == (full and causes.code[p] == "budget")
        if code == "why.out_group_budget":
            assert params["holder"] == f"村{causes.holder[p]}" and params["holder_cost"] == cost[causes.holder[p]]
        forced = _best(frame, rules, p)
        assert (margins[p].distance is None) == (forced is None)
        if forced is not None:
            assert np.isclose(-margins[p].distance, best - forced, atol=1e-6)  # the exact gain
            assert -bounds[p] <= best - forced + 1e-6  # the LP bound is a lower bound
        # "budget" exactly when a selected village of the same county scores less: swapping the two keeps every
        # rule but the budget, so (the shortlist being optimal) the swap must break the budget
        lower = [j for j in range(n) if selection.selected[j] and county[j] == county[p] and score[j] < score[p]]
        assert (causes.code[p] == "budget") == bool(lower)
        if lower:
            j = causes.holder[p]
            assert j in lower and used - cost[j] + cost[p] > budget


def test_the_county_preview_names_the_budget_with_both_costs():
    frame = _frame([10, 9, 8, 5], [900, 1000, 840, 300], ["甲县", "甲县", "甲县", "乙县"])
    pool, scores, selection = _case(frame, {"count": [3, 3], "budget": 2150, "group": [{"by": "county", "max": 2}]})
    preview = county_preview(pool, scores, selection, "甲县")
    assert preview.complete
    row = preview.table.set_index("village")
    assert row.at["村1", "cause"] == "budget" and row.at["村1", "holder"] == "村2" and row.at["村1", "holder_cost"] == 840
    assert np.isclose(-row.at["村1", "distance"], explain_village(pool, scores, selection, "220000000001").needed_increase)
    from report.reasons import reason_texts, standing_texts

    words = dict(zip(preview.table["village"], standing_texts(preview, [""] * len(preview.table), "zh")))
    said = "比本县(市、区)已入选的「村2」得分高，但计划投资更高（1,000 万元 vs 840 万元），换下它会超出预算"
    assert words["村1"] == "落选：所在县(市、区)名额已满；" + said  # 甲县 is full too: both rules, as in the workbook
    assert words["村0"].startswith("入选：综合得分第 1 名，得分再降低 ")
    workbook = reason_texts(village_reasons(pool, scores, selection), scores.eligibility, "zh")
    assert workbook.iat[1] == "落选：综合得分第 2 名，所在县(市、区)「甲县」已达上限；" + said
    # with room in the county, the budget alone
    _, _, roomy = _case(frame, {"count": [3, 3], "budget": 2150, "group": [{"by": "county", "max": 3}]})
    roomy_preview = county_preview(pool, scores, roomy, "甲县")
    roomy_words = dict(zip(roomy_preview.table["village"], standing_texts(roomy_preview, [""] * 4, "zh")))
    assert roomy_words["村1"] == "落选：因预算——得分够（高于已入选的「村2」），但计划投资更高（1,000 万元 vs 840 万元）"


# --- the eligibility funnel (scoring.eligibility.steps, report.funnel) ------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(4, 12))
def test_the_funnel_adds_up_and_ends_at_the_selection(seed, n):
    from report.funnel import funnel_table, funnel_villages
    from tests.factories import random_rules, tiny_pool

    rng = np.random.default_rng(seed)
    pool = tiny_pool(rng, n)
    data = random_rules(rng, pool)
    data.setdefault("eligibility", {})["min"] = {"leader": int(rng.integers(50, 90))}
    data["eligibility"]["exclude"] = {"debt_risk": [3]}
    scenario, scores, _ = prepared(pool, data)
    selection = select(pool, scenario, scores)
    table = funnel_table(pool, scores, selection, "zh")
    remaining, removed = table["剩余村数"].to_numpy(), table["本步去掉"].to_numpy()
    assert remaining[0] == n
    steps = len(scores.eligibility.rules)
    assert all(remaining[k] == remaining[k - 1] - removed[k] for k in range(1, steps + 1))  # each rule in turn
    assert remaining[steps + 1] == scores.eligible.sum() == n - removed[1 : steps + 1].sum()
    if selection.found:
        assert table["步骤"].iat[-1] == "入选" and remaining[-1] == selection.count
    villages = funnel_villages(pool, scores, "zh")
    assert sorted(villages["村庄代码"]) == sorted(pool.frame.loc[~scores.eligible, "village_id"])  # each removed once


def test_the_funnel_starts_with_the_qiancun_rule_and_is_a_workbook_sheet(tmp_path):
    import openpyxl

    from baicun.pipeline import load_inputs, outcome, solve
    from report.files import write_xlsx
    from tests.conftest import ROOT

    inputs = load_inputs(ROOT / "scenarios" / "baicun_2024.toml")
    scores, selection = solve(inputs)
    write_xlsx(outcome(inputs, scores, selection), tmp_path / "s.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "s.xlsx")["资格漏斗"].iter_rows(min_row=3, values_only=True))
    assert rows[0][:2] == ("全部村庄", inputs.pool.size)
    assert "千村创建年度" in rows[1][0]
    assert rows[-2][:2] == ("符合资格", int(scores.eligible.sum())) and rows[-1][:2] == ("入选", selection.count)


def _swaps_by_definition(frame: pd.DataFrame, selection, score: np.ndarray, rows) -> list[int]:
    """``budget_swaps`` read literally, one village at a time: the selected villages (not must-include) of the same
    county and city with a lower score whose swap keeps every quota on its bound; the lowest-scored, first among
    equals."""
    selected = selection.selected
    out = []
    for i in rows:
        allowed = []
        for j in np.flatnonzero(selected):
            if score[j] >= score[i] - 1e-7 or frame["county"].iat[j] != frame["county"].iat[i] or frame["city"].iat[j] != frame["city"].iat[i]:
                continue
            keeps = True
            for quota in selection.rules.quotas:
                member = frame[quota.flag].to_numpy(dtype=bool)
                actual = int(member[selected].sum())
                if quota.low is not None and actual <= quota.low and member[j] and not member[i]:
                    keeps = False
                if quota.high is not None and actual >= quota.high and member[i] and not member[j]:
                    keeps = False
            if keeps:
                allowed.append(j)
        out.append(min(allowed, key=lambda j: (score[j], j)) if allowed else -1)
    return out


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(1, 6), min_size=9, max_size=9),
    st.lists(st.integers(1, 9), min_size=9, max_size=9),
    st.lists(st.sampled_from(["甲县", "乙县"]), min_size=9, max_size=9),
    st.lists(st.booleans(), min_size=9, max_size=9),
    st.lists(st.booleans(), min_size=9, max_size=9),
    st.integers(0, 3),
    st.integers(12, 40),
)
def test_budget_swaps_are_the_rule_read_one_village_at_a_time(score, cost, county, border, poor, bound, budget):
    """The whole-column ``budget_swaps`` (a national pool's left-out villages at once) against the rule read literally,
    with two group columns, a quota on its minimum and one on its maximum, and ties in the scores."""
    from analysis.reasons import budget_swaps

    frame = _frame(score, cost, county)
    frame["city"] = np.where(np.array(county) == "甲县", "甲市", np.where(np.arange(9) % 2 == 0, "甲市", "乙市"))
    frame["border"], frame["poverty_alleviated"] = border, poor
    rules = {
        "count": [3, 5],
        "budget": budget,
        "group": [{"by": "county", "max": 3}, {"by": "city", "max": 4}],
        "quota": [{"flag": "border", "min": bound}, {"flag": "poverty_alleviated", "max": 3 - bound}],
    }
    pool, scores, selection = _case(frame, rules)
    if not selection.found:
        return
    values = scores.table["score"].to_numpy(dtype=float)
    rows = np.flatnonzero(scores.eligible & ~selection.selected)
    assert budget_swaps(pool.frame, selection, values, rows).tolist() == _swaps_by_definition(pool.frame, selection, values, rows)
