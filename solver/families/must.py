"""``must_include`` (x_i ≥ 1) and ``must_exclude`` (x_i ≤ 0): one row per listed eligible village. An ineligible
must-exclude village is not a variable at all, so it has no row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from contract.texts import Msg
from solver.families.base import INF, Block
from solver.rules import RuleRef


def build(variables, village_ids, rules) -> list[Block]:
    blocks = []
    index = pd.Index(village_ids)
    for kind, ids, low, high in (("must_include", rules.must_include, 1.0, INF), ("must_exclude", rules.must_exclude, -INF, 0.0)):
        columns = index.get_indexer(list(ids))
        columns = columns[columns >= 0]
        if len(columns) == 0:
            continue
        matrix = sp.csr_matrix((np.ones(len(columns)), (np.arange(len(columns)), columns)), shape=(len(columns), len(village_ids)))
        blocks.append(Block(RuleRef(kind), matrix, np.full(len(columns), low), np.full(len(columns), high), tuple(village_ids[columns])))
    return blocks


def label(ref: RuleRef) -> Msg:
    return Msg(f"family.{ref.kind}")
