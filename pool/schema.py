"""Value checks on converted pool columns, declared as a pandera schema and reported as ``Problem`` codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from contract.columns import NUMBER_BOUND, Column
from pool.places import code_problems
from pool.regions import Region

EARLIEST_YEAR = 1949


def _check(column: Column, code: str, test, **params) -> tuple[pa.Check, tuple[str, str, dict]]:
    name = f"{column.key}:{code}"
    return pa.Check(test, name=name, ignore_na=True), (name, code, params)


def _finite(test):
    """A range test that leaves non-finite and absurd values to the one bound check (reported once)."""
    return lambda s: test(s) | ~np.isfinite(s) | (s.abs() > NUMBER_BOUND)


def _checks_for(column: Column, region: Region, this_year: int) -> list[tuple[pa.Check, tuple[str, str, dict]]]:
    checks = _kind_checks(column, region, this_year)
    if column.numeric or column.kind == "number":
        checks.append(_check(column, "pool.not_finite", lambda s: np.isfinite(s) & (s.abs() <= NUMBER_BOUND), bound=f"{NUMBER_BOUND:.0e}"))
    return checks


def _kind_checks(column: Column, region: Region, this_year: int) -> list[tuple[pa.Check, tuple[str, str, dict]]]:
    kind = column.kind
    if kind == "score":
        return [
            _check(column, "pool.out_of_range", _finite(lambda s: s.between(0, 100)), low=0, high=100),
            _check(column, "pool.score_fraction", lambda s: ~((s > 0) & (s < 1))),
        ]
    if kind == "year":
        return [
            _check(column, "pool.future_year", lambda s: s <= this_year, this_year=this_year),
            _check(column, "pool.bad_year", lambda s: s >= EARLIEST_YEAR, low=EARLIEST_YEAR, high=this_year),
        ]
    if kind in ("lon", "lat"):
        low, high = region.lon if kind == "lon" else region.lat
        return [_check(column, "pool.coord_outside", _finite(lambda s: s.between(low, high)), low=low, high=high, region=region.name)]
    if kind in ("count", "amount"):
        return [_check(column, "pool.negative", _finite(lambda s: s >= 0))]
    if kind == "cost":
        return [_check(column, "pool.not_positive", _finite(lambda s: s > 0))]
    if kind == "id":
        return [_check(column, "pool.bad_code", lambda s: pd.Series(_good_codes(s), index=s.index))]
    return []


def _good_codes(ids: pd.Series) -> np.ndarray:
    good = np.ones(len(ids), dtype=bool)
    good[code_problems(ids)] = False
    return good


def value_failures(
    frame: pd.DataFrame, columns: list[Column], region: Region, this_year: int, extra: dict[str, str] | None = None
) -> list[tuple[int, str, str, dict]]:
    """(position, column key, message code, params) for every value that breaks a rule of SPEC §2. A blank
    计划投资 in a file that has the column is an error (never 0 万元); extra number columns get the bound check."""
    meanings: dict[str, tuple[str, dict]] = {}
    schema_columns = {}
    numbers = [Column(k, k, "number") for k, kind in (extra or {}).items() if kind == "number"]
    for column in list(columns) + numbers:
        pairs = _checks_for(column, region, this_year)
        meanings.update({name: (code, params) for _, (name, code, params) in pairs})
        nullable = not (column.required or column.kind == "cost")
        schema_columns[column.key] = pa.Column(checks=[c for c, _ in pairs], nullable=nullable, unique=column.kind == "id", required=True)
    schema = pa.DataFrameSchema(schema_columns, strict=False, coerce=False)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return [_failure(row, meanings) for row in errors.failure_cases.itertuples(index=False)]
    return []


def place_failures(frame: pd.DataFrame) -> list[tuple[int, str, str, dict]]:
    """The county part of each village code checked against the county column: every village whose code starts
    with the same six digits must name the same county (the name most of them give; a tie goes to the first)."""
    if "county" not in frame:
        return []
    ids = frame["village_id"].astype(str)
    # only plausible, unique codes: a bad code or a duplicated id is reported as such, not twice
    coded = pd.Series(_good_codes(frame["village_id"]), index=frame.index) & ~ids.duplicated(keep=False) & frame["county"].notna()
    prefix, county = ids[coded].str[:6], frame.loc[coded, "county"].astype(str)
    counts = pd.DataFrame({"prefix": prefix, "county": county}).value_counts(sort=False).reset_index(name="n")
    counts["first"] = counts["county"].map({c: i for i, c in enumerate(pd.unique(county))})  # first appearance order
    main = counts.sort_values(["n", "first"], ascending=[False, True]).drop_duplicates("prefix").set_index("prefix")["county"]
    wrong = county != prefix.map(main)
    return [(int(i), "county", "pool.code_county_mismatch", {"prefix": prefix[i], "county": main[prefix[i]]}) for i in wrong[wrong].index]


def _failure(case, meanings: dict[str, tuple[str, dict]]) -> tuple[int, str, str, dict]:
    check = str(case.check)
    if check == "not_nullable":
        code, params = ("pool.blank_cost" if str(case.column) == "cost" else "pool.blank_required"), {}
    elif check == "field_uniqueness":
        code, params = "pool.duplicate_id", {}
    else:
        code, params = meanings[check]
    return int(case.index), str(case.column), code, params
