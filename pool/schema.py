"""Value checks on converted pool columns, declared as a pandera schema and reported as ``Problem`` codes."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from contract.columns import Column
from pool.regions import Region

EARLIEST_YEAR = 1949


def _check(column: Column, code: str, test, **params) -> tuple[pa.Check, tuple[str, str, dict]]:
    name = f"{column.key}:{code}"
    return pa.Check(test, name=name, ignore_na=True), (name, code, params)


def _checks_for(column: Column, region: Region, this_year: int) -> list[tuple[pa.Check, tuple[str, str, dict]]]:
    kind = column.kind
    if kind == "score":
        return [_check(column, "pool.out_of_range", lambda s: s.between(0, 100), low=0, high=100)]
    if kind == "year":
        return [
            _check(column, "pool.future_year", lambda s: s <= this_year, this_year=this_year),
            _check(column, "pool.bad_year", lambda s: s >= EARLIEST_YEAR, low=EARLIEST_YEAR, high=this_year),
        ]
    if kind in ("lon", "lat"):
        low, high = region.lon if kind == "lon" else region.lat
        return [_check(column, "pool.coord_outside", lambda s: s.between(low, high), low=low, high=high, region=region.name)]
    if kind in ("count", "amount"):
        return [_check(column, "pool.negative", lambda s: s >= 0)]
    if kind == "cost":
        return [_check(column, "pool.not_positive", lambda s: s > 0)]
    return []


def value_failures(frame: pd.DataFrame, columns: list[Column], region: Region, this_year: int) -> list[tuple[int, str, str, dict]]:
    """(position, column key, message code, params) for every value that breaks a rule of SPEC §2."""
    meanings: dict[str, tuple[str, dict]] = {}
    schema_columns = {}
    for column in columns:
        pairs = _checks_for(column, region, this_year)
        meanings.update({name: (code, params) for _, (name, code, params) in pairs})
        schema_columns[column.key] = pa.Column(checks=[c for c, _ in pairs], nullable=not column.required, unique=column.kind == "id", required=True)
    schema = pa.DataFrameSchema(schema_columns, strict=False, coerce=False)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return [_failure(row, meanings) for row in errors.failure_cases.itertuples(index=False)]
    return []


def _failure(case, meanings: dict[str, tuple[str, dict]]) -> tuple[int, str, str, dict]:
    check = str(case.check)
    if check == "not_nullable":
        code, params = "pool.blank_required", {}
    elif check == "field_uniqueness":
        code, params = "pool.duplicate_id", {}
    else:
        code, params = meanings[check]
    return int(case.index), str(case.column), code, params
