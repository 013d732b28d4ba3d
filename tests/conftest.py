"""Shared fixtures: small synthetic pools written the way users' files arrive."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pool.generate import generate_pool, to_file_frame
from tests.postgres import db, postgres_server  # noqa: F401  (fixtures: a database URL of either kind, a PostgreSQL cluster)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CSV = ROOT / "scenarios" / "data" / "jilin_sample_pool.csv"
SAMPLE_XLSX = ROOT / "scenarios" / "data" / "jilin_sample_pool.xlsx"


@pytest.fixture(scope="session", autouse=True)
def private_data_folder(tmp_path_factory):
    """Runs, uploads and app workspaces of the tests go to a folder of their own, never the user's."""
    import os

    folder = tmp_path_factory.mktemp("baicun-data")
    os.environ["BAICUN_DATA"] = str(folder)
    os.environ["BAICUN_DB"] = str(folder / "runs.sqlite")
    yield folder


@pytest.fixture(autouse=True)
def chinese_by_default():
    """Every test starts in Chinese whatever the previous one chose (the language belongs to the thread)."""
    from contract.texts import set_language

    set_language("zh")
    yield
    set_language("zh")


@pytest.fixture(scope="session")
def small_frame() -> pd.DataFrame:
    return generate_pool(villages=400, seed=7)


def write_csv(frame: pd.DataFrame, path: Path, encoding: str = "utf-8-sig", headers: str = "zh") -> Path:
    to_file_frame(frame, headers).to_csv(path, index=False, encoding=encoding)
    return path


def file_text_frame(frame: pd.DataFrame, headers: str = "zh") -> pd.DataFrame:
    """The pool as the text cells a user's file holds."""
    return to_file_frame(frame, headers).astype(str).replace({"nan": ""})
