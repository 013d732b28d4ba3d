"""Demonstration belts: neighbours found by the tree equal the haversine definition, the belt model matches brute
force, weight 0 is the plain optimum, a growing weight never shrinks the belts, and the workbook lists them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baicun.pipeline import bind, load_inputs, outcome, score
from contract.errors import InputError
from contract.scenario import parse_scenario
from pool.read import read_pool
from report.files import write_xlsx
from solver.backends import BACKENDS, SolveOptions
from solver.solve import select
from solver.spatial import belts, haversine_km, neighbour_pairs
from tests.conftest import SAMPLE_CSV
from tests.factories import assert_matches_brute_force, brute_force_belts, make_pool, prepared, random_rules, tiny_pool, with_coordinates

ROOT = Path(__file__).resolve().parents[1]
BELTS = ROOT / "scenarios" / "baicun_2024_belts.toml"
EXAMPLES = {"highs": 40, "cbc": 12, "cpsat": 8}


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 60), radius=st.floats(0.5, 80))
def test_neighbour_pairs_are_exactly_the_pairs_within_the_haversine_radius(seed, n, radius):
    rng = np.random.default_rng(seed)
    lon, lat = 121.6 + rng.random(n) * 9.4, 40.8 + rng.random(n) * 5.5
    found = {tuple(p) for p in neighbour_pairs(lon, lat, radius)}
    d = haversine_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    expected = {(i, j) for i in range(n) for j in range(i + 1, n) if d[i, j] <= radius}
    borderline = {(i, j) for i in range(n) for j in range(i + 1, n) if abs(d[i, j] - radius) < 1e-6}
    assert found ^ expected <= borderline


@pytest.mark.parametrize("backend", BACKENDS)
def test_small_belt_models_match_brute_force(backend):
    @settings(max_examples=EXAMPLES[backend], deadline=None, suppress_health_check=list(HealthCheck))
    @given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 9), weight=st.sampled_from([0.0, 0.5, 2.0]))
    def run(seed, n, weight):
        rng = np.random.default_rng(seed)
        pool = with_coordinates(tiny_pool(rng, n), rng)
        data = random_rules(rng, pool) | {"spatial": {"radius_km": 20.0, "weight": weight}}
        scenario, scores, rules = prepared(pool, data)
        best = brute_force_belts(pool, scores, rules, 20.0, weight)
        assert_matches_brute_force(select(pool, scenario, scores, backend, SolveOptions(time_limit=30)), best)

    run()


@pytest.fixture(scope="module")
def sample():
    pool = read_pool(SAMPLE_CSV)
    return pool, BELTS.read_text(encoding="utf-8")


def _solve(pool, text: str, weight: float | None):
    if weight is None:
        text = text[: text.index("[spatial]")]
    else:
        text = text.replace("weight = 0.02", f"weight = {weight}")
    inputs = bind(parse_scenario(text, folder=BELTS.parent), pool)
    scores = score(inputs)
    return select(pool, inputs.scenario, scores, "highs", SolveOptions(time_limit=120))


def test_weight_zero_gives_exactly_the_plain_optimum(sample):
    pool, text = sample
    plain, zero = _solve(pool, text, None), _solve(pool, text, 0.0)
    assert plain.status == zero.status == "optimal"
    assert zero.objective == pytest.approx(plain.objective, abs=1e-9)
    assert set(zero.selected_ids(pool)) == set(plain.selected_ids(pool))


def test_a_larger_weight_never_shrinks_the_belts(sample):
    pool, text = sample
    runs = [_solve(pool, text, w) for w in (0.0, 0.01, 0.02, 0.05, 0.2)]
    assert all(r.status == "optimal" and r.check.ok for r in runs)
    in_belts = [r.check.belt_villages for r in runs]
    share = [r.check.belt_villages / r.count for r in runs]
    scores = [r.objective - w * r.check.belt_villages for r, w in zip(runs, (0.0, 0.01, 0.02, 0.05, 0.2))]
    assert in_belts == sorted(in_belts) and share == sorted(share)
    assert scores == sorted(scores, reverse=True)  # the score given up for belts only grows
    assert in_belts[-1] > in_belts[0]


def test_belts_are_connected_groups_listed_in_the_workbook(tmp_path):
    from openpyxl import load_workbook

    inputs = load_inputs(BELTS)
    scores = score(inputs)
    selection = select(inputs.pool, inputs.scenario, scores, "highs", SolveOptions(time_limit=120))
    chosen = inputs.pool.frame[selection.selected]
    table, belt_of = belts(chosen, 15)
    assert table["size"].sum() == (belt_of > 0).sum() == selection.check.belt_villages
    for row in table.itertuples():  # every belt is connected: each member has a neighbour inside the belt
        members = chosen[chosen["village_id"].isin(row.village_ids)]
        d = haversine_km(
            members["lon"].to_numpy()[:, None],
            members["lat"].to_numpy()[:, None],
            members["lon"].to_numpy()[None, :],
            members["lat"].to_numpy()[None, :],
        )
        np.fill_diagonal(d, np.inf)
        assert (d.min(axis=1) <= 15).all()
    path = tmp_path / "belts.xlsx"
    write_xlsx(outcome(inputs, scores, selection), path)
    rows = list(load_workbook(path, read_only=True)["示范带"].values)
    assert len(rows) - 2 == len(table)
    assert rows[2][rows[1].index("村庄代码")] == "、".join(table["village_ids"].iloc[0])


def test_villages_without_coordinates_are_an_error_with_spatial(sample):
    pool, text = sample
    frame = pool.frame.copy()
    inputs = bind(parse_scenario(text, folder=BELTS.parent), pool)
    target = frame.index[score(inputs).eligible][0]
    frame.loc[target, ["lon", "lat"]] = np.nan
    broken = make_pool(frame)
    inputs = bind(parse_scenario(text, folder=BELTS.parent), broken)
    with pytest.raises(InputError) as caught:
        select(broken, inputs.scenario, score(inputs))
    problem = caught.value.problems[0]
    assert problem.code == "scenario.spatial_no_coordinates" and problem.value == frame.loc[target, "village_id"]
    assert problem.row == target + 2
