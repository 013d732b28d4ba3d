"""What AppTests read and set in the app's session: the workspace (ui/state.py) holds the pool's file and the
scenario; these helpers say so once, for every AppTest."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pool.read import Pool, read_pool


def pool_of(at) -> Pool:
    """The session's pool, read from the workspace's file as the app reads it."""
    return read_pool(Path(at.session_state["ws"]["pool_path"]))


def scenario_of(at) -> dict:
    return at.session_state["ws"]["scenario"]


def use(at, pool_path: Path | None = None, scenario_text: str | None = None, name: str = "scenario.toml") -> None:
    """Put a pool file and/or a scenario text into the session's workspace, as an upload would (then rerun)."""
    ws = at.session_state["ws"]
    if pool_path is not None:
        ws.update(pool_path=str(pool_path), pool_name=Path(pool_path).name)
    if scenario_text is not None:
        data = {k: v for k, v in tomllib.loads(scenario_text).items() if k != "pool"}
        ws.update(scenario=data, loaded_text=scenario_text, loaded_name=name, tables={}, stash={}, generation=ws["generation"] + 1)
    at.session_state["ws"] = ws


def wk(at, name: str) -> str:
    """A rules-page widget's key in the workspace's current widget generation (ui/fields.py)."""
    return f"sc.{at.session_state['ws']['generation']}.{at.session_state['ws']['lang']}.{name}"


def weight_key(at, criterion: str) -> str:
    version = at.session_state["ws"]["tables"].get("weights#version", 0)
    return wk(at, f"w.{version}.{criterion}")


def result_of(at):
    """The outcome the results page shows (the stored run, or the attempt that found no list)."""
    import ui.state

    run = at.session_state["ws"]["run"]
    return ui.state._runs[run] if run is not None else at.session_state["unsolved"]
