"""``sockbehave run --sysctl`` and ``--sandbox gvisor`` for real, on a few scenarios (a whole
catalog under runsc is the documented regeneration command, not a test).

They need root and unshare(1)/ip(8), or runsc: they skip without them, unless .ci/run sets
SOCKBEHAVE_REQUIRE_NETNS=1 / SOCKBEHAVE_REQUIRE_GVISOR=1, where a missing tool fails them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _root() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "geteuid") and os.geteuid() == 0


def _needs(env: str, tools: tuple[str, ...]) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        os.environ.get(env) != "1" and (not _root() or any(shutil.which(t) is None for t in tools)),
        reason=f"needs Linux, root and {', '.join(tools)} ({env}=1 makes this a failure)",
    )


def _run(tmp_path: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # fixed argv, no shell
        [sys.executable, "-m", "sockbehave", "run", "-q", "--out", str(tmp_path), *flags],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@_needs("SOCKBEHAVE_REQUIRE_NETNS", ("unshare", "ip"))
def test_run_with_a_sysctl_is_its_own_variant_and_leaves_the_host_alone(tmp_path: Path) -> None:
    host = Path("/proc/sys/net/core/somaxconn").read_text(encoding="ascii")
    done = _run(tmp_path, "--scenario", "tcp.backlog-5", "--sysctl", "net.core.somaxconn=2")
    # listen(5) with somaxconn 2 lets 2 + 1 complete: the table's linux cell (6) is contradicted
    assert done.returncode == 1, done.stdout + done.stderr
    assert "linux[net.core.somaxconn=2]/real" in done.stdout
    data = json.loads((tmp_path / "linux+net.core.somaxconn=2-real.json").read_text(encoding="utf-8"))
    assert data["variant"] == "linux[net.core.somaxconn=2]"
    assert data["platform"]["sysctls_set"] == {"net.core.somaxconn": "2"}
    assert data["platform"]["sysctls"]["net.core.somaxconn"] == "2"
    observed = {r["step"]: r["observed"] for r in data["results"]}
    assert observed["completed-before-accept"] == "3"
    assert Path("/proc/sys/net/core/somaxconn").read_text(encoding="ascii") == host


@_needs("SOCKBEHAVE_REQUIRE_GVISOR", ("runsc",))
def test_run_under_gvisor_records_runsc_and_the_fake_kernel(tmp_path: Path) -> None:
    done = _run(tmp_path, "--scenario", "empty-send", "--scenario", "tcp.backlog-5", "--sandbox", "gvisor")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "linux+gvisor/real" in done.stdout
    data = json.loads((tmp_path / "linux+gvisor-real.json").read_text(encoding="utf-8"))
    assert data["variant"] == "linux+gvisor"
    p = data["platform"]
    assert p["release"] == "4.4.0" and p["host_release"] != "4.4.0" and p["runsc_version"]
    assert {r["scenario"] for r in data["results"]} >= {"tcp.backlog-5"}


@_needs("SOCKBEHAVE_REQUIRE_GVISOR", ("runsc",))
def test_gvisor_differs_from_native_linux_in_the_cross_thread_scenarios(tmp_path: Path) -> None:
    ids = ("--scenario", "tcp.shutdown-rd-listener-wakes-accept", "--scenario", "tcp.nagle-delayed-ack")
    native = _run(tmp_path / "native", *ids)
    gvisor = _run(tmp_path / "gvisor", *ids, "--sandbox", "gvisor")
    assert native.returncode == 0 and gvisor.returncode == 0, native.stdout + gvisor.stdout + gvisor.stderr

    def observed(path: Path) -> dict[str, str]:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {r["step"]: r["observed"] for r in data["results"]}

    mine = observed(tmp_path / "native" / "linux-real.json")
    theirs = observed(tmp_path / "gvisor" / "linux+gvisor-real.json")
    # native Linux wakes an accept waiting in poll() on shutdown(SHUT_RD); gVisor does not
    assert (mine["accept-after-shutdown"], theirs["accept-after-shutdown"]) == ("OSError(EINVAL)", "timeout")
    # native Linux holds the second small write for the delayed ACK; gVisor sends it at once
    assert (mine["round-trip-without-nodelay"], theirs["round-trip-without-nodelay"]) == ("'tens-of-ms'", "'immediate'")
