"""The meeting's pictures as data: which boundaries a pool needs and how they are simplified (pool/boundaries.py),
the best-value frontier and the budget/count curves (analysis/value.py) against brute force, and the map picture."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.value import default_bounds, frontier, value_curve
from pool.boundaries import DIGITS, TOLERANCE, data_folder, outlines, place_codes, simplified
from pool.places import derive_places
from solver.solve import select
from tests.factories import brute_force, make_pool, prepared, random_rules, tiny_pool


def coded_frame() -> pd.DataFrame:
    """Two counties named 朝阳区 (长春 and 北京), two villages in each, and one village of 南关区."""
    ids = ["220104100201", "220104100202", "110105001001", "110105001002", "220102100201"]
    frame = pd.DataFrame(
        {
            "village_id": ids,
            "village": ["甲村", "乙村", "丙村", "丁村", "戊村"],
            "township": ["一镇", "一镇", "二街道", "二街道", "三镇"],
            "county": ["朝阳区", "朝阳区", "朝阳区", "朝阳区", "南关区"],
            "city": ["长春市", "长春市", "市辖区", "市辖区", "长春市"],
        }
    )
    return derive_places(frame)


def test_a_pool_needs_each_place_once_by_code_and_a_shared_name_twice():
    codes = place_codes(coded_frame())
    assert set(codes["province"]) == {"220000", "110000"}
    assert set(codes["city"]) == {"220100", "110100"}
    assert set(codes["county"]) == {"220104", "110105", "220102"}
    assert codes["province"]["220000"] == "吉林省"
    assert sorted(codes["county"].values()) == sorted(set(coded_frame()["county_place"]))  # the two 朝阳区 keep apart


def test_every_needed_place_is_drawn_exactly_once():
    drawn = outlines(coded_frame())
    assert drawn.missing == ()
    assert sorted(p.code for p in drawn.places) == sorted(["220000", "110000", "220100", "110100", "220104", "110105", "220102"])
    for place in drawn.places:
        assert len(place.lon) == len(place.lat) and np.isnan(place.lon).any()  # rings apart


def test_a_pool_without_statistical_codes_has_no_boundaries():
    pool = tiny_pool(np.random.default_rng(1), 6)  # ids 2200000000xx: not plausible codes (township part 000)
    assert outlines(pool.frame).places == ()


def test_simplification_is_small_and_stays_within_its_tolerance():
    import shapely

    for level, code in (("province", "220000"), ("county", "220112")):
        full = shapely.from_geojson((data_folder() / f"{code}.geojson").read_text(encoding="utf-8"))
        simple = simplified(code, TOLERANCE[level])
        assert shapely.get_num_coordinates(simple) < shapely.get_num_coordinates(full) / 5
        assert shapely.hausdorff_distance(full, simple) <= TOLERANCE[level] * 1.0001  # Douglas–Peucker's bound
    assert len(DIGITS) == 3


def test_a_code_the_data_lacks_is_reported_not_drawn():
    frame = coded_frame()
    frame.loc[4, "village_id"] = "229901100201"  # a county code that does not exist
    frame = derive_places(frame.drop(columns=["city_place", "county_place", "township_place"]))
    drawn = outlines(frame)
    assert "229901" in drawn.missing and "229901" not in {p.code for p in drawn.places}


def brute_frontier(cost, score) -> np.ndarray:
    n = len(cost)
    dominated = [any(cost[j] <= cost[i] and score[j] >= score[i] and (cost[j] < cost[i] or score[j] > score[i]) for j in range(n)) for i in range(n)]
    return ~np.array(dominated, dtype=bool)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 6), st.integers(0, 6)), min_size=0, max_size=25))
def test_the_frontier_is_the_non_dominated_set(pairs):
    cost = np.array([p[0] for p in pairs], dtype=float)
    score = np.array([p[1] for p in pairs], dtype=float)
    assert frontier(cost, score).tolist() == brute_frontier(cost, score).tolist()


@pytest.mark.parametrize("seed", range(12))
def test_the_curves_are_the_brute_force_optimum_at_each_bound(seed):
    rng = np.random.default_rng(seed)
    pool = tiny_pool(rng, 9)
    data = random_rules(rng, pool)
    data["selection"].setdefault("budget", float(rng.integers(6, 20)))
    scenario, scores, rules = prepared(pool, data)
    selection = select(pool, scenario, scores)
    if not selection.found:
        return
    budget = value_curve(selection, "budget", [rules.budget - 3, rules.budget - 1, rules.budget, rules.budget + 2, rules.budget + 6])
    solved = [p.objective for p in budget.points if p.objective is not None]
    assert solved == sorted(solved)  # non-decreasing in the budget
    today = next(p for p in budget.points if p.bound == rules.budget)
    assert today.objective == pytest.approx(selection.objective, abs=1e-9)
    for point in budget.points:
        best, _ = brute_force(pool, scores, replace(rules, budget=point.bound))
        assert point.objective == (None if best is None else pytest.approx(best, abs=1e-9))
    low, high = rules.count
    for point in value_curve(selection, "count", sorted({max(high - 2, 0), high, high + 2})).points:
        k = int(point.bound)
        best, _ = brute_force(pool, scores, replace(rules, count=(min(low, k), k)))
        assert point.objective == (None if best is None else pytest.approx(best, abs=1e-9))


def test_the_default_budget_points_hold_today_and_ten_thousand_more():
    frame = tiny_pool(np.random.default_rng(3), 8).frame.assign(cost=5000.0)
    pool = make_pool(frame)
    scenario, scores, rules = prepared(
        pool, {"scoring": {"normalize": "none", "weights": {"industry_base": 1.0}}, "selection": {"count": [0, 8], "budget": 20000.0}}
    )
    selection = select(pool, scenario, scores)
    bounds = default_bounds(selection, "budget")
    assert 20000.0 in bounds and 30000.0 in bounds and bounds == sorted(bounds)
    assert list(itertools.pairwise(bounds))  # a handful of points, not one


def test_the_map_picture_is_a_png_with_the_villages(sample_outcome):
    from report.maps import map_layers, map_png

    picture = map_png(sample_outcome, width_in=4.0, dpi=60)
    assert picture[:8] == b"\x89PNG\r\n\x1a\n"
    layers = map_layers(sample_outcome)
    shown = np.concatenate([g.rows for g in layers.groups])
    assert sorted(shown) == list(range(sample_outcome.inputs.pool.size))  # every village once
    selected = next(g for g in layers.groups if g.key == "selected")
    assert set(selected.rows) == set(np.flatnonzero(sample_outcome.selection.selected))
    assert {p.level for p in layers.outlines.places} == {"province", "city", "county"}


@pytest.fixture(scope="module")
def sample_outcome():
    from analysis.outcome import analyse
    from baicun.pipeline import load_inputs, solve
    from tests.browser import ROOT

    inputs = load_inputs(ROOT / "scenarios" / "baicun_2024.toml")
    scores, selection = solve(inputs)
    return analyse(inputs, scores, selection)


@pytest.mark.parametrize("seed", range(8))
def test_belt_links_join_neighbours_of_one_belt_and_connect_each_belt(seed):
    from types import SimpleNamespace

    from analysis.outcome import Belts
    from report.maps import _belt_links
    from solver.spatial import belts, haversine_km
    from tests.factories import with_coordinates

    rng = np.random.default_rng(seed)
    pool = with_coordinates(tiny_pool(rng, 9), rng)
    data = {
        "scoring": {"normalize": "none", "weights": {"industry_base": 1.0}},
        "selection": {"count": [0, 6]},
        "spatial": {"radius_km": 20.0, "weight": 2.0},
    }
    scenario, scores, rules = prepared(pool, data)
    selection = select(pool, scenario, scores)
    frame = pool.frame
    table, number = belts(frame[selection.selected], 20.0)
    o = SimpleNamespace(belts=Belts(table, number), selection=selection, inputs=SimpleNamespace(pool=pool))
    lon, lat = _belt_links(o)
    links = np.column_stack([lon, lat]).reshape(-1, 3, 2)[:, :2] if len(lon) else np.empty((0, 2, 2))
    where = {(round(x, 9), round(y, 9)): i for i, (x, y) in zip(frame.index, zip(frame["lon"], frame["lat"]))}
    ends = [(where[tuple(np.round(a, 9))], where[tuple(np.round(b, 9))]) for a, b in links]
    for i, j in ends:  # a link joins two villages of one belt, within the radius
        assert number[i] == number[j] > 0
        assert haversine_km(frame.at[i, "lon"], frame.at[i, "lat"], frame.at[j, "lon"], frame.at[j, "lat"]) <= 20.0 + 1e-9
    for belt in table["belt"]:  # and each belt's links connect all of its villages
        members = set(number.index[number == belt])
        reached, frontier_ = {min(members)}, [min(members)]
        while frontier_:
            k = frontier_.pop()
            for i, j in ends:
                for a, b in ((i, j), (j, i)):
                    if a == k and b not in reached:
                        reached.add(b)
                        frontier_.append(b)
        assert reached == members


def test_a_plan_is_coloured_by_year_and_a_proved_region_by_class(sample_outcome):
    from types import SimpleNamespace

    from report.maps import CLASS_COLOURS, YEAR_COLOURS, map_layers

    s = sample_outcome.selection
    year = np.where(s.selected, np.where(np.arange(len(s.selected)) % 2 == 0, 2024, 2025), 0)
    planned = replace(sample_outcome, selection=replace(s, year=year, plan=SimpleNamespace(years=(2024, 2025))))
    groups = {g.key: g for g in map_layers(planned, lang="en").groups}
    assert set(groups) == {"ineligible", "eligible", "year:2024", "year:2025"}
    assert set(groups["year:2025"].rows) == set(np.flatnonzero(year == 2025))
    assert len({g.colour for g in groups.values()}) == 4 and groups["year:2024"].colour == YEAR_COLOURS[0]

    frame = sample_outcome.inputs.pool.frame
    classes = np.where(~np.asarray(sample_outcome.scores.eligible), "ineligible", np.where(s.selected, "always_in", "depends"))
    table = pd.DataFrame({"village_id": frame["village_id"], "class": classes})
    proved = replace(sample_outcome, stability=SimpleNamespace(table=table))
    groups = {g.key: g for g in map_layers(proved, "stability").groups}
    assert set(groups) == {"class:ineligible", "class:depends", "class:always_in"}
    assert set(groups["class:always_in"].rows) == set(np.flatnonzero(s.selected))
    assert groups["class:depends"].colour == CLASS_COLOURS["depends"]
