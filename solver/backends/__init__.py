"""Backend adapters: each turns a ``Model`` into one solver's input and its answer into a ``RawResult``.

Every adapter solves lexicographically: first the greatest total score, then — with the total score held at that
optimum — the tie-break objective (smaller village_ids first). A tie-break that cannot finish in the time left
keeps the first phase's shortlist, which is already optimal in score.
"""

from __future__ import annotations

from solver.backends.base import RawResult, SolveOptions


def get_backend(name: str):
    if name == "highs":
        from solver.backends import highs as module
    elif name == "cbc":
        from solver.backends import cbc as module
    elif name == "cpsat":
        from solver.backends import cpsat as module
    else:
        raise ValueError(name)
    return module.solve


BACKENDS = ("highs", "cbc", "cpsat")

__all__ = ["BACKENDS", "RawResult", "SolveOptions", "get_backend"]
