"""Speed where users wait (issue 23), shown by what must and must not happen — never by a timing assertion
(bench/bench_commands.py prints the times): the libraries a command loads, and a tie-break that is given up on
its budget keeps the proven optimum and says so."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SAMPLE_CSV

HEAVY = (
    "scipy.stats",
    "scipy.spatial",
    "scipy.optimize",
    "sqlalchemy",
    "pingouin",
    "matplotlib",
    "statsmodels",
    "sklearn",
    "review.agreement",
    "tomlkit",
)
SELECTION = ("scipy.sparse", "highspy", "solver.model", "baicun.pipeline")


def at_exit(*argv: str) -> dict:
    """What a whole command leaves when the interpreter starts to shut down (it runs in a fresh interpreter): the
    modules it loaded and how many objects the collector holds frozen."""
    code = (
        "import sys, atexit, json, gc\n"
        "state = lambda: {'modules': sorted(sys.modules), 'frozen': gc.get_freeze_count()}\n"
        "atexit.register(lambda: sys.__stderr__.write('EXIT' + json.dumps(state()) + '\\n'))\n"
        "from baicun.cli import main\n"
        f"sys.argv = ['baicun', *{list(argv)!r}]\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    line = next(x for x in done.stderr.splitlines() if x.startswith("EXIT"))
    return json.loads(line[len("EXIT") :])


def loaded_by(*argv: str) -> set[str]:
    return set(at_exit(*argv)["modules"])


@pytest.mark.parametrize(
    "argv, also_absent",
    [
        (("--help",), SELECTION + ("contract.scenario",)),
        (("pool", "check", str(SAMPLE_CSV)), SELECTION + ("contract.scenario",)),
        (("solve", str(ROOT / "scenarios" / "baicun_2024.toml"), "--json", "--no-prices"), ()),
    ],
)
def test_a_command_loads_only_what_it_needs(argv, also_absent):
    modules = loaded_by(*argv)
    assert not modules & set(HEAVY + also_absent)


def test_a_command_leaves_its_objects_frozen_for_a_quick_shutdown():
    """The interpreter's shutdown collects every object a command leaves unless they are frozen (``gc.freeze``):
    after pandas and pandera that took a sixth of `pool check` (bench/bench_commands.py). A command that fails on
    bad input ends the same way."""
    assert at_exit("pool", "check", str(SAMPLE_CSV))["frozen"] > 100_000
    assert at_exit("pool", "check", str(ROOT / "no such file.csv"))["frozen"] > 10_000


def test_the_cpsat_worker_loads_neither_highspy_nor_the_selection():
    code = "import sys, json, solver.backends.cpsat, solver.backends.worker; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert not set(json.loads(done.stdout)) & {"highspy", "scipy", "pandera", "solver.model", "pool.read"}


def test_the_tiebreak_starts_only_with_twice_the_first_phase_time_left():
    from solver.backends.base import tiebreak_fits

    assert not tiebreak_fits(57.0, 63.0)  # the five-year plan: not run to the limit and thrown away
    assert tiebreak_fits(0.2, 59.8) and tiebreak_fits(2.5, 57.5)  # the default and the belts scenario
    assert not tiebreak_fits(0.0, 0.0)


def test_a_tiebreak_given_up_keeps_the_optimum_and_says_so(monkeypatch):
    import solver.backends.highs as highs
    from baicun.pipeline import load_inputs, outcome, solve
    from report.tables import run_info, summary_json

    inputs = load_inputs(ROOT / "scenarios" / "baicun_2024.toml")
    done = outcome(inputs, *solve(inputs), prices=False)
    monkeypatch.setattr(highs, "tiebreak_fits", lambda first, remaining: False)
    given_up = outcome(inputs, *solve(inputs), prices=False)
    assert done.selection.tiebreak_done and not given_up.selection.tiebreak_done
    assert given_up.selection.status == "optimal" and abs(given_up.selection.objective - done.selection.objective) < 1e-9
    assert summary_json(done, 0.0)["tiebreak_done"] is True and summary_json(given_up, 0.0)["tiebreak_done"] is False
    rows = dict(run_info(given_up, lang="zh").to_numpy())
    assert rows["同分处理"].startswith("时限内来不及") and dict(run_info(done, lang="zh").to_numpy())["同分处理"] == "已按村庄代码精确处理"


def test_a_worker_started_ahead_takes_the_payload():
    """``prestart``: the worker process loads its libraries before the payload exists; the next ``start_worker``
    hands the payload to that very process, and its result and ticks arrive as from any worker."""
    from solver.backends import worker

    worker.prestart("tests.noisy_worker")
    spare = worker._spares["tests.noisy_worker"]
    started = worker.start_worker("tests.noisy_worker", [1, 2, 3])
    assert started is spare and "tests.noisy_worker" not in worker._spares
    assert worker.collect([started]) == [6]


def test_a_worker_never_given_a_payload_ends_quietly():
    """A spare whose parent ends without using it reads end-of-file: exit 0, nothing on stderr, nothing sent."""
    import os

    read_end, write_end = os.pipe()
    done = subprocess.run(
        [sys.executable, "-m", "tests.noisy_worker", str(write_end)], stdin=subprocess.DEVNULL, capture_output=True, cwd=ROOT, pass_fds=(write_end,)
    )
    os.close(write_end)
    with os.fdopen(read_end, "rb") as channel:
        assert channel.read() == b""
    assert done.returncode == 0 and done.stderr == b"" and done.stdout == b""


def test_a_command_that_solves_with_cpsat_starts_its_worker_before_reading_the_pool(monkeypatch):
    from baicun.pipeline import load_inputs, solve
    from solver.backends import worker

    spawned = []
    real = worker._spawn
    monkeypatch.setattr(worker, "_spawn", lambda module: spawned.append(module) or real(module))
    import pool.read

    monkeypatch.setattr("baicun.pipeline.read_pool", lambda *a, **k: (spawned.append("read_pool"), pool.read.read_pool(*a, **k))[1])
    inputs = load_inputs(ROOT / "scenarios" / "baicun_2024.toml", solving=True, backend="cpsat")
    assert spawned == ["solver.backends.cpsat", "read_pool"]
    selection = solve(inputs, backend="cpsat")[1]
    assert selection.status == "optimal" and spawned == ["solver.backends.cpsat", "read_pool"]  # the spare did the solve
    assert "solver.backends.cpsat" not in worker._spares
