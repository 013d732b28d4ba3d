"""Solver worker processes whose results travel on a channel of their own, never on stdout.

A worker is ``python -m <module> <fd>``: it reads one pickled payload from stdin and sends its messages —
progress ticks, then one result — as framed pickles (``multiprocessing.connection.Connection``) on the pipe
descriptor ``fd`` that the parent handed it. Its stdout goes to the solver log and its stderr to a temporary
file read only if it fails, so nothing a library prints (a banner, a warning) can corrupt a result or a tick.
The parent waits on all its workers' channels at once from its own thread (``multiprocessing.connection.wait``):
no helper threads, and a UI may update its progress bar directly. A tick may carry a value (CP-SAT streams its
improving lists that way); with a ``deadline`` the parent ends workers still running then, and their result is an
``Overran`` holding the last value they ticked.
"""

from __future__ import annotations

import gc
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import IO

from solver.backends.quiet import LOG

TICK = "tick"
RESULT = "result"


class WorkerFailed(RuntimeError):
    """A worker exited without sending its result; the message ends with what it wrote to stderr."""


@dataclass(frozen=True)
class Overran:
    """The result of a worker ended at the deadline: the last value it ticked (None if none)."""

    last: object = None


@dataclass
class Worker:
    process: subprocess.Popen
    channel: Connection
    errors: IO[bytes]


# A worker started ahead of its payload (``prestart``), by module: it loads its libraries while the parent works.
_spares: dict[str, Worker] = {}
_spares_lock = threading.Lock()  # the app's sessions solve from several threads


def prestart(module: str) -> None:
    """Start ``python -m module`` now, so that its imports (OR-Tools' ``cp_model`` loads pandas: about 0.7 s) run
    while this process builds and reduces the model; the next ``start_worker(module, …)`` hands it the payload. A
    spare never used reads end-of-file when this process ends, and ends too."""
    with _spares_lock:
        spare = _spares.get(module)
        if spare is None or spare.process.poll() is not None:
            _spares[module] = _spawn(module)


def start_worker(module: str, payload) -> Worker:
    """``python -m module`` with ``payload`` on its stdin and a private result channel: the spare ``prestart``
    started, if it is still alive, else a new process."""
    with _spares_lock:
        worker = _spares.pop(module, None)
    if worker is None or worker.process.poll() is not None:
        worker = _spawn(module)
    worker.process.stdin.write(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
    worker.process.stdin.close()
    return worker


def _spawn(module: str) -> Worker:
    read_end, write_end = os.pipe()
    errors = tempfile.TemporaryFile()
    with open(LOG, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", module, str(write_end)], stdin=subprocess.PIPE, stdout=log, stderr=errors, pass_fds=(write_end,)
        )
    os.close(write_end)
    return Worker(process, Connection(read_end, writable=False), errors)


def collect(workers: list[Worker], on_tick: Callable[[], None] | None = None, deadline: float | None = None) -> list:
    """The result of every worker, in order; ``on_tick`` is called in this thread for each progress tick. Workers
    still running at ``deadline`` (a ``time.perf_counter()`` value) are ended and give ``Overran``."""
    results: list = [None] * len(workers)
    received = [False] * len(workers)
    last: list = [None] * len(workers)
    open_channels = {w.channel: i for i, w in enumerate(workers)}
    while open_channels:
        timeout = None if deadline is None else max(deadline - time.perf_counter(), 0.0)
        ready = wait(list(open_channels), timeout)
        if not ready and deadline is not None and time.perf_counter() >= deadline:
            for channel, i in list(open_channels.items()):
                _end(workers[i].process)
                results[i], received[i] = Overran(last[i]), True
                del open_channels[channel]
                channel.close()
            break
        for channel in ready:
            i = open_channels[channel]
            try:
                kind, value = channel.recv()
            except EOFError:
                del open_channels[channel]
                channel.close()
                continue
            if kind == TICK:
                last[i] = value if value is not None else last[i]
                if on_tick is not None:
                    on_tick()
            elif kind == RESULT:
                results[i], received[i] = value, True
    for i, worker in enumerate(workers):
        worker.process.wait()
        if not received[i]:
            worker.errors.seek(0)
            detail = worker.errors.read().decode(errors="replace")[-2000:]
            raise WorkerFailed(f"solver worker exited with code {worker.process.returncode}: {detail}")
        worker.errors.close()
    return results


def _end(process: subprocess.Popen) -> None:
    """Terminate, then kill if it has not gone within a second."""
    process.terminate()
    try:
        process.wait(1.0)
    except subprocess.TimeoutExpired:
        process.kill()


def serve(handler: Callable[[object, Callable[[], None]], object]) -> None:
    """The worker side: ``handler(payload, tick)`` computes the result, calling ``tick()`` for progress."""
    channel = Connection(int(sys.argv[1]), readable=False)
    data = sys.stdin.buffer.read()
    if not data:  # a spare (``prestart``) whose parent ended without a payload for it
        return
    payload = pickle.loads(data)
    result = handler(payload, lambda value=None: channel.send((TICK, value)))
    channel.send((RESULT, result))
    channel.close()
    gc.freeze()  # the parent waits for this process to end: a shutdown that skips collecting (baicun.cli.main)
