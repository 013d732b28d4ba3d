"""What every family module builds: a ``Block`` of rows over the model's columns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from contract.errors import Problem
from solver.rules import RuleRef

INF = np.inf


@dataclass(frozen=True)
class Block:
    """One family's rows: ``low ≤ matrix · x ≤ high``, one label per row (a group value, a village id)."""

    ref: RuleRef
    matrix: sp.csr_matrix
    low: np.ndarray
    high: np.ndarray
    labels: tuple[str, ...]


def single_row(ref: RuleRef, coefficients, low: float, high: float) -> Block:
    return Block(ref, sp.csr_matrix(np.asarray(coefficients, dtype=float).reshape(1, -1)), np.array([low]), np.array([high]), ("",))


def selector(rows, columns, shape: tuple[int, int]) -> sp.csr_matrix:
    """A 0/1 matrix with ones at (rows[k], columns[k])."""
    return sp.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=shape)


@dataclass(frozen=True)
class Slack:
    """How far an elastic solve had to stretch one rule (analysis.diagnose): on which side, by how much, the rows'
    bounds on that side, the first row's activity in the stretched solution, and the count it selected."""

    ref: RuleRef
    label: object  # the family's label (a Msg or a header)
    lower: bool  # True: a minimum was short; False: a maximum was exceeded
    amount: float
    bounds: np.ndarray
    activity: float
    count: int


def number(value: float) -> str:
    """A bound as a panel writes it: 6,000 or 6,000.5."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def relax_bound(slack: Slack) -> Problem:
    """The common relaxation: one bound moved by the slack ("{label}下限 30 需降至 24")."""
    bound = float(slack.bounds[0])
    needed = bound - slack.amount if slack.lower else bound + slack.amount
    code = "diag.relax_low" if slack.lower else "diag.relax_high"
    return Problem(code, params={"label": slack.label, "bound": number(bound), "needed": number(needed)})
