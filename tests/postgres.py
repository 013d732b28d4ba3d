"""A throw-away PostgreSQL cluster for the tests: Debian's ``postgresql`` binaries (``.ci/run`` installs them when
missing), ``initdb`` into a temporary folder, ``pg_ctl start`` on a free port of 127.0.0.1 (no Unix socket outside
that folder), stopped and removed at the end of the session. PostgreSQL refuses to run as root, so under root the
cluster belongs to the ``postgres`` system user (or ``nobody``) through ``runuser``.

``database_urls`` parametrises a test over SQLite and PostgreSQL: ``@pytest.mark.parametrize("db", DATABASES,
indirect=True)`` with the ``db`` fixture below gives each test a fresh, empty database URL of either kind.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

DATABASES = ["sqlite", "postgresql"]


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *command] if owner else command


def _owner() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    pytest.skip("running as root and no unprivileged user to own a PostgreSQL cluster")


@pytest.fixture(scope="session")
def postgres_server():
    """The URL of a running throw-away cluster's ``postgres`` database, as superuser ``baicun`` (trust
    authentication on 127.0.0.1 only)."""
    binaries = _binaries()
    if binaries is None:
        pytest.skip("PostgreSQL is not installed (.ci/run installs Debian's postgresql)")
    owner = _owner()
    folder = Path(tempfile.mkdtemp(prefix="baicun-pg-"))
    data = folder / "data"
    if owner:
        shutil.chown(folder, owner)
    port = _free_port()
    run = lambda *command: subprocess.run(_as_owner([str(binaries / command[0]), *command[1:]], owner), check=True, capture_output=True)  # noqa: E731
    run("initdb", "-D", str(data), "-U", "baicun", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
    options = f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off -c full_page_writes=off"
    run("pg_ctl", "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "-t", "60", "start")
    try:
        yield f"postgresql+psycopg://baicun@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_owner([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], owner), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def db(request, tmp_path):
    """A fresh, empty database URL: a SQLite file, or a new database in the throw-away PostgreSQL cluster."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'runs.sqlite'}"
        return
    server = request.getfixturevalue("postgres_server")
    from sqlalchemy import create_engine, text

    name = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield server.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()
