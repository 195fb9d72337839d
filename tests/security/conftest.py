"""Running code inside a private network namespace (``unshare -n``: loopback only).

Every bypass attempt of the loopback guard runs there, so a regression can never send a packet
off the machine. Without root or ``unshare`` these tests skip, unless
``SOCKBEHAVE_REQUIRE_NETNS=1`` (set by ``.ci/run``) makes them fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

HERE = Path(__file__).parent
#: Brings loopback up inside the namespace, then becomes ``python ARGS...``.
PRELUDE = (
    "import os, subprocess, sys; "
    "subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True); "
    "os.execv(sys.executable, [sys.executable] + sys.argv[1:])"
)


def _why_no_netns() -> Optional[str]:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root for unshare -n"
    for tool in ("unshare", "ip"):
        if shutil.which(tool) is None:
            return f"needs {tool}"
    probe = subprocess.run(["unshare", "-n", "--", "ip", "link", "set", "lo", "up"], capture_output=True, check=False)
    if probe.returncode != 0:
        return f"unshare -n failed: {probe.stderr.decode(errors='replace').strip()}"
    return None


@pytest.fixture(scope="session")
def netns() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``netns(*args)`` -> the finished ``python args...``, run in a fresh namespace."""
    why = _why_no_netns()
    if why is not None:
        if os.environ.get("SOCKBEHAVE_REQUIRE_NETNS") == "1":
            pytest.fail(f"SOCKBEHAVE_REQUIRE_NETNS=1 but no private network namespace: {why}")
        pytest.skip(why)

    def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        cmd = ["unshare", "-n", "--", sys.executable, "-c", PRELUDE, *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)

    return run


@pytest.fixture
def hostile(netns: Callable[..., subprocess.CompletedProcess[str]]) -> Callable[..., dict[str, Any]]:
    """``hostile(name, ...)`` -> ``{name: {"error", "steps"}}`` from ``hostile.py`` in a namespace."""

    def run(*names: str) -> dict[str, Any]:
        done = netns(str(HERE / "hostile.py"), *names)
        assert done.returncode == 0, done.stderr
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    return run
