"""Stdout belongs to the product: whatever a solver library prints goes to a log file, never to stdout.

Some libraries write to the process's file descriptor 1 from C, whatever their options say (highspy 1.16 prints a
two-line banner the first time a ``Highs()`` is made in a process). ``--json``, CSV on stdout and a worker's
result channel must carry only what baicun writes, so every solver call runs inside ``library_output_to_log``:
descriptor 1 points at the log file for the duration, then back. Python's own ``sys.stdout`` buffer is flushed on
both sides so that nothing written before the call lands in the log, and nothing a library printed through Python
reaches stdout afterwards.

The redirection is process-wide (a descriptor is shared by every thread), so it is reference-counted under a
lock: nested and concurrent calls (two app sessions solving at once) keep descriptor 1 on the log until the last
one leaves. Output another thread writes to stdout in that window goes to the log as well — a log line, never a
corrupted result.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
from pathlib import Path

LOG = Path(os.environ.get("BAICUN_SOLVER_LOG", Path(tempfile.gettempdir()) / "baicun-solver-output.log"))

_lock = threading.Lock()
_depth = 0
_saved: int | None = None


def _flush() -> None:
    with contextlib.suppress(Exception):  # a closed or replaced sys.stdout has nothing of ours to flush
        sys.stdout.flush()


@contextlib.contextmanager
def library_output_to_log():
    """Descriptor 1 points at ``LOG`` inside the block (see the module doc)."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _flush()
            log = os.open(LOG, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            _saved = os.dup(1)
            os.dup2(log, 1)
            os.close(log)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _flush()
                os.dup2(_saved, 1)
                os.close(_saved)
                _saved = None
