"""The hostile-input corpus (tests/data/hostile, written by tests/fuzz_corpus.py) and a random fuzz around it: odd
but legal pools and scenarios never end in exit 3 (failed the independent check) or 4 (internal error)."""

from __future__ import annotations

import functools
import json

import numpy as np
import pandas as pd
import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from baicun.cli import app
from tests.conftest import write_csv
from tests.fuzz_corpus import CORPUS, write_corpus
from tests.hostile import hostile_names

runner = CliRunner()


def test_the_corpus_on_disk_is_what_the_generator_writes(tmp_path):
    write_corpus(tmp_path / "hostile")
    files = lambda root: {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}  # noqa: E731
    assert files(tmp_path / "hostile") == files(CORPUS)


@pytest.mark.parametrize("case", sorted(p.name for p in CORPUS.iterdir()))
def test_each_corpus_case_gives_its_stated_result(case, tmp_path):
    folder = CORPUS / case
    expected = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    result = runner.invoke(app, [a.replace("{dir}", str(folder)).replace("{out}", str(tmp_path)) for a in expected["args"]])
    assert result.exit_code == expected["exit"], (result.stdout[-1500:], result.stderr[-1500:], result.exception)
    assert all(text in result.stdout for text in expected.get("stdout", [])), result.stdout[-3000:]
    assert all(text in result.stderr for text in expected.get("stderr", [])), result.stderr[-3000:]
    assert not any(text in result.stderr for text in expected.get("not_stderr", []))
    if "objective" in expected:
        assert np.isclose(json.loads(result.stdout)["objective"], expected["objective"], rtol=1e-9, atol=0)
    if "file" in expected:
        name, text = expected["file"]
        assert text in (tmp_path / name).read_text(encoding="utf-8-sig")


@functools.cache
def base_pool() -> pd.DataFrame:
    from pool.generate import generate_pool

    return generate_pool(villages=120, seed=7)


@st.composite
def odd_case(draw):
    """A small pool with odd but legal values and a scenario drawn from every rule family, with odd settings."""
    n = draw(st.integers(8, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    frame = base_pool().sample(n, random_state=rng).reset_index(drop=True)
    scale = draw(st.sampled_from([1e-9, 1e-3, 1.0, 1e6]))
    frame["industry_base"] = np.round(rng.choice([0.0, 50.0, 100.0], n) if draw(st.booleans()) else rng.uniform(0, 100, n), 2)
    frame["cost"] = np.round(rng.uniform(1, 2000, n), 1)
    frame["片区"] = np.where(rng.random(n) < 0.1, None, rng.choice(["东", "西", "南"], n))
    if draw(st.booleans()):
        frame.loc[rng.integers(n), "village"] = draw(hostile_names())
    count_low = draw(st.integers(0, 5))
    selection = {"count": [count_low, count_low + draw(st.integers(0, 8))]}
    if draw(st.booleans()):
        selection["budget"] = draw(st.sampled_from([0.0, 500.0, 5000.0, 1e7]))
    if draw(st.booleans()):
        selection["quota"] = [{"flag": "border", "min": draw(st.integers(0, 3))}]
    if draw(st.booleans()):
        selection["group"] = [{"by": draw(st.sampled_from(["county", "city", "片区"])), "max": draw(st.integers(0, 3))}]
    if draw(st.booleans()):
        selection["must_exclude"] = [str(frame["village_id"].iloc[rng.integers(n)])]
    scenario = {
        "name": draw(hostile_names()),
        "scoring": {"normalize": draw(st.sampled_from(["none", "minmax", "rank"])), "weights": {"industry_base": scale, "leader": scale / 3}},
        "selection": selection,
        "solver": {"backend": draw(st.sampled_from(["highs", "cbc", "cpsat"])), "time_limit_s": draw(st.sampled_from([0.05, 2.0, 30.0]))},
    }
    return frame, scenario


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=odd_case())
def test_odd_but_legal_input_never_fails_the_check_or_crashes(tmp_path_factory, case):
    frame, scenario = case
    folder = tmp_path_factory.mktemp("fuzz")
    pool = write_csv(frame, folder / "pool.csv")
    (folder / "s.toml").write_text(tomli_w.dumps(scenario | {"pool": str(pool)}), encoding="utf-8")
    result = runner.invoke(app, ["solve", str(folder / "s.toml"), "--json", "--no-prices", "--out", str(folder / "o.xlsx")])
    assert result.exit_code in (0, 1, 2, 5), (scenario, result.exit_code, result.stderr[-2000:], result.exception)
    if result.exit_code in (0, 1, 5):
        summary = json.loads(result.stdout)
        assert summary["status"] == {0: summary["status"], 1: "infeasible", 5: "time_limit"}[result.exit_code]
        assert (result.exit_code == 0) == (folder / "o.xlsx").exists()
    if result.exit_code == 0:
        assert summary["status"] in ("optimal", "feasible") and summary["checked"]
        assert pd.read_excel(folder / "o.xlsx", sheet_name=None)
