"""A worker that writes to stdout from Python and from C-level descriptors while it works (tests/test_stdout.py)."""

import os

from solver.backends.worker import serve


def handler(payload, tick):
    total = 0
    for value in payload:
        print("noise on stdout", flush=True)
        os.write(1, b"\x80\x04 binary noise that would break a pickle stream\n")
        total += value
        tick()
    return total


if __name__ == "__main__":
    serve(handler)
