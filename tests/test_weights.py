"""Weights and normalisation against published worked examples and their defining properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from scoring import weights as wt
from scoring.normalize import normalize

DRINKS = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]
DRINK_JUDGEMENTS = {  # Saaty (1980/2008): "which drink is consumed more in the US?"
    ("coffee", "wine"): 9,
    ("coffee", "tea"): 5,
    ("coffee", "beer"): 2,
    ("coffee", "soda"): 1,
    ("coffee", "milk"): 1,
    ("coffee", "water"): 1 / 2,
    ("wine", "tea"): 1 / 3,
    ("wine", "beer"): 1 / 9,
    ("wine", "soda"): 1 / 9,
    ("wine", "milk"): 1 / 9,
    ("wine", "water"): 1 / 9,
    ("tea", "beer"): 1 / 3,
    ("tea", "soda"): 1 / 4,
    ("tea", "milk"): 1 / 3,
    ("tea", "water"): 1 / 9,
    ("beer", "soda"): 1 / 2,
    ("beer", "milk"): 1,
    ("beer", "water"): 1 / 3,
    ("soda", "milk"): 2,
    ("soda", "water"): 1 / 2,
    ("milk", "water"): 1 / 3,
}


def reciprocal_matrix(names, judgements):
    a = np.ones((len(names), len(names)))
    for (x, y), v in judgements.items():
        a[names.index(x), names.index(y)] = v
        a[names.index(y), names.index(x)] = 1 / v
    return a


def test_ahp_reproduces_saatys_drink_example():
    result = wt.ahp(reciprocal_matrix(DRINKS, DRINK_JUDGEMENTS))
    published = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]
    assert np.round(result.weights, 3).tolist() == published
    assert round(result.cr, 3) == 0.022
    assert result.consistent


def test_ahp_reproduces_saatys_light_intensity_lambda_and_ci():
    # Saaty (1977), relative brightness of four chairs: λmax = 4.39, CI = 0.13.
    light = [[1, 5, 6, 7], [1 / 5, 1, 4, 6], [1 / 6, 1 / 4, 1, 4], [1 / 7, 1 / 6, 1 / 4, 1]]
    result = wt.ahp(light)
    assert round(result.lambda_max, 2) == 4.39
    assert round(result.ci, 2) == 0.13
    assert not result.consistent  # CR = 0.13 / 0.90 ≈ 0.145 > 0.1


def test_ahp_consistent_matrix_recovers_its_weights_exactly():
    w = np.array([0.5, 0.3, 0.2])
    result = wt.ahp(w[:, None] / w[None, :])
    assert np.allclose(result.weights, w) and abs(result.cr) < 1e-12


def test_reciprocal_problems_are_found():
    assert wt.reciprocal_problems([[1, 3], [3, 1]]) == [(1, 2, 3.0, 3.0)]
    assert wt.reciprocal_problems([[1, 3], [1 / 3, 1]]) == []


def test_entropy_reproduces_xu_2004():
    # Xu, X. (2004). EJOR 156(2), 530-532: entropy weights 0.4630, 0.3992, 0.1378, 0.0000.
    x = [[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]]
    assert np.round(wt.entropy(x), 4).tolist() == [0.4630, 0.3992, 0.1378, 0.0]


def test_entropy_gives_more_weight_to_the_criterion_that_varies_more():
    x = np.array([[1, 10], [1, 1], [1.1, 5], [1, 20]], dtype=float)
    w = wt.entropy(x)
    assert w[1] > w[0] and np.isclose(w.sum(), 1)


def test_direct_weights_rescaled_and_said():
    w = wt.direct({"a": 3, "b": 1})
    assert w.values == {"a": 0.75, "b": 0.25} and w.rescaled and w.given_sum == 4
    assert not wt.direct({"a": 0.6, "b": 0.4}).rescaled
    assert wt.direct({"a": 3, "b": 1}, rescale=False).values == {"a": 3.0, "b": 1.0}


def test_hierarchical_weights_multiply_through():
    w = wt.hierarchical({"产业": (0.6, {"industry_base": 3, "review_investment": 1}), "人才": (0.4, {"leader": 1})})
    assert w.values == pytest.approx({"industry_base": 0.45, "review_investment": 0.15, "leader": 0.4})


@pytest.mark.parametrize("method", ["minmax", "zscore", "rank"])
def test_constant_column_scores_zero(method):
    assert normalize(np.full(5, 7.0), method).tolist() == [0.0] * 5


@given(arrays(float, st.integers(2, 30), elements=st.floats(0, 100)), st.sampled_from(["minmax", "zscore", "rank", "none"]))
def test_normalisation_keeps_order_and_cost_reverses_it(x, method):
    benefit, cost = normalize(x, method), normalize(x, method, cost=True)
    order = np.argsort(x, kind="stable")
    assert np.all(np.diff(benefit[order]) >= -1e-12)
    assert np.all(np.diff(cost[order]) <= 1e-12)
    if method == "minmax" and np.ptp(x) > 0:
        assert benefit.min() == 0 and benefit.max() == 1 and np.allclose(benefit + cost, 1)
    if method == "none":
        assert np.array_equal(benefit, x) and np.array_equal(cost, -x)
