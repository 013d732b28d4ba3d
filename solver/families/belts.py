"""``belt``: the demonstration-belt reward's indicators (formulation and proof in ``solver.spatial``): for each
eligible village i with a neighbour, a column y_i with y_i ≤ v_i (``belt``/link) and y_i ≤ Σ_{j∈N(i)} v_j
(``belt``/neighbour), v_i = Σ_t x_{i,t}."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from contract.texts import Msg
from solver.families.base import INF, Block, selector
from solver.rules import RuleRef


def build(blocks: list[Block], columns: dict, n: int, spatial) -> tuple[list[Block], dict]:
    """The blocks padded with the belt columns, plus the two belt families; the column fields extended."""
    x_columns = len(columns["village"])
    p_all = selector(columns["village"], np.arange(x_columns), (n, x_columns))
    a = spatial.adjacency
    with_neighbour = np.flatnonzero(np.diff(a.indptr) > 0)
    m = len(with_neighbour)
    s = selector(np.arange(m), with_neighbour, (m, n))
    eye = sp.identity(m, format="csr")
    link = sp.hstack([-(s @ p_all), eye], format="csr")
    neighbour = sp.hstack([-(s @ a @ p_all), eye], format="csr")
    padded = [replace(b, matrix=sp.hstack([b.matrix, sp.csr_matrix((b.matrix.shape[0], m))], format="csr")) for b in blocks]
    labels = tuple(str(i) for i in with_neighbour)
    ends = (np.full(m, -INF), np.zeros(m))
    padded += [Block(RuleRef("belt", "link"), link, *ends, labels), Block(RuleRef("belt", "neighbour"), neighbour, *ends, labels)]
    columns = {
        "village": np.concatenate([columns["village"], with_neighbour]).astype(int),
        "year": None if columns["year"] is None else np.concatenate([columns["year"], np.zeros(m, dtype=int)]),
        "weight": np.concatenate([columns["weight"], np.zeros(m)]),
        "reward": np.concatenate([columns["reward"], np.full(m, spatial.weight)]),
        "choice": np.concatenate([columns["choice"], np.zeros(m, dtype=bool)]),
    }
    return padded, columns


def label(ref: RuleRef) -> Msg:
    """What a panel calls the rows of this module: belt (link and neighbour rows)."""
    return Msg(f"family.{ref.kind}")
