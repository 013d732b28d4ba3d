"""Constraint families: each family of rows lives in one module that builds its rows in bulk (one sparse block),
says what it is called, and — for the families a panel can relax or price — what relaxing it means.

A family is identified by a ``RuleRef`` (kind, subject, year, whole plan), never by a name string that someone
parses back. Adding a family means: a module here with ``build`` and ``label`` (and ``relaxation`` when it is
relaxable), its entry in ``FAMILIES`` (or a builder called from ``solver.model``), the independent checker
(``solver.check``, deliberately separate), and a test. See docs/ARCHITECTURE.md.

========================  ==============================  ==========================================
module                    rows                            built over
========================  ==============================  ==========================================
``count``                 L ≤ Σ x ≤ U                     eligible villages (lifted to plan years)
``budget``                Σ c x ≤ B                       eligible villages; a plan's yearly budget
                                                          with the funding profile is in ``plan``
``quota``                 q_lo ≤ Σ_{flag} x ≤ q_hi        eligible villages
``group``                 g_lo ≤ Σ_{C = g} x ≤ g_hi       one row per bounded group value
``must``                  x_i ≥ 1 / x_i ≤ 0               the listed villages
``plan``                  once, yearly budget, locked,    plan columns (solver/plan.py has the numbers)
                          order (cumulative form)
``belts``                 y ≤ v, y ≤ Σ_{N(i)} v           belt indicator columns (solver/spatial.py)
``fixed``                 x_i = 0 or 1 (what-if)          one village
========================  ==============================  ==========================================
"""

from __future__ import annotations

from dataclasses import replace

from contract.errors import Problem
from contract.texts import Msg
from solver.families import budget, count, group, must, quota
from solver.families.base import INF, Block, Slack, relax_bound, single_row
from solver.rules import ResolvedRules, RuleRef

__all__ = ["INF", "PRICED", "RELAXABLE", "Block", "Slack", "every_year", "label", "relaxation", "rule_blocks", "single_row"]

MODULES = {"count": count, "budget": budget, "quota": quota, "group": group, "must_include": must, "must_exclude": must}
# plan and belts import rule_blocks from here; their kinds are named by the same message codes (family.<kind>)
RELAXABLE = ("count", "budget", "quota", "group")
PRICED = ("count", "budget", "quota", "group", "must_include", "must_exclude")


def rule_blocks(variables, village_ids, rules: ResolvedRules) -> list[Block]:
    """Every counting rule of ``rules`` over the eligible villages (one column each), in a fixed family order."""
    return [b for family in (count, budget, quota, group, must) for b in family.build(variables, village_ids, rules)]


def label(ref: RuleRef, base: Msg | str | None = None) -> Msg | str:
    """What a panel calls the family: 遴选数量, 预算, 重点边境村, 县(市、区) …, with its year or "whole plan"
    (around ``base`` instead, when a report words the family its own way)."""
    if base is None:
        base = MODULES[ref.kind].label(ref) if ref.kind in MODULES else Msg(f"family.{ref.kind}")
    if ref.year is not None:
        return Msg("family.in_year", year=ref.year, label=base)
    if ref.whole_plan:
        return Msg("family.whole_plan", label=base)
    return base


def relaxation(slack: Slack) -> Problem:
    """What relaxing the family by ``slack`` means, in a panel's words (the family's own ``relaxation``, else one
    bound moved)."""
    return getattr(MODULES[slack.ref.kind], "relaxation", relax_bound)(slack)


def every_year(ref: RuleRef) -> Msg:
    """A yearly rule relaxed in every year at once (diagnosis)."""
    return Msg("family.every_year", label=label(replace(ref, year=None)))
