"""``tcp.tw-reuse-outgoing-connect`` must not depend on what other processes connect to.

Linux's ``connect()`` hands out a local port whose bind bucket was made by another
``connect()`` to any new connection whose address 4-tuple is unique, even while that port
holds a TIME_WAIT socket (net/ipv4/inet_hashtables.c, __inet_hash_connect); only a port that
``bind()`` reserved is skipped. If another process's connection to another destination took the
scenario's TIME_WAIT port that way, the scenario's rebind would collide with a live socket
and fail with EADDRINUSE for a reason that has nothing to do with TIME_WAIT.

Here, in a private network namespace, the ephemeral range is two ports (the scenario's
listener takes one, its client the other), and an "other process" (a plain socket opened from
the first ``net.sleep`` after the client closes) connects to an unrelated listener: with the
client's port reserved by ``bind()``, that connect finds no port and the scenario's steps come
out as its Linux column says.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from typing import Callable

CHILD = textwrap.dedent(
    """
    import errno, json, socket
    from pathlib import Path
    RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
    RANGE.write_text("50000 50000")
    elsewhere = socket.create_server(("127.0.0.1", 0))  # the other process's destination
    RANGE.write_text("40000 40001")
    from sockbehave.backends.real import RealNet
    from sockbehave.catalog import load_catalog
    from sockbehave.runner import run_scenario
    other = {}

    class Crowded(RealNet):
        def sleep(self, seconds):
            if not other:
                intruder = socket.socket()
                try:
                    intruder.connect(elsewhere.getsockname())
                    other["port"] = intruder.getsockname()[1]
                    other["socket"] = intruder  # stays connected while the scenario rebinds
                except OSError as exc:
                    other["error"] = errno.errorcode[exc.errno]
                    intruder.close()
            super().sleep(seconds)

    run = run_scenario(load_catalog().by_id["tcp.tw-reuse-outgoing-connect"], Crowded)
    other.pop("socket", None)
    print(json.dumps({"steps": {s.name: s.outcome.text for s in run.steps}, "error": run.error, "other": other}))
    """
)


def test_another_connect_cannot_take_the_time_wait_port(netns: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    done = netns("-c", CHILD, timeout=60)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["error"] is None, seen
    assert seen["other"] == {"error": "EADDRNOTAVAIL"}, seen
    assert seen["steps"]["rebind-plain"] == "OSError(EADDRINUSE)", seen
    assert seen["steps"]["rebind-reuseaddr"] == "None", seen
    assert seen["steps"]["connect-same-peer"] == "None", seen
