"""The scenario file (SPEC §3): a pydantic schema, TOML loading, and binding to a pool's columns.

Loading reports every problem at once as an ``InputError``: unknown keys (with the nearest valid name), values of
the wrong type, impossible numbers (count min > max, negative budget or weight), and — once bound to a pool —
columns the pool does not have or whose kind does not fit the use (a weight on a text column, a flag that is not
yes/no).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from contract.errors import InputError, Problem, suggest  # noqa: F401 (suggest: imported from here too)

NonNegative = Annotated[float, Field(ge=0)]


def rule_error(code: str, **params) -> PydanticCustomError:
    """A scenario rule broken inside a validator; ``code`` is a message code of ``contract.texts``."""
    return PydanticCustomError("baicun_rule", code, {"code": code, **params})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EligibilityRules(Strict):
    require: list[str] = []
    min: dict[str, float] = {}
    max: dict[str, float] = {}
    exclude: dict[str, list[str | int | float | bool]] = {}
    exclude_upgraded: bool = False


class AHPJudgements(Strict):
    """Pairwise comparisons on Saaty's 1–9 scale: ``matrix[i][j]`` says how much more important criterion i is than
    criterion j; entries may be numbers or fractions written as text (\"1/3\")."""

    criteria: list[str]
    matrix: list[list[float | str]]

    @field_validator("matrix")
    @classmethod
    def _fractions(cls, rows):
        return [[parse_fraction(v) for v in row] for row in rows]


class Dimension(Strict):
    weight: NonNegative
    weights: dict[str, NonNegative]


class ScoringRules(Strict):
    normalize: Literal["minmax", "zscore", "rank", "none"] = "minmax"
    weights: dict[str, NonNegative] = {}
    ahp: AHPJudgements | None = None
    entropy: list[str] = []
    dimensions: dict[str, Dimension] = {}
    cost_criteria: list[str] = []
    bonus: dict[str, float] = {}

    @model_validator(mode="after")
    def _one_weighting(self):
        given = [k for k in ("weights", "ahp", "entropy", "dimensions") if getattr(self, k)]
        if len(given) != 1:
            raise rule_error("scenario.one_weighting", given="、".join(given) or "—")
        return self

    @property
    def criteria(self) -> list[str]:
        """Every column that is weighted, in the order the scenario names them."""
        if self.ahp:
            return list(self.ahp.criteria)
        if self.entropy:
            return list(self.entropy)
        if self.dimensions:
            return [c for d in self.dimensions.values() for c in d.weights]
        return list(self.weights)


class Quota(Strict):
    flag: str
    min: Annotated[int, Field(ge=0)] | None = None
    max: Annotated[int, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _bounds(self):
        if self.min is None and self.max is None:
            raise rule_error("scenario.quota_empty", flag=self.flag)
        if self.min is not None and self.max is not None and self.min > self.max:
            raise rule_error("scenario.min_above_max", low=self.min, high=self.max)
        return self


class GroupRule(Strict):
    by: str
    min: Annotated[int, Field(ge=0)] | None = None
    max: Annotated[int, Field(ge=0)] | None = None
    share: tuple[NonNegative, NonNegative] | None = None

    @model_validator(mode="after")
    def _bounds(self):
        if self.min is None and self.max is None and self.share is None:
            raise rule_error("scenario.group_empty", by=self.by)
        if self.min is not None and self.max is not None and self.min > self.max:
            raise rule_error("scenario.min_above_max", low=self.min, high=self.max)
        if self.share is not None and self.share[0] > self.share[1]:
            raise rule_error("scenario.min_above_max", low=self.share[0], high=self.share[1])
        return self


class SelectionRules(Strict):
    count: tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]] | None = None
    budget: NonNegative | None = None
    must_include: list[str] = []
    must_exclude: list[str] = []
    quota: list[Quota] = []
    group: list[GroupRule] = []

    @field_validator("count", mode="before")
    @classmethod
    def _single_count(cls, value):
        return (value, value) if isinstance(value, int) else value

    @field_validator("must_include", "must_exclude", mode="before")
    @classmethod
    def _ids_as_text(cls, values):
        return [str(v) for v in values] if isinstance(values, list) else values

    @model_validator(mode="after")
    def _consistent(self):
        if self.count is not None and self.count[0] > self.count[1]:
            raise rule_error("scenario.min_above_max", low=self.count[0], high=self.count[1])
        both = sorted(set(self.must_include) & set(self.must_exclude))
        if both:
            raise rule_error("scenario.must_both", ids="、".join(both))
        return self


class SpatialRules(Strict):
    """Demonstration belts (solver/spatial.py): a reward for each selected village with a selected neighbour."""

    radius_km: Annotated[float, Field(gt=0, le=200)]
    weight: NonNegative = 0.0


class PlanRules(Strict):
    """A multi-year plan (solver/plan.py). ``[selection]`` rules hold in every year; ``plan.quota``/``plan.group``
    hold over the whole plan."""

    years: list[int]
    count_per_year: tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]] | None = None  # default: selection.count
    budget_per_year: NonNegative | list[NonNegative] | None = None  # default: selection.budget
    total: tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]] | None = None
    funding: list[NonNegative] = [1.0]  # share of a village's cost paid in its 1st, 2nd … year; sums to 1
    discount: Annotated[float, Field(ge=0, lt=1)] = 0.0  # a score chosen in year t counts (1 − discount)^(t − first)
    locked: list[int] = []  # years already decided: their villages come from baicun_year, or from lock_run
    lock_run: Annotated[int, Field(ge=1)] | None = None
    quota: list[Quota] = []
    group: list[GroupRule] = []

    @field_validator("count_per_year", "total", mode="before")
    @classmethod
    def _single(cls, value):
        return (value, value) if isinstance(value, int) else value

    @model_validator(mode="after")
    def _consistent(self):
        if not self.years or sorted(set(self.years)) != self.years:
            raise rule_error("scenario.plan_years", years=self.years)
        for pair in (self.count_per_year, self.total):
            if pair is not None and pair[0] > pair[1]:
                raise rule_error("scenario.min_above_max", low=pair[0], high=pair[1])
        if isinstance(self.budget_per_year, list) and len(self.budget_per_year) != len(self.years):
            raise rule_error("scenario.plan_budget_length", given=len(self.budget_per_year), years=len(self.years))
        if not self.funding or abs(sum(self.funding) - 1) > 1e-9:
            raise rule_error("scenario.plan_funding", total=round(sum(self.funding), 6))
        stray = [y for y in self.locked if y not in self.years]
        if stray:
            raise rule_error("scenario.plan_locked", years=stray)
        if self.lock_run is not None and not self.locked:
            raise rule_error("scenario.plan_lock_run")
        return self

    def budget_of(self, index: int, default: float | None) -> float | None:
        if isinstance(self.budget_per_year, list):
            return self.budget_per_year[index]
        return self.budget_per_year if self.budget_per_year is not None else default


class RobustnessRegion(Strict):
    """``[robustness]``: the range of weights the panel wants the shortlist proved stable over (analysis/region.py).

    ``relative = 0.05`` lets every weight move ±5 % of its value; ``intervals`` bounds chosen criteria (the others
    stay at the scenario's weight unless ``relative`` also holds); ``order`` lists chains of criteria whose weights
    keep that order (``[["industry_base", "leader", "enthusiasm"]]``: 产业基础 ≥ 带头人 ≥ 创建积极性); ``hull`` is a
    plain list of weight vectors (one dict per expert) whose convex hull is the region, and stands alone. Weights
    are rescaled to the scenario's total as the scoring rescales them."""

    relative: Annotated[float, Field(gt=0, lt=1)] | None = None
    intervals: dict[str, tuple[NonNegative, NonNegative]] = {}
    order: list[list[str]] = []
    hull: list[dict[str, NonNegative]] = []
    samples: Annotated[int, Field(ge=0, le=100_000)] = 1000
    seed: int = 1
    time_budget_s: Annotated[float, Field(gt=0)] = 10.0

    @field_validator("order", mode="before")
    @classmethod
    def _one_chain(cls, value):
        return [value] if isinstance(value, list) and value and all(isinstance(v, str) for v in value) else value

    @model_validator(mode="after")
    def _region(self):
        if self.hull and (self.relative is not None or self.intervals or self.order):
            raise rule_error("scenario.robustness_hull_alone")
        if not (self.hull or self.relative is not None or self.intervals or self.order):
            raise rule_error("scenario.robustness_empty")
        for low, high in self.intervals.values():
            if low > high:
                raise rule_error("scenario.min_above_max", low=low, high=high)
        short = [chain for chain in self.order if len(chain) < 2]
        if short:
            raise rule_error("scenario.robustness_chain", chain="、".join(map(str, short)))
        return self

    @property
    def names(self) -> list[str]:
        """Every criterion the region names."""
        return list(self.intervals) + [c for chain in self.order for c in chain] + [c for w in self.hull for c in w]


class ReviewRules(Strict):
    """The expert panel (seed 003 三(二); review/ has the formulas): how the experts' score sheets become the four
    review columns, which experts must abstain where (回避), and when an expert or a village is flagged."""

    rule: Literal["mean", "trimmed_mean", "median"] = "trimmed_mean"
    standardize: bool = False  # z-score each expert's scores per aspect first (removes harsh/lenient bias)
    sheets: list[str] = []  # the experts' score sheets (files), relative to the scenario; applied when solving
    panel: str | None = None  # the panel list: each expert's home city/county, for 回避
    outlier_correlation: Annotated[float, Field(ge=-1, le=1)] = 0.3  # flag an expert below this correlation with the rest
    disagreement_range: Annotated[float, Field(gt=0, le=100)] = 20.0  # flag a village whose scores span this much
    group_weights: Literal["aij", "aip", "direct"] = "aij"  # how the experts' weight judgements are combined


class SolverOptions(Strict):
    backend: Literal["highs", "cbc", "cpsat"] = "highs"
    time_limit_s: Annotated[float, Field(gt=0)] = 60.0
    mip_gap: Annotated[float, Field(ge=0, lt=1)] = 0.0
    threads: Annotated[int, Field(ge=0)] = 0


class Scenario(Strict):
    name: str = "未命名情景"
    description: str = ""
    pool: str | None = None
    region: str | None = None  # plausible coordinate box for the pool: 吉林省 (default), 全国, or lon/lat bounds
    eligibility: EligibilityRules = EligibilityRules()
    scoring: ScoringRules
    selection: SelectionRules = SelectionRules()
    spatial: SpatialRules | None = None
    plan: PlanRules | None = None
    robustness: RobustnessRegion | None = None
    review: ReviewRules | None = None
    solver: SolverOptions = SolverOptions()

    @property
    def locked_years(self) -> list[int]:
        return list(self.plan.locked) if self.plan else []


@dataclass(frozen=True)
class References:
    """What a scenario may reach outside its own text — decided by who hands it over, never by the file itself.

    ``files``: paths on this machine (``pool``); ``runs``: stored runs (``[plan] lock_run``), which are only ever
    read through the run store's API. The command line runs on the user's own machine and may do both (``LOCAL``);
    a scenario uploaded to the app may reach nothing on the server (``UPLOADED``): its ``pool`` is never opened
    (the app's pool comes from the 数据 page) and a ``lock_run`` is refused with a message that says why. A role
    that may see the server's runs widens it with ``References(files=False, runs=True)``.
    """

    files: bool = True
    runs: bool = True


LOCAL = References()
UPLOADED = References(files=False, runs=False)


def reference_problems(scenario: Scenario, policy: References, pool_supplied: bool = False) -> list[Problem]:
    """The references of ``scenario`` that ``policy`` forbids (a ``pool`` path only matters when no pool is
    supplied from elsewhere, since only then would it be opened)."""
    problems = []
    if scenario.pool is not None and not policy.files and not pool_supplied:
        problems.append(Problem("scenario.ref_file", key="pool", value=scenario.pool))
    if scenario.plan is not None and scenario.plan.lock_run is not None and not policy.runs:
        problems.append(Problem("scenario.ref_run", key="plan.lock_run", value=str(scenario.plan.lock_run)))
    if scenario.review is not None and not policy.files:  # the experts' sheets and the panel list are files too
        for key, value in [("review.sheets", sheet) for sheet in scenario.review.sheets] + [("review.panel", scenario.review.panel)]:
            if value is not None:
                problems.append(Problem("scenario.ref_file", key=key, value=value))
    return problems


def parse_fraction(value):
    """A number, or text such as 3 or 1/3 (Saaty judgements); raises a scenario rule error otherwise."""
    if isinstance(value, str):
        text = value.strip()
        try:
            if "/" in text:
                top, bottom = text.split("/")
                return float(top) / float(bottom)
            return float(text)
        except (ValueError, ZeroDivisionError):
            raise rule_error("scenario.bad_fraction", value=value) from None
    return value


# --- loading ------------------------------------------------------------------------------------------------


class LoadedScenario(BaseModel):
    """A parsed scenario with the text it came from (for the run record) and its folder (for relative paths)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    scenario: Scenario
    text: str
    source: str
    folder: Path

    def pool_path(self) -> Path | None:
        return (self.folder / self.scenario.pool).resolve() if self.scenario.pool else None

    def review_paths(self) -> tuple[list[Path], Path | None]:
        """The ``[review]`` score sheets and panel list, resolved against the scenario's folder."""
        review = self.scenario.review
        if review is None:
            return [], None
        panel = (self.folder / review.panel).resolve() if review.panel else None
        return sheet_files(review.sheets, self.folder, panel), panel


def sheet_files(entries: list[str], folder: Path, panel: Path | None = None) -> list[Path]:
    """Score sheets named by ``entries`` (relative to ``folder``): a file, a folder (its .xlsx and .csv files) or a
    glob pattern; the panel list is never taken for a score sheet."""
    sheets: list[Path] = []
    for entry in entries:
        path = folder / entry
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in (".xlsx", ".csv") and not p.name.startswith((".", "~$")))
        elif any(ch in str(entry) for ch in "*?["):
            found = sorted(folder.glob(str(entry)))
        else:
            found = [path]
        sheets += [p.resolve() for p in found if panel is None or p.resolve() != Path(panel).resolve()]
    return sheets


def load_scenario(path: str | Path) -> LoadedScenario:
    path = Path(path)
    if not path.exists():
        raise InputError("scenario.invalid", [Problem("scenario.not_found", params={"file": str(path)})], file=path.name)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("scenario.invalid", [Problem("scenario.not_utf8")], file=path.name) from None
    return parse_scenario(text, source=path.name, folder=path.resolve().parent)


def parse_scenario(text: str, source: str = "scenario.toml", folder: Path | None = None) -> LoadedScenario:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError("scenario.invalid", [Problem("scenario.toml_syntax", params={"detail": str(error)})], file=source) from None
    return LoadedScenario(scenario=scenario_from_dict(data, source), text=text, source=source, folder=folder or Path.cwd())


def scenario_from_dict(data: dict, source: str = "scenario") -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise InputError("scenario.invalid", [_problem(e) for e in error.errors()], file=source) from None


def _model_at(loc: tuple) -> type[BaseModel] | None:
    model: Any = Scenario
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return None
        annotation = field.annotation
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        for inner in list(candidates):
            candidates += list(getattr(inner, "__args__", ()))
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if model is None:
            return None
    return model


def _problem(error: dict) -> Problem:
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    key = ".".join(str(p) for p in loc) or "（顶层）"
    kind = error["type"]
    if kind == "extra_forbidden":
        model = _model_at(loc)
        names = list(model.model_fields) if model else []
        return Problem("scenario.unknown_key", key=key, params={"key": loc[-1], "suggestion": suggest(str(loc[-1]), names)})
    if kind == "baicun_rule":
        context = dict(error.get("ctx") or {})
        return Problem(context.pop("code"), key=key, params=context)
    if kind == "missing":
        return Problem("scenario.missing_key", key=key)
    if kind.startswith(("greater_than", "less_than")):
        limit = (error.get("ctx") or {}).get("ge", (error.get("ctx") or {}).get("gt", (error.get("ctx") or {}).get("lt")))
        return Problem("scenario.out_of_bounds", key=key, value=str(error.get("input")), params={"limit": limit, "detail": error["msg"]})
    if kind == "literal_error":
        return Problem("scenario.not_one_of", key=key, value=str(error.get("input")), params={"expected": (error.get("ctx") or {}).get("expected")})
    return Problem("scenario.bad_value", key=key, value=str(error.get("input"))[:60], params={"detail": error["msg"]})


def is_table_list(value) -> bool:
    """A list of tables (a TOML ``[[…]]`` block)."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def scenario_changes(before: dict, after: dict, path: tuple = ()) -> list[tuple[tuple, object, object]]:
    """Every leaf that differs between two scenarios as (key path, before, after); a missing side is None. Lists
    of tables (quotas, groups) are compared row by row when their lengths agree, else as a whole."""
    changes = []
    for key in dict.fromkeys([*before, *after]):
        a, b = before.get(key), after.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            changes += scenario_changes(a, b, (*path, key))
        elif is_table_list(a) and is_table_list(b) and len(a) == len(b):
            for i, (row_a, row_b) in enumerate(zip(a, b)):
                changes += scenario_changes(row_a, row_b, (*path, key, i))
        else:
            changes.append(((*path, key), a, b))
    return changes
