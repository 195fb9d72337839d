"""A real run on a Linux host whose TIME_WAIT slots are all taken warns: Linux then closes
connections without TIME_WAIT, and the restart scenarios find their port free (a benchmark of
thousands of loopback connections just before a run did this to the catalog benchmark).

Checked in a private network namespace, whose ``net.ipv4.tcp_max_tw_buckets`` is its own.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

import pytest

from sockbehave.platform_info import time_wait_pressure

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's TIME_WAIT slots")


def _close_server_first(count: int) -> None:
    """``count`` loopback connections, each closed by its server first: its end waits in TIME_WAIT."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(count)
        for _ in range(count):
            with socket.create_connection(listener.getsockname()) as client:
                conn, _ = listener.accept()
                conn.close()
                client.recv(1)  # the server's FIN


def slots_taken() -> dict[str, Any]:
    """In the namespace: the warning with room left, then with every slot taken."""
    Path("/proc/sys/net/ipv4/tcp_max_tw_buckets").write_text("4")
    before = time_wait_pressure()
    _close_server_first(6)
    after = time_wait_pressure()
    with tempfile.TemporaryDirectory() as out:
        cli = subprocess.run(
            [sys.executable, "-m", "sockbehave", "run", "--scenario", "tcp.send-empty", "--out", out, "-q"],
            capture_output=True,
            text=True,
            check=False,
        )
    return {"before": before, "after": after, "stderr": cli.stderr}


def test_a_full_time_wait_table_is_warned_of(netns_call: Callable[..., Any]) -> None:
    seen = netns_call("tests.platforms.test_time_wait_pressure:slots_taken")
    assert seen["before"] is None
    assert seen["after"] is not None and "4 of this host's 4 TIME_WAIT slots are in use" in seen["after"]
    assert "sockbehave run: warning: 4 of this host's 4 TIME_WAIT slots" in seen["stderr"]


def test_no_warning_elsewhere_or_when_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert time_wait_pressure("darwin") is None
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: "nonsense")
    assert time_wait_pressure("linux") is None
