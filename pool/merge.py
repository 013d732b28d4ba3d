"""A county's own application file merged into the provincial pool, for the county preview — the merge and its
checks in one function, which the command line (``baicun preview --application``) and the app call through
``baicun.pipeline.with_application``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from contract.errors import InputError, Problem
from pool.places import PLACE_COLUMNS, county_code, uses_codes, without_places
from pool.read import Application, Pool


def merge_application(pool: Pool, application: Pool, county: str) -> Pool:
    """The provincial pool with the county's villages replaced by its application (same village_id) or added.

    ``county`` is the county's place label in the provincial pool (``pool.places.find_place``). A county may
    only add or change villages of its own: every application row must name that county (by name), carry a
    village code whose county part is that county's code (when the pool identifies places by code), and must not
    be a village that the provincial pool places in another county. Any other row is an error at its row; the
    county's provincial rows the application leaves out stay as they were. Raises ``InputError``."""
    frame, own = pool.frame, application.frame
    name = frame.loc[frame[PLACE_COLUMNS["county"]] == county, "county"]
    name = name.iat[0] if len(name) else county
    code = county_code(frame, county) if uses_codes(own) else None
    problems = []
    where = pd.Series(frame[PLACE_COLUMNS["county"]].to_numpy(), index=frame["village_id"].to_numpy())
    for i in range(len(own)):
        row, village = int(application.rows[i]), str(own["village_id"].iat[i])
        if str(own["county"].iat[i]) != name:
            problems.append(Problem("preview.foreign_row", row=row, column="县(市、区)", value=str(own["county"].iat[i]), params={"county": county}))
        elif code is not None and village[:6] != code:
            problems.append(Problem("preview.foreign_code", row=row, column="村庄代码", value=village, params={"county": county, "prefix": code}))
        elif village in where.index and where[village] != county:
            problems.append(Problem("preview.moved_village", row=row, column="村庄代码", value=village, params={"other": where[village]}))
    if problems:
        raise InputError("pool.invalid", problems, file=application.source)
    columns = [c for c in without_places(frame).columns]
    missing = [c for c in columns if c not in own.columns and c != "cost"]
    if missing:
        raise InputError("pool.invalid", [Problem("preview.missing_columns", params={"columns": "、".join(missing)})], file=application.source)
    replaced = frame["village_id"].isin(own["village_id"])
    incoming = own.reindex(columns=columns)
    merged = pd.concat([without_places(frame)[~replaced], incoming], ignore_index=True)
    rows = np.concatenate([pool.rows[~replaced.to_numpy()], application.rows])
    done = _what_changed(without_places(frame)[replaced].set_index("village_id"), incoming.set_index("village_id"), application.source)
    return Pool(merged, f"{pool.source} + {application.source}", rows, pool.headers, pool.extra, pool.encoding, pool.notices, application=done)


def _what_changed(before: pd.DataFrame, after: pd.DataFrame, source: str) -> Application:
    """Which application rows change a provincial village (any value differs; blank equals blank), which repeat
    it unchanged, which are new to the pool."""
    known = after.index.isin(before.index)
    old, new = before.loc[after.index[known]], after[known]
    same = ((old == new) | (old.isna() & new.isna())).all(axis=1)
    return Application(source, tuple(same.index[~same.to_numpy()]), tuple(same.index[same.to_numpy()]), tuple(after.index[~known]))
