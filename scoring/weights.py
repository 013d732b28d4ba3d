"""Criterion weights: direct, AHP (pairwise comparisons), entropy (objective) and hierarchical.

Mathematical formulation
------------------------
*Direct*: w_j = v_j / Σ v_k (said to the user when Σ v_k ≠ 1). With ``normalize = "none"`` the weights are used as
given, so that a score can be recomputed by hand as Σ w_j x_j.

*AHP* (Saaty 1980): A is a positive reciprocal matrix, a_ij = 1 / a_ji, a_ii = 1. The weights are the principal
right eigenvector of A scaled to sum 1; λ_max its eigenvalue; CI = (λ_max − n) / (n − 1); CR = CI / RI(n) with
Saaty's random indices RI = 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59
(n = 1…15). CR > 0.1 means the judgements are too inconsistent to trust; the user is warned. Example: Saaty's
"which drink is consumed more in the US" matrix gives coffee .177, wine .019, tea .042, beer .116, soda .190,
milk .129, water .327 with CR 0.022 (``tests/test_weights.py`` reproduces it).

*Entropy* (Shannon; Zeleny 1982): for a non-negative matrix X (m alternatives × n criteria),
p_ij = x_ij / Σ_i x_ij, E_j = −(1 / ln m) Σ_i p_ij ln p_ij (0 ln 0 = 0), d_j = 1 − E_j, w_j = d_j / Σ_k d_k:
criteria that vary more weigh more. On the pool, X is the min–max normalised criteria of the eligible villages
(cost criteria reversed). Example: Xu (2004, EJOR 156(2) 530–532) gives 0.4630, 0.3992, 0.1378, 0.0000.

*Hierarchical*: a dimension (产业/人才/文化/生态/组织 …) has a weight W_d and its indicators weights w_dj within
it; the criterion's weight is W_d / Σ W × w_dj / Σ_j w_dj.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RANDOM_INDEX = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59)
CR_LIMIT = 0.1


@dataclass(frozen=True)
class AHPResult:
    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float

    @property
    def consistent(self) -> bool:
        return self.cr <= CR_LIMIT


@dataclass(frozen=True)
class Weights:
    """Final weight of every criterion (multiplied through any hierarchy) and how it was obtained."""

    values: dict[str, float]
    method: str
    given_sum: float = 1.0
    rescaled: bool = False
    ahp: AHPResult | None = None


def direct(values: dict[str, float], rescale: bool = True) -> Weights:
    total = float(sum(values.values()))
    rescaled = rescale and total > 0 and abs(total - 1.0) > 1e-9
    scaled = {k: (v / total if rescale and total > 0 else float(v)) for k, v in values.items()}
    return Weights(scaled, "direct", total, rescaled)


def ahp(matrix) -> AHPResult:
    a = np.asarray(matrix, dtype=float)
    n = a.shape[0]
    eigenvalues, vectors = np.linalg.eig(a)
    k = int(np.argmax(eigenvalues.real))
    w = np.abs(vectors[:, k].real)
    w = w / w.sum()
    lambda_max = float(eigenvalues[k].real)
    ci = (lambda_max - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX[n - 1] if n <= len(RANDOM_INDEX) else RANDOM_INDEX[-1]
    cr = ci / ri if ri > 0 else 0.0
    return AHPResult(w, lambda_max, ci, cr)


def reciprocal_problems(matrix, tolerance: float = 1e-3) -> list[tuple[int, int, float, float]]:
    """(i, j, a_ij, a_ji) for every entry that is not positive or not the reciprocal of its mirror (1-based)."""
    a = np.asarray(matrix, dtype=float)
    bad = []
    for i in range(a.shape[0]):
        for j in range(i, a.shape[0]):
            expected_ok = a[i, j] > 0 and a[j, i] > 0 and abs(a[i, j] * a[j, i] - 1) <= tolerance
            if not expected_ok:
                bad.append((i + 1, j + 1, a[i, j], a[j, i]))
    return bad


def entropy(matrix) -> np.ndarray:
    x = np.asarray(matrix, dtype=float)
    m = x.shape[0]
    totals = x.sum(axis=0)
    p = np.divide(x, totals, out=np.zeros_like(x), where=totals > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = -plogp.sum(axis=0) / np.log(m) if m > 1 else np.ones(x.shape[1])
    e = np.where(totals > 0, e, 1.0)  # an all-zero (constant) column carries no information
    d = 1.0 - e
    return d / d.sum() if d.sum() > 0 else np.full(x.shape[1], 1.0 / x.shape[1])


def hierarchical(dimensions: dict[str, tuple[float, dict[str, float]]]) -> Weights:
    top_total = sum(w for w, _ in dimensions.values())
    values: dict[str, float] = {}
    for weight, inner in dimensions.values():
        inner_total = sum(inner.values())
        for criterion, w in inner.items():
            share = (weight / top_total if top_total else 0.0) * (w / inner_total if inner_total else 0.0)
            values[criterion] = values.get(criterion, 0.0) + share
    return Weights(values, "dimensions", 1.0, False)
