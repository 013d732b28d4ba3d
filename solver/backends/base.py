"""What every backend takes and returns, and the one place where a solver's outcome becomes a status.

Statuses (the same words on every backend):

* ``optimal`` — a list, and a proven bound within ``OPTIMAL_GAP`` of it (relative to the score range, see
  ``relative_gap``); never on a solver's word alone.
* ``feasible`` — a list that is not proven optimal, with its gap when a bound is known; ``stopped`` says whether
  the clock ended the search (``time_limit``, or ``watchdog`` when the solver had to be stopped from outside).
* ``time_limit`` — the time limit passed before any feasible list was found (no list; exit code 5).
* ``infeasible`` — proven that no list satisfies every rule (exit code 1).
* ``error`` — the solver failed without a list.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

OPTIMAL_GAP = 1e-6  # relative to max(|objective|, score range): a proven gap at most this is reported as optimal

# The watchdog: a solver still running this long after its time limit is stopped from outside (HiGHS cancelSolve,
# CBC interrupted, the CP-SAT worker ended). The stated overhead of a time limit is this grace, per phase.
WATCHDOG_GRACE_S = 0.5
WATCHDOG_GRACE_SHARE = 0.02


def watchdog_after(time_limit: float) -> float:
    """Seconds after which a solver asked to stop at ``time_limit`` is stopped from outside."""
    return time_limit + WATCHDOG_GRACE_S + WATCHDOG_GRACE_SHARE * time_limit


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float = 60.0
    mip_gap: float = 0.0
    threads: int = 0
    tiebreak: bool = True
    reduce: bool = True  # drop provably dominated villages first (solver/reduce.py)
    start: bool = True  # compute a feasible start (solver/start.py) and hand it to the solver


@dataclass(frozen=True)
class RawResult:
    status: str  # optimal | feasible | time_limit | infeasible | error (see the module doc)
    x: np.ndarray | None  # 0/1 per variable
    objective: float | None  # Σ score of the shortlist
    bound: float | None  # proven upper bound on the optimum (None when the solver gives none)
    seconds: float
    backend: str
    version: str
    tiebreak_done: bool = False
    detail: str = ""
    stopped: str = ""  # "time_limit" | "watchdog" when the clock ended the search
    scale: float = 1.0  # the score range the gap is measured against (see relative_gap)
    from_start: bool = False  # the list is the feasible start (solver/start.py), the solver found none better

    @property
    def gap(self) -> float | None:
        return relative_gap(self.objective, self.bound, self.scale)


def relative_gap(objective: float | None, bound: float | None, scale: float = 1.0) -> float | None:
    """(bound − objective) / max(|objective|, scale): relative to the objective, or to the score range ``scale``
    (the largest |score|) when the objective is smaller — so an optimum of 0 (budget 0, every score 0) is proven
    the same way as any other, and the tolerance means the same at every scale of scores."""
    if objective is None or bound is None:
        return None
    return max(0.0, bound - objective) / max(abs(objective), scale, 1e-300)


def status_of(found: bool, proved: bool, timed_out: bool, infeasible: bool, objective, bound, scale: float = 1.0) -> str:
    """Optimal only when proven within ``OPTIMAL_GAP``; a list stopped by a gap tolerance or by the clock is
    feasible; no list when the clock stopped the search is time_limit; never optimal on a solver's word alone."""
    if infeasible:
        return "infeasible"
    if not found:
        return "time_limit" if timed_out else "error"
    gap = relative_gap(objective, bound, scale)
    if proved and gap is not None and gap <= OPTIMAL_GAP:
        return "optimal"
    return "feasible"


def binary(values) -> np.ndarray:
    return (np.asarray(values, dtype=float) > 0.5).astype(np.int8)


TIEBREAK_SHARE = 2.0  # the tie-break phase is started only with this many times the first phase's time left


def tiebreak_fits(first_phase_s: float, remaining: float) -> bool:
    """Whether to start the tie-break phase: only with at least ``TIEBREAK_SHARE`` times the first phase's time
    left (it costs about as much again when it finishes at all; bench/README.md); then it has all the time left.
    Otherwise it is not started and the outputs say so (``tiebreak_done`` False with status optimal): the five-year
    plan's proof took 57 s of 120 and its tie-break ran the other 63 s to the limit, to be thrown away. The
    decision depends on the clock only when the first phase took over a third of the time limit."""
    return remaining > 0 and remaining >= TIEBREAK_SHARE * first_phase_s


def tie_tolerance(objective: float) -> float:
    """How far below the optimum the tie-break phase may look: only float rounding of equal totals. Backends see
    the objective divided by the score range (``solver.backends``), so this is relative to that range."""
    return 1e-9 * max(1.0, abs(objective))


@contextmanager
def watchdog(seconds: float, stop):
    """Call ``stop()`` from another thread if the block is still running after ``seconds``; yields a dict whose
    ``"fired"`` says whether it did."""
    state = {"fired": False}

    def fire():
        state["fired"] = True
        stop()

    timer = threading.Timer(max(seconds, 0.0), fire)
    timer.daemon = True
    timer.start()
    try:
        yield state
    finally:
        timer.cancel()
