"""Weight robustness: re-solve under perturbed weights and count how often each village is selected.

Perturbations (``method``):

* ``dirichlet`` (default): w' ~ Dirichlet(c · w), centred on the scenario's weights w (rescaled to sum 1) with
  concentration c: Var(w'_j) = w_j (1 − w_j) / (c + 1). c = 50 moves a weight of 0.30 by about ±0.065 (one s.d.);
  larger c means less spread.
* ``uniform``: w'_j = w_j · (1 + u_j), u_j ~ U(−s, s) independently, then rescaled to the same total; s = 0.2
  moves every weight by up to ±20%.

Only weights move: eligibility, the normalised criteria and the bonuses stay as they are, so a sample's scores
are Z w' + b with Z fixed. The model is built once; each sample changes only its objective, drops the villages its
scores make dominated (``solver/reduce.py``, exact) and is solved to proven optimality by HiGHS. Samples run in
``workers`` separate processes, in fixed contiguous chunks, so a given seed and worker count always give the same
frequencies. Villages are classed 稳定入选 (selected in ≥ 95% of samples), 稳定落选 (≤ 5%) and 边缘 otherwise;
the study also reports each sample's Jaccard overlap with the base shortlist and the Spearman rank correlation of
its scores with the base scores.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pool.read import Pool
from scoring.score import Scores
from solver.model import Model
from solver.solve import Selection

STABLE_IN, STABLE_OUT = 0.95, 0.05


@dataclass(frozen=True)
class Study:
    table: pd.DataFrame  # village_id, village, county, city, eligible, base_selected, frequency, class
    weights: pd.DataFrame  # one row per sample
    jaccard: np.ndarray
    spearman: np.ndarray
    samples: int
    seed: int
    method: str
    spread: float
    workers: int
    seconds: float


def sample_weights(base: dict[str, float], samples: int, seed: int, method: str = "dirichlet", spread: float = 50.0) -> np.ndarray:
    """(samples × criteria) weight vectors around ``base`` (see the module doc); zero weights stay zero."""
    w = np.array(list(base.values()), dtype=float)
    total = w.sum()
    rng = np.random.default_rng(seed)
    out = np.zeros((samples, len(w)))
    active = w > 0
    if method == "dirichlet":
        out[:, active] = rng.dirichlet(spread * w[active] / total, size=samples) * total
    elif method == "uniform":
        moved = w[active] * (1 + rng.uniform(-spread, spread, size=(samples, active.sum())))
        out[:, active] = moved / moved.sum(axis=1, keepdims=True) * total
    else:
        raise ValueError(method)
    return out


def criteria_matrix(scores: Scores) -> tuple[np.ndarray, np.ndarray]:
    """(Z, b) over the eligible villages: normalised criteria and the fixed bonus total, so score = Z w + b."""
    eligible = scores.eligible
    contributions = scores.contributions.loc[eligible]
    z = np.column_stack([contributions[c].to_numpy() / w if w else np.zeros(eligible.sum()) for c, w in scores.weights.values.items()])
    bonus = contributions[[c for c in contributions.columns if c not in scores.weights.values]].sum(axis=1).to_numpy()
    return z, bonus


def solve_chunk(model: Model, z: np.ndarray, bonus: np.ndarray, weights: np.ndarray, report=None, dominance=None) -> np.ndarray:
    """Selections (samples × eligible villages) for one chunk of weight vectors, in this process; each is proven
    optimal (HiGHS, gap 0) or a RuntimeError is raised. ``dominance``: a prepared ``Dominance`` of ``model``."""
    from solver.backends import SolveOptions, get_backend
    from solver.reduce import Dominance

    highs_solve = get_backend("highs")
    dominance = dominance or (Dominance(model) if model.simple else None)
    chosen = np.zeros((len(weights), len(z)), dtype=bool)
    options = SolveOptions(time_limit=60, tiebreak=False, threads=1)
    everything = np.ones(len(model.objective), dtype=bool)
    for k, w in enumerate(weights):
        objective = model.objective_for(z @ w + bonus)
        keep = dominance.keep(objective) if dominance else everything
        raw = highs_solve(model.with_objective(objective).subset(keep), options)
        if raw.status != "optimal":
            raise RuntimeError(f"sample {k}: {raw.status}")
        x = np.zeros(len(model.objective), dtype=bool)
        x[keep] = raw.x.astype(bool)
        chosen[k, model.village[x & model.choice]] = True
        if report:
            report()
    return chosen


def robustness(
    pool: Pool,
    scores: Scores,
    selection: Selection,
    samples: int = 200,
    seed: int = 1,
    method: str = "dirichlet",
    spread: float = 50.0,
    workers: int = 2,
    progress=None,
) -> Study:
    start = time.perf_counter()
    model = selection.model
    z, bonus = criteria_matrix(scores)
    weights = sample_weights(scores.weights.values, samples, seed, method, spread)
    chunks = np.array_split(np.arange(samples), max(1, min(workers, samples)))
    chosen = run_chunks(model, z, bonus, [weights[c] for c in chunks], progress)
    eligible = np.flatnonzero(scores.eligible)
    frequency = np.zeros(pool.size)
    frequency[eligible] = chosen.mean(axis=0)
    base = selection.selected[eligible]
    jaccard = (chosen & base).sum(axis=1) / np.maximum((chosen | base).sum(axis=1), 1)
    base_scores = scores.table["score"].to_numpy(dtype=float)[eligible]
    from scipy.stats import spearmanr  # on demand (docs/ARCHITECTURE.md): scipy.stats costs every command ~0.5 s

    spearman = np.array([spearmanr(base_scores, z @ w + bonus).statistic for w in weights])
    table = pool.frame[["village_id", "village", "county", "city"]].copy()
    table["eligible"] = scores.eligible
    table["base_selected"] = selection.selected
    table["frequency"] = frequency
    table["class"] = np.select(
        [~scores.eligible, frequency >= STABLE_IN, frequency <= STABLE_OUT], ["ineligible", "stable_in", "stable_out"], "marginal"
    )
    return Study(
        table,
        pd.DataFrame(weights, columns=list(scores.weights.values)),
        jaccard,
        spearman,
        samples,
        seed,
        method,
        spread,
        len(chunks),
        time.perf_counter() - start,
    )


def run_chunks(model: Model, z, bonus, chunks: list[np.ndarray], progress=None) -> np.ndarray:
    """Selections (samples × eligible villages) for chunks of weight vectors, each chunk in a worker process of its
    own (``solver.backends.worker``); a single chunk runs here. ``model`` may be restricted (some villages fixed
    and removed, ``analysis.stability.restrict``): only its columns can be selected."""
    if len(chunks) == 1:
        return solve_chunk(model, z, bonus, chunks[0], progress)
    from solver.backends.worker import collect, start_worker

    workers = [start_worker("analysis.robustness", (model, z, bonus, chunk)) for chunk in chunks]
    return np.vstack(collect(workers, progress))


if __name__ == "__main__":
    from solver.backends.worker import serve

    serve(lambda payload, tick: solve_chunk(*payload, tick))
