"""``quota``: q_lo ≤ Σ_{i: f_i} x_i ≤ q_hi for a flag f (重点边境村, 脱贫村 …), one row per ``[[selection.quota]]``."""

from __future__ import annotations

from contract.columns import header_of
from solver.families.base import INF, Block, single_row
from solver.rules import RuleRef


def build(variables, village_ids, rules) -> list[Block]:
    blocks = []
    for quota in rules.quotas:
        member = variables[quota.flag].fillna(False).astype(float).to_numpy()
        low = -INF if quota.low is None else float(quota.low)
        high = INF if quota.high is None else float(quota.high)
        blocks.append(single_row(RuleRef("quota", quota.flag), member, low, high))
    return blocks


def label(ref: RuleRef) -> str:
    return header_of(ref.subject)
