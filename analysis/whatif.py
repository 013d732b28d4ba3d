"""What-if analysis on a solved selection: the price of each rule and why one village is in or out.

Price of a rule (family f): z*(without f) − z*, the total score the shortlist gives up because of f, found by
re-solving without f; plus the villages that would enter and leave. For single-row families (count, budget, a
quota) the LP relaxation's dual value is also given: the marginal score of one more unit of the rule's bound
(one more village, one more 万元), exact for the relaxation and a guide for the integer problem.

One village i, against the optimum z*:

* out of the shortlist: z_in = optimum with x_i forced to 1. The village is in an optimal shortlist exactly when
  its score rises by δ = z* − z_in (at equality the village_id tie-break decides), so δ is the smallest score
  increase that brings it in; for a min–max criterion j with weight w_j that is a raw increase of
  δ · (max_j − min_j) / w_j, valid while it stays within the eligible range. If forcing it in is infeasible,
  no score increase can bring it in and the blocking rule is named.
* in the shortlist: z_out = optimum with x_i forced to 0; z* − z_out is its replacement importance (prioritizr),
  the villages entering in its place are its replacements, and if z_out does not exist it is irreplaceable.

Either way the re-solve is a whole swap: forcing a village out may take in several villages and let go others
besides it, forcing one in may let go several and take in others besides it. An explanation carries both sides
(``replacement`` and ``also_leaving``; ``displaced`` and ``also_entering``), so that its words can name everyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pool.read import Pool
from scoring.score import Scores
from solver import families
from solver.backends import SolveOptions
from solver.backends.highs import Status, make_highs, run
from solver.model import Model
from solver.rules import RuleRef
from solver.solve import Selection, solve_reduced


def _resolve(model: Model, backend: str, time_limit: float, tiebreak: bool = True):
    """A re-solve of a changed model (a rule dropped, a village fixed) on its own safe reduction: the dominance
    claim of ``solver/reduce.py`` holds for every such model, so its optimum is the unreduced one's."""
    return solve_reduced(model, backend, SolveOptions(time_limit=time_limit, tiebreak=tiebreak))[0]


def _changes(selection: Selection, model: Model, x) -> tuple[list[str], list[str]]:
    chosen = set(model.village_ids[(x > 0) & model.choice]) if x is not None else set()
    current = set(model.village_ids[np.isin(model.positions, np.flatnonzero(selection.selected)) & model.choice])
    return sorted(chosen - current), sorted(current - chosen)


@dataclass(frozen=True)
class RulePrice:
    rule: RuleRef
    price: float | None  # score given up because of the rule (None if dropping it did not solve)
    entering: tuple[str, ...]
    leaving: tuple[str, ...]
    dual: float | None  # LP marginal value of the bound, single-row families only


def rule_prices(selection: Selection, backend: str = "highs", time_limit: float = 30.0) -> list[RulePrice]:
    """The price of every constraint family of a solved selection."""
    model = selection.model
    duals = lp_duals(model)
    prices = []
    for family in (f for f in model.families if f.kind in families.PRICED):
        raw = _resolve(model.without(family.ref), backend, time_limit, tiebreak=False)  # the price needs only the optimum
        entering, leaving = _changes(selection, model, raw.x)
        price = raw.objective - selection.objective if raw.status == "optimal" else None
        prices.append(RulePrice(family.ref, price, tuple(entering), tuple(leaving), duals.get(family.ref)))
    return prices


def lp_duals(model: Model) -> dict[RuleRef, float]:
    """Row duals of the LP relaxation for single-row families (score per unit of the bound)."""
    n = len(model.objective)
    if n == 0:
        return {}
    h = make_highs(model.objective, model.matrix, model.row_low, model.row_high, np.zeros(n), np.ones(n), np.zeros(n, dtype=bool))
    if run(h) != Status.kOptimal:
        return {}
    row_dual = np.asarray(h.getSolution().row_dual)
    return {f.ref: float(abs(row_dual[f.start])) for f in model.families if f.stop - f.start == 1 and f.kind in ("count", "budget", "quota")}


@dataclass(frozen=True)
class Explanation:
    village_id: str
    position: int
    eligible: bool
    reasons: tuple  # eligibility reasons (messages), for an ineligible village
    score: float | None
    contributions: dict[str, float]
    rank: int | None
    eligible_count: int
    selected: bool
    cutoff: float | None
    needed_increase: float | None = None  # out: smallest score increase that brings it in
    criterion_increase: dict[str, float] = field(default_factory=dict)  # out: raw increase per criterion, alone
    displaced: tuple[str, ...] = ()  # out: who would leave if it were forced in
    also_entering: tuple[str, ...] = ()  # out: who else would come in with it, if it were forced in
    blocked_by: RuleRef | None = None  # out: forcing it in is infeasible because of this rule
    group_holders: dict[str, list[str]] = field(default_factory=dict)  # out: full groups and who holds them
    replacement: tuple[str, ...] = ()  # in: who would enter in its place
    also_leaving: tuple[str, ...] = ()  # in: who else would leave with it, if it were forced out
    importance: float | None = None  # in: objective lost if forced out
    irreplaceable: bool = False


def explain_village(
    pool: Pool, scores: Scores, selection: Selection, village_id: str, backend: str = "highs", time_limit: float = 30.0
) -> Explanation:
    frame = pool.frame
    position = int(np.flatnonzero(frame["village_id"].to_numpy() == village_id)[0])
    eligible = bool(scores.eligible[position])
    selected = bool(selection.selected[position])
    score = float(scores.table["score"].iat[position]) if eligible else None
    contributions = scores.contributions.iloc[position].dropna().to_dict() if eligible else {}
    rank = int(scores.table["rank"].iat[position]) if eligible else None
    cutoff = float(scores.table.loc[selection.selected, "score"].min()) if selection.count else None
    base = dict(
        village_id=village_id,
        position=position,
        eligible=eligible,
        reasons=tuple(scores.eligibility.reasons(position)),
        score=score,
        contributions=contributions,
        rank=rank,
        eligible_count=int(scores.eligible.sum()),
        selected=selected,
        cutoff=cutoff,
    )
    if not eligible or not selection.found:
        return Explanation(**base)
    model = selection.model
    if selected:
        raw = _resolve(model.with_fixed(position, 0), backend, time_limit)
        if raw.status != "optimal":
            return Explanation(**base, irreplaceable=True, blocked_by=_blocking_family(model, position, 0, backend, time_limit))
        entering, leaving = _changes(selection, model, raw.x)
        others = tuple(v for v in leaving if v != village_id)
        return Explanation(**base, replacement=tuple(entering), also_leaving=others, importance=selection.objective - raw.objective)
    holders = _full_groups(pool, selection, position)
    raw = _resolve(model.with_fixed(position, 1), backend, time_limit)
    if raw.status != "optimal":
        return Explanation(**base, blocked_by=_blocking_family(model, position, 1, backend, time_limit), group_holders=holders)
    delta = max(0.0, selection.objective - raw.objective)
    entering, leaving = _changes(selection, model, raw.x)
    return Explanation(
        **base,
        needed_increase=delta,
        criterion_increase=_raw_increase(pool, scores, position, delta),
        displaced=tuple(leaving),
        also_entering=tuple(v for v in entering if v != village_id),
        group_holders=holders,
    )


def score_margin(selection: Selection, position: int, backend: str = "highs", time_limit: float = 30.0) -> float | None:
    """Exact distance to the cut-off for one eligible village: for a selected village the score it could lose
    and stay in (z* − z_out), as a positive number; for one left out the score it must gain to come in
    (z* − z_in), as a negative number. None when no score change can move it (irreplaceable or blocked)."""
    model = selection.model
    selected = bool(selection.selected[position])
    raw = _resolve(model.with_fixed(position, 0 if selected else 1), backend, time_limit, tiebreak=False)
    if raw.status != "optimal":
        return None
    gap = max(0.0, selection.objective - raw.objective)
    return gap if selected else -gap


def gain_lower_bound(selection: Selection, position: int) -> float | None:
    """A proven lower bound on the score a left-out village must gain to be selected: z* − z_LP, with z_LP the
    LP relaxation's optimum with the village forced in (the LP can only do better than any shortlist).
    None when even the relaxation cannot take the village."""
    forced = selection.model.with_fixed(position, 1)
    n = len(forced.objective)
    h = make_highs(forced.objective, forced.matrix, forced.row_low, forced.row_high, np.zeros(n), np.ones(n), np.zeros(n, dtype=bool))
    if run(h) != Status.kOptimal:
        return None
    return max(0.0, selection.objective - float(h.getInfo().objective_function_value))


def _full_groups(pool: Pool, selection: Selection, position: int) -> dict[str, list[str]]:
    """For each group rule whose group of this village is at its maximum: the selected villages holding it."""
    frame, table = pool.frame, selection.check.attainment
    out = {}
    for group in selection.rules.groups:
        value = str(frame[group.by].iat[position])
        row = table[(table["rule"] == RuleRef("group", group.by)) & (table["label"] == value)]
        if len(row) and row["high"].notna().iloc[0] and row["actual"].iloc[0] >= row["high"].iloc[0]:
            holders = frame[selection.selected & (frame[group.by].astype(str) == value).to_numpy()]
            out[group.by] = holders["village_id"].tolist()
    return out


def _blocking_family(model: Model, position: int, value: int, backend: str, time_limit: float) -> RuleRef | None:
    """The first rule whose removal makes the village's forced value feasible."""
    forced = model.with_fixed(position, value)
    for family in model.families:
        if family.kind in families.PRICED and _resolve(forced.without(family.ref), backend, time_limit, tiebreak=False).status == "optimal":
            return family.ref
    return None


def _raw_increase(pool: Pool, scores: Scores, position: int, delta: float) -> dict[str, float]:
    """Raw increase of each criterion alone that adds ``delta`` to the score without changing the normalisation."""
    if scores.normalize not in ("minmax", "none"):
        return {}
    eligible = pool.frame.loc[scores.eligible]
    out = {}
    for criterion, weight in scores.weights.values.items():
        if weight <= 0:
            continue
        cost = criterion in scores.cost_criteria
        values = eligible[criterion]
        span = 1.0 if scores.normalize == "none" else float(values.max() - values.min())
        if span == 0:
            continue
        step = delta * span / weight * (-1 if cost else 1)
        current = float(pool.frame[criterion].iat[position])
        if scores.normalize == "minmax" and not (values.min() <= current + step <= values.max()):
            continue
        out[criterion] = step
    return out
