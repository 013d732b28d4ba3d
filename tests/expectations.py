"""What every shipped scenario produces — the JSON summary and every workbook cell — stored as expectations, so
that a change meant to restructure, not to change behaviour, can prove it changed nothing
(``tests/test_expectations.py``). Regenerate, deliberately and with a reason in the commit, with
``python -m tests.expectations``.

Left out because they vary from run to run or machine to machine: seconds and timings, the time the workbook was
made, the solver's version string and the baicun version.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "tests" / "data" / "expected"
SCENARIOS = ("baicun_2024", "baicun_2024_belts", "qiancun_2022", "baicun_2024_2028")
VOLATILE_KEYS = ("seconds", "timings", "solver_version")
HEAD_ROWS = 12
VOLATILE_ROWS = ("用时", "生成时间", "求解器", "baicun 版本")


def produce(name: str) -> dict:
    """The JSON summary and the workbook cells of one shipped scenario, solved by the CLI as a user runs it."""
    with tempfile.TemporaryDirectory() as folder:
        book = Path(folder) / "out.xlsx"
        done = subprocess.run(
            [sys.executable, "-m", "baicun", "solve", str(ROOT / "scenarios" / f"{name}.toml"), "--json", "--out", str(book)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr)
        summary = {k: _rounded(v) for k, v in json.loads(done.stdout).items() if k not in VOLATILE_KEYS}
        return {"json": summary, "workbook": workbook_cells(book)}


def workbook_cells(path: Path) -> dict[str, dict]:
    """Per sheet: its row count, the SHA-256 of every cell (as JSON) and its first rows, to read when it differs."""
    book = load_workbook(path, read_only=True)
    sheets = {}
    for sheet in book.worksheets:
        rows = [[_plain(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        rows = [r for r in rows if not (r and r[0] in VOLATILE_ROWS)]
        text = json.dumps(rows, ensure_ascii=False, default=str)
        sheets[sheet.title] = {"rows": len(rows), "sha256": hashlib.sha256(text.encode()).hexdigest(), "head": rows[:HEAD_ROWS]}
    book.close()
    return sheets


def _rounded(value):
    """Floats to 9 decimals, inside lists and dicts too: the last bits of a dual bound vary with summation order."""
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return _plain(value)


def _plain(value):
    return round(value, 9) if isinstance(value, float) else value


def path_of(name: str) -> Path:
    return EXPECTED / f"{name}.json"


if __name__ == "__main__":
    for scenario in sys.argv[1:] or SCENARIOS:
        path_of(scenario).write_text(json.dumps(produce(scenario), ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
        print("wrote", path_of(scenario))
