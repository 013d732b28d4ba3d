"""Stdout belongs to the product: JSON on stdout and worker result channels carry only what baicun writes,
whatever a library prints (highspy 1.16 prints a banner on descriptor 1 the first time a ``Highs()`` is made)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from solver.backends.worker import collect, start_worker
from tests.scenario_helpers import DEFAULT_SCENARIO


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True)


def strict_json(text: str) -> dict:
    """Exactly one JSON object and nothing else (json.loads rejects any text before or after it)."""
    return json.loads(text)


def test_solve_json_stdout_is_one_json_object():
    done = run("-m", "baicun", "solve", str(DEFAULT_SCENARIO), "--json", "--no-prices")
    assert done.returncode == 0, done.stderr
    assert strict_json(done.stdout)["status"] == "optimal"


def test_robustness_json_stdout_is_one_json_object_from_two_workers():
    done = run("-m", "baicun", "robustness", str(DEFAULT_SCENARIO), "--samples", "4", "--workers", "2", "--json")
    assert done.returncode == 0, done.stderr
    study = strict_json(done.stdout)
    assert study["samples"] == 4 and study["workers"] == 2
    assert all(0 <= v["frequency"] <= 1 for v in study["villages"])


def test_output_of_a_library_inside_a_solver_call_goes_to_the_log(tmp_path):
    log = tmp_path / "solver.log"
    script = (
        "import os, sys\n"
        "from solver.backends.quiet import library_output_to_log\n"
        "print('before', flush=True)\n"
        "with library_output_to_log():\n"
        "    os.write(1, b'C-level noise\\n')\n"
        "    print('python-level noise')\n"
        "print('after')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=dict(os.environ, BAICUN_SOLVER_LOG=str(log)))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "before\nafter\n"
    assert "C-level noise" in log.read_text() and "python-level noise" in log.read_text()


def test_a_worker_that_prints_still_delivers_its_result_and_ticks():
    ticks = []
    result = collect([start_worker("tests.noisy_worker", [1, 2, 3])], lambda: ticks.append(1))
    assert result == [6] and len(ticks) == 3


def test_a_reader_that_stops_reading_ends_the_command_quietly_and_not_as_infeasible():
    """``baicun … | head``: the pipe closes before baicun writes. Exit 141 (a shell's code for a closed pipe), never
    1 (infeasible), and nothing on stderr — for text and for JSON."""
    from tests.conftest import SAMPLE_CSV

    for args in (("pool", "check", str(SAMPLE_CSV)), ("solve", str(DEFAULT_SCENARIO), "--json", "--no-prices")):
        process = subprocess.Popen([sys.executable, "-m", "baicun", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        process.stdout.close()  # the reader is gone before the first line
        errors = process.stderr.read()
        assert process.wait() == 141 and errors == b"", errors.decode()


def test_the_language_option_is_taken_after_the_command_and_an_unknown_one_is_refused():
    after = run("-m", "baicun", "pool", "check", "no such pool.csv", "--lang", "en")
    assert after.returncode == 2 and "not found" in after.stderr and "找不到" not in after.stderr
    unknown = run("-m", "baicun", "--lang", "fr", "pool", "check", "no such pool.csv")
    assert unknown.returncode == 2 and "输出语言「fr」不可用" in unknown.stderr and "language 'fr' is not available" in unknown.stderr
