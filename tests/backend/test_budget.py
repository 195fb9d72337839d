"""The descriptor budget: one scenario's socket hunger is its own error, never a neighbour's EMFILE."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from sockbehave.backends.real import MAX_SOCKETS_PER_SCENARIO, RealNet, descriptor_budget
from sockbehave.errors import DescriptorBudgetError, ScenarioError

resource = pytest.importorskip("resource")

#: The issue's reproducer: 2,000 sockets under ``ulimit -n 1100``, beside the whole catalog.
HOG_BESIDE_THE_CATALOG = textwrap.dedent(
    """
    import json, resource
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (1100, hard))
    from sockbehave.backends.real import RealNet
    from sockbehave.catalog import load_catalog
    from sockbehave.runner import run_many
    from sockbehave.scenario import Scenario

    def hog(net, step):
        held = [net.socket() for _ in range(2000)]

    scenarios = [Scenario("x.hog", "t", "c", "e", (), hog)] + list(load_catalog().scenarios)
    runs = run_many(scenarios, RealNet, jobs=len(scenarios))
    print(json.dumps({r.scenario_id: [r.error, [s.outcome.text for s in r.steps]] for r in runs}))
    """
)


def test_a_hog_fails_on_its_budget_and_the_scenarios_beside_it_do_not_notice() -> None:
    done = subprocess.run(
        [sys.executable, "-c", HOG_BESIDE_THE_CATALOG], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    runs = json.loads(done.stdout)
    error, _steps = runs.pop("x.hog")
    assert error is not None and "descriptor budget of 256 sockets" in error
    assert {sid: err for sid, (err, _) in runs.items() if err is not None} == {}
    assert not [sid for sid, (_, steps) in runs.items() if any("EMFILE" in s for s in steps)]


def test_the_budget_follows_the_descriptor_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(200, hard), hard))
        assert descriptor_budget() == 50
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert descriptor_budget() == min(MAX_SOCKETS_PER_SCENARIO, soft // 4) or soft == resource.RLIM_INFINITY


def test_a_caught_budget_error_is_still_reported_and_closed_sockets_free_the_budget() -> None:
    net = RealNet("t")
    net.budget = 3
    held = [net.socket() for _ in range(3)]
    with pytest.raises(DescriptorBudgetError, match="descriptor budget of 3"):
        net.socket()
    held.pop().close()
    net.socket()  # one was closed: room again
    with pytest.raises(ScenarioError, match="descriptor budget of 3"):
        net.close()


def test_accept_and_dup_count_too() -> None:
    net = RealNet("t")
    net.budget = 2
    srv = net.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    srv.settimeout(5)
    client = net.socket()
    client.connect(srv.getsockname())
    with pytest.raises(DescriptorBudgetError):
        srv.accept()
    with pytest.raises(DescriptorBudgetError):
        srv.dup()
    client.close()
    conn, _ = srv.accept()
    assert net.open_sockets() == 2
    with pytest.raises(ScenarioError, match="descriptor budget"):
        net.close()
    assert conn.fileno() == -1
