"""A county's own application file merged into the provincial pool, for the county preview."""

from __future__ import annotations

import numpy as np
import pandas as pd

from contract.errors import InputError, Problem
from pool.read import Pool


def merge_application(pool: Pool, application: Pool, county: str) -> Pool:
    """The provincial pool with the county's villages replaced by its application (same village_id) or added.

    Every row of the application must belong to ``county``; the county's provincial rows that the application
    leaves out stay as they were."""
    foreign = application.frame["county"] != county
    if foreign.any():
        problems = [
            Problem(
                "preview.foreign_row",
                row=int(application.rows[i]),
                column="县(市、区)",
                value=str(application.frame["county"].iat[i]),
                params={"county": county},
            )
            for i in np.flatnonzero(foreign.to_numpy())
        ]
        raise InputError("pool.invalid", problems, file=application.source)
    columns = list(pool.frame.columns)
    missing = [c for c in columns if c not in application.frame.columns and c != "cost"]
    if missing:
        raise InputError("pool.invalid", [Problem("preview.missing_columns", params={"columns": "、".join(missing)})], file=application.source)
    replaced = pool.frame["village_id"].isin(application.frame["village_id"])
    added = application.frame.reindex(columns=columns)
    frame = pd.concat([pool.frame[~replaced], added], ignore_index=True)
    rows = np.concatenate([pool.rows[~replaced.to_numpy()], application.rows])
    return Pool(frame, f"{pool.source} + {application.source}", rows, pool.headers, pool.extra, pool.encoding, pool.notices)
