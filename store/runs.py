"""The run store: what produced a shortlist, kept so that it can be listed, shown, compared and re-run.

A run records the scenario text, the pool's fingerprint, file name and path, backend and versions, status,
objective, gap, timings, the shortlist and a user label. Runs are append-only: nothing here updates or deletes.
The database is any SQLAlchemy URL; by default a SQLite file in the user's data folder (``$BAICUN_DB``,
else ``$XDG_DATA_HOME/baicun/runs.sqlite``). SQLite runs in WAL mode with a busy timeout, so several processes
can save at once without losing a run.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, String, Text, create_engine, event, inspect, select
from sqlalchemy import text as sql
from sqlalchemy.engine import Engine
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


def open_store(location: str | Path | None = None) -> Engine:
    url = database_url(location) if location else default_url()
    engine = create_engine(url, connect_args={"timeout": 60} if url.startswith("sqlite") else {})
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    Base.metadata.create_all(engine)
    _add_missing_columns(engine)
    return engine


def _add_missing_columns(engine: Engine) -> None:
    """Stores made by an earlier version lack newer nullable columns; add them, keeping every run."""
    present = {c["name"] for c in inspect(engine).get_columns("runs")}
    with engine.begin() as connection:
        for column in Run.__table__.columns:
            if column.name not in present and column.nullable:
                connection.execute(sql(f"ALTER TABLE runs ADD COLUMN {column.name} {column.type.compile(engine.dialect)}"))


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


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


def _record(run: Run) -> RunRecord:
    return RunRecord(**{name: getattr(run, name) for name in RunRecord.__dataclass_fields__})


def save_run(engine: Engine, fields: dict) -> int:
    """Append one run; returns its id. ``fields`` are RunRecord's fields without id and created_at."""
    with Session(engine) as session:
        run = Run(created_at=_dt.datetime.now(), baicun_version=__version__, **fields)
        session.add(run)
        session.commit()
        return run.id


def run_fields(outcome, pool_path: Path, label: str = "") -> dict:
    """What to store for a solved outcome (see ``report.tables.Outcome``)."""
    s, pool, loaded = outcome.selection, outcome.inputs.pool, outcome.inputs.loaded
    return {
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


def dumps(record: RunRecord) -> str:
    return json.dumps({k: (v.isoformat() if isinstance(v, _dt.datetime) else v) for k, v in record.__dict__.items()}, ensure_ascii=False, indent=1)
