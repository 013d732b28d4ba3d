"""The national generator and the large-scale path on pools big enough to matter, small enough for CI."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pool.bind import bind_scenario
from pool.generate import as_pool, write_pool
from pool.national import generate_national
from pool.read import read_pool
from scoring.score import score_pool
from solver.backends import SolveOptions
from solver.solve import select
from tests.conftest import ROOT


def test_national_pool_is_valid_deterministic_and_national(tmp_path):
    frame = generate_national(6000, seed=5)
    pd.testing.assert_frame_equal(frame, generate_national(6000, seed=5))
    assert frame["province"].nunique() == 31 and frame["village_id"].is_unique
    assert frame["village_id"].str[:6].nunique() == 2800 and frame["county"].nunique() == 8  # names recur across provinces
    write_pool(frame, tmp_path / "n.csv")
    pool = read_pool(tmp_path / "n.csv", region="全国")
    assert pool.size == 6000 and pool.extra == {} and pool.is_sample and "province" in pool.frame
    assert pool.frame["county_place"].nunique() == 2800


def test_shipped_national_scenario_bounds_every_county_separately():
    """Issue 16 item 9: each county (by code) gets its own bound, though the names recur in every province;
    the bound tables show disambiguated names, one row per county."""
    from contract.scenario import load_scenario
    from solver.rules import resolve_rules

    pool = as_pool(generate_national(6000, seed=5), "n")
    scenario = bind_scenario(load_scenario(ROOT / "scenarios" / "national_2025.toml").scenario, pool)
    scores = score_pool(pool, scenario)
    rules = resolve_rules(scenario, pool, scores)
    county = next(g for g in rules.groups if g.by == "county_place")
    eligible = pool.frame[scores.eligible]
    assert len(county.table) == eligible["village_id"].str[:6].nunique() > eligible["county"].nunique()
    assert (county.table["high"] == 4).all() and "示例县1（北京市·示例市1）" in county.table.index
    province = next(g for g in rules.groups if g.by == "province")
    assert len(province.table) == 31


def test_reduced_path_equals_plain_milp_on_a_national_pool():
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from bench_national import scaled_scenario

    pool = as_pool(generate_national(50000, seed=9), "n")
    scenario = bind_scenario(scaled_scenario(50000), pool)
    scores = score_pool(pool, scenario)
    reduced = select(pool, scenario, scores, "highs", SolveOptions(time_limit=120, reduce=True))
    plain = select(pool, scenario, scores, "highs", SolveOptions(time_limit=120, reduce=False))
    assert reduced.status == plain.status == "optimal"
    assert reduced.reduced_to < len(reduced.model.objective)
    assert np.isclose(reduced.objective, plain.objective, rtol=1e-9)
    chosen = lambda s: float(s.model.tiebreak[np.isin(s.model.positions, np.flatnonzero(s.selected))].sum())  # noqa: E731
    assert chosen(reduced) == chosen(plain)
