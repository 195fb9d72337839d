"""sim(linux) against the real stack, scenario by scenario; and the conformance kit itself."""

from __future__ import annotations

import gc
import socket
import warnings

import pytest

from sockbehave.backends.real import RealNet
from sockbehave.catalog import load_catalog
from sockbehave.kit import tcp_pair
from sockbehave.platform_info import current_os
from sockbehave.runner import run_many
from sockbehave.session import net_factory
from sockbehave.sim import Network
from sockbehave.tables import OSES
from sockbehave.testing import check_backend

CATALOG = load_catalog()
#: Scenarios whose outcomes depend on this host's configuration or history, not on its kernel
#: (what the host name resolves to; the connected send buffer, which grows with the reordering
#: the TCP metrics cache learned from earlier loopback connections): there sim and real may
#: differ, but only between outcomes the Linux cell lists.
HOST_DEPENDENT = frozenset({"tcp.bind-gethostname", "tcp.buffer-defaults"})


def _both_listed(scenario_id: str, real: list[tuple[str, str]], sim: list[tuple[str, str]]) -> bool:
    cells = CATALOG.steps(scenario_id)
    return [name for name, _ in real] == [name for name, _ in sim] and all(
        cells[name]["linux"].accepts(r) and cells[name]["linux"].accepts(s) for (name, r), (_, s) in zip(real, sim)
    )


@pytest.mark.skipif(current_os() != "linux", reason="parity is with the real Linux stack")
def test_every_catalog_scenario_gives_identical_outcomes_on_sim_linux_and_real_loopback() -> None:
    chosen = CATALOG.select(None)  # not the slow ones: tcp.time-wait-duration takes a minute of real time
    real = run_many(chosen, RealNet, jobs=len(chosen))
    simulated = run_many(chosen, lambda sid: Network("linux", name=sid), jobs=8)
    differences = []
    for r, s in zip(real, simulated):
        assert r.error is None and s.error is None, (r.error, s.error)
        real_steps = [(x.name, x.outcome.text) for x in r.steps]
        sim_steps = [(x.name, x.outcome.text) for x in s.steps]
        if real_steps != sim_steps and not (
            r.scenario_id in HOST_DEPENDENT and _both_listed(r.scenario_id, real_steps, sim_steps)
        ):
            differences.append(f"{r.scenario_id}: real {real_steps} sim {sim_steps}")
    assert not differences, "\n".join(differences)


@pytest.mark.parametrize("backend", ["real", "sim"])
def test_a_scenarios_sockets_stay_open_until_its_net_closes_on_both_backends(backend: str) -> None:
    """The sockets a scenario makes through its net, and those accepted or duplicated from
    them, are closed by the net at the end, not by the garbage collector once nothing refers
    to them (a helper's, or the scenario's own when its function returns): no ResourceWarning,
    and the peer of a dropped one sees no end of stream."""
    net = net_factory(backend, "linux" if backend == "sim" else None)("held-sockets")
    net.enter()

    def helper() -> socket.socket:
        client, server = tcp_pair(net)  # server: an accepted socket
        server.dup()  # dropped at once
        return client  # server dropped here

    try:
        gc.collect()  # what earlier tests left behind
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            client = helper()
            gc.collect()
        client.setblocking(False)
        with pytest.raises(BlockingIOError):
            client.recv(1)
        assert [str(w.message) for w in caught] == []
    finally:
        net.close()
    assert client.fileno() == -1


@pytest.mark.parametrize("os_name", OSES)
def test_the_simulator_passes_the_conformance_kit_for_every_profile(os_name: str) -> None:
    results = check_backend(lambda sid: Network(os_name, name=sid), os_name)
    assert len(results) >= 80
    assert all(r.verdict in ("match", "new", "known-gap") for r in results)  # gaps are marked in the tables


def test_the_kit_names_what_a_broken_backend_gets_wrong() -> None:
    # A "backend" claiming to be macOS while behaving like Linux must fail on macOS's limits.
    with pytest.raises(AssertionError, match=r"udp.largest-datagram-ipv4 step 'sendto-9217' on darwin"):
        check_backend(lambda sid: Network("linux", name=sid), "darwin", scenarios=["udp.largest-*"])


def test_simulated_outcomes_never_count_as_observed_evidence() -> None:
    for steps in CATALOG.table.values():
        for cells in steps.values():
            for os_name, cell in cells.items():
                if cell.evidence == "observed":
                    assert "sim" not in cell.source.split()[2:3], (os_name, cell.source)
                    assert "real backend" in cell.source, (os_name, cell.source)
