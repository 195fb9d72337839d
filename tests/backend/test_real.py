"""The real backend's guard rails: loopback only, ephemeral ports, cleanup, and the watchdog."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading

import pytest

from sockbehave.backends.real import RealNet
from sockbehave.errors import LoopbackOnlyError, ScenarioError
from sockbehave.kit import listener, tcp_pair
from sockbehave.runner import run_scenario
from sockbehave.scenario import Scenario, Steps


@pytest.mark.parametrize("host", ["0.0.0.0", "", "192.0.2.1", "10.0.0.1", "example.com", "::", "::ffff:10.0.0.1"])
def test_non_loopback_addresses_are_refused(host: str) -> None:
    net = RealNet("t")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = net.socket(family, socket.SOCK_STREAM)
    with pytest.raises(LoopbackOnlyError, match="loopback only"):
        s.bind((host, 0))
    with pytest.raises(LoopbackOnlyError):
        s.connect((host, 80))
    with pytest.raises(ScenarioError, match=f"refused bind to {re.escape(repr((host, 0)))}.*; refused connect"):
        net.close()  # caught or not, a refusal is the scenario's error


def test_loopback_variants_are_allowed() -> None:
    with RealNet("t") as net:
        for host, family in (("127.0.0.1", socket.AF_INET), ("127.0.0.2", socket.AF_INET), ("::1", socket.AF_INET6)):
            net.socket(family, socket.SOCK_DGRAM).bind((host, 0))


def test_fixed_ports_are_refused_unless_the_scenario_was_given_them() -> None:
    net = RealNet("t")
    s = net.socket()
    with pytest.raises(LoopbackOnlyError, match="port 8080"):
        s.bind(("127.0.0.1", 8080))
    srv = listener(net)
    port = srv.getsockname()[1]
    c = net.socket()
    c.connect(("127.0.0.1", port))  # a port this net was given is fine
    with pytest.raises(ScenarioError, match="port 8080"):
        net.close()


def test_sendto_is_guarded_too() -> None:
    net = RealNet("t")
    u = net.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with pytest.raises(LoopbackOnlyError):
        u.sendto(b"x", ("192.0.2.1", 9))
    with pytest.raises(ScenarioError, match="refused sendto"):
        net.close()


def test_close_releases_every_socket_including_accepted_ones() -> None:
    net = RealNet("t")
    client, server = tcp_pair(net)
    assert net.open_sockets() >= 2
    net.close()
    assert client.fileno() == -1
    assert server.fileno() == -1
    assert net.open_sockets() == 0


def test_killed_peer_processes_are_reaped() -> None:
    net = RealNet("t")
    srv = listener(net)
    srv.settimeout(10)
    child = net.spawn_peer_process(srv.getsockname(), send=b"hi")
    conn, _ = srv.accept()
    conn.settimeout(10)
    assert conn.recv(10) == b"hi"
    net.close()
    assert child._proc.poll() is not None  # reaped, with an exit status


def test_peer_threads_are_joined_and_their_errors_reraised() -> None:
    with RealNet("t") as net:
        peer = net.spawn(lambda: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            peer.join(5)


def _blocking_forever(net: RealNet, step: Steps) -> None:
    """Blocks in recv with no timeout: only the watchdog can end it."""
    client, _server = tcp_pair(net)
    step("recv", client.recv, 10)


def test_the_watchdog_ends_a_hanging_scenario_and_reports_it() -> None:
    before = threading.active_count()
    sc = Scenario("tcp.hang", "hangs", "c", "e", (), _blocking_forever)  # type: ignore[arg-type]
    run = run_scenario(sc, RealNet, deadline=0.5)
    assert run.duration < 10
    assert run.error is not None and "deadline" in run.error
    assert threading.active_count() <= before


def _waits_on_its_own_child(net: RealNet, step: Steps) -> None:
    """Starts a process without ``net`` and waits for it: only the watchdog can end it."""
    subprocess.Popen(["sleep", "61"]).wait()


@pytest.mark.skipif(shutil.which("sleep") is None, reason="needs sleep")
def test_the_watchdog_kills_a_process_the_scenario_started_and_names_it() -> None:
    sc = Scenario("x.wait", "waits", "c", "e", (), _waits_on_its_own_child)  # type: ignore[arg-type]
    run = run_scenario(sc, RealNet, deadline=0.5)
    assert run.duration < 10
    assert run.error is not None and "deadline" in run.error
    assert "left a child process running: sleep 61" in run.error
