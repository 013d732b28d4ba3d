"""Everything one run produced, as data: inputs, scores, the checked selection, each village's reason, and — when
computed — the price of each rule and the belts. Reports and the app render an ``Outcome``; nothing in it is a
word in any language: reasons are message codes with parameters, rules are ``RuleRef`` s, and ``report`` and the
app make the words, in the reader's language, when they show them.

The policies the command line and the app share live here, once: whether rule prices are computed by default
(``prices_by_default``) and on which backend (``prices_backend``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import pandas as pd

from analysis.reasons import Reasons, village_reasons
from analysis.region import build_region
from analysis.stability import Stability, stability
from analysis.value import ValueCurve, curve_kinds, default_bounds, value_curve
from analysis.whatif import RulePrice, rule_prices
from pool.bind import Inputs
from scoring.score import Scores
from solver.solve import Selection
from solver.spatial import belts

PRICES_AUTO_LIMIT = 20_000  # eligible villages: above this, prices (one re-solve per rule) are only computed on request


@dataclass(frozen=True)
class Belts:
    """The belts of a shortlist (solver/spatial.py): one row per belt, and the belt number of each selected village."""

    table: pd.DataFrame  # belt, size, counties, cities, village_names, village_ids
    number: pd.Series  # pool row -> belt number (0: in no belt), selected villages only


@dataclass(frozen=True)
class Outcome:
    inputs: Inputs
    scores: Scores
    selection: Selection
    prices: tuple[RulePrice, ...] | None = None  # None: not computed
    belts: Belts | None = None  # with [spatial]
    stability: Stability | None = None  # with [robustness]: classes proved over the panel's weight region
    curves: tuple[ValueCurve, ...] | None = None  # total score against budget / count (analysis/value.py), on request

    @cached_property
    def reasons(self) -> Reasons:
        """Each village's reason, made on first use: outputs that show no reasons (``--json``) never pay for them."""
        return village_reasons(self.inputs.pool, self.scores, self.selection)


def prices_by_default(selection: Selection, scores: Scores) -> bool:
    """Each price is a full re-solve: computed by default only for a found single-year model of moderate size."""
    return selection.found and selection.model.simple and int(scores.eligible.sum()) <= PRICES_AUTO_LIMIT


def prices_backend(selection: Selection) -> str:
    """Prices re-solve on the selection's backend, except CP-SAT, whose worker start-up would dominate: HiGHS."""
    return selection.backend if selection.backend != "cpsat" else "highs"


def with_prices(o: Outcome) -> Outcome:
    """The outcome with the price of every rule (each a re-solve without the rule)."""
    return replace(o, prices=tuple(rule_prices(o.selection, prices_backend(o.selection))))


def with_curves(o: Outcome, progress=None) -> Outcome:
    """The outcome with its value curves (``analysis.value``): z* against the budget and the count, one re-solve a
    point on the prices' backend; ``progress(done, total)`` over all the points."""
    bounds = {kind: default_bounds(o.selection, kind) for kind in curve_kinds(o.selection)}
    total, before, curves = sum(map(len, bounds.values())), 0, []
    for kind, points in bounds.items():
        step = (lambda done, n, before=before: progress(before + done, total)) if progress else None
        curves.append(value_curve(o.selection, kind, points, backend=prices_backend(o.selection), progress=step))
        before += len(points)
    return replace(o, curves=tuple(curves))


def stability_by_default(inputs: Inputs, selection: Selection) -> bool:
    """Classes over the weight region are proved (within its time budget, no sampling) when the scenario states a
    ``[robustness]`` region and the selection is a found single-year shortlist."""
    return inputs.scenario.robustness is not None and selection.found and selection.model.simple


def scenario_stability(inputs: Inputs, scores: Scores, selection: Selection) -> Stability:
    """The classes over the scenario's own ``[robustness]`` region: proofs only (no samples, no intervals)."""
    spec = inputs.scenario.robustness
    region = build_region(spec, scores.weights.values, scores.normalize != "none")
    return stability(inputs.pool, scores, selection, region, samples=0, intervals=False, time_budget=spec.time_budget_s)


def analyse(inputs: Inputs, scores: Scores, selection: Selection, prices: bool | None = False, stable: bool | None = False) -> Outcome:
    """The outcome of a solved selection; ``prices`` and ``stable`` (classes over the scenario's weight region)
    True/False force them on/off, None applies the default policy."""
    want = prices_by_default(selection, scores) if prices is None else prices and selection.found
    priced = tuple(rule_prices(selection, prices_backend(selection))) if want else None
    belt_groups = None
    if selection.found and selection.spatial is not None:
        belt_groups = Belts(*belts(inputs.pool.frame[selection.selected], selection.spatial.radius_km))
    want_stable = stability_by_default(inputs, selection) if stable is None else stable and stability_by_default(inputs, selection)
    classes = scenario_stability(inputs, scores, selection) if want_stable else None
    return Outcome(inputs, scores, selection, priced, belt_groups, classes)
