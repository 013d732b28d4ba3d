"""CBC through PuLP. PuLP builds one expression per row, which is fine at province scale and gives auditable
.lp/.mps files; the national path uses HiGHS."""

from __future__ import annotations

import shutil
import sysconfig
import time
from pathlib import Path

import numpy as np
import pulp

from solver.backends.base import RawResult, SolveOptions, binary, status_of, tie_tolerance
from solver.backends.quiet import library_output_to_log
from solver.model import Model


def build(model: Model) -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
    problem = pulp.LpProblem("baicun", pulp.LpMaximize)
    x = [problem.add_variable(f"x{i}", 0, 1, cat=pulp.LpBinary) for i in range(len(model.objective))]
    problem += pulp.LpAffineExpression(zip(x, model.objective.tolist()))
    matrix = model.matrix
    names = model.row_names()
    for r in range(matrix.shape[0]):
        row = slice(matrix.indptr[r], matrix.indptr[r + 1])
        expr = pulp.LpAffineExpression(zip((x[j] for j in matrix.indices[row]), matrix.data[row].tolist()))
        low, high = model.row_low[r], model.row_high[r]
        safe = f"r{r}_" + "".join(ch if ch.isalnum() else "_" for ch in names[r])[:40]
        if np.isfinite(low) and low == high:
            problem += (expr == low, safe)
            continue
        if np.isfinite(low):
            problem += (expr >= low, safe + "_lo")
        if np.isfinite(high):
            problem += (expr <= high, safe + "_hi")
    return problem, x


def cbc_executable() -> str | None:
    """The CBC that the ``pulp[cbc]`` extra installs beside this Python (found even when its environment is not
    activated), else one on PATH; None means PuLP's bundled copy, which PuLP 3.3 deprecates."""
    beside = Path(sysconfig.get_path("scripts")) / "cbc"
    return str(beside) if beside.exists() else shutil.which("cbc")


def _solver(time_limit: float, gap: float, threads: int, warm: bool = False):
    executable = cbc_executable()
    options = dict(
        msg=False, timeLimit=max(1, int(np.ceil(time_limit))), gapRel=gap, gapAbs=0.0 if gap == 0 else None, threads=threads or None, warmStart=warm
    )
    return pulp.COIN_CMD(path=executable, **options) if executable else pulp.PULP_CBC_CMD(**options)


def solve(model: Model, options: SolveOptions) -> RawResult:
    start = time.perf_counter()
    problem, x = build(model)
    with library_output_to_log():
        problem.solve(_solver(options.time_limit, options.mip_gap, options.threads))
    infeasible = problem.status == pulp.LpStatusInfeasible
    found = problem.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    values = binary([v.value() or 0 for v in x]) if found else None
    objective = float(model.objective @ values) if found else None
    proved = problem.sol_status == pulp.LpSolutionOptimal
    timed_out = found and not proved
    # CBC through PuLP reports no dual bound; a proof of optimality means the bound equals the objective.
    bound = objective if proved and options.mip_gap == 0 else None
    state = status_of(found, proved and options.mip_gap == 0, timed_out, infeasible, objective, bound)
    tiebreak_done = False
    remaining = options.time_limit - (time.perf_counter() - start)
    if state == "optimal" and options.tiebreak and remaining > 1 and len(x):
        values, tiebreak_done = _tiebreak(problem, x, model, values, objective, remaining, options.threads)
    return RawResult(
        state,
        values,
        float(model.objective @ values) if values is not None else None,
        bound,
        time.perf_counter() - start,
        "cbc",
        f"CBC (PuLP {pulp.__version__})",
        tiebreak_done,
    )


def _tiebreak(problem, x, model: Model, values, objective: float, remaining: float, threads: int):
    problem += (pulp.LpAffineExpression(zip(x, model.objective.tolist())) >= objective - tie_tolerance(objective), "tiebreak_floor")
    problem.setObjective(pulp.LpAffineExpression(zip(x, model.tiebreak.tolist())))
    for variable, value in zip(x, values):
        variable.setInitialValue(int(value))
    with library_output_to_log():
        problem.solve(_solver(remaining, 0.0, threads, warm=True))
    if problem.sol_status != pulp.LpSolutionOptimal:
        return values, False
    second = binary([v.value() or 0 for v in x])
    if model.objective @ second < objective - tie_tolerance(objective):
        return values, False
    return second, True
