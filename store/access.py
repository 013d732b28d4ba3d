"""Who may use a shared server: users with roles, password sign-in, sessions — a thin layer over the run
database (the tables are in ``store.runs``; one ``ensure_schema`` makes them all).

Roles (SPEC §6): ``panel`` (everything), ``county`` (its own county only, by the county's 6-digit code),
``viewer`` (reads results and comparisons, changes nothing). What each role may do is ``ALLOWED``; the app asks
``allowed(role, action)`` on the server before acting, never only by hiding a widget.

Passwords are argon2id hashes (argon2-cffi's ``PasswordHasher``: RFC 9106's parameters, a random salt each);
a hash made with weaker parameters is re-made at the next successful sign-in. A name that does not exist is
checked against a dummy hash, so the time a refusal takes does not tell which names exist, and the refusal says
the same thing for both — including the lock after ``MAX_FAILURES`` tries, replayed from the audit trail.

Lock-out: ``MAX_FAILURES`` wrong passwords in a row lock the account for ``LOCK_MINUTES`` (a correct password
during the lock is refused too); a successful sign-in resets the count. ``baicun users unlock`` lifts it.

Sessions: ``sign_in`` returns a random token (``secrets.token_urlsafe``) that the browser session keeps; the
database stores only its SHA-256. A session ends at ``sign_out``, after ``IDLE_MINUTES`` without activity, or
``MAX_HOURS`` after it started, whichever comes first.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from contract.errors import InputError, Problem
from store.runs import SignIn, User

ROLES = ("panel", "county", "viewer")
ALLOWED = {
    "panel": frozenset({"read", "province", "solve", "edit", "upload", "publish", "compare"}),
    "county": frozenset({"read", "apply"}),  # its own county's villages only (ui.state.county_view); "apply": its application
    "viewer": frozenset({"read", "province", "compare"}),
}
MAX_FAILURES = 5
LOCK_MINUTES = 15
IDLE_MINUTES = 30
MAX_HOURS = 12
MIN_PASSWORD = 8
COUNTY_CODE = re.compile(r"^\d{6}$")

_hasher = PasswordHasher()
_DUMMY = _hasher.hash("baicun: a name that does not exist")


@dataclass(frozen=True)
class Account:
    """A user as the app sees it (never the password hash)."""

    name: str
    role: str
    county: str | None = None


def allowed(role: str, action: str) -> bool:
    return action in ALLOWED.get(role, frozenset())


def _now() -> _dt.datetime:
    return _dt.datetime.now()


def add_user(engine: Engine, name: str, password: str, role: str, county: str | None = None) -> Account:
    """A new user. Raises ``InputError`` for a taken or blank name, an unknown role, a county user without a
    6-digit county code (or another role with one), or a password shorter than ``MIN_PASSWORD``."""
    name = name.strip()
    problems = []
    if not name:
        problems.append(Problem("user.name_blank"))
    if role not in ROLES:
        problems.append(Problem("user.role", value=role, params={"roles": " | ".join(ROLES)}))
    if role == "county" and not COUNTY_CODE.match(county or ""):
        problems.append(Problem("user.county_code", value=county or ""))
    if role != "county" and county:
        problems.append(Problem("user.county_only", value=county))
    if len(password) < MIN_PASSWORD:
        problems.append(Problem("user.password_short", params={"length": MIN_PASSWORD}))
    with Session(engine) as session:
        if name and session.get(User, name) is not None:
            problems.append(Problem("user.exists", value=name))
        if problems:
            raise InputError("user.invalid", problems)
        session.add(User(name=name, role=role, county=county or None, password_hash=_hasher.hash(password), created_at=_now(), failures=0))
        session.commit()
    return Account(name, role, county or None)


def users(engine: Engine) -> list[tuple[Account, int, _dt.datetime | None]]:
    """Every user with their failed sign-ins in a row and the end of a lock, by name."""
    with Session(engine) as session:
        return [(Account(u.name, u.role, u.county), u.failures, u.locked_until) for u in session.scalars(select(User).order_by(User.name))]


def unlock(engine: Engine, name: str) -> bool:
    """Lift a lock and reset the failure count; False for an unknown name."""
    with Session(engine) as session:
        user = session.get(User, name)
        if user is None:
            return False
        user.failures, user.locked_until = 0, None
        session.commit()
        return True


@dataclass(frozen=True)
class Attempt:
    """The outcome of a sign-in: ``token`` and ``account`` when it succeeded, else ``refusal`` (``bad`` — an
    unknown name or a wrong password, said alike — or ``locked``, with ``until``)."""

    account: Account | None = None
    token: str | None = None
    refusal: str | None = None
    until: _dt.datetime | None = None


def sign_in(engine: Engine, name: str, password: str, now: _dt.datetime | None = None) -> Attempt:
    now = now or _now()
    with Session(engine) as session:
        user = session.get(User, name.strip())
        if user is None:
            _verify(_DUMMY, password)  # the same work as for a real name
            return _as_if_locking(engine, name.strip()[:100], now)
        if user.locked_until is not None and user.locked_until > now:
            return Attempt(refusal="locked", until=user.locked_until)
        if not _verify(user.password_hash, password):
            user.failures += 1
            if user.failures >= MAX_FAILURES:
                user.locked_until, user.failures = now + _dt.timedelta(minutes=LOCK_MINUTES), 0
            session.commit()
            return Attempt(refusal="locked", until=user.locked_until) if user.locked_until and user.locked_until > now else Attempt(refusal="bad")
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.failures, user.locked_until = 0, None
        token = secrets.token_urlsafe(32)
        session.add(SignIn(token_hash=_digest(token), user=user.name, started_at=now, last_seen=now))
        session.commit()
        return Attempt(account=Account(user.name, user.role, user.county), token=token)


def _as_if_locking(engine: Engine, name: str, now: _dt.datetime) -> Attempt:
    """The answer an account would give to this wrong attempt, for a name that does not exist: replayed from the
    name's refused sign-ins in the audit trail, so that after ``MAX_FAILURES`` tries it too reports a lock — the
    lock message must not tell which names exist."""
    from store.audit import events

    since = now - _dt.timedelta(days=1)
    tries = sorted(e.at for e in events(engine, user=name, action="sign_in_refused") if e.at >= since) + [now]
    failures, locked_until = 0, None
    for at in tries:
        if locked_until is not None and at < locked_until:
            continue  # a try during the lock neither counts nor extends it, as for an account
        failures, locked_until = failures + 1, None
        if failures >= MAX_FAILURES:
            failures, locked_until = 0, at + _dt.timedelta(minutes=LOCK_MINUTES)
    return Attempt(refusal="locked", until=locked_until) if locked_until is not None and locked_until > now else Attempt(refusal="bad")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def session_account(engine: Engine, token: str | None, now: _dt.datetime | None = None) -> Account | None:
    """The account of a live session, its activity recorded; None for no token, an ended or expired session
    (an expired one is ended here), or a user removed since."""
    if not token:
        return None
    now = now or _now()
    with Session(engine) as session:
        row = session.get(SignIn, _digest(token))
        if row is None or row.ended_at is not None:
            return None
        if now - row.last_seen > _dt.timedelta(minutes=IDLE_MINUTES) or now - row.started_at > _dt.timedelta(hours=MAX_HOURS):
            row.ended_at = now
            session.commit()
            return None
        user = session.get(User, row.user)
        if user is None:
            return None
        row.last_seen = now
        session.commit()
        return Account(user.name, user.role, user.county)


def sign_out(engine: Engine, token: str | None) -> None:
    if not token:
        return
    with Session(engine) as session:
        row = session.get(SignIn, _digest(token))
        if row is not None and row.ended_at is None:
            row.ended_at = _now()
            session.commit()
