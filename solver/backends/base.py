"""What every backend takes and returns, and the one place where a solver's outcome becomes a status."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

OPTIMAL_GAP = 1e-6  # relative: a proven gap at most this is reported as optimal


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float = 60.0
    mip_gap: float = 0.0
    threads: int = 0
    tiebreak: bool = True
    reduce: bool = True  # drop provably dominated villages first (solver/reduce.py)


@dataclass(frozen=True)
class RawResult:
    status: str  # optimal | feasible | time_limit | infeasible | error
    x: np.ndarray | None  # 0/1 per variable
    objective: float | None  # Σ score of the shortlist
    bound: float | None  # proven upper bound on the optimum (None when the solver gives none)
    seconds: float
    backend: str
    version: str
    tiebreak_done: bool = False
    detail: str = ""

    @property
    def gap(self) -> float | None:
        return relative_gap(self.objective, self.bound)


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return max(0.0, bound - objective) / max(abs(objective), 1e-10)


def status_of(found: bool, proved: bool, timed_out: bool, infeasible: bool, objective, bound) -> str:
    """Optimal only when proven within ``OPTIMAL_GAP``; a solution stopped by a gap tolerance is feasible; one
    stopped by the clock is time_limit; never optimal on a solver's word alone."""
    if infeasible:
        return "infeasible"
    if not found:
        return "time_limit" if timed_out else "error"
    gap = relative_gap(objective, bound)
    if proved and gap is not None and gap <= OPTIMAL_GAP:
        return "optimal"
    return "time_limit" if timed_out else "feasible"


def binary(values) -> np.ndarray:
    return (np.asarray(values, dtype=float) > 0.5).astype(np.int8)


def tie_tolerance(objective: float) -> float:
    """How far below the optimum the tie-break phase may look: only float rounding of equal totals."""
    return 1e-9 * max(1.0, abs(objective))
