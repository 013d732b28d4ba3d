"""HiGHS through highspy, fed whole arrays (CSR) — the default backend."""

from __future__ import annotations

import time

import highspy
import numpy as np

from solver.backends.base import RawResult, SolveOptions, binary, status_of, tie_tolerance
from solver.model import Model

Status = highspy.HighsModelStatus


def _version() -> str:
    h = highspy.Highs()
    return f"HiGHS {h.version()}" if hasattr(h, "version") else "HiGHS"


def _finite(values: np.ndarray) -> np.ndarray:
    return np.clip(values, -highspy.kHighsInf, highspy.kHighsInf)


def make_highs(objective, matrix, row_low, row_high, col_low, col_high, integer, maximize: bool = True, threads: int = 0) -> highspy.Highs:
    """A HiGHS instance holding the given arrays (CSR matrix), quiet and deterministic."""
    n, m = len(objective), matrix.shape[0]
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    if threads:
        h.setOptionValue("threads", int(threads))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, m
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    lp.col_cost_ = np.asarray(objective, dtype=float)
    lp.col_lower_, lp.col_upper_ = _finite(np.asarray(col_low, dtype=float)), _finite(np.asarray(col_high, dtype=float))
    lp.row_lower_, lp.row_upper_ = _finite(row_low), _finite(row_high)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, m
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(float)
    lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integer]
    h.passModel(lp)
    return h


def build(model: Model, options: SolveOptions) -> highspy.Highs:
    n = len(model.objective)
    return make_highs(model.objective, model.matrix, model.row_low, model.row_high, np.zeros(n), np.ones(n),
                      np.ones(n, dtype=bool), threads=options.threads)


def _run(h: highspy.Highs, time_limit: float) -> None:
    h.setOptionValue("time_limit", max(float(time_limit), 0.01))
    h.run()


def solve(model: Model, options: SolveOptions) -> RawResult:
    start = time.perf_counter()
    n = len(model.objective)
    h = build(model, options)
    h.setOptionValue("mip_rel_gap", float(options.mip_gap))
    _run(h, options.time_limit)
    status = h.getModelStatus()
    found = h.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
    x = binary(h.getSolution().col_value) if found else None
    objective = float(model.objective @ x) if found else None
    bound = float(h.getInfo().mip_dual_bound) if found else None
    proved = status == Status.kOptimal
    state = status_of(found, proved, status == Status.kTimeLimit, status == Status.kInfeasible, objective, bound)
    tiebreak_done = False
    remaining = options.time_limit - (time.perf_counter() - start)
    if state == "optimal" and options.tiebreak and remaining > 0 and n:
        x, tiebreak_done = _tiebreak(h, model, x, objective, remaining)
    return RawResult(state, x, float(model.objective @ x) if x is not None else None, bound, time.perf_counter() - start,
                     "highs", _version(), tiebreak_done)


def _tiebreak(h: highspy.Highs, model: Model, x: np.ndarray, objective: float, remaining: float) -> tuple[np.ndarray, bool]:
    n = len(model.objective)
    columns = np.arange(n, dtype=np.int32)
    h.addRow(objective - tie_tolerance(objective), highspy.kHighsInf, n, columns, model.objective.astype(float))
    h.changeColsCost(n, columns, model.tiebreak.astype(float))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.5)  # the tie-break values are integers
    solution = highspy.HighsSolution()
    solution.col_value = x.astype(float).tolist()
    solution.value_valid = True
    h.setSolution(solution)
    _run(h, remaining)
    if h.getModelStatus() != Status.kOptimal:
        return x, False
    second = binary(h.getSolution().col_value)
    if model.objective @ second < objective - tie_tolerance(objective):
        return x, False
    return second, True
