"""Exact margins of a solved run, computed once per solve in the background (one worker thread for the whole
server), the county a reader is looking at first. A county pick never waits for a re-solve: it shows the exact
margins found so far and the proven LP bound for the rest (``analysis.margins``), and the page refreshes as the
pass goes on. The pass is shared by every session looking at the same run (``ui.state.margin_pass``).

One worker, so the background work takes at most one core; a pass nobody has asked for in ``IDLE_S`` seconds (the page asks every
2 s while it is open) is left unfinished, and resumes when someone looks again.
"""

from __future__ import annotations

import atexit
import threading
import time

import numpy as np

from baicun.pipeline import exact_margins, margin_bounds

IDLE_S = 30.0  # the county page asks again every 2 s while it is open

_lock = threading.Condition()
_passes: list[MarginPass] = []
_worker: threading.Thread | None = None
_stopping = threading.Event()


class MarginPass:
    """The margins of one outcome: ``bounds`` at once (one LP pass), ``exact`` filling in (one MIP per village,
    nearest villages first, the wanted ones before them)."""

    def __init__(self, o):
        self.o = o
        self.bounds = margin_bounds(o)
        self.exact: dict = {}
        eligible = np.flatnonzero(o.scores.eligible)
        closeness = np.where(np.isfinite(self.bounds[eligible]), np.abs(self.bounds[eligible]), np.inf)
        self._todo = [int(p) for p in eligible[np.argsort(closeness, kind="stable")]]
        self.wanted_at = time.monotonic()

    def want(self, positions) -> None:
        """Put ``positions`` first and wake the worker."""
        with _lock:
            first = [int(p) for p in positions if int(p) in set(self._todo)]
            rest = set(first)
            self._todo = first + [p for p in self._todo if p not in rest]
            self.wanted_at = time.monotonic()
            if self not in _passes:
                _passes.append(self)
            _start()
            _lock.notify_all()

    def known(self) -> dict:
        with _lock:
            return dict(self.exact)

    def done(self, positions) -> bool:
        with _lock:
            return all(int(p) in self.exact for p in positions if self.o.scores.eligible[int(p)])

    def _next(self) -> int | None:
        return self._todo[0] if self._todo else None


def _pick() -> tuple[MarginPass, int] | None:
    now = time.monotonic()
    live = [p for p in _passes if p._todo and now - p.wanted_at < IDLE_S]
    if not live:
        return None
    job = max(live, key=lambda p: p.wanted_at)
    return job, job._todo[0]


def _run() -> None:
    while not _stopping.is_set():
        with _lock:
            picked = _pick()
            while picked is None and not _stopping.is_set():
                _lock.wait(timeout=30.0)
                picked = _pick()
        if picked is None:
            return
        job, position = picked
        margin = exact_margins(job.o, [position]).get(position)
        with _lock:
            if margin is not None:
                job.exact[position] = margin
            if position in job._todo:
                job._todo.remove(position)
            if not job._todo:
                _passes.remove(job)


def _start() -> None:
    global _worker
    if _worker is None or not _worker.is_alive():
        _worker = threading.Thread(target=_run, name="baicun-margins", daemon=True)
        _worker.start()


@atexit.register
def _stop() -> None:
    """Let the worker finish its re-solve before the interpreter goes: a HiGHS run cut off by the interpreter's
    exit aborts the process."""
    _stopping.set()
    with _lock:
        _lock.notify_all()
    if _worker is not None:
        _worker.join(timeout=60.0)
