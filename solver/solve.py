"""One selection: resolve rules → compile → solve on a backend → check independently → ``Selection``.

A shortlist reaches the caller only after the checker has passed it and agreed with the solver's total score;
otherwise ``CheckFailed`` is raised and nothing is shown or saved.

The time limit bounds the whole selection: building the model, the safe reductions, the feasible start, presolve,
the search and the tie-break all come out of ``options.time_limit`` (the backends stop their solver from outside
when it overruns, ``solver.backends.base.watchdog_after``); only the checker runs after it, in time proportional
to the shortlist.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from contract.errors import Problem
from contract.scenario import Scenario
from pool.read import Pool
from scoring.score import Scores
from solver.backends import RawResult, SolveOptions, get_backend, warm
from solver.check import CheckReport, check_solution, objective_agrees
from solver.fixing import fix_by_reduced_costs
from solver.model import Model, compile_model
from solver.plan import resolve_plan
from solver.reduce import dominance_keep
from solver.rules import ResolvedRules, resolve_rules
from solver.spatial import resolve_spatial


class CheckFailed(RuntimeError):
    """The solver returned a shortlist that breaks a rule or misstates its score: a bug, never shown to users."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(p.render("en") for p in problems))


@dataclass(frozen=True)
class Selection:
    status: str  # optimal | feasible | time_limit | infeasible | error (solver.backends.base)
    selected: np.ndarray  # bool per pool row
    objective: float | None
    bound: float | None
    gap: float | None
    backend: str
    version: str
    rules: ResolvedRules
    model: Model
    check: CheckReport | None
    timings: dict = field(default_factory=dict)
    reduced_to: int | None = None  # variables left after safe reductions
    diagnosis: tuple[Problem, ...] = ()  # filled by the caller (analysis.diagnose) when infeasible
    tiebreak_done: bool = False
    detail: str = ""
    plan: object = None  # ResolvedPlan, with [plan]
    spatial: object = None  # ResolvedSpatial, with [spatial]
    year: np.ndarray | None = None  # plan year per pool row (0 = not in the plan), with [plan]
    time_limit: float | None = None  # seconds the selection was allowed
    stopped: str = ""  # "time_limit" | "watchdog": the clock ended the search (the list, if any, is not proven optimal)
    from_start: bool = False  # the list is the feasible start (solver/start.py): the solver found none better in time

    @property
    def found(self) -> bool:
        return self.check is not None

    @property
    def count(self) -> int:
        return int(self.selected.sum())

    def selected_ids(self, pool: Pool) -> list[str]:
        return pool.frame.loc[self.selected, "village_id"].tolist()

    def years(self, pool: Pool) -> pd.Series | None:
        """village_id → plan year of the selected villages (None without a plan)."""
        return plan_years(pool, self.selected, self.year)


def _empty(model: Model, backend: str) -> RawResult:
    """No eligible village: the empty shortlist is the only one, feasible exactly when every row admits 0."""
    feasible = bool(np.all(model.row_low <= 0) and np.all(model.row_high >= 0))
    return RawResult(
        "optimal" if feasible else "infeasible",
        np.zeros(0, dtype=np.int8) if feasible else None,
        0.0 if feasible else None,
        0.0 if feasible else None,
        0.0,
        backend,
        "no solver needed",
    )


def solve_reduced(model: Model, backend: str, options: SolveOptions) -> tuple[RawResult, int, float]:
    """Solve ``model`` after the safe reductions when ``options.reduce`` and the model is single-year: the dominance
    reduction (``solver/reduce.py``), then reduced-cost fixing (``solver/fixing.py``). Returns (result with ``x``
    over all of ``model``'s columns, the dropped ones 0 and the fixed ones at their value; columns solved; seconds
    the reductions took). Both claims hold for any model of this shape — the selection's, one without a rule (a
    price), one with a village forced in or out (what-if, margins) — so every re-solve uses them: the optimum, and
    the tie-break's choice among optima, are the whole model's."""
    began = time.perf_counter()
    warm(backend)  # a worker backend loads while the model is reduced
    simple = options.reduce and model.simple
    keep = dominance_keep(model) if simple else np.ones(len(model.objective), dtype=bool)
    reduced = model.subset(keep)
    fixing = fix_by_reduced_costs(reduced, options.time_limit - (time.perf_counter() - began), options.threads) if simple else None
    target = fixing.model if fixing else reduced
    reducing = time.perf_counter() - began
    left = replace(options, time_limit=max(options.time_limit - reducing, 0.01))
    if not len(target.objective):
        raw = _empty(target, backend)
        if fixing and raw.x is not None:
            raw = replace(raw, tiebreak_done=True)  # every column fixed: one shortlist is within τ of the optimum, no tie
    elif fixing and fixing.proved and not options.tiebreak and backend == "highs":
        raw = fixing.probe_result()  # the probe (HiGHS) proved the optimum; only a tie-break would need a solve
    else:
        given = {"start": fixing.start} if fixing and options.start else {}
        raw = get_backend(backend)(target, left, **given)
    if fixing:
        raw = fixing.applied(raw)
    if raw.x is not None:
        full = np.zeros(len(model.objective), dtype=np.int8)
        full[keep] = raw.x
        raw = replace(raw, x=full)
    return raw, len(target.objective), reducing


def solve_options(
    scenario: Scenario, backend: str | None = None, time_limit: float | None = None, mip_gap: float | None = None, threads: int | None = None
) -> tuple[str, SolveOptions]:
    """Command-line or app overrides on top of the scenario's ``[solver]`` table."""
    s = scenario.solver
    return backend or s.backend, SolveOptions(
        time_limit if time_limit is not None else s.time_limit_s,
        mip_gap if mip_gap is not None else s.mip_gap,
        threads if threads is not None else s.threads,
    )


def prepare(pool: Pool, scenario: Scenario, scores: Scores, locks: dict[str, int] | None = None):
    """(rules, plan, spatial, model): every rule resolved to numbers and compiled; what ``select`` solves and what a
    stored run is re-checked against."""
    plan = resolve_plan(scenario, pool, scores, locks) if scenario.plan else None
    spatial = resolve_spatial(scenario, pool, scores) if scenario.spatial else None
    rules = plan.yearly if plan else resolve_rules(scenario, pool, scores)
    return rules, plan, spatial, compile_model(pool, scores, rules, plan, spatial)


def plan_years(pool: Pool, selected: np.ndarray, year: np.ndarray | None) -> pd.Series | None:
    """village_id → year of the selected villages, for a plan."""
    if year is None:
        return None
    return pd.Series(year[selected], index=pool.frame.loc[selected, "village_id"].to_numpy(), name="year")


def select(
    pool: Pool, scenario: Scenario, scores: Scores, backend: str = "highs", options: SolveOptions | None = None, locks: dict[str, int] | None = None
) -> Selection:
    """``locks`` (village_id → year) override the plan's locked years from ``baicun_year`` (a stored run's plan)."""
    options = options or SolveOptions()
    warm(backend)  # a worker backend loads while the model is built
    timings = {}
    began = start = time.perf_counter()
    rules, plan, spatial, model = prepare(pool, scenario, scores, locks)
    context = {"plan": plan, "spatial": spatial, "time_limit": options.time_limit}
    timings["build"] = time.perf_counter() - start
    left = replace(options, time_limit=max(options.time_limit - (time.perf_counter() - began), 0.01))
    raw, kept, timings["reduce"] = solve_reduced(model, backend, left)
    timings["solve"] = raw.seconds
    context |= {"stopped": raw.stopped, "from_start": raw.from_start}
    selected = np.zeros(pool.size, dtype=bool)
    if raw.x is None:
        return Selection(raw.status, selected, None, raw.bound, None, raw.backend, raw.version, rules, model, None, timings, kept, **context)
    chosen = (raw.x > 0) & model.choice
    selected[model.positions[chosen]] = True
    year = None
    if plan is not None:
        year = np.zeros(pool.size, dtype=int)
        year[model.positions[chosen]] = model.year[chosen]
    start = time.perf_counter()
    check = check_solution(pool, scores, rules, pool.frame.loc[selected, "village_id"], plan, spatial, plan_years(pool, selected, year))
    timings["check"] = time.perf_counter() - start
    problems = list(check.violations)
    if not objective_agrees(raw.objective, check.objective, raw.scale):
        problems.append(Problem("check.objective", params={"claimed": raw.objective, "recomputed": check.objective}))
    if problems:
        raise CheckFailed(problems)
    return Selection(
        raw.status,
        selected,
        check.objective,
        raw.bound,
        raw.gap,
        raw.backend,
        raw.version,
        rules,
        model,
        check,
        timings,
        kept,
        (),
        raw.tiebreak_done,
        raw.detail,
        year=year,
        **context,
    )
