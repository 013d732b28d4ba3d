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
from analysis.margins import lp_bounds, province_margins
from analysis.outcome import Outcome, analyse, with_curves, with_prices
from analysis.preview import CountyPreview, county_preview
from analysis.region import Region, build_region
from analysis.stability import Stability, stability
from analysis.whatif import Explanation, explain_village
from contract.errors import InputError, Problem
from contract.scenario import LOCAL, LoadedScenario, References, ReviewRules, RobustnessRegion, load_scenario, parse_scenario, reference_problems
from pool.bind import Inputs, bind, bind_region
from pool.merge import merge_application
from pool.places import find_place
from pool.read import Pool, read_pool
from report.sheets import check_outputs
from review.aggregate import Aggregate, apply_review
from review.collect import collect
from scoring.score import Scores, score_pool, suggest_entropy_weights
from solver.backends import warm
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
    "stability_region",
    "stability_study",
    "comparison_item",
    "run_inputs",
    "stored_selection",
    "rerun",
    "county_named",
    "with_application",
    "reviewed",
    "review_villages",
    "review_agreement",
    "panel_weights",
    "untouched",
    "verified_run",
]


def load_inputs(
    scenario_path: str | Path,
    pool_path: str | Path | None = None,
    references: References = LOCAL,
    *,
    solving: bool = False,
    backend: str | None = None,
    **read_options,
) -> Inputs:
    """Read a scenario and its pool (``--pool`` overrides the scenario's ``pool``) and bind them; ``references``
    says whether the scenario's own ``pool`` path may be opened. A command that will solve says so (``solving``,
    with its ``backend`` override): a worker backend is then started before the pool is read, and loads meanwhile
    (``solver.backends.warm``). Raises ``InputError`` for a bad scenario, a bad pool, a forbidden reference or a
    scenario that does not fit the pool."""
    loaded = load_scenario(scenario_path)
    admit(loaded.scenario, references, pool_supplied=bool(pool_path))
    if solving:
        warm(backend or loaded.scenario.solver.backend)
    path = Path(pool_path) if pool_path else loaded.pool_path()
    if path is None:
        raise InputError("scenario.invalid", [Problem("scenario.no_pool")], file=loaded.source)
    read_options.setdefault("region", loaded.scenario.region)
    pool = read_pool(path, **read_options)
    return bind(loaded, reviewed(loaded, pool)[0])


# --- the expert panel -------------------------------------------------------------------------------------------


def reviewed(
    loaded: LoadedScenario, pool: Pool, sheets: list[Path] | None = None, panel: Path | None = None, rules: ReviewRules | None = None
) -> tuple[Pool, Aggregate | None]:
    """The pool with the expert panel's aggregate in its review columns, and the aggregate; the pool unchanged
    (and None) when no score sheet is given. Sheets, panel list and rules default to the scenario's ``[review]``
    (paths relative to the scenario). Raises ``InputError`` for bad sheets or a bad panel list."""
    given_sheets, given_panel = loaded.review_paths()
    sheets = list(sheets) if sheets else given_sheets
    if not sheets:
        return pool, None
    rules = rules or loaded.scenario.review or ReviewRules()
    _, _, result = collect(pool, sheets, panel or given_panel, rules)
    return apply_review(pool, result), result


def review_villages(pool: Pool, loaded: LoadedScenario | None = None):
    """The villages a panel reviews (village_id, village, township, county, city): those eligible under the
    scenario's ``[eligibility]`` when a scenario is given, else every village of the pool."""
    from scoring.eligibility import assess_eligibility

    columns = ["village_id", "village", "township", "county", "city"]
    if loaded is None:
        return pool.frame[columns].reset_index(drop=True)
    scenario = bind(loaded, pool).scenario
    kinds = {key: pool.column_kind(key) for key in pool.frame.columns}
    mask = assess_eligibility(pool.frame, scenario.eligibility, kinds, scenario.locked_years).mask
    return pool.frame.loc[mask, columns].reset_index(drop=True)


def write_sample_panel(loaded: LoadedScenario, pool: Pool, folder: Path, seed: int = 2024) -> list[Path]:
    """The synthetic panel (示例数据, ``review.sample``) as files a real panel would send: one filled score sheet per
    expert (the template, filled in) and the panel list. Returns the paths written."""
    from report.review import write_panel_list, write_template
    from review.panel import panel_from_places
    from review.sample import EXPERTS, fill_sheet, sample_panel

    villages = review_villages(pool, loaded)
    criteria = loaded.scenario.scoring.criteria
    weights = bind(loaded, pool).scenario.scoring.weights or {c: 1.0 for c in criteria}
    panel = sample_panel(pool, list(villages["village_id"]), {c: weights.get(c, 1.0) for c in criteria}, seed)
    folder = Path(folder)
    written = []
    homes = {e: [r._asdict() for r in panel.homes[panel.homes["expert"] == e].itertuples(index=False) if r.county] for e in EXPERTS}
    barred = panel_from_places({e: [{"code": h["code"], "city": h["city"], "county": h["county"]} for h in v] for e, v in homes.items()}, pool)
    for expert in EXPERTS:
        path = folder / f"专家评分表_{expert}（示例数据）.xlsx"
        own = {v for place in barred.homes[expert] for v in pool.frame.loc[place.villages(pool.frame), "village_id"]}
        write_template(path, villages, expert=expert, criteria=criteria, barred=own, sample=True)
        fill_sheet(path, expert, panel)
        written.append(path)
    panel_path = folder / "专家名单（示例数据）.xlsx"
    write_panel_list(panel_path, panel.homes, sample=True)
    return [*written, panel_path]


def review_agreement(result: Aggregate, rules: ReviewRules | None = None):
    """Kendall's W, the ICC and each expert's agreement (``review.agreement``)."""
    from review.agreement import agreement  # pingouin loads matplotlib: only the commands that measure agreement pay for it

    return agreement(result, (rules or ReviewRules()).outlier_correlation)


def panel_weights(sheets: list[Path], loaded: LoadedScenario, method: str | None = None):
    """The experts' weights over the scenario's criteria and the group's (``scoring.panel``), or None when no
    expert gave judgements or weights."""
    from scoring.panel import group_weights

    rules = loaded.scenario.review or ReviewRules()
    return group_weights(sheets, loaded.scenario.scoring.criteria, method or rules.group_weights)


def county_named(inputs: Inputs, text: str) -> str:
    """The county (its place label) that ``text`` names: the label as shown, its 6-digit code, 市/县, or a
    name only one county bears. Raises ``InputError`` for an unknown or ambiguous name."""
    return find_place(inputs.pool.frame, "county", text)


def with_application(inputs: Inputs, application: str | Path, county: str) -> Inputs:
    """The inputs with a county's application file merged into the pool (``pool.merge.merge_application``:
    only that county's villages may be added or changed). Raises ``InputError``."""
    merged = merge_application(inputs.pool, read_pool(application, region=inputs.loaded.scenario.region), county)
    return bind(inputs.loaded, merged)


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


def outcome(inputs: Inputs, scores: Scores, selection: Selection, prices: bool | None = False, stable: bool | None = False) -> Outcome:
    """The outcome a report renders; ``prices=None`` and ``stable=None`` apply the default policies
    (``analysis.outcome``: rule prices for moderate sizes, stability classes when the scenario has ``[robustness]``)."""
    return analyse(inputs, scores, selection, prices, stable)


def entropy_suggestion(inputs: Inputs) -> dict[str, float]:
    """Entropy weights for the scenario's criteria on its pool (the app's 熵权法 button), as the core computes them."""
    return suggest_entropy_weights(inputs.pool, inputs.scenario)


def priced(o: Outcome) -> Outcome:
    """The outcome with every rule's price (one re-solve per rule): the app's 计算各规则的代价 button."""
    return with_prices(o)


def valued(o: Outcome, progress=None) -> Outcome:
    """The outcome with the total score against budget and count (a handful of re-solves; the app's 性价比 button)."""
    return with_curves(o, progress)


def explain(o: Outcome, village_id: str) -> Explanation:
    """Why one village is in or out, and what would change it (``baicun explain``, the app's 单村解释)."""
    return explain_village(o.inputs.pool, o.scores, o.selection, village_id)


def county(o: Outcome, name: str, exact: dict | None = None, bounds=None) -> CountyPreview:
    """One county's villages with their margins and what holds each back (``baicun preview``, the app's 县级预审).
    ``exact`` and ``bounds``: the solve's margins (``margins_pass``), computed here for the county when None."""
    return county_preview(o.inputs.pool, o.scores, o.selection, name, exact, bounds)


def margin_bounds(o: Outcome):
    """The proven LP bound of every village's margin (``analysis.margins.lp_bounds``): one pass per solve."""
    return lp_bounds(o.selection)


def exact_margins(o: Outcome, positions) -> dict:
    """Exact margins of the eligible villages at ``positions`` (``analysis.margins.province_margins``)."""
    return province_margins(o.inputs.pool, o.scores, o.selection, positions)


# --- stability over a weight region ---------------------------------------------------------------------------


def stability_region(inputs: Inputs, scores: Scores, spec: RobustnessRegion | None = None) -> Region:
    """The weight region: ``spec`` (from the command line or the app, bound to the pool here) or else the
    scenario's ``[robustness]``. Raises ``InputError`` for an unknown criterion, an empty or flat region, or when
    neither is given."""
    if spec is not None:
        spec = bind_region(spec, inputs.scenario, inputs.pool)
    else:
        spec = inputs.scenario.robustness
    if spec is None:
        raise InputError("scenario.invalid", [Problem("scenario.robustness_empty", key="robustness")])
    return build_region(spec, scores.weights.values, scores.normalize != "none")


def stability_study(
    inputs: Inputs,
    scores: Scores,
    selection: Selection,
    spec: RobustnessRegion | None = None,
    *,
    samples: int | None = None,
    seed: int | None = None,
    time_budget: float | None = None,
    workers: int = 2,
    intervals: bool = True,
    progress=None,
) -> Stability:
    """Classes, samples over the open villages, central weights and stability intervals over the region
    (``stability_region``); unset numbers come from the region's own settings. Raises ``InputError``."""
    region = stability_region(inputs, scores, spec)
    settings = spec or inputs.scenario.robustness
    return stability(
        inputs.pool,
        scores,
        selection,
        region,
        samples=settings.samples if samples is None else samples,
        seed=settings.seed if seed is None else seed,
        workers=workers,
        time_budget=settings.time_budget_s if time_budget is None else time_budget,
        intervals=intervals,
        progress=progress,
    )


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
    folder = Path(record.scenario_file).parent
    loaded = parse_scenario(record.scenario_text, source=Path(record.scenario_file).name, folder=folder)
    pool = reviewed(loaded, read_pool(path))[0]
    # the content fingerprint only for runs stored before fingerprints were the file's (``Pool.fingerprint``)
    if record.pool_fingerprint != pool.fingerprint and record.pool_fingerprint != pool.content_fingerprint:
        raise InputError(
            "run.invalid",
            [Problem("run.pool_changed", value=record.pool_path, params={"stored": record.pool_fingerprint[:12], "now": pool.fingerprint[:12]})],
            id=record.id,
        )
    return bind(loaded, pool)


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
