"""A multi-year plan on HiGHS, found by a neighbourhood search and proved by HiGHS (issue 23; bench/README.md).

The plan's LP bound is tight — on the sample five-year plan HiGHS's root closes the gap to 10⁻⁶ in one node — but
HiGHS alone spends most of a proof (23–57 s) in its root sub-MIP heuristics looking for the last 10⁻⁵ of the
optimal plan. Given that plan, the proof with those heuristics off takes about 4 s. So a plan of three or more
years asked for a tighter gap than ``FIRST_GAP`` is solved as:

1. *A first plan*: HiGHS to ``FIRST_GAP`` (about 3 s on the sample), at most ``FIRST_SHARE`` of the time limit.
2. *A pass of year-pair neighbourhood search* (large neighbourhood search, Shaw 1998; the sub-MIP form of RINS,
   Danna, Rothberg and Le Pape 2005): for each pair of years, the villages planned in either year or not planned
   at all are set free and every other village is kept in its year; HiGHS solves that smaller MIP from the
   current plan and a better plan replaces it. Each neighbourhood contains the current plan, so the plan never
   gets worse; the search only looks for plans, it proves nothing.
3. *A proof*: the whole model from the best plan with HiGHS's sub-MIP heuristics (RINS, RENS, root reduced-cost,
   feasibility jump) off, cut at max(``PROOF_FLOOR_S``, ``PROOF_FACTOR`` × the first plan's time) — from the
   optimal plan it takes about as long as the first plan; from a worse one it stalls near a gap of 10⁻⁵.
4. Unproved: steps 2–3 again from the best plan while a pass still improves it and ``SEARCH_SHARE`` of the time
   limit has not passed; then one run with the heuristics on, from the best plan, in all the time left.

Only a proof (step 3 or 4) makes a list "optimal", and it is HiGHS's own proof on the whole model, so the answer
is as exact as a single run's; the search changes how fast it comes. The bound reported is the lowest any run
proved. On the sample plan (``bench/bench_plan.py``) the first pass finds the optimal plan and the first proof
closes it: 12–14 s in all against 23–25 s for HiGHS alone on a quiet machine (40–57 s in earlier runs).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import replace

import numpy as np

from solver.backends.base import SolveOptions, relative_gap
from solver.backends.highs import HEURISTICS_OFF, FirstPhase, Status, first_phase
from solver.model import Model
from solver.start import satisfies

FIRST_GAP = 1e-4  # the first plan's relative gap: found in seconds, then improved by the search
FIRST_SHARE = 0.25  # of the time limit, at most, for the first plan
SEARCH_SHARE = 0.5  # of the time limit: the search stops once this much has passed since the start
HIGHS_ABS_GAP = 1e-6  # HiGHS's default mip_abs_gap, which a single run also stops at (objectives are scaled to σ = 1)
NEIGHBOURHOOD_FLOOR_S = 1.0  # each neighbourhood gets max(this, a third of the first plan's time)
# a proof from a strong plan takes about as long as the first plan; one that stalls (the plan was not optimal) is
# cut at max(floor, factor × the first plan's time) and the search goes on from its best plan
PROOF_FLOOR_S, PROOF_FACTOR = 5.0, 3.0


def applies(model: Model, options: SolveOptions) -> bool:
    """A plan of three or more years (with two, a pair of years frees every village) asked for a gap below
    ``FIRST_GAP``."""
    return model.year is not None and options.mip_gap < FIRST_GAP and len(planned_years(model)) >= 3


def planned_years(model: Model) -> np.ndarray:
    return np.unique(model.year[model.choice])


def solve_plan(model: Model, options: SolveOptions, start: np.ndarray | None = None, first_gap: float = FIRST_GAP) -> FirstPhase:
    """The greatest total score of a plan in the cumulative form (``solver.model.cumulative``), by the three steps
    of the module doc, within ``options.time_limit`` seconds; the same contract as ``highs.first_phase``. The
    first plan stops at ``first_gap`` (tests pass 1: HiGHS's first plan, to try the later steps from a poor one)."""
    began = time.perf_counter()
    limit = options.time_limit

    def left() -> float:
        return max(limit - (time.perf_counter() - began), 0.01)

    first = first_phase(model, replace(options, mip_gap=first_gap, time_limit=FIRST_SHARE * limit), start)
    first_seconds = time.perf_counter() - began
    if first.status is None or first.status == Status.kInfeasible or _within(model, first, options.mip_gap):
        return first
    if first.x is None:  # no plan within its share of the time: the rest goes to one plain run
        return first_phase(model, replace(options, time_limit=left()), start)
    plan, bound = first.x, first.bound
    search_until = began + SEARCH_SHARE * limit
    improved = True
    while improved and time.perf_counter() < search_until:
        plan, improved = year_pair_pass(model, plan, search_until, max(NEIGHBOURHOOD_FLOOR_S, first_seconds / 3), options.threads)
        proof = first_phase(model, replace(options, time_limit=min(max(PROOF_FLOOR_S, PROOF_FACTOR * first_seconds), left())), plan, **HEURISTICS_OFF)
        if proof.status == Status.kOptimal:
            return proof
        if proof.status is None:  # abandoned by the watchdog: the search's plan, unproved
            return FirstPhase(Status.kInterrupt, plan, bound, proof.stopped)
        plan, bound = _better(model, proof.x, plan), _lower(bound, proof.bound)
    final = first_phase(model, replace(options, time_limit=left()), plan)
    if final.status is None:
        return FirstPhase(Status.kInterrupt, plan, bound, final.stopped)
    return replace(final, x=_better(model, final.x, plan), bound=_lower(bound, final.bound))


def year_pair_pass(model: Model, plan: np.ndarray, deadline: float, each_s: float, threads: int = 0) -> tuple[np.ndarray, bool]:
    """One pass of step 2 of the module doc: ``plan`` (0/1 per column of the cumulative form, meeting every row)
    improved by exact solves over each year-pair neighbourhood in turn, until ``deadline`` (``time.perf_counter``);
    each neighbourhood gets at most ``each_s`` seconds. Returns a plan meeting every row whose total score is at
    least ``plan``'s, and whether it is better."""
    improved = False
    for pair in itertools.combinations(planned_years(model), 2):
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        better = solve_neighbourhood(model, plan, free_in_years(model, plan, pair), min(each_s, left), threads)
        if better is not None and model.objective @ better > model.objective @ plan + 1e-9 * max(1.0, abs(model.objective @ plan)):
            plan, improved = better, True
    return plan, improved


def free_in_years(model: Model, plan: np.ndarray, years) -> np.ndarray:
    """Columns set free for ``years``: every column of the villages ``plan`` puts in one of those years or leaves
    out, and every column that is not a village decision (belt indicators)."""
    chosen = model.choice & (plan > 0.5)
    first_year = np.full(model.village.max() + 1 if len(model.village) else 0, 0)
    order = np.argsort(-model.year[chosen], kind="stable")  # later years first, so the earliest is written last
    first_year[model.village[chosen][order]] = model.year[chosen][order]
    village_free = (first_year == 0) | np.isin(first_year, list(years))
    return ~model.choice | village_free[model.village]


def solve_neighbourhood(model: Model, plan: np.ndarray, free: np.ndarray, seconds: float, threads: int = 0) -> np.ndarray | None:
    """The best plan HiGHS finds within ``seconds`` with the columns outside ``free`` held at ``plan``'s values,
    started from ``plan``; None when it returns none that meets every row."""
    options = SolveOptions(time_limit=seconds, mip_gap=0.0, threads=threads)
    run = first_phase(model, options, plan, low=np.where(free, 0.0, plan), high=np.where(free, 1.0, plan))
    if run.x is None or not satisfies(model.matrix, model.row_low, model.row_high, run.x):
        return None
    return run.x


def _within(model: Model, run: FirstPhase, gap: float) -> bool:
    """Has the first plan already been proved to ``gap`` (``base.relative_gap``), or to HiGHS's absolute gap, at
    which a single run also stops?"""
    if run.status != Status.kOptimal or run.bound is None:
        return False
    value = float(model.objective @ run.x)
    return relative_gap(value, run.bound) <= gap or run.bound - value <= HIGHS_ABS_GAP


def _lower(a: float | None, b: float | None) -> float | None:
    return min((v for v in (a, b) if v is not None), default=None)


def _better(model: Model, x: np.ndarray | None, plan: np.ndarray) -> np.ndarray:
    return plan if x is None or model.objective @ x < model.objective @ plan else x
