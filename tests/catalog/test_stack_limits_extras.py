"""The stack-limits topic's teaching material: a standalone example and a zh-CN entry per scenario."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from sockbehave._toml import toml
from sockbehave.catalog import default_root, load_catalog
from sockbehave.scenario import Scenario

TOPIC = default_root() / "stack-limits"
SCENARIOS = [s for s in load_catalog().scenarios if s.topic == "stack-limits"]


def _example(scenario_id: str) -> Path:
    return TOPIC / "examples" / (scenario_id.replace(".", "_").replace("-", "_") + ".py")


@pytest.mark.parametrize("sc", SCENARIOS, ids=lambda s: s.id)
def test_each_example_is_standalone_and_names_its_scenario(sc: Scenario) -> None:
    tree = ast.parse(_example(sc.id).read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree) or ""
    assert doc.splitlines()[0].startswith(f"{sc.id}:")
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert "sockbehave" not in imported
    stdlib = getattr(sys, "stdlib_module_names", None)  # Python 3.10+
    assert stdlib is None or imported <= set(stdlib), imported
    assert ("Slow:" in doc) == sc.slow  # a slow example says so


@pytest.mark.parametrize("sc", [s for s in SCENARIOS if not s.slow], ids=lambda s: s.id)
def test_each_fast_example_runs_and_exits_0(sc: Scenario) -> None:
    done = subprocess.run(
        [sys.executable, str(_example(sc.id))], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() and not done.stderr


def test_every_scenario_has_a_chinese_title_claim_and_explanation() -> None:
    with (TOPIC / "zh.toml").open("rb") as f:
        zh = toml.load(f)
    assert set(zh) == {s.id for s in SCENARIOS}
    for entry in zh.values():
        assert set(entry) == {"title", "claim", "explanation"}
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in entry.values())
