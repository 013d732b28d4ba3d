"""Building scenarios in tests from the shipped default, with some keys replaced."""

from __future__ import annotations

import copy
import tomllib

import tomli_w

from contract.scenario import parse_scenario
from tests.conftest import ROOT

DEFAULT_SCENARIO = ROOT / "scenarios" / "baicun_2024.toml"


def default_dict() -> dict:
    return tomllib.loads(DEFAULT_SCENARIO.read_text(encoding="utf-8"))


def scenario_with(changes: dict | None = None, drop: tuple[str, ...] = (), base: dict | None = None):
    """The default scenario with ``changes`` merged in (dotted keys allowed) and ``drop`` keys removed."""
    data = copy.deepcopy(base or default_dict())
    for dotted, value in (changes or {}).items():
        *parents, last = dotted.split(".")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    for dotted in drop:
        *parents, last = dotted.split(".")
        node = data
        for part in parents:
            node = node[part]
        node.pop(last, None)
    return parse_scenario(tomli_w.dumps(data), folder=DEFAULT_SCENARIO.parent)
