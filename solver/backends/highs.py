"""HiGHS through highspy, fed whole arrays (CSR) — the default backend.

Every solve gets a fresh ``Highs`` object holding exactly the model it is asked about; no run reuses an object an
earlier run has touched (with highspy 1.16 a re-run after ``addRow``/``changeColsCost``/``setSolution`` returned a
non-optimal tie-break while reporting the first phase as optimal). HiGHS's thread pool is process-wide and fixed
by the first parallel run; asking a later ``Highs`` for another thread count makes its run fail (status
``kNotset``), so the count is fixed once per process (``process_threads``) and every instance uses that count.
Library output goes to the log, never to stdout (``solver.backends.quiet``).
"""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass, replace

import highspy
import numpy as np
import scipy.sparse as sp

from solver.backends.base import (
    WATCHDOG_GRACE_S,
    WATCHDOG_GRACE_SHARE,
    RawResult,
    SolveOptions,
    binary,
    status_of,
    tie_tolerance,
    tiebreak_fits,
    watchdog_after,
)
from solver.backends.quiet import library_output_to_log
from solver.model import Model

Status = highspy.HighsModelStatus
# HiGHS's sub-MIP heuristics, off where a run starts from a strong list: the plan's proof (bench/README.md: 18.9 s →
# 3.8 s from the optimal plan) and its warm tie-break (``solver.backends.highs_plan``)
HEURISTICS_OFF = {
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
    "mip_heuristic_run_feasibility_jump": False,
    "mip_heuristic_effort": 0.0,
}

_threads_lock = threading.Lock()
_process_threads: int | None = None


def process_threads(requested: int = 0) -> int:
    """The thread count every ``Highs`` of this process uses: the first request fixes it (0 = HiGHS's default)."""
    global _process_threads
    with _threads_lock:
        if _process_threads is None:
            _process_threads = int(requested)
        return _process_threads


_abandoned: list[threading.Thread] = []  # runs the watchdog gave up on; each holds its Highs object alive


def abandoned_runs() -> bool:
    """Whether a HiGHS run this process gave up on is still going. Its C++ threads would abort the interpreter's
    normal exit ("terminate called without an active exception"), so a command line that ends while one is running
    leaves with ``os._exit`` (``baicun.cli.main``)."""
    with _threads_lock:
        return any(thread.is_alive() for thread in _abandoned)


@functools.cache
def version() -> str:
    with library_output_to_log():
        h = highspy.Highs()
    return f"HiGHS {h.version()}" if hasattr(h, "version") else "HiGHS"


def _finite(values: np.ndarray) -> np.ndarray:
    return np.clip(values, -highspy.kHighsInf, highspy.kHighsInf)


def make_highs(objective, matrix, row_low, row_high, col_low, col_high, integer, maximize: bool = True, threads: int = 0) -> highspy.Highs:
    """A new HiGHS instance holding the given arrays (CSR matrix), quiet and deterministic. ``threads`` only
    counts for the first instance of the process (see the module doc)."""
    n, m = len(objective), matrix.shape[0]
    with library_output_to_log():
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    fixed = process_threads(threads)
    if fixed:
        h.setOptionValue("threads", fixed)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, m
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    lp.col_cost_ = np.asarray(objective, dtype=float)
    lp.col_lower_, lp.col_upper_ = _finite(np.asarray(col_low, dtype=float)), _finite(np.asarray(col_high, dtype=float))
    lp.row_lower_, lp.row_upper_ = _finite(np.asarray(row_low, dtype=float)), _finite(np.asarray(row_high, dtype=float))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, m
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(float)
    lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integer]
    h.passModel(lp)
    return h


def run(h: highspy.Highs, time_limit: float | None = None) -> Status:
    """Run a HiGHS instance with its output kept off stdout; its model status (``kInterrupt`` when the watchdog
    had to stop it, see ``run_watched``)."""
    status, _ = run_watched(h, time_limit)
    return Status.kInterrupt if status is None else status


# highspy keeps the "solver running" locks of startSolve on the class, not the instance: a second watched run
# started in another thread (two sessions of the app, the app's background margins) fails with "Solver is already
# running". Watched runs therefore take turns in a process.
_one_watched_run = threading.Lock()


def run_watched(h: highspy.Highs, time_limit: float | None = None) -> tuple[Status | None, str]:
    """(model status, how it stopped): HiGHS is asked to stop at ``time_limit``; if it is still running at
    ``watchdog_after(time_limit)`` (HiGHS does not look at the clock everywhere — a 10,000-item knapsack stayed in
    presolve for minutes past its limit), ``cancelSolve`` interrupts it at its next callback. A run that does not
    come back within another grace is abandoned to its thread: status None, and the caller must not touch ``h``."""
    if time_limit is None:
        with library_output_to_log():
            h.run()
        return h.getModelStatus(), ""
    h.setOptionValue("time_limit", max(float(time_limit), 0.01))
    h.HandleUserInterrupt = True
    with _one_watched_run, library_output_to_log():
        thread = h.startSolve()
        finished, _ = h.wait(watchdog_after(time_limit))
        if not finished:
            h.cancelSolve()
            finished, _ = h.wait(WATCHDOG_GRACE_S + WATCHDOG_GRACE_SHARE * time_limit)
    if not finished:
        with _threads_lock:
            _abandoned.append(thread)
        return None, "watchdog"
    status = h.getModelStatus()
    if status == Status.kInterrupt:
        return status, "watchdog"
    return status, "time_limit" if status == Status.kTimeLimit else ""


@dataclass(frozen=True)
class FirstPhase:
    """One HiGHS run of the first phase: its model status (None: abandoned by the watchdog, ``kInterrupt``: stopped
    by it), its list (None: none found), its dual bound and how it stopped ("" / "time_limit" / "watchdog")."""

    status: Status | None
    x: np.ndarray | None
    bound: float | None
    stopped: str


def solve(model: Model, options: SolveOptions, start: np.ndarray | None = None) -> RawResult:
    """Phase 1 from ``start`` (when given) — for a multi-year plan asked for a tighter gap than a first plan gives,
    the three steps of ``solver.backends.highs_plan`` — then the tie-break in the time left (module doc of
    solver.backends)."""
    began = time.perf_counter()
    from solver.backends import highs_plan

    first = highs_plan.solve_plan(model, options, start) if highs_plan.applies(model, options) else first_phase(model, options, start)
    if first.status is None:
        return RawResult("time_limit", None, None, None, time.perf_counter() - began, "highs", version(), stopped=first.stopped)
    x = first.x
    objective = float(model.objective @ x) if x is not None else None
    infeasible = first.status == Status.kInfeasible
    state = status_of(x is not None, first.status == Status.kOptimal, bool(first.stopped), infeasible, objective, first.bound)
    tiebreak_done = False
    elapsed = time.perf_counter() - began
    remaining = options.time_limit - elapsed
    if state == "optimal" and options.tiebreak and tiebreak_fits(elapsed, remaining) and len(model.objective):
        x, tiebreak_done = tiebreak(model, x, objective, remaining, options.threads, warm=model.year is not None)
    return RawResult(
        state,
        x,
        float(model.objective @ x) if x is not None else None,
        first.bound,
        time.perf_counter() - began,
        "highs",
        version(),
        tiebreak_done,
        stopped=first.stopped,
    )


def first_phase(
    model: Model, options: SolveOptions, start: np.ndarray | None = None, low: np.ndarray | None = None, high: np.ndarray | None = None, **settings
) -> FirstPhase:
    """The greatest total score by one HiGHS run from ``start`` (when given) to ``options.mip_gap`` within
    ``options.time_limit``, every column between ``low`` and ``high`` (0 and 1 when not given: ``highs_plan``
    holds the columns outside a neighbourhood at its plan); ``settings`` are further HiGHS options (``highs_plan``
    turns heuristics off)."""
    began = time.perf_counter()
    n = len(model.objective)
    low, high = np.zeros(n) if low is None else low, np.ones(n) if high is None else high
    h = make_highs(model.objective, model.matrix, model.row_low, model.row_high, low, high, np.ones(n, dtype=bool), threads=options.threads)
    h.setOptionValue("mip_rel_gap", float(options.mip_gap))
    for name, value in settings.items():
        h.setOptionValue(name, value)
    if start is not None:
        h.setSolution(_solution(start))
    status, stopped = run_watched(h, options.time_limit)
    if status is None:
        return FirstPhase(None, None, None, stopped)
    found = h.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
    x = binary(h.getSolution().col_value) if found else None
    bound = _dual_bound(h) if status != Status.kInfeasible else None  # also without a list: it bounds the start's gap
    if status == Status.kOptimal and start is not None and not _claim_holds(h, float(model.objective @ x) if found else None):
        # highspy 1.16, given a start, can report "optimal" with an objective value (and dual bound) that its
        # returned columns — the start itself — do not reach (tests/test_reduce.py, price test, seed 35): the same
        # model solved without the start is proved in the time left.
        left = options.time_limit - (time.perf_counter() - began)
        if left > 0:
            return first_phase(model, replace(options, time_limit=left), None, low, high, **settings)
    return FirstPhase(status, x, bound, stopped)


def _claim_holds(h: highspy.Highs, objective: float | None) -> bool:
    """Does the objective value HiGHS reports belong to the columns it returned?"""
    claimed = float(h.getInfo().objective_function_value)
    return objective is not None and abs(claimed - objective) <= 1e-9 * max(1.0, abs(objective))


def _solution(x: np.ndarray) -> highspy.HighsSolution:
    solution = highspy.HighsSolution()
    solution.col_value = np.asarray(x, dtype=float)
    solution.value_valid = True
    return solution


def _dual_bound(h: highspy.Highs) -> float | None:
    bound = float(h.getInfo().mip_dual_bound)
    return bound if np.isfinite(bound) else None


def tiebreak(model: Model, x: np.ndarray, objective: float, remaining: float, threads: int = 0, warm: bool = False) -> tuple[np.ndarray, bool]:
    """The second phase on a model of its own: the same rows plus Σ s_i x_i ≥ z* − tolerance, maximising the
    tie-break values. Keeps ``x`` unless the second phase is proven optimal *and* its value reaches its own dual
    bound: highspy 1.16, given the first phase's shortlist as a start, returned that start as "optimal" below a
    dual bound it had proved (seed 37 of ``tests/test_reduce.py``), so the claim is checked. ``warm`` (a plan)
    starts from ``x`` with the sub-MIP heuristics off — the sample five-year plan's
    tie-break took 100 s cold and 16.5 s warm on a loaded machine — and falls back to a cold run in the time left
    when the warm claim does not hold."""
    began = time.perf_counter()
    n = len(model.objective)
    matrix = sp.vstack([model.matrix, sp.csr_matrix(model.objective.reshape(1, -1))], format="csr")
    low = np.append(model.row_low, objective - tie_tolerance(objective))
    high = np.append(model.row_high, np.inf)
    h = make_highs(model.tiebreak, matrix, low, high, np.zeros(n), np.ones(n), np.ones(n, dtype=bool), threads=threads)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.5)  # the tie-break values are integers
    if warm:
        for name, value in HEURISTICS_OFF.items():
            h.setOptionValue(name, value)
        h.setSolution(_solution(x))
    second = _proved_tiebreak(h, model, objective, remaining)
    if second is None and warm:
        return tiebreak(model, x, objective, remaining - (time.perf_counter() - began), threads)
    return (x, False) if second is None else (second, True)


def _proved_tiebreak(h: highspy.Highs, model: Model, objective: float, remaining: float) -> np.ndarray | None:
    if remaining <= 0 or run_watched(h, remaining)[0] != Status.kOptimal or h.getInfo().primal_solution_status != 2:
        return None
    second = binary(h.getSolution().col_value)
    proved = model.tiebreak @ second >= h.getInfo().mip_dual_bound - 0.5
    if not proved or model.objective @ second < objective - tie_tolerance(objective):
        return None
    return second
