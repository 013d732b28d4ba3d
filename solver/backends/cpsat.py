"""CP-SAT through OR-Tools. CP-SAT needs integer coefficients, so the model is scaled.

Scaling, and why it loses no optimum (or says by how much it might)
-------------------------------------------------------------------
*Constraints*: row r is multiplied by s_r = 10^k, the smallest k ≤ 6 that makes every coefficient an integer;
bounds become ⌈lo·s_r⌉ and ⌊hi·s_r⌋, exact because the row's left side is then an integer. Costs in 万元 with
one decimal need k = 1. If no k ≤ 6 is exact the row is rounded and the result is never called optimal.

*Objective*: scores become c'_i = round(S·s_i) with S = 10^k, the largest power of ten with S·max|s_i| ≤ 10^9.
If every S·s_i is already an integer (to 1e-6) the scaling is exact and CP-SAT's optimum is the true optimum.
Otherwise every shortlist's true total differs from c'·x / S by at most ε = ρ·K / S, where ρ is the largest
rounding residual (≤ 0.5) and K the most villages a shortlist can hold; so the true optimum is at most
(z'_bound + ρ·K) / S, which is the bound reported, and the gap is measured against it honestly. With scores
of order 1 and K ≈ 200 that is about 10⁻⁷ absolute.

Process isolation
-----------------
OR-Tools ships its own build of HiGHS inside ``libortools``; loading it and highspy in one process fails with
undefined symbols whichever comes first (seen with ortools 9.15 and highspy 1.15). So CP-SAT always runs in a
worker process (``python -m solver.backends.cpsat``) that never imports highspy; ``solve`` hands it the model
and receives the result on a channel of its own (``solver.backends.worker``), never on stdout.
"""

from __future__ import annotations

import math
import time

import numpy as np

from solver.backends.base import RawResult, SolveOptions, binary, status_of
from solver.model import Model
from solver.rules import RuleRef

MAX_COEFFICIENT = 1e9


def solve(model: Model, options: SolveOptions) -> RawResult:
    """Solve in a fresh worker process (see "Process isolation")."""
    from solver.backends.worker import collect, start_worker

    return collect([start_worker("solver.backends.cpsat", (model, options))])[0]


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


def build(model: Model):
    from ortools.sat.python import cp_model

    cp = cp_model.CpModel()
    x = [cp.NewBoolVar(f"x{i}") for i in range(len(model.objective))]
    matrix, exact = model.matrix, True
    for r in range(matrix.shape[0]):
        row = slice(matrix.indptr[r], matrix.indptr[r + 1])
        values = matrix.data[row]
        scale, ok = row_scale(values)
        exact &= ok
        low = -cp_model.INT_MAX if not np.isfinite(model.row_low[r]) else math.ceil(model.row_low[r] * scale - 1e-9)
        high = cp_model.INT_MAX if not np.isfinite(model.row_high[r]) else math.floor(model.row_high[r] * scale + 1e-9)
        coefficients = np.round(values * scale).astype(np.int64).tolist()
        cp.AddLinearConstraint(cp_model.LinearExpr.WeightedSum([x[j] for j in matrix.indices[row]], coefficients), low, high)
    return cp, x, exact


def _most_selected(model: Model) -> int:
    family = next((f for f in model.families if f.ref == RuleRef("count")), None)
    return int(model.row_high[family.start]) if family else len(model.objective)


def _solver(time_limit: float, threads: int):
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(float(time_limit), 0.01)
    solver.parameters.num_workers = threads or 1  # one worker: the same answer on every run
    solver.parameters.random_seed = 0
    return solver


def solve_here(model: Model, options: SolveOptions) -> RawResult:
    """Solve in this process; only for a process that will never import highspy."""
    from ortools import __version__ as ortools_version
    from ortools.sat.python import cp_model

    start = time.perf_counter()
    cp, x, exact_rows = build(model)
    scale, c_int, residual = objective_scale(model.objective)
    cp.Maximize(cp_model.LinearExpr.WeightedSum(x, c_int.tolist()))
    solver = _solver(options.time_limit, options.threads)
    solver.parameters.relative_gap_limit = float(options.mip_gap)
    code = solver.Solve(cp)
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    values = binary([solver.Value(v) for v in x]) if found else None
    objective = float(model.objective @ values) if found else None
    bound = (solver.BestObjectiveBound() + residual * _most_selected(model)) / scale if found else None
    proved = code == cp_model.OPTIMAL and exact_rows
    state = status_of(found, proved, found and code == cp_model.FEASIBLE, code == cp_model.INFEASIBLE, objective, bound)
    detail = f"objective ×{scale}" + ("" if residual == 0 else f", rounding bound {residual * _most_selected(model) / scale:.2e}")
    tiebreak_done = False
    remaining = options.time_limit - (time.perf_counter() - start)
    if state == "optimal" and options.tiebreak and remaining > 0 and x:
        best = int(round(solver.ObjectiveValue()))
        cp.Add(cp_model.LinearExpr.WeightedSum(x, c_int.tolist()) >= best)
        cp.Maximize(cp_model.LinearExpr.WeightedSum(x, model.tiebreak.astype(np.int64).tolist()))
        for variable, value in zip(x, values):
            cp.AddHint(variable, int(value))
        second = _solver(remaining, options.threads)
        if second.Solve(cp) == cp_model.OPTIMAL:
            values, tiebreak_done = binary([second.Value(v) for v in x]), True
    return RawResult(
        state,
        values,
        float(model.objective @ values) if values is not None else None,
        bound,
        time.perf_counter() - start,
        "cpsat",
        f"CP-SAT (OR-Tools {ortools_version})",
        tiebreak_done,
        detail,
    )


if __name__ == "__main__":
    from solver.backends.worker import serve

    serve(lambda payload, tick: solve_here(*payload))
