"""The run store: what produced a shortlist, kept so that it can be listed, shown, compared and re-run.

A run records the scenario text, the pool's fingerprint, file name and path, backend and versions, status,
objective, gap, timings, the shortlist and a user label. Runs are append-only: nothing here updates or deletes.
The database is any SQLAlchemy URL; by default a SQLite file in the user's data folder (``$BAICUN_DB``,
else ``$XDG_DATA_HOME/baicun/runs.sqlite``).

The API is small on purpose (``open_store``, ``save_run``, ``get_run``, ``list_runs``,
``run_fields``, ``intact``), so that users, roles, an audit trail or PostgreSQL can be added behind it.

Schema creation: in one place, ``ensure_schema``, as *create in a transaction with retry* — not Alembic. Why: the
store has one append-only table whose only changes so far are new nullable columns (``_add_missing_columns``);
Alembic would add a dependency and a migrations folder without removing the real problem, which is concurrency:
many processes opening a new database at once ("table runs already exists" in 16 of 60 concurrent first opens,
one of 32 saves lost). ``ensure_schema`` serialises them: on SQLite it takes the database's write lock first
(``BEGIN IMMEDIATE``; the others wait on the busy timeout), on PostgreSQL a transaction-scoped advisory lock
(its DDL is transactional); then it creates what is missing and commits. Any other database, or a lock that
still loses a race, is retried with back-off. When a richer schema needs real migrations, ``ensure_schema`` is
the one function to replace with ``alembic upgrade head`` under the same lock.

Saves: SQLite runs in WAL mode with a busy timeout, and every write is one transaction that takes the write lock
at its start (``BEGIN IMMEDIATE``), so concurrent savers queue instead of failing.

Integrity: each run stores a SHA-256 digest of its content (``record_digest``); ``intact`` recomputes it. A run
edited behind the store's back is refused before it is shown, compared or used (``baicun.pipeline`` also
re-checks the shortlist against its pool fingerprint and rules).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, String, Text, create_engine, event, insert, inspect, select
from sqlalchemy import text as sql
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from contract import __version__


class Base(DeclarativeBase):
    pass


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[_dt.datetime] = mapped_column(DateTime)
    label: Mapped[str] = mapped_column(String(200), default="")
    scenario_name: Mapped[str] = mapped_column(String(200))
    scenario_file: Mapped[str] = mapped_column(Text)
    scenario_text: Mapped[str] = mapped_column(Text)
    pool_file: Mapped[str] = mapped_column(Text)
    pool_path: Mapped[str] = mapped_column(Text)
    pool_fingerprint: Mapped[str] = mapped_column(String(64))
    sample_data: Mapped[bool] = mapped_column(Boolean, default=False)
    backend: Mapped[str] = mapped_column(String(20))
    solver_version: Mapped[str] = mapped_column(String(100))
    baicun_version: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    objective: Mapped[float | None] = mapped_column(Float, nullable=True)
    bound: Mapped[float | None] = mapped_column(Float, nullable=True)
    gap: Mapped[float | None] = mapped_column(Float, nullable=True)
    count: Mapped[int] = mapped_column(Integer)
    budget_used: Mapped[float | None] = mapped_column(Float, nullable=True)
    timings: Mapped[dict] = mapped_column(JSON)
    selected: Mapped[list] = mapped_column(JSON)
    years: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # village_id → plan year, for a plan
    digest: Mapped[str | None] = mapped_column(String(64), nullable=True)  # record_digest of the fields above
    author: Mapped[str | None] = mapped_column(String(100), nullable=True)  # the signed-in user (server) or the OS user


# Who may use a shared server (``store.access``) and what everyone did (``store.audit``): the same database as the
# runs, created by the same ``ensure_schema``.


class User(Base):
    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))  # panel | county | viewer
    county: Mapped[str | None] = mapped_column(String(12), nullable=True)  # a county user's 6-digit county code
    password_hash: Mapped[str] = mapped_column(Text)  # argon2id, with its own salt and parameters
    created_at: Mapped[_dt.datetime] = mapped_column(DateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # failed sign-ins in a row
    locked_until: Mapped[_dt.datetime | None] = mapped_column(DateTime, nullable=True)


class SignIn(Base):
    """A signed-in browser session; the browser holds the token, the database only its SHA-256."""

    __tablename__ = "sign_ins"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[_dt.datetime] = mapped_column(DateTime)
    last_seen: Mapped[_dt.datetime] = mapped_column(DateTime)
    ended_at: Mapped[_dt.datetime | None] = mapped_column(DateTime, nullable=True)


class AuditEvent(Base):
    """One thing a person did; rows are only ever inserted (``_append_only`` makes the database refuse the rest)."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[_dt.datetime] = mapped_column(DateTime)
    user: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[dict] = mapped_column(JSON)


def default_url() -> str:
    if os.environ.get("BAICUN_DB"):
        return database_url(os.environ["BAICUN_DB"])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "baicun"
    return database_url(base / "runs.sqlite")


def database_url(location: str | Path) -> str:
    """A SQLAlchemy URL from a URL or a plain file path (which means SQLite)."""
    text = str(location)
    if "://" in text:
        return text
    path = Path(text).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


SCHEMA_ATTEMPTS = 8


def open_store(location: str | Path | None = None) -> Engine:
    url = database_url(location) if location else default_url()
    engine = create_engine(url, connect_args={"timeout": 60} if url.startswith("sqlite") else {})
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    ensure_schema(engine)
    return engine


def ensure_schema(engine: Engine) -> None:
    """Create the tables and add missing columns, once, whatever other processes do at the same moment (module
    doc); retried with jittered back-off when a database without such a lock loses a race."""
    for attempt in range(SCHEMA_ATTEMPTS):
        try:
            with _writing(engine) as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(sql("SELECT pg_advisory_xact_lock(20240517)"))  # any fixed key: "baicun schema"
                Base.metadata.create_all(connection)
                _add_missing_columns(connection)
                _append_only(connection)
            return
        except DBAPIError:
            if attempt == SCHEMA_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * 2**attempt * (1 + random.random()))


@contextmanager
def _writing(engine: Engine):
    """A transaction that writes: on SQLite it starts with the write lock (``BEGIN IMMEDIATE``)."""
    with engine.connect() as connection:
        connection.execution_options(sqlite_begin="BEGIN IMMEDIATE")
        with connection.begin():
            yield connection


def _add_missing_columns(connection: Connection) -> None:
    """Stores made by an earlier version lack newer nullable columns; add them, keeping every run."""
    present = {c["name"] for c in inspect(connection).get_columns("runs")}
    for column in Run.__table__.columns:
        if column.name not in present and column.nullable:
            connection.execute(sql(f"ALTER TABLE runs ADD COLUMN {column.name} {column.type.compile(connection.dialect)}"))


APPEND_ONLY = {
    "sqlite": [
        f"CREATE TRIGGER IF NOT EXISTS audit_no_{verb} BEFORE {verb} ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END"
        for verb in ("UPDATE", "DELETE")
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION baicun_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit is append-only'; END $$",
        *(
            f"CREATE OR REPLACE TRIGGER audit_no_{verb} BEFORE {verb} ON audit FOR EACH STATEMENT EXECUTE FUNCTION baicun_append_only()"
            for verb in ("UPDATE", "DELETE", "TRUNCATE")
        ),
    ],
}


def _append_only(connection: Connection) -> None:
    """The database itself refuses to change or remove an audit row (triggers on SQLite and PostgreSQL), so the
    trail stays append-only even for a program that bypasses this package."""
    for statement in APPEND_ONLY.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)


def _sqlite_connect(connection, _record) -> None:
    connection.isolation_level = None  # transactions are begun by _sqlite_begin, not guessed by the driver
    cursor = connection.cursor()
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql(connection.get_execution_options().get("sqlite_begin", "BEGIN"))


@dataclass(frozen=True)
class RunRecord:
    """A run as plain data (detached from any session)."""

    id: int
    created_at: _dt.datetime
    label: str
    scenario_name: str
    scenario_file: str
    scenario_text: str
    pool_file: str
    pool_path: str
    pool_fingerprint: str
    sample_data: bool
    backend: str
    solver_version: str
    baicun_version: str
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    count: int
    budget_used: float | None
    timings: dict
    selected: list
    years: dict | None = None
    digest: str | None = None  # None for a run saved before digests were kept
    author: str | None = None  # None for a run saved before authors were kept


CONTENT = (
    "label scenario_name scenario_file scenario_text pool_file pool_path pool_fingerprint sample_data backend solver_version "
    "baicun_version status objective bound gap count budget_used timings selected years"
).split()


def record_digest(fields: dict) -> str:
    """SHA-256 of a run's content (every field but id, created_at and the digest), as canonical JSON."""
    content = {name: fields.get(name) for name in CONTENT}
    if fields.get("author") is not None:  # runs saved before authors were kept keep their digest
        content["author"] = fields["author"]
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()


def intact(record: RunRecord) -> bool | None:
    """Whether the run is as it was saved (None: saved before digests were kept, so it cannot be told)."""
    return None if record.digest is None else record_digest(record.__dict__) == record.digest


def _record(run: Run) -> RunRecord:
    return RunRecord(**{name: getattr(run, name) for name in RunRecord.__dataclass_fields__})


def save_run(engine: Engine, fields: dict) -> int:
    """Append one run (one write transaction); returns its id. ``fields`` are RunRecord's fields without id,
    created_at, baicun_version and digest."""
    content = {"baicun_version": __version__, **fields}
    with _writing(engine) as connection:
        row = connection.execute(insert(Run).values(created_at=_dt.datetime.now(), digest=record_digest(content), **content))
        return int(row.inserted_primary_key[0])


def run_fields(outcome, pool_path: Path, label: str = "", author: str | None = None) -> dict:
    """What to store for a solved outcome (see ``report.tables.Outcome``); ``author`` is who solved it."""
    s, pool, loaded = outcome.selection, outcome.inputs.pool, outcome.inputs.loaded
    return {
        "author": author,
        "label": label,
        "scenario_name": loaded.scenario.name,
        "scenario_file": str((loaded.folder / loaded.source).resolve()),
        "scenario_text": loaded.text,
        "pool_file": pool.source,
        "pool_path": str(Path(pool_path).resolve()),
        "pool_fingerprint": pool.fingerprint,
        "sample_data": pool.is_sample,
        "backend": s.backend,
        "solver_version": s.version,
        "status": s.status,
        "objective": s.objective,
        "bound": s.bound,
        "gap": s.gap,
        "count": s.count,
        "budget_used": s.check.budget_used if s.check else None,
        "timings": {k: round(v, 4) for k, v in s.timings.items()},
        "selected": s.selected_ids(pool),
        "years": None if s.year is None else {k: int(v) for k, v in s.years(pool).items()},
    }


def list_runs(engine: Engine, limit: int | None = None) -> list[RunRecord]:
    with Session(engine) as session:
        query = select(Run).order_by(Run.id.desc())
        if limit:
            query = query.limit(limit)
        return [_record(r) for r in session.scalars(query)]


def get_run(engine: Engine, run_id: int) -> RunRecord | None:
    with Session(engine) as session:
        run = session.get(Run, run_id)
        return _record(run) if run else None


def as_dict(record: RunRecord) -> dict:
    """The run as plain JSON-ready data."""
    return {k: (v.isoformat() if isinstance(v, _dt.datetime) else v) for k, v in record.__dict__.items()}
