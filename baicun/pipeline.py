"""The one orchestration module: the functions the command line and the app both call.

pool → bound scenario → scores → selection (diagnosed when infeasible) → outcome (reasons, prices, belts); stored
runs brought back (re-checked or re-solved); comparison items. Neither front end computes a rule, a score or a
constraint: they call these and render what comes back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.diagnose import diagnose
from analysis.outcome import Outcome, analyse, with_prices
from analysis.preview import CountyPreview, county_preview
from analysis.whatif import Explanation, explain_village
from contract.errors import InputError, Problem
from contract.scenario import LOCAL, References, load_scenario, parse_scenario, reference_problems
from pool.bind import Inputs, bind
from pool.read import read_pool
from scoring.score import Scores, score_pool, suggest_entropy_weights
from solver.check import check_solution, objective_agrees
from solver.solve import Selection, plan_years, prepare, select, solve_options

if TYPE_CHECKING:
    from store.runs import RunRecord

# store.runs is imported where a stored run is used: SQLAlchemy costs every other command a second or two of
# start-up, which a time limit of the whole command would pay.

__all__ = [
    "Inputs",
    "bind",
    "check_outputs",
    "load_inputs",
    "score",
    "solve",
    "outcome",
    "comparison_item",
    "run_inputs",
    "stored_selection",
    "rerun",
    "untouched",
    "verified_run",
]


def load_inputs(scenario_path: str | Path, pool_path: str | Path | None = None, references: References = LOCAL, **read_options) -> Inputs:
    """Read a scenario and its pool (``--pool`` overrides the scenario's ``pool``) and bind them; ``references``
    says whether the scenario's own ``pool`` path may be opened. Raises ``InputError`` for a bad scenario, a bad
    pool, a forbidden reference or a scenario that does not fit the pool."""
    loaded = load_scenario(scenario_path)
    admit(loaded.scenario, references, pool_supplied=bool(pool_path))
    path = Path(pool_path) if pool_path else loaded.pool_path()
    if path is None:
        raise InputError("scenario.invalid", [Problem("scenario.no_pool")], file=loaded.source)
    read_options.setdefault("region", loaded.scenario.region)
    pool = read_pool(path, **read_options)
    return bind(loaded, pool)


def check_outputs(paths, suffixes: tuple[str, ...], scenario_path: str | Path | None = None, pool_path: str | Path | None = None, option="--out"):
    """Before any work: every output path can be written (extension, folder, free space for outputs about the size
    of the pool file — ``--pool`` or the scenario's ``pool``). Raises ``InputError`` listing what is wrong."""
    from report.sheets import output_problems

    if not paths:
        return
    source = Path(pool_path) if pool_path else None
    if source is None and scenario_path is not None:
        try:
            source = load_scenario(scenario_path).pool_path()
        except InputError:
            source = None  # the scenario's own problems are reported when it is loaded
    problems = output_problems(paths, suffixes, source, option)
    if problems:
        raise InputError("output.invalid", problems)


def admit(scenario, references: References, pool_supplied: bool = True) -> None:
    """Refuse a scenario that names what ``references`` does not allow (``contract.scenario.References``)."""
    problems = reference_problems(scenario, references, pool_supplied)
    if problems:
        raise InputError("scenario.refused", problems)


def score(inputs: Inputs) -> Scores:
    return score_pool(inputs.pool, inputs.scenario)


def solve(
    inputs: Inputs,
    scores: Scores | None = None,
    *,
    backend: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    db: str | None = None,
    references: References = LOCAL,
) -> tuple[Scores, Selection]:
    """Score (unless given) and select under the scenario; command-line/app overrides win over ``[solver]``.
    A plan with ``lock_run`` takes its locked years from that stored run (in ``db``), if ``references`` allows
    stored runs. An infeasible selection comes back with its diagnosis. Raises ``InputError`` and
    ``solver.solve.CheckFailed``."""
    admit(inputs.scenario, references)
    scores = scores or score(inputs)
    name, options = solve_options(inputs.scenario, backend, time_limit, mip_gap)
    selection = select(inputs.pool, inputs.scenario, scores, name, options, locks=plan_locks(inputs.scenario, db))
    if selection.status == "infeasible":
        selection = replace(selection, diagnosis=diagnose(inputs.pool, scores, selection.rules, selection.model))
    return scores, selection


def outcome(inputs: Inputs, scores: Scores, selection: Selection, prices: bool | None = False) -> Outcome:
    """The outcome a report renders; ``prices=None`` applies the default policy (``analysis.outcome``)."""
    return analyse(inputs, scores, selection, prices)


def entropy_suggestion(inputs: Inputs) -> dict[str, float]:
    """Entropy weights for the scenario's criteria on its pool (the app's 熵权法 button), as the core computes them."""
    return suggest_entropy_weights(inputs.pool, inputs.scenario)


def priced(o: Outcome) -> Outcome:
    """The outcome with every rule's price (one re-solve per rule): the app's 计算各规则的代价 button."""
    return with_prices(o)


def explain(o: Outcome, village_id: str) -> Explanation:
    """Why one village is in or out, and what would change it (``baicun explain``, the app's 单村解释)."""
    return explain_village(o.inputs.pool, o.scores, o.selection, village_id)


def county(o: Outcome, name: str) -> CountyPreview:
    """One county's villages with exact margins (``baicun preview``, the app's 县级预审)."""
    return county_preview(o.inputs.pool, o.scores, o.selection, name)


# --- stored runs ----------------------------------------------------------------------------------------------


def untouched(record: RunRecord) -> RunRecord:
    """The record, if it is as it was saved (``store.runs.intact``). Raises ``InputError`` otherwise."""
    from store.runs import intact

    if intact(record) is False:
        raise InputError("run.invalid", [Problem("run.tampered")], id=record.id)
    return record


def verified_run(record: RunRecord) -> tuple[Inputs, Scores, Selection]:
    """A stored run re-checked before it is shown or compared: the record as saved, its pool file present with
    the stored fingerprint, its shortlist passing the independent checker under the stored scenario with the
    stored total score. Raises ``InputError`` naming what failed."""
    inputs = run_inputs(untouched(record))
    scores = score(inputs)
    selection = stored_selection(record, inputs, scores)
    problems = list(selection.check.violations)
    if record.objective is not None and not objective_agrees(record.objective, selection.check.objective, abs(record.objective)):
        problems.append(Problem("run.objective_changed", params={"stored": record.objective, "recomputed": selection.check.objective}))
    if problems:
        raise InputError("run.invalid", [Problem("run.list_fails_check"), *problems], id=record.id)
    return inputs, scores, selection


def run_inputs(record: RunRecord) -> Inputs:
    """The run's scenario (as stored) bound to its pool file, which must still have the stored fingerprint.
    Raises ``InputError`` when the pool file is gone or changed."""
    path = Path(record.pool_path)
    if not path.exists():
        raise InputError("run.invalid", [Problem("run.pool_missing", value=record.pool_path)], id=record.id)
    pool = read_pool(path)
    if pool.fingerprint != record.pool_fingerprint:
        raise InputError(
            "run.invalid",
            [Problem("run.pool_changed", value=record.pool_path, params={"stored": record.pool_fingerprint[:12], "now": pool.fingerprint[:12]})],
            id=record.id,
        )
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
    return Selection(
        record.status,
        selected,
        check.objective,
        record.bound,
        record.gap,
        record.backend,
        record.solver_version,
        rules,
        model,
        check,
        dict(record.timings),
        len(model.objective),
        plan=plan,
        spatial=spatial,
        year=year,
    )


def stored_locks(record: RunRecord, scenario) -> dict[str, int] | None:
    """The locked years of a plan that keeps them from a stored run (``lock_run``): that run's own locks."""
    if scenario.plan is None or scenario.plan.lock_run is None:
        return None
    return {v: y for v, y in (record.years or {}).items() if y in scenario.plan.locked}


def plan_locks(scenario, db: str | None = None) -> dict[str, int] | None:
    """Locks of ``plan.lock_run``: the villages that run put in the locked years. Raises ``InputError`` for an
    unknown run."""
    if scenario.plan is None or scenario.plan.lock_run is None:
        return None
    from store.runs import get_run, open_store

    record = get_run(open_store(db), scenario.plan.lock_run)
    if record is not None:
        untouched(record)
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
    """Re-solve a stored run with its stored scenario, pool and backend, and compare the shortlists."""
    inputs = run_inputs(untouched(record))
    scores = score(inputs)
    name, options = solve_options(inputs.scenario, record.backend)
    selection = select(inputs.pool, inputs.scenario, scores, name, options, locks=stored_locks(record, inputs.scenario))
    now = set(selection.selected_ids(inputs.pool))
    before = set(record.selected)
    return Rerun(record, inputs, selection, now == before, sorted(now - before), sorted(before - now))


def comparison_item(spec: str, db: str | None = None) -> tuple[str, Outcome]:
    """A compare argument as (name, Outcome): a run id (``12`` or ``run:12``) from the store, or a scenario file
    solved now. Raises ``InputError`` for an unknown run or a scenario without a solution."""
    text = spec.removeprefix("run:")
    if text.isdigit():
        from store.runs import get_run, open_store

        record = get_run(open_store(db), int(text))
        if record is None:
            raise InputError("cli.invalid", [Problem("run.unknown", value=text)])
        inputs, scores, selection = verified_run(record)
        name = f"#{record.id} {record.label or record.scenario_name}"
        return name, outcome(inputs, scores, selection)
    inputs = load_inputs(spec)
    scores, selection = solve(inputs)
    if not selection.found:
        raise InputError("cli.invalid", [Problem("cmp.infeasible", value=spec)] + list(selection.diagnosis))
    return inputs.loaded.scenario.name, outcome(inputs, scores, selection)
