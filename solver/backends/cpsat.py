"""CP-SAT through OR-Tools. CP-SAT needs integer coefficients, so the model is scaled.

Scaling, and why it loses no optimum (or says by how much it might)
-------------------------------------------------------------------
*Constraints*: row r is multiplied by s_r = 10^k, the smallest k ≤ 6 that makes every coefficient an integer;
bounds become ⌈lo·s_r⌉ and ⌊hi·s_r⌋, exact because the row's left side is then an integer. Costs in 万元 with
one decimal need k = 1. If no k ≤ 6 is exact the row is rounded and the result is never called optimal.

*Objective*: the objective arrives divided by the score range (``solver.backends``), so max |c_i| = 1; scores become
c'_i = round(S·c_i) with S = 10^k, the largest power of ten with S·max|c_i| ≤ 10^9. If every S·c_i is already an
integer (to 1e-6) the scaling is exact and CP-SAT's optimum is the true optimum. Otherwise every shortlist's true
total differs from c'·x / S by at most ε = ρ·K / S, where ρ is the largest rounding residual (≤ 0.5) and K the
most columns a feasible list can set to 1 (``most_selected``: the count cap, or how many of the cheapest villages
the budget affords, whichever is smaller — 0 with a budget of 0); so the true optimum is at most
(z'_bound + ρ·K) / S, which is the bound reported, and the gap is measured against it honestly. With K ≈ 200 that
is about 10⁻⁷ of the score range.

Process isolation and the clock
-------------------------------
OR-Tools ships its own build of HiGHS inside ``libortools``; loading it and highspy in one process fails with
undefined symbols whichever comes first (seen with ortools 9.15 and highspy 1.15). So CP-SAT always runs in a
worker process (``python -m solver.backends.cpsat``) that never imports highspy; ``solve`` hands it plain arrays
(never a ``Model``: unpickling one would import pandas and the whole selection package, seconds of start-up that
the time limit would pay) and receives the result on a channel of its own (``solver.backends.worker``), never on
stdout. The worker is given the deadline as a wall-clock time, so its own start-up counts against the limit; it
streams each improving list (at most twice a second) to the parent, and the parent ends a worker still running at
``watchdog_after(time_limit)`` and keeps the best list it received.

The worker's floor is OR-Tools' ``cp_model`` itself, which imports pandas (about 0.7 s). A command that will solve
with CP-SAT therefore starts the worker before it reads the pool (``solver.backends.warm``, ``worker.prestart``):
the worker loads OR-Tools while the parent reads, scores and builds, then waits for its payload, and the solve
finds it ready (0.2 s against 0.75 s for the default scenario's solve, bench/README.md).
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import numpy as np

from solver.backends.base import RawResult, SolveOptions, binary, status_of, tiebreak_fits, watchdog_after

if TYPE_CHECKING:
    from solver.model import Model

MAX_COEFFICIENT = 1e9
STREAM_EVERY_S = 0.5


def solve(model: Model, options: SolveOptions, start: np.ndarray | None = None) -> RawResult:
    """Solve in a fresh worker process (see "Process isolation and the clock")."""
    from solver.backends.worker import Overran, collect, start_worker

    payload = {
        "objective": np.asarray(model.objective, dtype=float),
        "tiebreak": np.asarray(model.tiebreak, dtype=float),
        "indptr": model.matrix.indptr,
        "indices": model.matrix.indices,
        "data": model.matrix.data,
        "low": model.row_low,
        "high": model.row_high,
        "most_selected": most_selected(model.matrix, model.row_high),
        "start": start,
        "options": options,
        "deadline": time.time() + options.time_limit,
    }
    began = time.perf_counter()
    result = collect([start_worker("solver.backends.cpsat", payload)], deadline=began + watchdog_after(options.time_limit))[0]
    if isinstance(result, Overran):
        return _overran(result.last, model, time.perf_counter() - began)
    return result


def _overran(last, model: Model, seconds: float) -> RawResult:
    """The worker had to be ended: the last list it streamed (if any), never called optimal."""
    if last is None:
        return RawResult("time_limit", None, None, None, seconds, "cpsat", "CP-SAT", stopped="watchdog")
    x, bound, version = last
    objective = float(model.objective @ x)
    return RawResult(status_of(True, False, True, False, objective, bound), x, objective, bound, seconds, "cpsat", version, stopped="watchdog")


def most_selected(matrix, high: np.ndarray) -> int:
    """K: at most this many columns are 1 in any feasible list — the smallest, over rows with a finite cap and a
    positive coefficient on every column (``count``, ``budget``), of how many of the smallest coefficients fit."""
    n = matrix.shape[1]
    best = n
    for r in np.flatnonzero(np.isfinite(high)):
        values = matrix.data[matrix.indptr[r] : matrix.indptr[r + 1]]
        if len(values) == n and n and np.all(values > 0):
            best = min(best, int(np.searchsorted(np.cumsum(np.sort(values)), high[r] * (1 + 1e-12) + 1e-12, side="right")))
    return best


def row_scale(values: np.ndarray) -> tuple[int, bool]:
    for k in range(7):
        scaled = values * 10**k
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1, np.abs(scaled))):
            return 10**k, True
    return 10**6, False


def objective_scale(objective: np.ndarray) -> tuple[int, np.ndarray, float]:
    """(S, integer objective, largest rounding residual ρ)."""
    largest = float(np.max(np.abs(objective))) if objective.size else 0.0
    k = 0 if largest == 0 else min(12, max(0, math.floor(math.log10(MAX_COEFFICIENT / largest))))
    scale = 10**k
    scaled = objective * scale
    rounded = np.round(scaled)
    residual = float(np.max(np.abs(scaled - rounded))) if objective.size else 0.0
    return scale, rounded.astype(np.int64), 0.0 if residual <= 1e-6 else residual


def build(p: dict):
    from ortools.sat.python import cp_model

    cp = cp_model.CpModel()
    x = [cp.NewBoolVar(f"x{i}") for i in range(len(p["objective"]))]
    exact = True
    indptr, indices, data = p["indptr"], p["indices"], p["data"]
    for r in range(len(p["low"])):
        values = data[indptr[r] : indptr[r + 1]]
        scale, ok = row_scale(values)
        exact &= ok
        low = -cp_model.INT_MAX if not np.isfinite(p["low"][r]) else math.ceil(p["low"][r] * scale - 1e-9)
        high = cp_model.INT_MAX if not np.isfinite(p["high"][r]) else math.floor(p["high"][r] * scale + 1e-9)
        coefficients = np.round(values * scale).astype(np.int64).tolist()
        cp.AddLinearConstraint(cp_model.LinearExpr.WeightedSum([x[j] for j in indices[indptr[r] : indptr[r + 1]]], coefficients), low, high)
    return cp, x, exact


def _solver(time_limit: float, threads: int):
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(float(time_limit), 0.01)
    solver.parameters.num_workers = threads or 1  # one worker: the same answer on every run
    solver.parameters.random_seed = 0
    return solver


def solve_here(p: dict, send=None) -> RawResult:
    """Solve in this process; only for a process that will never import highspy. ``send(value)`` streams improving
    lists to the parent."""
    from ortools import __version__ as ortools_version
    from ortools.sat.python import cp_model

    began = time.perf_counter()
    version = f"CP-SAT (OR-Tools {ortools_version})"
    options: SolveOptions = p["options"]
    objective = p["objective"]
    cp, x, exact_rows = build(p)
    scale, c_int, residual = objective_scale(objective)
    allowance = residual * p["most_selected"]
    cp.Maximize(cp_model.LinearExpr.WeightedSum(x, c_int.tolist()))
    if p["start"] is not None:
        for variable, value in zip(x, p["start"]):
            cp.AddHint(variable, int(value))
    limit = p["deadline"] - time.time()  # what is left after this process started and built the model
    solver = _solver(limit, options.threads)
    solver.parameters.relative_gap_limit = float(options.mip_gap)
    code = solver.Solve(cp, _Stream(x, send, allowance, scale, version) if send else None)
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    values = binary([solver.Value(v) for v in x]) if found else None
    total = float(objective @ values) if found else None
    # UNKNOWN (stopped before a list, e.g. in presolve) leaves BestObjectiveBound at 0, which bounds nothing
    bound = (solver.BestObjectiveBound() + allowance) / scale if found else None
    proved = code == cp_model.OPTIMAL and exact_rows
    # FEASIBLE means stopped before a proof: by the clock, unless a gap limit was set and may have been met first
    timed = code == cp_model.UNKNOWN or (code == cp_model.FEASIBLE and (options.mip_gap == 0 or solver.WallTime() >= 0.9 * limit))
    stopped = "time_limit" if timed else ""
    state = status_of(found, proved, bool(stopped), code == cp_model.INFEASIBLE, total, bound)
    detail = f"objective ×{scale}" + ("" if residual == 0 else f", rounding bound {allowance / scale:.2e}")
    tiebreak_done = False
    remaining = p["deadline"] - time.time()
    if state == "optimal" and options.tiebreak and tiebreak_fits(time.perf_counter() - began, remaining) and x:
        best = int(round(solver.ObjectiveValue()))
        cp.Add(cp_model.LinearExpr.WeightedSum(x, c_int.tolist()) >= best)
        cp.Maximize(cp_model.LinearExpr.WeightedSum(x, p["tiebreak"].astype(np.int64).tolist()))
        cp.ClearHints()
        for variable, value in zip(x, values):
            cp.AddHint(variable, int(value))
        second = _solver(remaining, options.threads)
        if second.Solve(cp) == cp_model.OPTIMAL:
            values, tiebreak_done = binary([second.Value(v) for v in x]), True
    return RawResult(
        state,
        values,
        float(objective @ values) if values is not None else None,
        bound,
        time.perf_counter() - began,
        "cpsat",
        version,
        tiebreak_done,
        detail,
        stopped,
    )


def _stream_class():
    from ortools.sat.python import cp_model

    class Stream(cp_model.CpSolverSolutionCallback):
        """Each improving list, at most every ``STREAM_EVERY_S``, as (x, bound, version)."""

        def __init__(self, x, send, allowance: float, scale: int, version: str):
            super().__init__()
            self.x, self.send, self.allowance, self.scale, self.version = x, send, allowance, scale, version
            self.last = 0.0

        def on_solution_callback(self):
            now = time.perf_counter()
            if now - self.last < STREAM_EVERY_S:
                return
            self.last = now
            values = binary([self.Value(v) for v in self.x])
            self.send((values, (self.BestObjectiveBound() + self.allowance) / self.scale, self.version))

    return Stream


def _Stream(x, send, allowance, scale, version):
    return _stream_class()(x, send, allowance, scale, version)


if __name__ == "__main__":
    from ortools.sat.python import cp_model  # noqa: F401 — loaded before the payload arrives (worker.prestart)

    from solver.backends.worker import serve

    serve(lambda payload, tick: solve_here(payload, tick))
