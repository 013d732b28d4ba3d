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
from solver.check import check_selection
from solver.model import compile_model
from solver.rules import resolve_rules
from solver.solve import Selection, select, solve_options
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
    rules = resolve_rules(inputs.scenario, inputs.pool, scores)
    model = compile_model(inputs.pool, scores, rules)
    check = check_selection(inputs.pool, scores, rules, record.selected)
    selected = inputs.pool.frame["village_id"].isin(record.selected).to_numpy()
    return Selection(record.status, selected, check.objective, record.bound, record.gap, record.backend, record.solver_version,
                     rules, model, check, dict(record.timings), len(model.objective))


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
    selection = select(inputs.pool, inputs.scenario, scores, name, options)
    now = set(selection.selected_ids(inputs.pool))
    before = set(record.selected)
    return Rerun(record, inputs, selection, now == before, sorted(now - before), sorted(before - now))


def selected_mask(inputs: Inputs, ids) -> np.ndarray:
    return inputs.pool.frame["village_id"].isin(list(ids)).to_numpy()
