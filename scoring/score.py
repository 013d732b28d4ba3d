"""Composite scores (SPEC §3): weighted sum of normalised criteria plus flag bonuses, with every contribution kept.

score_i = Σ_j w_j · z_ij + Σ_f b_f · flag_if, where z is the normalised criterion over the eligible villages
(cost criteria reversed) and w the weights (rescaled to sum 1, except with ``normalize = "none"``). Ranks count
eligible villages only: by score descending, ties broken by village_id ascending.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic_core import PydanticCustomError

from contract.errors import InputError, Problem
from contract.scenario import Scenario, ScoringRules, parse_fraction
from pool.read import Pool
from scoring import weights as wt
from scoring.eligibility import Eligibility, assess_eligibility
from scoring.normalize import normalize


@dataclass(frozen=True)
class Scores:
    """Per village (aligned with the pool's rows): eligible, score, rank, and each criterion's contribution."""

    table: pd.DataFrame  # village_id, eligible, score, rank
    contributions: pd.DataFrame  # one column per criterion and per bonus flag; NaN for ineligible villages
    weights: wt.Weights
    bonuses: dict[str, float]
    cost_criteria: tuple[str, ...]
    normalize: str
    eligibility: Eligibility
    notices: tuple[Problem, ...] = ()

    @property
    def criteria(self) -> list[str]:
        return list(self.weights.values)

    @property
    def eligible(self) -> np.ndarray:
        return self.table["eligible"].to_numpy()

    def ranked(self) -> pd.DataFrame:
        """Eligible villages by rank, with their contributions."""
        table = self.table.join(self.contributions)
        return table[table["eligible"]].sort_values("rank")


def score_pool(pool: Pool, scenario: Scenario) -> Scores:
    """Eligibility and composite score of every village under a scenario already bound to this pool."""
    eligibility = assess_eligibility(pool.frame, scenario.eligibility, _kinds(pool), scenario.locked_years)
    mask = eligibility.mask
    rules = scenario.scoring
    raw = _criteria_matrix(pool, rules, mask)
    cost = np.array([c in rules.cost_criteria for c in rules.criteria])
    weights, notices = resolve_weights(rules, raw, cost)
    normalized = np.column_stack([normalize(raw[:, j], rules.normalize, cost[j]) for j in range(raw.shape[1])]) if raw.size else raw
    parts = {c: normalized[:, j] * weights.values[c] for j, c in enumerate(rules.criteria)}
    parts |= {f: pool.frame.loc[mask, f].fillna(False).astype(float).to_numpy() * b for f, b in rules.bonus.items()}
    contributions = pd.DataFrame(np.nan, index=pool.frame.index, columns=list(parts))
    for name, values in parts.items():
        contributions.loc[mask, name] = values
    score = pd.Series(np.nan, index=pool.frame.index)
    score[mask] = contributions.loc[mask].sum(axis=1) if parts else 0.0
    table = pd.DataFrame({"village_id": pool.frame["village_id"], "eligible": mask, "score": score})
    order = table[mask].sort_values(["score", "village_id"], ascending=[False, True]).index
    table["rank"] = pd.Series(np.arange(1, len(order) + 1), index=order).reindex(table.index).astype("Int64")
    return Scores(table, contributions, weights, dict(rules.bonus), tuple(rules.cost_criteria), rules.normalize, eligibility, tuple(notices))


def _criteria_matrix(pool: Pool, rules: ScoringRules, mask: np.ndarray) -> np.ndarray:
    frame = pool.frame.loc[mask, rules.criteria]
    blank = frame.isna()
    if blank.to_numpy().any():
        problems = [
            Problem(
                "scenario.blank_criterion",
                row=int(pool.rows[position]),
                column=column,
                value=column,
                params={"village": pool.frame["village_id"].iat[position]},
            )
            for column in rules.criteria
            for position in np.flatnonzero(mask)[blank[column].to_numpy()]
        ]
        raise InputError("scenario.unfit", problems, file=pool.source)
    return frame.to_numpy(dtype=float)


def resolve_weights(rules: ScoringRules, raw: np.ndarray, cost: np.ndarray) -> tuple[wt.Weights, list[Problem]]:
    """The weights the scenario asks for, and the notices the user must see about them."""
    notices: list[Problem] = []
    if rules.ahp is not None:
        weights = _ahp_weights(rules)
        result = weights.ahp
        code = "notice.ahp_ok" if result.consistent else "notice.ahp_inconsistent"
        notices.append(Problem(code, params={"cr": f"{result.cr:.3f}", "limit": wt.CR_LIMIT, "lambda_max": f"{result.lambda_max:.3f}"}))
        return weights, notices
    if rules.entropy:
        values = entropy_weights(raw, cost)
        notices.append(Problem("notice.entropy", params={"villages": raw.shape[0]}))
        return wt.Weights(dict(zip(rules.entropy, values.tolist())), "entropy"), notices
    if rules.dimensions:
        return wt.hierarchical({n: (d.weight, d.weights) for n, d in rules.dimensions.items()}), notices
    weights = wt.direct(rules.weights, rescale=rules.normalize != "none")
    if weights.rescaled:
        notices.append(Problem("notice.weights_rescaled", params={"total": f"{weights.given_sum:g}"}))
    return weights, notices


def entropy_weights(raw: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Entropy weights (scoring/weights.py) of raw criteria (eligible villages × criteria): computed on the
    min–max normalised values with cost criteria reversed, so every caller gets the same weights."""
    basis = np.column_stack([normalize(raw[:, j], "minmax", cost[j]) for j in range(raw.shape[1])])
    return wt.entropy(basis)


def suggest_entropy_weights(pool: Pool, scenario: Scenario) -> dict[str, float]:
    """What ``entropy`` would give the scenario's weighted criteria on this pool (the app's 熵权法建议): the same
    eligible villages and the same computation as a scenario with ``[scoring] entropy = [...]``. Raises
    ``InputError`` when a weighted criterion is blank for an eligible village."""
    mask = assess_eligibility(pool.frame, scenario.eligibility, _kinds(pool), scenario.locked_years).mask
    rules = scenario.scoring
    raw = _criteria_matrix(pool, rules, mask)
    cost = np.array([c in rules.cost_criteria for c in rules.criteria])
    return dict(zip(rules.criteria, entropy_weights(raw, cost).tolist()))


def _kinds(pool: Pool) -> dict[str, str]:
    return {key: pool.column_kind(key) for key in pool.frame.columns}


SAATY_RANGE = (1 / 9, 9.0)


def judgement_matrix(cells: list[list], names: list[str]) -> np.ndarray:
    """The full pairwise matrix from a table whose upper triangle a person filled in (the lower one is implied).

    Every upper cell that is not a number or fraction on Saaty's scale (1/9 … 9) is reported by its row and column
    name — never read as 1, which would quietly say "equally important".
    """
    n = len(names)
    matrix = np.ones((n, n))
    problems = []
    for i in range(n):
        for j in range(i + 1, n):
            cell = cells[i][j]
            text = "" if cell is None or (isinstance(cell, float) and np.isnan(cell)) else str(cell).strip()
            try:
                value = float(parse_fraction(text))
            except PydanticCustomError:
                value = float("nan")
            if not SAATY_RANGE[0] - 1e-9 <= value <= SAATY_RANGE[1] + 1e-9:
                problems.append(Problem("scoring.ahp_cell", column=names[j], value=text, params={"row_name": names[i]}))
                continue
            matrix[i, j], matrix[j, i] = value, 1 / value
    if problems:
        raise InputError("scoring.ahp_cells", problems)
    return matrix


def _ahp_weights(rules: ScoringRules) -> wt.Weights:
    criteria, matrix = rules.ahp.criteria, rules.ahp.matrix
    n = len(criteria)
    if len(matrix) != n or any(len(row) != n for row in matrix):
        raise InputError("scenario.invalid", [Problem("scenario.ahp_shape", key="scoring.ahp.matrix", params={"n": n})], file="")
    bad = wt.reciprocal_problems(matrix)
    if bad:
        problems = [
            Problem("scenario.ahp_entry", key="scoring.ahp.matrix", params={"i": i, "j": j, "a": f"{a:g}", "b": f"{b:g}"}) for i, j, a, b in bad
        ]
        raise InputError("scenario.invalid", problems, file="")
    result = wt.ahp(matrix)
    return wt.Weights(dict(zip(criteria, result.weights.tolist())), "ahp", ahp=result)
