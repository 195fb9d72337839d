"""Every bypass attempt of the loopback guard runs inside a private network namespace (the
``netns`` fixture of ``tests/conftest.py``), so a regression can never send a packet off the
machine."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

HERE = Path(__file__).parent


@pytest.fixture
def hostile(netns: Callable[..., subprocess.CompletedProcess[str]]) -> Callable[..., dict[str, Any]]:
    """``hostile(name, ...)`` -> ``{name: {"error", "steps"}}`` from ``hostile.py`` in a namespace."""

    def run(*names: str) -> dict[str, Any]:
        done = netns(str(HERE / "hostile.py"), *names)
        assert done.returncode == 0, done.stderr
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    return run
