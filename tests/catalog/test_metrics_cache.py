"""The Linux send buffer of a connected socket depends on the TCP metrics cache: a reordering
the cache remembers for 127.0.0.1 raises it to ``tcp_wmem[2]``. Both states, made in a private
network namespace, must be outcomes the ``tcp.buffer-defaults`` table accepts.

A new cache entry starts from the route's ``reordering`` metric (net/ipv4/tcp_metrics.c,
tcpm_suck_dst), so the namespace's local route for 127.0.0.1 is given one, and one connection
creates the entry that the scenario's connection then reads (tcp_init_metrics). Without the
route metric the namespace's cache is fresh, as on a new machine.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from typing import Callable

import pytest

from sockbehave.catalog import load_catalog

CHILD = textwrap.dedent(
    """
    import json, socket, subprocess, sys
    if sys.argv[1] != "none":
        subprocess.run(["ip", "route", "replace", "local", "127.0.0.1", "dev", "lo", "table", "local",
                        "proto", "kernel", "scope", "host", "src", "127.0.0.1", "reordering", sys.argv[1]],
                       check=True)
    with socket.create_server(("127.0.0.1", 0)) as srv:  # creates the cache entry as it closes
        with socket.create_connection(srv.getsockname()) as client:
            srv.accept()[0].close()
    from sockbehave.backends.real import RealNet
    from sockbehave.catalog import load_catalog
    from sockbehave.runner import run_scenario
    run = run_scenario(load_catalog().by_id["tcp.buffer-defaults"], RealNet)
    metrics = subprocess.run(["ip", "tcp_metrics", "show", "127.0.0.1"], capture_output=True, text=True).stdout
    print(json.dumps({"steps": {s.name: s.outcome.text for s in run.steps}, "metrics": metrics}))
    """
)


@pytest.mark.parametrize(("reordering", "sndbuf"), [("none", "3939840"), ("18", "4194304")])
def test_connected_sndbuf_follows_the_cached_reordering(
    netns: Callable[..., subprocess.CompletedProcess[str]], reordering: str, sndbuf: str
) -> None:
    done = netns("-c", CHILD, reordering, timeout=60)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert ("reordering 18" in seen["metrics"]) == (reordering != "none"), seen["metrics"]
    observed = seen["steps"]["sndbuf-connected"]
    assert observed == sndbuf  # with BBR and the default tcp_wmem, as the table's source says
    cell = load_catalog().table["tcp.buffer-defaults"]["sndbuf-connected"]["linux"]
    assert cell.accepts(observed), f"{observed} not in {cell.describe()}"
