"""The functions the CLI and the app both call: pool → scores → model → selection → report.

Neither the CLI nor the app computes a rule, a score or a constraint; they call these and render the results.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from baicun.bind import bind_scenario
from baicun.errors import InputError, Problem
from baicun.scenario import LoadedScenario, Scenario, load_scenario
from pool.read import Pool, read_pool
from scoring.score import Scores, score_pool
from solver.solve import Selection, select, solve_options


@dataclass(frozen=True)
class Inputs:
    loaded: LoadedScenario
    pool: Pool
    scenario: Scenario  # bound to the pool: every column name is a pool key


def load_inputs(scenario_path: str | Path, pool_path: str | Path | None = None, **read_options) -> Inputs:
    """Read a scenario and its pool (``--pool`` overrides the scenario's ``pool``) and bind them."""
    loaded = load_scenario(scenario_path)
    path = Path(pool_path) if pool_path else loaded.pool_path()
    if path is None:
        raise InputError("scenario.invalid", [Problem("scenario.no_pool")], file=loaded.source)
    read_options.setdefault("region", loaded.scenario.region)
    pool = read_pool(path, **read_options)
    return Inputs(loaded, pool, bind_scenario(loaded.scenario, pool))


def bind(loaded: LoadedScenario, pool: Pool) -> Inputs:
    return Inputs(loaded, pool, bind_scenario(loaded.scenario, pool))


def score(inputs: Inputs) -> Scores:
    return score_pool(inputs.pool, inputs.scenario)


def solve(inputs: Inputs, scores: Scores | None = None, *, backend: str | None = None, time_limit: float | None = None,
          mip_gap: float | None = None, db: str | None = None) -> tuple[Scores, Selection]:
    """Score (unless given) and select under the scenario; command-line/app overrides win over ``[solver]``.
    A plan with ``lock_run`` takes its locked years from that stored run (in ``db``)."""
    from store.replay import plan_locks

    scores = scores or score(inputs)
    name, options = solve_options(inputs.scenario, backend, time_limit, mip_gap)
    return scores, select(inputs.pool, inputs.scenario, scores, name, options, locks=plan_locks(inputs.scenario, db))


def comparison_item(spec: str, db: str | None = None):
    """A compare argument as (name, Outcome): a run id (``12`` or ``run:12``) from the store, or a scenario file
    solved now."""
    from report.tables import outcome
    from store.replay import run_inputs, stored_selection
    from store.runs import get_run, open_store

    text = spec.removeprefix("run:")
    if text.isdigit():
        record = get_run(open_store(db), int(text))
        if record is None:
            raise InputError("cli.invalid", [Problem("run.unknown", value=text)])
        inputs = run_inputs(record)
        scores = score(inputs)
        name = f"#{record.id} {record.label or record.scenario_name}"
        return name, outcome(inputs, scores, stored_selection(record, inputs, scores))
    inputs = load_inputs(spec)
    scores, selection = solve(inputs)
    if not selection.found:
        raise InputError("cli.invalid", [Problem("cmp.infeasible", value=spec)] + list(selection.diagnosis))
    return inputs.loaded.scenario.name, outcome(inputs, scores, selection)
