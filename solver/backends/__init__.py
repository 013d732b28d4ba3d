"""Backend adapters: each turns a ``Model`` into one solver's input and its answer into a ``RawResult``.

Every adapter solves lexicographically: first the greatest total score, then — with the total score held at that
optimum — the tie-break objective (smaller village_ids first). A tie-break that cannot finish in the time left
keeps the first phase's shortlist, which is already optimal in score.

A multi-year plan is handed to every solver in its cumulative form (``solver.model.cumulative``) and its answer
turned back into the plan's own columns, so callers never see the difference.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from solver.backends.base import RawResult, SolveOptions, binary
from solver.model import Model, cumulative


def get_backend(name: str):
    if name == "highs":
        from solver.backends import highs as module
    elif name == "cbc":
        from solver.backends import cbc as module
    elif name == "cpsat":
        from solver.backends import cpsat as module
    else:
        raise ValueError(name)
    return partial(_solve_in_cumulative_form, module.solve)


def _solve_in_cumulative_form(solve, model: Model, options: SolveOptions) -> RawResult:
    if model.year is None:
        return solve(model, options)
    form, d = cumulative(model)
    raw = solve(form, options)
    return raw if raw.x is None else replace(raw, x=binary(d @ raw.x))


BACKENDS = ("highs", "cbc", "cpsat")

__all__ = ["BACKENDS", "RawResult", "SolveOptions", "get_backend"]
