"""Normalisation of criteria over the eligible villages (SPEC §3 ``normalize``).

Each function maps a column vector ``x`` (eligible villages only) to comparable values; ``cost`` reverses the
direction so that larger is always better. A constant column carries no information and scores 0 for everyone.

==========  ================================================  ============================================
method      benefit criterion                                 cost criterion
==========  ================================================  ============================================
minmax      (x − min) / (max − min)                           (max − x) / (max − min)
zscore      (x − mean) / std   (population std, ddof = 0)     −(x − mean) / std
rank        (r − 1) / (n − 1), r = average rank, 1 = lowest   1 − (r − 1) / (n − 1)
none        x                                                 −x
==========  ================================================  ============================================
"""

from __future__ import annotations

import numpy as np


def _constant(x: np.ndarray) -> bool:
    return x.size == 0 or np.ptp(x) == 0


def minmax(x: np.ndarray, cost: bool = False) -> np.ndarray:
    if _constant(x):
        return np.zeros_like(x, dtype=float)
    scaled = (x - x.min()) / (x.max() - x.min())
    return 1.0 - scaled if cost else scaled


def zscore(x: np.ndarray, cost: bool = False) -> np.ndarray:
    if _constant(x):
        return np.zeros_like(x, dtype=float)
    unit = (x - x.min()) / np.ptp(x)  # same z-scores; scaling first keeps tiny spreads from underflowing the std
    z = (unit - unit.mean()) / unit.std()
    return -z if cost else z


def rank(x: np.ndarray, cost: bool = False) -> np.ndarray:
    from scipy.stats import rankdata  # here, not at the top: scipy.stats takes about a second to import, on every command

    if _constant(x) or x.size < 2:
        return np.zeros_like(x, dtype=float)
    percentile = (rankdata(x, method="average") - 1) / (x.size - 1)
    return 1.0 - percentile if cost else percentile


def none(x: np.ndarray, cost: bool = False) -> np.ndarray:
    return -x.astype(float) if cost else x.astype(float)


METHODS = {"minmax": minmax, "zscore": zscore, "rank": rank, "none": none}


def normalize(x: np.ndarray, method: str, cost: bool = False) -> np.ndarray:
    return METHODS[method](np.asarray(x, dtype=float), cost)
