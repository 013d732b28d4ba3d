"""The audit trail: who did what, when — sign-ins (and refusals), solves, rule changes with the scenario diff,
uploads (a county's application too), publications, users added — in the run database, append-only (nothing here updates or deletes, and
the database's triggers refuse it: ``store.runs._append_only``). ``baicun audit`` lists it.

An event's ``detail`` is plain JSON data (codes, ids, file names, fingerprints, the changed scenario keys with
their values before and after); words are made when it is shown (``report``/``baicun.cli``).
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from store.runs import AuditEvent, _writing

ACTIONS = (
    "sign_in",
    "sign_in_refused",
    "sign_out",
    "solve",
    "rule",
    "scenario_upload",
    "pool_upload",
    "application_upload",
    "application_refused",
    "publish",
    "user_add",
    "user_unlock",
)


@dataclass(frozen=True)
class Event:
    id: int
    at: _dt.datetime
    user: str
    role: str
    action: str
    run_id: int | None
    detail: dict


def record(engine: Engine, user: str, role: str, action: str, detail: dict | None = None, run_id: int | None = None) -> int:
    """Append one event (one write transaction); returns its id. ``detail`` must be JSON data (values that are not
    are kept as their text)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    plain = json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str))
    with _writing(engine) as connection:
        row = connection.execute(insert(AuditEvent).values(at=_dt.datetime.now(), user=user, role=role, action=action, run_id=run_id, detail=plain))
        return int(row.inserted_primary_key[0])


def events(engine: Engine, limit: int | None = None, user: str | None = None, action: str | None = None) -> list[Event]:
    """Events, newest first, optionally of one user or one action."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if user:
        query = query.where(AuditEvent.user == user)
    if action:
        query = query.where(AuditEvent.action == action)
    if limit:
        query = query.limit(limit)
    with Session(engine) as session:
        return [Event(e.id, e.at, e.user, e.role, e.action, e.run_id, e.detail) for e in session.scalars(query)]


def published_run(engine: Engine) -> int | None:
    """The run the panel published last (what county users and viewers see), or None."""
    latest = events(engine, limit=1, action="publish")
    return latest[0].run_id if latest else None
