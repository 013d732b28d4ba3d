"""CBC through PuLP. PuLP builds one expression per row, which is fine at province scale and gives auditable
.lp/.mps files; the national path uses HiGHS."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sysconfig
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pulp

from solver.backends.base import (
    WATCHDOG_GRACE_S,
    WATCHDOG_GRACE_SHARE,
    RawResult,
    SolveOptions,
    binary,
    status_of,
    tie_tolerance,
    tiebreak_fits,
    watchdog,
    watchdog_after,
)
from solver.backends.quiet import library_output_to_log
from solver.model import Model


def build(model: Model) -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
    """The PuLP problem. A row left without variables (every village of a ``must_exclude`` row dropped by the safe
    reduction, say) is not written: 0 satisfies its bounds, which ``solve`` checks first (``empty_rows_infeasible``)."""
    problem = pulp.LpProblem("baicun", pulp.LpMaximize)
    x = [problem.add_variable(f"x{i}", 0, 1, cat=pulp.LpBinary) for i in range(len(model.objective))]
    problem += pulp.LpAffineExpression(zip(x, model.objective.tolist()))
    matrix = model.matrix
    names = model.row_names()
    for r in range(matrix.shape[0]):
        row = slice(matrix.indptr[r], matrix.indptr[r + 1])
        if row.start == row.stop:
            continue
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


def empty_rows_infeasible(model: Model) -> bool:
    """A row without variables whose bounds exclude 0: no shortlist can satisfy it."""
    empty = np.diff(model.matrix.indptr) == 0
    return bool(np.any(empty & ((model.row_low > 0) | (model.row_high < 0))))


def cbc_executable() -> str | None:
    """The CBC that the ``pulp[cbc]`` extra installs beside this Python (found even when its environment is not
    activated), else one on PATH; None means PuLP's bundled copy, which PuLP 3.3 deprecates."""
    beside = Path(sysconfig.get_path("scripts")) / "cbc"
    return str(beside) if beside.exists() else shutil.which("cbc")


def _solver(time_limit: float, gap: float, threads: int, folder: str, warm: bool = False):
    """CBC asked to stop after ``time_limit`` seconds of wall time (its default counts CPU time, which a busy machine
    stretches) and to keep its files in ``folder`` (how the watchdog finds this run's process)."""
    executable = cbc_executable()
    options = dict(
        msg=False,
        timeLimit=round(max(float(time_limit), 0.1), 3),
        timeMode="elapsed",
        gapRel=gap,
        gapAbs=0.0 if gap == 0 else None,
        threads=threads or None,
        warmStart=warm,
    )
    solver = pulp.COIN_CMD(path=executable, **options) if executable else pulp.PULP_CBC_CMD(**options)
    solver.tmpDir = folder
    return solver


def run_watched(problem: pulp.LpProblem, solver, time_limit: float) -> str:
    """Solve; "" when CBC ended by itself, "watchdog" when it overran ``watchdog_after(time_limit)`` and was
    interrupted (SIGINT: CBC stops and writes its best list) — then killed if it still did not stop."""

    killer = threading.Timer(WATCHDOG_GRACE_S + WATCHDOG_GRACE_SHARE * time_limit, lambda: kill())
    killer.daemon = True  # never holds the interpreter open at exit

    def interrupt():
        for pid in _our_cbc_processes(solver.tmpDir):
            _signal(pid, signal.SIGINT)
        killer.start()

    def kill():
        for pid in _our_cbc_processes(solver.tmpDir):
            _signal(pid, signal.SIGKILL)

    with library_output_to_log(), watchdog(watchdog_after(time_limit), interrupt) as dog:
        try:
            problem.solve(solver)
        except pulp.PulpSolverError:
            if not dog["fired"]:
                raise
        finally:
            killer.cancel()  # CBC has ended: nothing left to kill (the timer used to keep the command alive ~1 s)
    return "watchdog" if dog["fired"] else ""


def _our_cbc_processes(folder: str) -> list[int]:
    """Child processes of this one whose command line names ``folder`` (Linux /proc; elsewhere none)."""
    me, found = os.getpid(), []
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == me and folder in (entry / "cmdline").read_text(errors="replace"):
                found.append(int(entry.name))
    return found


def _signal(pid: int, number: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, number)


def solve(model: Model, options: SolveOptions, start: np.ndarray | None = None) -> RawResult:
    began = time.perf_counter()
    if empty_rows_infeasible(model):
        return RawResult("infeasible", None, None, None, time.perf_counter() - began, "cbc", version())
    problem, x = build(model)
    if start is not None:
        for variable, value in zip(x, start):
            variable.setInitialValue(int(value))
    with tempfile.TemporaryDirectory(prefix="baicun-cbc-") as folder:
        stopped = run_watched(problem, _solver(options.time_limit, options.mip_gap, options.threads, folder, start is not None), options.time_limit)
    infeasible = problem.status == pulp.LpStatusInfeasible
    found = problem.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    values = binary([v.value() or 0 for v in x]) if found else None
    objective = float(model.objective @ values) if found else None
    proved = problem.sol_status == pulp.LpSolutionOptimal and not stopped
    # CBC stops for a time limit (or the watchdog's interrupt) and, with our options, for nothing else but a proof.
    stopped = stopped or ("time_limit" if not proved and not infeasible else "")
    # CBC through PuLP reports no dual bound; a proof of optimality means the bound equals the objective.
    bound = objective if proved and options.mip_gap == 0 else None
    state = status_of(found, proved and options.mip_gap == 0, bool(stopped), infeasible, objective, bound)
    tiebreak_done = False
    first = time.perf_counter() - began
    remaining = options.time_limit - first
    if state == "optimal" and options.tiebreak and remaining > 0.5 and tiebreak_fits(first, remaining) and len(x):
        values, tiebreak_done = _tiebreak(problem, x, model, values, objective, remaining, options.threads)
    return RawResult(
        state,
        values,
        float(model.objective @ values) if values is not None else None,
        bound,
        time.perf_counter() - began,
        "cbc",
        version(),
        tiebreak_done,
        stopped=stopped,
    )


def version() -> str:
    return f"CBC (PuLP {pulp.__version__})"


def _tiebreak(problem, x, model: Model, values, objective: float, remaining: float, threads: int):
    problem += (pulp.LpAffineExpression(zip(x, model.objective.tolist())) >= objective - tie_tolerance(objective), "tiebreak_floor")
    problem.setObjective(pulp.LpAffineExpression(zip(x, model.tiebreak.tolist())))
    for variable, value in zip(x, values):
        variable.setInitialValue(int(value))
    with tempfile.TemporaryDirectory(prefix="baicun-cbc-") as folder:
        run_watched(problem, _solver(remaining, 0.0, threads, folder, warm=True), remaining)
    if problem.sol_status != pulp.LpSolutionOptimal:
        return values, False
    second = binary([v.value() or 0 for v in x])
    if model.objective @ second < objective - tie_tolerance(objective):
        return values, False
    return second, True
