"""``count``: the number selected, L ≤ Σ_i x_i ≤ U (``[selection] count``; in a plan, every year)."""

from __future__ import annotations

import numpy as np

from contract.texts import Msg
from solver.families.base import Block, single_row
from solver.rules import RuleRef

REF = RuleRef("count")


def build(variables, village_ids, rules) -> list[Block]:
    if rules.count is None:
        return []
    return [single_row(REF, np.ones(len(variables)), float(rules.count[0]), float(rules.count[1]))]


def label(ref: RuleRef) -> Msg:
    return Msg("family.count")
