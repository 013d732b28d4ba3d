"""Binding a scenario to a pool: every column it names must exist and fit its use.

Columns may be named by English key, by Chinese header, or by an extra column's header; the bound scenario uses
pool keys throughout, so later stages never resolve names again.
"""

from __future__ import annotations

from dataclasses import dataclass

from contract.columns import CATALOGUE, DEBT_LEVELS, FLAG_SPELLINGS
from contract.errors import InputError, Problem
from contract.scenario import LoadedScenario, Scenario, suggest
from contract.texts import Msg
from pool.places import PLACE_COLUMNS
from pool.raw import normalize_header
from pool.read import Pool


@dataclass(frozen=True)
class Inputs:
    """A loaded scenario and the pool it is solved on; ``scenario`` is bound to the pool (every column name is a
    pool key)."""

    loaded: LoadedScenario
    pool: Pool
    scenario: Scenario


def bind(loaded: LoadedScenario, pool: Pool) -> Inputs:
    """The scenario bound to the pool; raises ``InputError`` listing every column that is missing or misfits."""
    return Inputs(loaded, pool, bind_scenario(loaded.scenario, pool))


NUMERIC = {"score", "level", "year", "lon", "lat", "count", "amount", "cost", "number"}
FLAG_KINDS = {"flag"}


class _Binder:
    def __init__(self, pool: Pool):
        self.pool = pool
        self.problems: list[Problem] = []
        self.names = (
            {c.key: c.key for c in CATALOGUE if c.key in pool.frame}
            | {normalize_header(c.zh): c.key for c in CATALOGUE if c.key in pool.frame}
            | {normalize_header(a): c.key for c in CATALOGUE if c.key in pool.frame for a in c.aliases}
            | {k: k for k in pool.extra}
        )

    def column(self, name: str, where: str, kinds: set[str] | None = None, use: str = "") -> str | None:
        key = self.names.get(normalize_header(str(name)))
        if key is None:
            catalogue = next((c for c in CATALOGUE if normalize_header(c.zh) == normalize_header(name) or c.key == name), None)
            if catalogue is not None:
                self.problems.append(Problem("scenario.column_absent", key=where, value=name, params={"header": catalogue.zh}))
            else:
                self.problems.append(
                    Problem("scenario.unknown_column", key=where, value=name, params={"suggestion": suggest(str(name), list(self.names))})
                )
            return None
        kind = self.pool.column_kind(key)
        if kinds is not None and kind not in kinds and not (kinds == FLAG_KINDS and self._zero_one(key)):
            self.problems.append(
                Problem("scenario.wrong_kind", key=where, value=name, params={"use": Msg(f"use.{use}"), "kind": Msg(f"kind.{kind}")})
            )
            return None
        return key

    def _zero_one(self, key: str) -> bool:
        values = self.pool.frame[key].dropna()
        return self.pool.column_kind(key) == "number" and values.isin([0, 1]).all()

    def columns(self, names, where: str, kinds=None, use="") -> list[str]:
        return [k for i, n in enumerate(names) if (k := self.column(n, f"{where}[{i}]", kinds, use)) is not None]

    def mapping(self, values: dict, where: str, kinds=None, use="") -> dict:
        out = {}
        for name, value in values.items():
            key = self.column(name, f"{where}.{name}", kinds, use)
            if key is not None:
                out[key] = value
        return out


def bind_scenario(scenario: Scenario, pool: Pool) -> Scenario:
    """The scenario with every column name resolved to a pool key; raises ``InputError`` listing every misfit."""
    b = _Binder(pool)
    elig, scoring, selection = scenario.eligibility, scenario.scoring, scenario.selection
    bound_elig = elig.model_copy(
        update={
            "require": b.columns(elig.require, "eligibility.require", FLAG_KINDS, "flag"),
            "min": b.mapping(elig.min, "eligibility.min", NUMERIC, "number"),
            "max": b.mapping(elig.max, "eligibility.max", NUMERIC, "number"),
            "exclude": _exclusions(b, elig.exclude),
        }
    )
    if elig.exclude_upgraded and "baicun_year" not in pool.frame:
        b.problems.append(
            Problem("scenario.column_absent", key="eligibility.exclude_upgraded", value="baicun_year", params={"header": "百村提升年度"})
        )
    bound_scoring = scoring.model_copy(update=_bound_scoring(b, scoring))
    bound_selection = selection.model_copy(update=_bound_counts(b, selection, "selection"))
    update = {"eligibility": bound_elig, "scoring": bound_scoring, "selection": bound_selection}
    if scenario.plan is not None:
        update["plan"] = scenario.plan.model_copy(update=_bound_counts(b, scenario.plan, "plan"))
        if scenario.plan.locked and not scenario.plan.lock_run and "baicun_year" not in pool.frame:
            b.problems.append(Problem("scenario.column_absent", key="plan.locked", value="baicun_year", params={"header": "百村提升年度"}))
    if scenario.spatial is not None:
        for key, header in (("lon", "经度"), ("lat", "纬度")):
            if key not in pool.frame:
                b.problems.append(Problem("scenario.column_absent", key="spatial", value=key, params={"header": header}))
    if scenario.robustness is not None:
        update["robustness"] = _bound_robustness(b, scenario.robustness, set(bound_scoring.criteria))
    known = set(pool.frame["village_id"])
    for where in ("must_include", "must_exclude"):
        for village in getattr(selection, where):
            if village not in known:
                b.problems.append(Problem("scenario.unknown_village", key=f"selection.{where}", value=village))
    if b.problems:
        raise InputError("scenario.unfit", b.problems, file=pool.source)
    return scenario.model_copy(update=update)


def _bound_counts(b: _Binder, rules, where: str) -> dict:
    """Quota flags and group columns of ``[selection]`` or ``[plan]`` resolved to pool keys."""
    return {
        "quota": [
            q.model_copy(update={"flag": b.column(q.flag, f"{where}.quota[{i}].flag", FLAG_KINDS, "flag") or q.flag})
            for i, q in enumerate(rules.quota)
        ],
        "group": [g.model_copy(update={"by": _place(b.column(g.by, f"{where}.group[{i}].by")) or g.by}) for i, g in enumerate(rules.group)],
    }


def _place(key: str | None) -> str | None:
    """A group over a place level counts places, not names: county → its identity column (pool.places)."""
    return PLACE_COLUMNS.get(key, key) if key is not None else None


def _exclusions(b: _Binder, exclude: dict) -> dict:
    out = {}
    for name, values in exclude.items():
        key = b.column(name, f"eligibility.exclude.{name}")
        if key is None:
            continue
        kind = b.pool.column_kind(key)
        parsed = []
        for value in values:
            text = str(value).strip()
            if kind == "level":
                code = DEBT_LEVELS.get(text.replace(".0", ""))
            elif kind == "flag":
                code = FLAG_SPELLINGS.get(text.lower()) if text else None
            elif kind in NUMERIC:
                code = float(value) if isinstance(value, (int, float)) else _float_or_none(text)
            else:
                code = text
            if code is None:
                b.problems.append(Problem("scenario.bad_exclude_value", key=f"eligibility.exclude.{name}", value=text))
            else:
                parsed.append(code)
        out[key] = parsed
    return out


def _float_or_none(text: str):
    try:
        return float(text)
    except ValueError:
        return None


def _bound_scoring(b: _Binder, scoring) -> dict:
    update: dict = {
        "cost_criteria": b.columns(scoring.cost_criteria, "scoring.cost_criteria", NUMERIC, "criterion"),
        "bonus": b.mapping(scoring.bonus, "scoring.bonus", FLAG_KINDS, "flag"),
    }
    if scoring.weights:
        update["weights"] = b.mapping(scoring.weights, "scoring.weights", NUMERIC, "criterion")
    if scoring.entropy:
        update["entropy"] = b.columns(scoring.entropy, "scoring.entropy", NUMERIC, "criterion")
    if scoring.ahp:
        update["ahp"] = scoring.ahp.model_copy(update={"criteria": b.columns(scoring.ahp.criteria, "scoring.ahp.criteria", NUMERIC, "criterion")})
    if scoring.dimensions:
        update["dimensions"] = {
            name: d.model_copy(update={"weights": b.mapping(d.weights, f"scoring.dimensions.{name}.weights", NUMERIC, "criterion")})
            for name, d in scoring.dimensions.items()
        }
    weighted = set(scoring.criteria)
    for i, name in enumerate(scoring.cost_criteria):
        if name not in weighted:
            b.problems.append(Problem("scenario.cost_not_weighted", key=f"scoring.cost_criteria[{i}]", value=name))
    return update


def bind_region(region, scenario: Scenario, pool: Pool):
    """A weight region given outside the scenario file (command line, app) bound like ``[robustness]`` to the
    bound ``scenario``'s criteria; raises ``InputError`` for an unknown or unweighted criterion."""
    b = _Binder(pool)
    bound = _bound_robustness(b, region, set(scenario.scoring.criteria))
    if b.problems:
        raise InputError("scenario.unfit", b.problems, file=pool.source)
    return bound


def _bound_robustness(b: _Binder, region, weighted: set[str]) -> object:
    """The weight region's criterion names resolved to pool keys; each must be a weighted criterion, and each
    expert's vector of a hull must weigh every criterion."""
    intervals = b.mapping(region.intervals, "robustness.intervals", NUMERIC, "criterion")
    order = [b.columns(chain, f"robustness.order[{i}]", NUMERIC, "criterion") for i, chain in enumerate(region.order)]
    hull = [b.mapping(w, f"robustness.hull[{i}]", NUMERIC, "criterion") for i, w in enumerate(region.hull)]
    named = [("robustness.intervals", k) for k in intervals] + [(f"robustness.order[{i}]", k) for i, c in enumerate(order) for k in c]
    named += [(f"robustness.hull[{i}]", k) for i, w in enumerate(hull) for k in w]
    for where, key in named:
        if key not in weighted:
            b.problems.append(Problem("scenario.robustness_not_weighted", key=where, value=key))
    for i, w in enumerate(hull):
        missing = sorted(weighted - set(w))
        if missing:
            b.problems.append(Problem("scenario.robustness_hull_missing", key=f"robustness.hull[{i}]", params={"criteria": "、".join(missing)}))
    return region.model_copy(update={"intervals": intervals, "order": order, "hull": hull})
