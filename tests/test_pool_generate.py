"""The synthetic province: deterministic, planted structure present, always valid."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pool.generate import county_facts, generate_pool
from pool.read import read_pool
from tests.conftest import write_csv


def test_deterministic_for_a_seed():
    pd.testing.assert_frame_equal(generate_pool(300, seed=3), generate_pool(300, seed=3))
    assert not generate_pool(300, seed=3).equals(generate_pool(300, seed=4))


def test_border_villages_only_in_border_counties():
    frame = generate_pool(seed=11)
    facts = county_facts()
    border_counties = set(facts.loc[facts["border_county"] == 1, "county"])
    assert set(frame.loc[frame["border"], "county"]) <= border_counties


def test_villages_near_city_centres_are_stronger_in_industry():
    frame = generate_pool(seed=5)
    capital = frame[frame["city"] == "长春市"]
    near = capital["county"].isin(["南关区", "宽城区", "朝阳区", "二道区", "绿园区"])
    assert capital.loc[near, "industry_base"].mean() > capital.loc[~near, "industry_base"].mean() + 3


def test_exact_ties_exist_in_the_qiancun_pool():
    frame = generate_pool(seed=2023)
    scores = ["industry_base", "leader", "enthusiasm", "review_basis", "review_investment", "review_outcomes", "review_path"]
    members = frame[frame["qiancun_year"].notna()]
    assert members.duplicated(scores + ["debt_risk"], keep=False).sum() >= 2


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), villages=st.integers(150, 1500))
def test_any_generated_pool_validates(tmp_path_factory, seed, villages):
    frame = generate_pool(villages=villages, seed=seed)
    pool = read_pool(write_csv(frame, tmp_path_factory.mktemp("gen") / "pool.csv"))
    assert pool.size == villages
    assert np.isclose(pool.frame["cost"].mean(), 1000, rtol=0.1)


def test_shipped_sample_is_exactly_what_the_generator_makes(tmp_path):
    from pool.generate import write_pool
    from tests.conftest import SAMPLE_CSV

    write_pool(generate_pool(seed=2023), tmp_path / "regenerated.csv")
    assert (tmp_path / "regenerated.csv").read_bytes() == SAMPLE_CSV.read_bytes()
