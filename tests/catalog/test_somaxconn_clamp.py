"""The somaxconn clamp, observed: in a private network namespace with net.core.somaxconn = 2,
listen(5) lets 2 + 1 connections complete instead of 5 + 1.

Linux only, and only where this process may create a network namespace (root, or CI runners
that allow unshare). The namespace has its own loopback and its own somaxconn, and it vanishes
with the child process, so nothing on the host changes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

CHILD = textwrap.dedent(
    """
    import json, subprocess, sys
    from pathlib import Path
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    Path("/proc/sys/net/core/somaxconn").write_text(sys.argv[1])
    from sockbehave.catalog import load_catalog
    from sockbehave.runner import run_scenario
    from sockbehave.backends.real import RealNet
    run = run_scenario(load_catalog().by_id["tcp.backlog-5"], RealNet)
    print(json.dumps({s.name: s.outcome.text for s in run.steps}))
    """
)

pytestmark = pytest.mark.skipif(
    os.environ.get("SOCKBEHAVE_REQUIRE_NETNS") != "1"  # .ci/run sets it: there, a missing tool fails the test
    and (
        not sys.platform.startswith("linux")
        or not hasattr(os, "geteuid")
        or os.geteuid() != 0
        or shutil.which("unshare") is None
        or shutil.which("ip") is None
    ),
    reason="needs Linux, root, unshare(1) and ip(8) to make a private network namespace",
)


@pytest.mark.parametrize(("somaxconn", "completed"), [("2", "3"), ("4096", "6")])
def test_listen_backlog_is_clamped_to_somaxconn(somaxconn: str, completed: str) -> None:
    unshare = shutil.which("unshare")
    assert unshare is not None
    done = subprocess.run(  # fixed argv, no shell
        [unshare, "--net", "--", sys.executable, "-c", CHILD, somaxconn],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0 and "Operation not permitted" in done.stderr:
        pytest.skip("this sandbox does not allow network namespaces")
    assert done.returncode == 0, done.stderr
    steps = json.loads(done.stdout.strip().splitlines()[-1])
    assert steps["completed-before-accept"] == completed
    assert steps["next-client-connect"] == "timeout"
