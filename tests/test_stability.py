"""Stability proofs (analysis/stability.py) against brute force: on small pools every shortlist is enumerated, weights
are sampled densely inside the region (its vertices included), and every near-optimal shortlist at every sampled
weight vector must respect every proved class; every witness must be a true optimum inside the region."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.region import build_region
from analysis.robustness import criteria_matrix
from analysis.stability import PROOF_MARGIN, Frame, along, criterion_interval, prove_classes
from contract.errors import InputError
from contract.scenario import RobustnessRegion
from solver.solve import select
from tests.factories import make_pool, prepared

CRITERIA = ("industry_base", "leader", "enthusiasm", "debt_risk")


def stability_pool(rng: np.random.Generator, n: int):
    """n villages in three counties, four criteria on a coarse scale (near-ties are common), costs 1–4."""
    counties = rng.choice(["甲县", "乙县", "丙县"], size=n)
    frame = pd.DataFrame(
        {
            "village_id": [f"2200000000{i:02d}" for i in rng.permutation(n)],
            "village": [f"村{i}" for i in range(n)],
            "township": "镇",
            "county": counties,
            "city": np.where(counties == "丙县", "乙市", "甲市"),
            "border": rng.random(n) < 0.4,
            "poverty_alleviated": rng.random(n) < 0.4,
            "industry_base": rng.integers(50, 60, n).astype(float),
            "leader": rng.integers(60, 70, n).astype(float),
            "enthusiasm": rng.integers(0, 6, n).astype(float),
            "debt_risk": rng.integers(0, 4, n).astype(float),
            "cost": rng.integers(1, 5, n).astype(float),
        }
    )
    return make_pool(frame)


def random_scenario(rng: np.random.Generator, n: int) -> dict:
    weights = dict(zip(CRITERIA, rng.dirichlet(np.ones(len(CRITERIA))).round(3).tolist()))
    low = int(rng.integers(1, n // 2 + 1))
    data = {
        "scoring": {"normalize": str(rng.choice(["minmax", "none"])), "weights": weights, "cost_criteria": ["debt_risk"]},
        "selection": {"count": [low, int(rng.integers(low, n))]},
    }
    if rng.random() < 0.7:
        data["selection"]["budget"] = float(rng.integers(4, 3 * n))
    if rng.random() < 0.5:
        data["selection"]["quota"] = [{"flag": "border", "min": int(rng.integers(0, 3))}]
    if rng.random() < 0.6:
        data["selection"]["group"] = [{"by": "county", "max": int(rng.integers(1, 4))} | ({"min": 1} if rng.random() < 0.5 else {})]
    return data


def random_region(rng: np.random.Generator, weights: dict[str, float]) -> RobustnessRegion:
    kind = rng.choice(["relative", "order", "intervals", "hull", "relative+order"])
    if kind == "relative":
        return RobustnessRegion(relative=float(rng.choice([0.05, 0.2, 0.5])))
    if kind == "order":
        return RobustnessRegion(order=[list(rng.permutation(CRITERIA)[:3])])
    if kind == "intervals":
        name = str(rng.choice(CRITERIA))
        return RobustnessRegion(intervals={name: (weights[name] * 0.5, weights[name] * 1.5 + 0.01)}, relative=0.1 if rng.random() < 0.5 else None)
    if kind == "hull":
        return RobustnessRegion(hull=[dict(zip(CRITERIA, rng.dirichlet(np.ones(len(CRITERIA))).tolist())) for _ in range(int(rng.integers(1, 5)))])
    ordered = sorted(CRITERIA, key=lambda c: -weights[c])[:2]
    return RobustnessRegion(relative=0.3, order=[ordered])


def shortlists(pool, scores, rules) -> np.ndarray:
    """Every feasible shortlist as a 0/1 row over the eligible villages: all subsets enumerated, each rule of
    ``ResolvedRules`` checked directly on the pool's columns (not through the model)."""
    frame = pool.frame[scores.eligible].reset_index(drop=True)
    n = len(frame)
    subsets = np.array(list(itertools.product([0.0, 1.0], repeat=n))).reshape(-1, n)
    ok = np.ones(len(subsets), dtype=bool)
    if rules.count:
        ok &= (subsets.sum(axis=1) >= rules.count[0]) & (subsets.sum(axis=1) <= rules.count[1])
    if rules.budget is not None:
        ok &= subsets @ frame["cost"].to_numpy() <= rules.budget + 1e-9
    for q in rules.quotas:
        taken = subsets @ frame[q.flag].astype(float).to_numpy()
        ok &= (taken >= (q.low or 0)) & (taken <= (q.high if q.high is not None else np.inf))
    for g in rules.groups:
        for value, bounds in g.table.iterrows():
            taken = subsets @ (frame[g.by] == value).to_numpy(dtype=float)
            high = np.inf if pd.isna(bounds["high"]) else bounds["high"]
            ok &= (taken >= bounds["low"]) & (taken <= high)
    ids = frame["village_id"].to_numpy()
    ok &= (subsets[:, np.isin(ids, rules.must_include)] == 1).all(axis=1)
    ok &= (subsets[:, np.isin(ids, rules.must_exclude)] == 0).all(axis=1)
    return subsets[ok]


def dense_weights(region, seed: int) -> np.ndarray:
    """The region's vertices, Hit-and-Run draws, and random mixtures of vertices (near the corners too)."""
    rng = np.random.default_rng(seed)
    vertices = region.vertices
    mixtures = rng.dirichlet(np.full(len(vertices), 0.3), size=200) @ vertices
    return np.vstack([vertices, region.sample(200, seed), mixtures])


def contradictions(classes: np.ndarray, feasible: np.ndarray, z: np.ndarray, b: np.ndarray, weights: np.ndarray) -> list[str]:
    """Every (village, weight) at which a shortlist within PROOF_MARGIN of the optimum breaks a proved class."""
    found = []
    totals = feasible @ (z @ weights.T + b[:, None])  # shortlists × weights
    near = totals >= totals.max(axis=0) - PROOF_MARGIN
    for k in range(weights.shape[0]):
        members = feasible[near[:, k]]
        broken = ((classes == "always_in") & (members.min(axis=0) < 0.5)) | ((classes == "never_in") & (members.max(axis=0) > 0.5))
        found += [f"village {i} at weights {weights[k].round(4)}" for i in np.flatnonzero(broken)]
    return found


def solved_case(seed: int, n: int):
    rng = np.random.default_rng(seed)
    pool = stability_pool(rng, n)
    data = random_scenario(rng, n)
    scenario, scores, rules = prepared(pool, data)
    selection = select(pool, scenario, scores)
    return rng, pool, scores, rules, selection


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(4, 10))
def test_proved_classes_hold_for_every_near_optimal_shortlist_at_dense_weights(seed, n):
    rng, pool, scores, rules, selection = solved_case(seed, n)
    if not selection.found or not scores.eligible.any():
        return
    try:
        region = build_region(random_region(rng, scores.weights.values), scores.weights.values, scores.normalize != "none")
    except InputError:  # an ordinal chain that contradicts an interval: reported, never solved
        return
    z, b = criteria_matrix(scores)
    base = selection.selected[scores.eligible].astype(float)
    proof = prove_classes(Frame(selection.model, z, b), region, base, budget=1.0, base_in_region=region.contains(region.centre))
    feasible = shortlists(pool, scores, rules)
    weights = dense_weights(region, seed % 1000)
    assert region.contains(weights[0]) and all(region.contains(w) for w in weights[:: max(1, len(weights) // 20)])
    assert contradictions(proof.classes(), feasible, z, b, weights) == []
    for w, x in proof.points:  # witnesses: proven optimal shortlists at weights inside W
        assert region.contains(w)
        totals = feasible @ (z @ w + b)
        assert (z @ w + b) @ x >= totals.max() - 1e-6


def test_the_brute_force_check_catches_a_false_class():
    """The checker is not vacuous: flipping proved classes of a solved case produces contradictions."""
    caught = 0
    for seed in range(30):
        rng, pool, scores, rules, selection = solved_case(seed, 8)
        if not selection.found:
            continue
        region = build_region(RobustnessRegion(relative=0.2), scores.weights.values, scores.normalize != "none")
        z, b = criteria_matrix(scores)
        proof = prove_classes(Frame(selection.model, z, b), region, selection.selected[scores.eligible].astype(float), 1.0, True)
        classes = proof.classes()
        flipped = np.where(classes == "always_in", "never_in", np.where(classes == "never_in", "always_in", classes))
        feasible = shortlists(pool, scores, rules)
        weights = dense_weights(region, seed)
        assert contradictions(classes, feasible, z, b, weights) == []
        caught += bool(contradictions(flipped, feasible, z, b, weights))
    assert caught >= 20


@pytest.mark.parametrize("seed", range(12))
def test_stability_interval_matches_a_fine_grid(seed):
    """The base shortlist is optimal at every grid point inside the interval, and not just outside it."""
    rng, pool, scores, rules, selection = solved_case(seed, 8)
    if not selection.found:
        return
    z, b = criteria_matrix(scores)
    frame = Frame(selection.model, z, b)
    base = selection.selected[scores.eligible].astype(float)
    w0 = np.array(list(scores.weights.values.values()))
    feasible = shortlists(pool, scores, rules)
    j = int(rng.integers(len(w0)))
    interval = criterion_interval(frame, w0, j, CRITERIA[j], base)
    assert interval.low <= w0[j] + 1e-12 <= interval.high + 2e-12
    for t in np.linspace(0, w0.sum(), 301):
        w = along(w0, j, t)
        totals = feasible @ (z @ w + b)
        optimal = base @ (z @ w + b) >= totals.max() - PROOF_MARGIN
        if interval.low + 1e-9 < t < interval.high - 1e-9:
            assert optimal, (t, interval)
    for end, beyond in ((interval.high, 1), (interval.low, -1)):
        t = end + beyond * 1e-4 * w0.sum()
        if 0 < t < w0.sum() and (interval.above_in if beyond > 0 else interval.below_in):
            w = along(w0, j, t)
            totals = feasible @ (z @ w + b)
            assert base @ (z @ w + b) < totals.max(), (t, interval)


# --- regions -----------------------------------------------------------------------------------------------------

WEIGHTS = {"industry_base": 0.3, "leader": 0.2, "enthusiasm": 0.1, "debt_risk": 0.1, "review_basis": 0.3}


def test_relative_region_is_the_rescaled_box_and_its_samples_stay_inside():
    region = build_region(RobustnessRegion(relative=0.05), WEIGHTS, rescale=True)
    w0 = np.array(list(WEIGHTS.values()))
    assert len(region.vertices) == 2 ** len(w0)  # every corner of the stated box is a vertex of its image
    assert np.allclose(region.vertices.sum(axis=1), 1.0) and region.contains(w0)
    corner = w0 * np.array([1.05, 0.95, 0.95, 0.95, 0.95])
    assert np.isclose(region.vertices, corner / corner.sum()).all(axis=1).any()
    samples = region.sample(2000, seed=4)
    ratio = samples * (w0.sum() / samples.sum(axis=1, keepdims=True)) / w0
    assert all(region.contains(w) for w in samples[:50])
    assert ratio.min() > 0.9 and ratio.max() < 1.1 and not region.contains(w0 * np.array([1.2, 1, 1, 1, 0.8]))


def test_order_alone_gives_the_rank_order_vertices_and_hit_and_run_is_uniform():
    three = {"industry_base": 0.5, "leader": 0.3, "enthusiasm": 0.2}
    region = build_region(RobustnessRegion(order=[["industry_base", "leader", "enthusiasm"]]), three, True)
    expected = {(1.0, 0.0, 0.0), (0.5, 0.5, 0.0), (1 / 3, 1 / 3, 1 / 3)}  # w1 ≥ w2 ≥ w3 on the simplex
    assert {tuple(np.round(v, 9) + 0.0) for v in region.vertices} == {tuple(np.round(v, 9) + 0.0) for v in expected}
    samples = region.sample(6000, seed=2)
    assert (np.diff(samples, axis=1) <= 1e-12).all()
    # uniform on the triangle: the mean is its centroid, and the corner w1 ≥ 2/3 at (1,0,0) holds 1/3 of the area
    # (the line w1 = 2/3 meets the edge to (½,½,0) at 2/3 of its length and the edge to (⅓,⅓,⅓) at 1/2: 2/3 × 1/2)
    assert np.allclose(samples.mean(axis=0), np.mean(list(expected), axis=0), atol=0.01)
    assert abs((samples[:, 0] >= 2 / 3).mean() - 1 / 3) < 0.025


def test_a_hull_of_experts_is_rescaled_and_bad_regions_are_reported():
    experts = [dict(WEIGHTS), dict(WEIGHTS, industry_base=0.6), dict(WEIGHTS, leader=0.0)]
    region = build_region(RobustnessRegion(hull=experts), WEIGHTS, True)
    assert region.dimension == 2 and len(region.vertices) == 3 and np.allclose(region.vertices.sum(axis=1), 1.0)
    with pytest.raises(InputError) as caught:
        build_region(RobustnessRegion(intervals={"industry_base": (0.5, 0.6)}, order=[["leader", "industry_base"]]), WEIGHTS, True)
    assert caught.value.problems[0].code == "robustness.empty_region"
    with pytest.raises(InputError):
        build_region(RobustnessRegion(hull=[{k: 0.0 for k in WEIGHTS}]), WEIGHTS, True)


def test_the_scenario_robustness_table_is_checked_and_bound_to_pool_keys():
    from contract.scenario import scenario_from_dict
    from pool.bind import bind_scenario
    from tests.conftest import SAMPLE_CSV
    from tests.scenario_helpers import default_dict

    def problems(table: dict) -> list[str]:
        data = default_dict() | {"robustness": table}
        try:
            bind_scenario(scenario_from_dict(data), read_sample())
        except InputError as error:
            return [p.code for p in error.problems]
        return []

    def read_sample():
        from pool.read import read_pool

        return read_pool(SAMPLE_CSV)

    assert problems({"relative": 0.05, "order": ["产业基础", "带头人"]}) == []
    assert problems({"hull": [{"industry_base": 1}], "relative": 0.1}) == ["scenario.robustness_hull_alone"]
    assert problems({"samples": 10}) == ["scenario.robustness_empty"]
    assert problems({"order": [["industry_base", "cost"]]}) == ["scenario.robustness_not_weighted"]
    assert problems({"hull": [{"industry_base": 1.0}]}) == ["scenario.robustness_hull_missing"]
    assert problems({"relative": 0.05, "intervals": {"industry_base": [0.4, 0.2]}}) == ["scenario.min_above_max"]


# --- the sample's shape on a smaller pool ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def smaller_case(tmp_path_factory):
    """A synthetic pool of 700 villages (about 70 eligible) under the default scenario's rules, scaled down."""
    from baicun.pipeline import solve
    from pool.bind import bind
    from pool.generate import generate_pool
    from pool.read import read_pool
    from tests.conftest import write_csv
    from tests.scenario_helpers import scenario_with

    pool = read_pool(write_csv(generate_pool(villages=700, seed=11), tmp_path_factory.mktemp("pool") / "pool.csv"))
    changes = {
        "selection.count": [14, 18],
        "selection.budget": 17000,
        "selection.quota": [{"flag": "border", "min": 2}, {"flag": "poverty_alleviated", "min": 4}],
        "selection.group": [{"by": "county", "max": 3}, {"by": "city", "share": [0.5, 1.5]}],
        "robustness": {"relative": 0.05, "samples": 40, "time_budget_s": 5},
    }
    inputs = bind(scenario_with(changes), pool)
    scores, selection = solve(inputs)
    return inputs, scores, selection


def test_no_optimum_among_2000_dense_samples_contradicts_a_proved_class(smaller_case):
    """The issue's check, on a smaller pool: the full model (nothing fixed) is solved at the region's vertices and
    at Hit-and-Run draws, 2,000 weight vectors in all; every optimum respects every proved class."""
    from analysis.robustness import run_chunks
    from baicun.pipeline import stability_study

    inputs, scores, selection = smaller_case
    study = stability_study(inputs, scores, selection, samples=0, intervals=False)
    region = study.region
    weights = np.vstack([region.vertices, region.sample(2000 - len(region.vertices), seed=17)])
    z, b = criteria_matrix(scores)
    chosen = np.vstack(run_chunks(selection.model, z, b, [weights[:1000], weights[1000:]]))
    classes = study.table.loc[study.table["eligible"], "class"].to_numpy()
    assert len(weights) == 2000 and chosen[:, classes == "always_in"].all() and not chosen[:, classes == "never_in"].any()
    proved = np.isin(classes, ("always_in", "never_in")).mean()
    assert proved > 0.6, proved  # not vacuous
    seen_both = chosen.any(axis=0) & ~chosen.all(axis=0)
    assert not (seen_both & np.isin(classes, ("always_in", "never_in"))).any()


def test_solve_with_a_robustness_table_adds_the_class_to_reasons_and_the_county_preview(smaller_case):
    from analysis.preview import county_preview
    from baicun.pipeline import outcome
    from report.tables import preview_table, shortlist_table, village_table
    from report.text import preview_lines

    inputs, scores, selection = smaller_case
    o = outcome(inputs, scores, selection, stable=None)
    classes = o.stability.table["class"]
    reasons = village_table(o, "zh", named=False)["reason"]
    assert reasons[classes == "always_in"].str.endswith("；任意权重都入选（±5%）").all()
    assert reasons[classes == "never_in"].str.endswith("；任意权重都不入选（±5%）").all()
    assert not reasons[classes.isin(["depends", "undecided", "ineligible"])].str.contains("任意权重").any()
    assert shortlist_table(o, "en").iloc[:, -1].str.contains("for every weight").any()
    from report.tables import reason_column

    some = np.random.default_rng(5).permutation(len(reasons))[:60]  # a county's rows: the same words as the province's
    for lang in ("zh", "en"):
        assert reason_column(o, lang, some).tolist() == reason_column(o, lang).iloc[some].tolist()
    from report.reasons import eligibility_texts

    mask = np.isin(np.arange(len(reasons)), some)  # only the county's ineligible villages are worded
    full, only = eligibility_texts(o.scores.eligibility, "zh"), eligibility_texts(o.scores.eligibility, "zh", mask)
    assert (only[~mask] == "").all() and only[mask].tolist() == full[mask].tolist() and (full[~mask] != "").any()
    out = o.stability.table[(classes == "never_in")].iloc[0]
    preview = county_preview(inputs.pool, scores, selection, out["county"])
    lines = [line for line in preview_lines(o, preview) if isinstance(line, str)]
    assert "；任意权重都不入选（±5%）" in preview_table(o, preview, "zh").set_index("村庄代码").at[out["village_id"], "离入选还差什么"]
    assert any(line.startswith(f"「{out['village']}」在权重±5%内始终落选") for line in lines)
    plain = outcome(inputs, scores, selection)
    assert plain.stability is None and not village_table(plain, "zh", named=False)["reason"].str.contains("任意权重").any()


def test_robustness_command_prints_the_three_classes_with_counts(tmp_path):
    import json
    import subprocess
    import sys

    from tests.scenario_helpers import DEFAULT_SCENARIO

    args = [sys.executable, "-m", "baicun", "robustness", str(DEFAULT_SCENARIO), "--relative", "0.02", "--samples", "4", "--no-intervals"]
    args += ["--time-budget", "1", "--workers", "1"]
    as_json = subprocess.run([*args, "--json", "--out", str(tmp_path / "s.xlsx")], capture_output=True, text=True)
    assert as_json.returncode == 0, as_json.stderr
    study = json.loads(as_json.stdout)
    counts = study["classes"]
    assert sum(counts[c] for c in ("always_in", "never_in", "depends", "undecided")) == len(study["villages"])
    sheets = pd.read_excel(tmp_path / "s.xlsx", sheet_name=None)
    assert list(sheets) == ["稳定性概览", "稳定性分类", "取决于权重的村", "稳定区间", "中心权重"]
    text = subprocess.run(args, capture_output=True, text=True)
    assert text.returncode == 0, text.stderr
    for label in ("任意权重下都入选", "任意权重下都不入选", "取决于权重", "未定（未能证明）"):
        line = next(line for line in text.stdout.splitlines() if f" {label} " in line)
        assert line.split("│")[2].strip().isdigit()
    bad = subprocess.run([*args[:5], "--interval", "industry_base=0.4"], capture_output=True, text=True)
    assert bad.returncode == 2 and "指标=下限:上限" in bad.stderr


@pytest.mark.parametrize("seed", range(6))
def test_the_certified_bound_holds_for_any_prices_and_is_tight_at_the_lp_duals(seed):
    """Claim 2: B(y) ≥ the LP optimum for random row prices y, and B equals it at the prices HiGHS returns."""
    from analysis.stability import VertexBounds
    from solver.backends.highs import make_highs, run
    from solver.fixing import certified_bound

    rng, pool, scores, rules, selection = solved_case(seed, 10)
    if not selection.found:
        return
    z, b = criteria_matrix(scores)
    frame = Frame(selection.model, z, b)
    model, n = selection.model, len(z)
    w = np.array(list(scores.weights.values.values()))
    c = frame.scores(w)[:, 0]
    h = make_highs(c, model.matrix, model.row_low, model.row_high, np.zeros(n), np.ones(n), np.zeros(n, dtype=bool))
    run(h)
    optimum = h.getInfo().objective_function_value
    for _ in range(50):
        bound, _ = certified_bound(model, rng.normal(0, 2, model.matrix.shape[0]), c, np.zeros(n), np.ones(n))
        assert bound >= optimum - 1e-9
    tight, _ = VertexBounds(frame, np.zeros(n), np.ones(n)).at(w[None, :])
    assert abs(tight[0] - optimum) <= 1e-7 * max(1.0, abs(optimum))
    best = max(feasible @ c for feasible in [shortlists(pool, scores, rules)])
    assert tight[0] >= best.max() - 1e-9
