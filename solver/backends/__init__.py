"""Backend adapters: each turns a ``Model`` into one solver's input and its answer into a ``RawResult``.

Every adapter solves lexicographically: first the greatest total score, then — with the total score held at that
optimum — the tie-break objective (smaller village_ids first). A tie-break that cannot finish in the time left
keeps the first phase's shortlist, which is already optimal in score.

What every backend shares happens once, here (``solve_with``), in this order:

1. *Scale.* The objective is divided by the score range σ = max |s_i| before any solver sees it, and the answer
   multiplied back. Solver tolerances (HiGHS's absolute gap, the tie-break floor, CP-SAT's integer scaling) are
   then relative to the scores, so 已证明最优 means the same whether scores are 10⁻⁹ or 10⁹; the gap is measured
   against max(|objective|, σ) (``base.relative_gap``), so an optimum of 0 is proven like any other.
2. *Start.* A feasible start (``solver.start``: a greedy list repaired to the rules, or the empty list) is handed
   to the solver; if the solver stops on the clock without a better list, the start is the answer, with the
   solver's bound — or, when it has none, ``solver.start.upper_bound`` — for its gap.
3. *Form.* A multi-year plan is handed to every solver in its cumulative form (``solver.model.cumulative``) and
   its answer turned back into the plan's own columns, so callers never see the difference.
4. *Clock.* ``options.time_limit`` bounds all of it; each backend asks its solver to stop in the time left and
   stops it from outside (``base.watchdog_after``) if it overruns.

The model module is imported inside the functions: the CP-SAT worker process imports this package and must stay
light (numpy and OR-Tools only, see ``solver.backends.cpsat``).
"""

from __future__ import annotations

import time
from dataclasses import replace
from functools import partial

import numpy as np

from solver.backends.base import RawResult, SolveOptions, binary, status_of

BACKENDS = ("highs", "cbc", "cpsat")
# The feasible start's greedy fill stops after this share of the time limit, or this floor when that is longer (it
# costs about 3 µs per nonzero, 0.03 s for 10,000 villages: a floor keeps a tiny limit from cutting it short).
START_SHARE, START_FLOOR_S = 0.1, 1.0


def get_backend(name: str):
    if name == "highs":
        from solver.backends import highs as module
    elif name == "cbc":
        from solver.backends import cbc as module
    elif name == "cpsat":
        from solver.backends import cpsat as module
    else:
        raise ValueError(name)
    return partial(solve_with, module.solve)


def warm(name: str) -> None:
    """Start ahead what backend ``name`` will need, so that it loads while the model is built and reduced: the
    CP-SAT worker process (``worker.prestart``). Nothing for the in-process backends."""
    if name == "cpsat":
        from solver.backends.worker import prestart

        prestart("solver.backends.cpsat")


def score_range(objective: np.ndarray) -> float:
    """σ = max |objective coefficient| (1 when every coefficient is 0)."""
    largest = float(np.max(np.abs(objective))) if len(objective) else 0.0
    return largest if largest > 0 and np.isfinite(largest) else 1.0


def solve_with(solve, model, options: SolveOptions, start: np.ndarray | None = None) -> RawResult:
    """Scale, start, form and clock around one backend's ``solve(model, options, start)`` (see the module doc). A
    ``start`` given (a 0/1 vector meeting every row: the probe of ``solver.fixing``) replaces the greedy one."""
    from solver.model import cumulative

    began = time.perf_counter()
    sigma = score_range(model.objective)
    scaled = model.with_objective(model.objective / sigma)
    if start is None and options.start:
        start = _start(scaled, began + max(START_SHARE * options.time_limit, START_FLOOR_S))
    form, d = (scaled, None) if scaled.year is None else cumulative(scaled)
    hint = start if d is None or start is None else cumulative_start(scaled, start)
    left = max(options.time_limit - (time.perf_counter() - began), 0.01)
    raw = solve(form, replace(options, time_limit=left), hint)
    if d is not None and raw.x is not None:
        raw = replace(raw, x=binary(d @ raw.x))
    raw = _best_of(raw, start, scaled)
    return _unscaled(raw, sigma, time.perf_counter() - began)


def _start(model, deadline: float) -> np.ndarray | None:
    from solver.start import feasible_start

    return feasible_start(model.objective, model.tiebreak, model.matrix, model.row_low, model.row_high, deadline)


def cumulative_start(model, x: np.ndarray) -> np.ndarray:
    """A plan start in the cumulative coordinates: y_{i,t} = Σ_{s ≤ t} x_{i,s} along each village's years."""
    y = np.asarray(x, dtype=float).copy()
    decisions = np.flatnonzero(model.choice)
    ordered = decisions[np.lexsort((model.year[decisions], model.village[decisions]))]
    villages = model.village[ordered]
    sums = np.cumsum(y[ordered])
    first = np.r_[True, villages[1:] != villages[:-1]]
    before = np.maximum.accumulate(np.where(first, np.arange(len(ordered)), 0))
    y[ordered] = sums - np.r_[0.0, sums][before]
    return binary(y)


def _best_of(raw: RawResult, start: np.ndarray | None, model) -> RawResult:
    """The solver's list, or the start when the solver stopped without a list or with a worse one; a list that is
    not proven optimal gets the tighter of the solver's bound and ``solver.start.upper_bound``."""
    from solver.start import upper_bound

    stopped = raw.status == "time_limit" or bool(raw.stopped)
    if start is not None:
        value = float(model.objective @ start)
        worse = raw.x is not None and raw.objective is not None and raw.objective < value - 1e-9 * max(1.0, abs(value))
        if worse or raw.x is None:
            # a list that satisfies every row outranks a solver that found none; one that calls it infeasible is wrong
            detail = (
                raw.detail + ("; " if raw.detail else "") + f"{raw.backend} reported {raw.status}"
                if raw.status in ("infeasible", "error")
                else raw.detail
            )
            raw = replace(raw, x=start, objective=value, from_start=True, stopped=raw.stopped or ("time_limit" if stopped else ""), detail=detail)
    if raw.x is None or raw.status == "optimal":
        return raw
    # a "bound" below a list that meets every row bounds nothing (CP-SAT stopped before any list reported 0); with
    # it a list would be called optimal on a negative gap, so it is dropped and Dantzig's bound, always valid, kept
    floor = raw.objective - 1e-9 * max(1.0, abs(raw.objective))
    solver_bound = raw.bound if raw.status != "infeasible" and raw.bound is not None and raw.bound >= floor else None
    bound = min(b for b in (solver_bound, upper_bound(model.objective, model.matrix, model.row_high)) if b is not None)
    return replace(raw, bound=bound, status=status_of(True, True, stopped, False, raw.objective, bound))


def _unscaled(raw: RawResult, sigma: float, seconds: float) -> RawResult:
    return replace(
        raw,
        objective=None if raw.objective is None else raw.objective * sigma,
        bound=None if raw.bound is None else raw.bound * sigma,
        scale=sigma,
        seconds=seconds,
    )


__all__ = ["BACKENDS", "RawResult", "SolveOptions", "get_backend", "solve_with", "score_range", "warm"]
