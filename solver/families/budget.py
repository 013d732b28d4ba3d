"""``budget``: Σ_i c_i x_i ≤ B, c the cost column (万元). A plan's yearly budget with the funding profile is built
in ``solver.families.plan``."""

from __future__ import annotations

from contract.errors import Problem
from contract.texts import Msg
from solver.families.base import INF, Block, Slack, number, relax_bound, single_row
from solver.rules import RuleRef

REF = RuleRef("budget")


def build(variables, village_ids, rules) -> list[Block]:
    if rules.budget is None:
        return []
    return [single_row(REF, variables["cost"].to_numpy(dtype=float), -INF, float(rules.budget))]


def label(ref: RuleRef) -> Msg:
    return Msg("family.budget")


def relaxation(slack: Slack) -> Problem:
    """A single-year budget: the cheapest sufficient budget is the stretched solution's spending; a yearly budget of
    a plan is relaxed like any bound."""
    if slack.ref.year is not None:
        return relax_bound(slack)
    return Problem("diag.budget", params={"budget": number(slack.bounds[0]), "needed": number(slack.activity), "count": slack.count})
