"""The expert panel (issue 18): published examples for Kendall's W and for group AHP, every aggregation rule
against a hand computation, the sheets read with the pool's error reporting, conflicts of interest matched by
place identity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from contract.errors import InputError
from contract.scenario import ReviewRules
from review.aggregate import CONFLICT, TRIMMED_HIGH, TRIMMED_LOW, aggregate, apply_review
from review.agreement import agreement, kendall_w
from review.panel import conflicts, panel_from_places, read_panel
from review.sheets import PanelScores, read_score_sheets
from scoring import weights as wt
from scoring.panel import aij, aip
from tests.factories import make_pool

# --- published examples ------------------------------------------------------------------------------------------


def test_kendall_w_reproduces_the_textbook_example_with_ties():
    """张厚粲《现代心理与教育统计学》肯德尔和谐系数 例 2 (3 experts rank 6 papers, experts 甲 and 丙 with ties):
    S = 130, ΣT = 18, W = 130 / 153 = 0.85."""
    ranks = pd.DataFrame([[1, 4, 2.5, 5, 6, 2.5], [2, 3, 1, 5, 6, 4], [1.5, 3, 1.5, 4, 5.5, 5.5]], index=["甲", "乙", "丙"], columns=list("ABCDEF"))
    w, chi2, _p = kendall_w(ranks)
    assert round(w, 2) == 0.85
    assert w == pytest.approx(130 / 153)
    assert chi2 == pytest.approx(3 * 5 * 130 / 153)


def test_kendall_w_reproduces_the_textbook_example_without_ties():
    """The same textbook's 例 1: 6 teachers rank 6 papers, W = 0.87 (S = 546)."""
    ranks = pd.DataFrame([[3, 1, 2, 5, 4, 6], [2, 1, 3, 4, 5, 6], [3, 2, 1, 5, 4, 6], [4, 1, 2, 6, 3, 5], [3, 1, 2, 6, 4, 5], [4, 2, 1, 5, 3, 6]])
    w, _, _ = kendall_w(ranks)
    assert round(w, 2) == 0.87
    assert w == pytest.approx(546 / 630)


def test_kendall_w_ranks_raw_scores_within_each_expert():
    """Scores, not ranks, go in: an expert's scores are ranked (ties averaged) before W, so any increasing rescaling
    of one expert's scores leaves W unchanged."""
    scores = pd.DataFrame([[60, 75, 75, 90], [55, 70, 80, 85], [88, 60, 72, 95]], dtype=float)
    rescaled = scores.copy()
    rescaled.iloc[0] = rescaled.iloc[0] * 0.5 + 10
    assert kendall_w(scores)[0] == pytest.approx(kendall_w(rescaled)[0])


def test_aij_keeps_saaty_and_aczels_reciprocity_example():
    """Saaty & Aczél (1983): three people judge an apple 2, 3 and 4 times larger than an orange; the geometric mean
    24^(1/3) ≈ 2.884 is the group judgement, and the group's judgement the other way round is its reciprocal —
    which the arithmetic mean (3 one way, 13/36 the other) is not."""
    matrices = [np.array([[1, k], [1 / k, 1]]) for k in (2, 3, 4)]
    group = aij(matrices)
    assert group[0, 1] == pytest.approx(24 ** (1 / 3)) and round(group[0, 1], 3) == 2.884
    assert group[1, 0] == pytest.approx(1 / group[0, 1])


def test_aij_and_aip_agree_by_hand_on_consistent_experts_and_differ_otherwise():
    """Two consistent experts with weights u and v: the AIJ matrix is consistent with weights ∝ √(u v) (hand:
    a_ij = √(u_i/u_j · v_i/v_j)), and AIP gives the same; with an inconsistent expert they differ."""
    u, v = np.array([0.5, 0.3, 0.1, 0.1]), np.array([0.2, 0.4, 0.3, 0.1])
    consistent = [np.outer(x, 1 / x) for x in (u, v)]
    by_hand = np.sqrt(u * v) / np.sqrt(u * v).sum()
    assert wt.ahp(aij(consistent)).weights == pytest.approx(by_hand)
    assert aip([u, v]) == pytest.approx(by_hand)
    assert wt.ahp(aij(consistent)).cr == pytest.approx(0, abs=1e-9)
    # (for n = 3 the eigenvector is the row geometric mean, so AIJ and AIP coincide: the inconsistent expert is 4 × 4)
    odd = np.array([[1, 3, 1 / 5, 2], [1 / 3, 1, 7, 1 / 4], [5, 1 / 7, 1, 3], [1 / 2, 4, 1 / 3, 1]])
    mixed_aij = wt.ahp(aij([consistent[0], odd])).weights
    mixed_aip = aip([u, wt.ahp(odd).weights])
    assert not np.allclose(mixed_aij, mixed_aip, atol=1e-3)


# --- aggregation by hand -------------------------------------------------------------------------------------------

IDS = ("220102100201", "220102100202", "220102100203")


def small_panel() -> tuple[PanelScores, pd.DataFrame]:
    """Four experts, three villages, one aspect (基础条件). D is barred from village 2 (回避); B left village 3 blank
    and D has no row for it."""
    rows = [
        ("A", IDS[0], 80),
        ("B", IDS[0], 72),
        ("C", IDS[0], 95),
        ("D", IDS[0], 61),
        ("A", IDS[1], 50),
        ("B", IDS[1], 65),
        ("C", IDS[1], 68),
        ("D", IDS[1], 99),
        ("A", IDS[2], 40),
        ("B", IDS[2], np.nan),
        ("C", IDS[2], 90),
    ]
    table = pd.DataFrame(rows, columns=["expert", "village_id", "score"]).assign(aspect="review_basis", file="t.csv", row=range(2, 13))
    barred = pd.DataFrame({"expert": ["D"], "village_id": [IDS[1]], "place": ["南关区"]})
    return PanelScores(table[["expert", "village_id", "aspect", "score", "file", "row"]], ()), barred


@pytest.mark.parametrize(
    "rule, expected",
    [
        ("mean", [(80 + 72 + 95 + 61) / 4, (50 + 65 + 68) / 3, (40 + 90) / 2]),
        ("trimmed_mean", [(80 + 72) / 2, 65.0, (40 + 90) / 2]),  # n = 3 keeps the middle one; n = 2 falls back to the mean
        ("median", [(72 + 80) / 2, 65.0, (40 + 90) / 2]),
    ],
)
def test_every_rule_equals_the_hand_computation(rule, expected):
    scores, barred = small_panel()
    result = aggregate(scores, ReviewRules(rule=rule), barred)
    assert result.values["review_basis"].tolist() == pytest.approx(expected)
    status = result.scores.set_index(["expert", "village_id"])["status"]
    assert status[("D", IDS[1])] == CONFLICT  # the barred 99 never counts
    if rule == "trimmed_mean":
        assert status[("C", IDS[0])] == TRIMMED_HIGH and status[("D", IDS[0])] == TRIMMED_LOW
        assert status[("A", IDS[1])] == TRIMMED_LOW and status[("C", IDS[1])] == TRIMMED_HIGH
        assert list(result.few_scores["village_id"]) == [IDS[2]]


def test_standardised_rule_equals_the_hand_computation():
    """x' = m + s (x − m_e) / s_e per expert (population sd over the expert's counted scores), then the mean."""
    scores, barred = small_panel()
    result = aggregate(scores, ReviewRules(rule="mean", standardize=True), barred)
    counted = {  # expert -> {village: score} that count
        "A": {IDS[0]: 80, IDS[1]: 50, IDS[2]: 40},
        "B": {IDS[0]: 72, IDS[1]: 65},
        "C": {IDS[0]: 95, IDS[1]: 68, IDS[2]: 90},
        "D": {IDS[0]: 61},
    }
    every = [x for scores_ in counted.values() for x in scores_.values()]
    m, s = np.mean(every), np.std(every)

    def used(expert, village):
        mine = list(counted[expert].values())
        sd = np.std(mine)
        return m + s * ((counted[expert][village] - np.mean(mine)) / sd if sd > 0 else 0.0)

    by_hand = [np.mean([used(e, v) for e in counted if v in counted[e]]) for v in IDS]
    assert result.values["review_basis"].tolist() == pytest.approx(by_hand)


def test_applying_the_aggregate_replaces_the_review_columns_and_says_so():
    scores, barred = small_panel()
    pool = make_pool(pd.DataFrame({"village_id": [*IDS, "220102100204"], "village": list("甲乙丙丁"), "county": "南关区", "city": "长春市"}))
    result = aggregate(scores, ReviewRules(), barred)
    applied = apply_review(pool, result)
    assert applied.frame["review_basis"].tolist()[:3] == pytest.approx([76, 65, 65])
    assert np.isnan(applied.frame["review_basis"].iat[3])  # not reviewed: blank, never invented
    notice = next(n for n in applied.notices if n.code == "review.applied")
    assert "去掉一个最高分和一个最低分" in notice.render("zh") and "A、B、C、D" in notice.render("zh")
    assert "trimmed mean" not in notice.render("zh") and "highest" in notice.render("en")
    assert applied.fingerprint != pool.fingerprint


# --- sheets and their problems ------------------------------------------------------------------------------------


@pytest.fixture()
def place_pool():
    """Villages in two counties named 朝阳区 (长春市 220104, 北京市 110105) and one in 南关区."""
    frame = pd.DataFrame(
        {
            "village_id": ["220104100201", "220104100202", "110105100201", "220102100201"],
            "village": ["甲村", "乙村", "丙村", "丁村"],
            "township": "镇",
            "county": ["朝阳区", "朝阳区", "朝阳区", "南关区"],
            "city": ["长春市", "长春市", "北京市", "长春市"],
        }
    )
    return make_pool(frame)


def write_sheet(path, rows, header=("专家", "村庄代码", "村名", "基础条件", "配套投入", "目标成效", "实施路径")):
    pd.DataFrame(rows, columns=list(header)).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def test_every_problem_of_every_sheet_is_reported_at_its_row_and_column_with_the_expert(tmp_path, place_pool):
    one = write_sheet(
        tmp_path / "E01.csv",
        [
            ["E01", "220104100201", "甲村", 80, 120, 70, 60],  # row 2: 120 is out of range
            ["E01", "220104100202", "乙村", "八十", 70, 70, 60],  # row 3: text in a score
            ["E01", "999999999999", "?", 80, 70, 70, 60],  # row 4: not in the pool
            ["", "110105100201", "丙村", 80, 70, 70, 60],  # row 5: no expert
        ],
    )
    two = write_sheet(tmp_path / "E01再次.csv", [["E01", "220104100201", "甲村", 81, 71, 71, 61]])
    with pytest.raises(InputError) as caught:
        read_score_sheets([one, two], place_pool)
    found = {(p.row, p.column, p.params.get("problem")) for p in caught.value.problems}
    assert (2, "配套投入", "pool.out_of_range") in found
    assert (3, "基础条件", "pool.not_number") in found
    assert (4, "村庄代码", "review.unknown_village") in found
    assert (5, "专家", "pool.blank_required") in found
    assert any(p.params.get("problem") == "review.duplicate_score" for p in caught.value.problems)
    text = caught.value.render("zh")
    assert "第 2 行，「配套投入」列：评分表「E01.csv」专家「E01」" in text and "120 超出允许范围 0–100" in text
    assert "E01.csv 2；E01再次.csv 2" in text
    english = caught.value.render("en")
    assert "row 2, column '配套投入': sheet 'E01.csv', expert 'E01'" in english and "outside the allowed range 0–100" in english


def test_a_long_sheet_reads_the_same_as_a_wide_one(tmp_path, place_pool):
    wide = write_sheet(tmp_path / "wide.csv", [["E01", "220104100201", "甲村", 80, 70, 65, 60]])
    long = write_sheet(
        tmp_path / "long.csv",
        [["E01", "220104100201", a, s] for a, s in (("基础条件", 80), ("配套投入", 70), ("目标成效", 65), ("review_path", 60))],
        header=("专家", "村庄代码", "方面", "评分"),
    )
    key = ["expert", "village_id", "aspect", "score"]
    a = read_score_sheets([wide], place_pool).table[key].sort_values("aspect").reset_index(drop=True)
    b = read_score_sheets([long], place_pool).table[key].sort_values("aspect").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_a_long_sheet_names_an_unknown_aspect(tmp_path, place_pool):
    long = write_sheet(tmp_path / "long.csv", [["E01", "220104100201", "颜值", 80]], header=("专家", "村庄代码", "方面", "评分"))
    with pytest.raises(InputError) as caught:
        read_score_sheets([long], place_pool)
    assert "「颜值」不是评审方面" in caught.value.render("zh") and "基础条件" in caught.value.render("zh")


# --- conflicts of interest by identity -----------------------------------------------------------------------------


def test_a_bare_county_name_shared_by_two_places_is_refused(tmp_path, place_pool):
    path = tmp_path / "名单.csv"
    pd.DataFrame({"专家": ["E01"], "市(州)": [""], "县(市、区)": ["朝阳区"]}).to_csv(path, index=False, encoding="utf-8-sig")
    with pytest.raises(InputError) as caught:
        read_panel(path, place_pool)
    text = caught.value.render("zh")
    assert "第 2 行" in text and "朝阳区（北京市）" in text and "朝阳区（长春市）" in text


@pytest.mark.parametrize("place", [{"city": "长春市", "county": "朝阳区"}, {"code": "220104"}])
def test_a_place_bars_only_its_own_villages(place_pool, place):
    panel = panel_from_places({"E01": [place], "E02": []}, place_pool)
    scored = pd.DataFrame({"expert": ["E01"] * 4 + ["E02"], "village_id": [*place_pool.frame["village_id"], "220104100201"]})
    barred = conflicts(panel, place_pool, scored)
    assert list(barred["village_id"]) == ["220104100201", "220104100202"]  # Changchun's 朝阳区, not Beijing's
    assert set(barred["expert"]) == {"E01"}


def test_a_city_code_bars_the_whole_city(place_pool):
    panel = panel_from_places({"E01": [{"code": "2201"}]}, place_pool)
    scored = pd.DataFrame({"expert": "E01", "village_id": place_pool.frame["village_id"]})
    assert sorted(conflicts(panel, place_pool, scored)["village_id"]) == ["220102100201", "220104100201", "220104100202"]


# --- agreement -----------------------------------------------------------------------------------------------------


def test_agreement_flags_the_expert_who_ranks_villages_unlike_the_panel():
    rng = np.random.default_rng(3)
    truth = rng.normal(70, 10, 40)
    ids = [f"2201021002{i:02d}" for i in range(40)]
    rows = []
    for expert, bias in (("A", -8), ("B", 0), ("C", 8), ("D", 2)):
        rows += [(expert, v, a, t + bias + rng.normal(0, 3)) for v, t in zip(ids, truth) for a in ("review_basis", "review_path")]
    rows += [("X", v, a, rng.uniform(50, 95)) for v in ids for a in ("review_basis", "review_path")]
    table = pd.DataFrame(rows, columns=["expert", "village_id", "aspect", "score"]).assign(file="t", row=0)
    result = aggregate(PanelScores(table, ()), ReviewRules(rule="mean"))
    found = agreement(result, 0.3)
    assert found.outliers == ["X"]  # the harsh A and the lenient C rank like the panel: not outliers
    experts = found.experts.set_index("expert")
    assert experts.at["A", "mean_deviation"] < -5 < 5 < experts.at["C", "mean_deviation"]
    basis = found.aspects.set_index("aspect").loc["review_basis"]
    assert 0 < basis["w"] < 1 and basis["villages"] == 40 and 0 < basis["icc_a1"] < basis["icc_ak"] < 1


# --- group weights from the experts' workbooks ----------------------------------------------------------------------


def judgement_book(tmp_path, name, expert, upper):
    """A template with the judgement sheet filled: ``upper`` maps (i, j) to the cell text."""
    from openpyxl import load_workbook

    from report.review import write_template

    path = tmp_path / name
    villages = pd.DataFrame({"village_id": [IDS[0]], "village": ["甲"], "township": ["镇"], "county": ["南关区"], "city": ["长春市"]})
    write_template(path, villages, expert=expert, criteria=["industry_base", "leader", "enthusiasm"])
    book = load_workbook(path)
    sheet = book["权重判断"]
    for (i, j), text in upper.items():
        sheet.cell(i + 2, j + 3).value = text
    book.save(path)
    return path


def test_group_weights_from_the_experts_sheets_by_aij_and_aip(tmp_path):
    from scoring.panel import group_weights

    criteria = ["industry_base", "leader", "enthusiasm"]
    one = judgement_book(tmp_path, "E01.xlsx", "E01", {(0, 1): "2", (0, 2): "4", (1, 2): "2"})  # consistent: 4/7, 2/7, 1/7
    two = judgement_book(tmp_path, "E02.xlsx", "E02", {(0, 1): "1/2", (0, 2): "1", (1, 2): "2"})  # consistent: 1/4, 1/2, 1/4
    by_aij = group_weights([one, two], criteria, "aij")
    u, v = np.array([4, 2, 1]) / 7, np.array([1, 2, 1]) / 4
    assert list(by_aij.group.values()) == pytest.approx(np.sqrt(u * v) / np.sqrt(u * v).sum())
    assert by_aij.weight_vectors() == [pytest.approx(dict(zip(criteria, u))), pytest.approx(dict(zip(criteria, v)))]
    assert [e.cr for e in by_aij.experts] == pytest.approx([0, 0], abs=1e-9)
    assert list(group_weights([one, two], criteria, "aip").group.values()) == pytest.approx(list(by_aij.group.values()))


def test_a_judgement_off_saatys_scale_is_reported_at_its_row_with_the_expert(tmp_path):
    from scoring.panel import group_weights

    bad = judgement_book(tmp_path, "E01.xlsx", "E01", {(0, 1): "2", (0, 2): "10", (1, 2): "x"})
    with pytest.raises(InputError) as caught:
        group_weights([bad], ["industry_base", "leader", "enthusiasm"], "aij")
    rows = {(p.row, p.column) for p in caught.value.problems}
    assert rows == {(2, "创建积极性"), (3, "创建积极性")}
    assert "专家「E01」" in caught.value.render("zh")
