"""Bringing a stored run back: its scenario bound to its pool, its shortlist re-checked, or re-solved."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from baicun.errors import InputError, Problem
from baicun.pipeline import Inputs, bind, score
from baicun.scenario import parse_scenario
from pool.read import read_pool
from scoring.score import Scores
from solver.check import check_solution
from solver.solve import Selection, plan_years, prepare, select, solve_options
from store.runs import RunRecord


def run_inputs(record: RunRecord) -> Inputs:
    """The run's scenario (as stored) bound to its pool file, which must still have the stored fingerprint."""
    path = Path(record.pool_path)
    if not path.exists():
        raise InputError("run.invalid", [Problem("run.pool_missing", value=record.pool_path)], id=record.id)
    pool = read_pool(path)
    if pool.fingerprint != record.pool_fingerprint:
        raise InputError("run.invalid", [Problem("run.pool_changed", value=record.pool_path,
                                                 params={"stored": record.pool_fingerprint[:12], "now": pool.fingerprint[:12]})], id=record.id)
    folder = Path(record.scenario_file).parent
    return bind(parse_scenario(record.scenario_text, source=Path(record.scenario_file).name, folder=folder), pool)


def stored_selection(record: RunRecord, inputs: Inputs, scores: Scores) -> Selection:
    """The stored shortlist as a ``Selection``, re-checked by the independent checker against the stored rules."""
    pool, scenario = inputs.pool, inputs.scenario
    rules, plan, spatial, model = prepare(pool, scenario, scores, stored_locks(record, scenario))
    frame = pool.frame
    selected = frame["village_id"].isin(record.selected).to_numpy()
    year = None
    if plan is not None:
        year = frame["village_id"].map(record.years or {}).fillna(0).astype(int).to_numpy()
    check = check_solution(pool, scores, rules, record.selected, plan, spatial, plan_years(pool, selected, year))
    return Selection(record.status, selected, check.objective, record.bound, record.gap, record.backend, record.solver_version,
                     rules, model, check, dict(record.timings), len(model.objective), plan=plan, spatial=spatial, year=year)


def stored_locks(record: RunRecord, scenario) -> dict[str, int] | None:
    """The locked years of a plan that keeps them from a stored run (``lock_run``): that run's own locks."""
    if scenario.plan is None or scenario.plan.lock_run is None:
        return None
    return {v: y for v, y in (record.years or {}).items() if y in scenario.plan.locked}


def plan_locks(scenario, db: str | None = None) -> dict[str, int] | None:
    """Locks of ``plan.lock_run``: the villages that run put in the locked years."""
    from store.runs import get_run, open_store

    if scenario.plan is None or scenario.plan.lock_run is None:
        return None
    record = get_run(open_store(db), scenario.plan.lock_run)
    if record is None or not record.years:
        raise InputError("scenario.unfit", [Problem("scenario.plan_run_unknown", key="plan.lock_run", value=str(scenario.plan.lock_run))])
    return stored_locks(record, scenario)


@dataclass(frozen=True)
class Rerun:
    record: RunRecord
    inputs: Inputs
    selection: Selection
    identical: bool
    entering: list[str]
    leaving: list[str]


def rerun(record: RunRecord) -> Rerun:
    inputs = run_inputs(record)
    scores = score(inputs)
    name, options = solve_options(inputs.scenario, record.backend)
    selection = select(inputs.pool, inputs.scenario, scores, name, options, locks=stored_locks(record, inputs.scenario))
    now = set(selection.selected_ids(inputs.pool))
    before = set(record.selected)
    return Rerun(record, inputs, selection, now == before, sorted(now - before), sorted(before - now))


def selected_mask(inputs: Inputs, ids) -> np.ndarray:
    return inputs.pool.frame["village_id"].isin(list(ids)).to_numpy()
