"""``group``: g_lo ≤ Σ_{i: C_i = g} x_i ≤ g_hi for each value g of a column C that has a bound (the bounds —
county maximum, minimum capped at the eligible count, share rounding — are decided in ``solver.rules``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from contract.columns import header_of
from contract.errors import Problem
from solver.families.base import INF, Block, Slack, number
from solver.rules import RuleRef


def build(variables, village_ids, rules) -> list[Block]:
    blocks = []
    n = len(variables)
    for group in rules.groups:
        bounded = group.binding_rows()
        codes = pd.Index(bounded.index).get_indexer(variables[group.by])
        member = codes >= 0
        matrix = sp.csr_matrix((np.ones(member.sum()), (codes[member], np.flatnonzero(member))), shape=(len(bounded), n))
        high = bounded["high"].fillna(INF).to_numpy(dtype=float)
        low = bounded["low"].to_numpy(dtype=float)
        blocks.append(Block(RuleRef("group", group.by), matrix, low, high, tuple(str(v) for v in bounded.index)))
    return blocks


def label(ref: RuleRef) -> str:
    return header_of(ref.subject)


def relaxation(slack: Slack) -> Problem:
    """Every group's bound moved by one shared amount ("每个县(市、区)的上限 2 需统一升至 4"), or by the same number
    of villages when the groups' bounds differ."""
    amount = round(slack.amount)
    uniform = np.unique(slack.bounds)
    needed = uniform[0] + (-amount if slack.lower else amount)
    params = {"label": slack.label, "amount": amount, "bound": number(uniform[0]), "needed": number(needed)}
    code = ("diag.group_low" if slack.lower else "diag.group_high") + ("" if len(uniform) == 1 else "_each")
    return Problem(code, params=params)
