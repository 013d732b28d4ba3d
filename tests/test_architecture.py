"""The house's habits, held by the test suite: floors only point down (import-linter's layer contract in
pyproject.toml), lint and format clean (ruff)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def tool(name: str) -> str:
    """The tool installed beside this interpreter (the test venv), else on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name) or name


def test_floors_only_point_down():
    done = subprocess.run([tool("lint-imports")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_ruff_lint_is_clean():
    done = subprocess.run([tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:]


def test_ruff_format_is_clean():
    done = subprocess.run([tool("ruff"), "format", "--check", "."], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:]


def test_every_file_the_architecture_note_names_exists():
    """The note says where every rule lives; a renamed or removed file must change the note too."""
    import re

    note = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:[a-z_]+/)+[a-z_]+\.py)`", note)) | set(re.findall(r"`([a-z_]+/)`", note))
    assert len(named) > 30
    assert sorted(p for p in named if not (ROOT / p).exists()) == []


def test_every_constraint_family_is_one_module_that_builds_names_and_relaxes():
    """Adding a family is a module with build and label (and relaxation when relaxable), registered once."""
    import importlib
    import pkgutil

    import solver.families as families

    modules = [m.name for m in pkgutil.iter_modules(families.__path__) if m.name != "base"]
    assert {"count", "budget", "quota", "group", "must", "plan", "belts"} <= set(modules)
    for name in modules:
        module = importlib.import_module(f"solver.families.{name}")
        assert callable(getattr(module, "build", None)) and callable(getattr(module, "label", None)), name
    for kind in families.RELAXABLE:
        assert kind in families.MODULES and callable(families.MODULES[kind].build), kind


def test_the_readme_layout_table_names_every_package():
    """The README's layout table is true: every top-level package of the product is in it, and it names none that
    does not exist."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("**Layout**") :].split("\n\n")[1]
    named = set(re.findall(r"`([a-z_]+)/`", table))
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    assert packages <= named, sorted(packages - named)
    assert sorted(n for n in named if not (ROOT / n).is_dir()) == []
