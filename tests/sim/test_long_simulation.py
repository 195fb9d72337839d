"""LongSimulation: one simulated host that the calling thread enters for spans (the pytest
plugin's --sockbehave-sim-scope=session), with real modules in between."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from sockbehave.errors import ScenarioError
from sockbehave.sim import SimDeadlock
from sockbehave.sim.patching import LongSimulation

_MADE_OUTSIDE = threading.Lock()


def _echo_server() -> tuple[object, threading.Thread]:
    srv = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            conn, _ = srv.accept()
            with conn:
                conn.sendall(conn.recv(100).upper())

    thread = threading.Thread(target=serve, daemon=True, name="echo")
    thread.start()
    return srv.getsockname(), thread


def test_a_server_started_in_one_span_serves_the_next_and_time_goes_on() -> None:
    sim = LongSimulation("windows")
    with sim.span() as net:
        address, _ = _echo_server()
        assert net.os == "windows"
    # between spans: the real modules (a real socket, the real clock)
    with socket.socket() as real:
        assert not hasattr(real, "_net")
    last = 0.0
    for word in (b"one", b"two"):
        with sim.span() as net:
            start = net.clock()
            assert start >= last  # virtual time goes on from span to span
            time.sleep(10)  # virtual
            with socket.create_connection(address) as c:
                c.sendall(word)
                assert c.recv(100) == word.upper()
            assert net.clock() == start + 10.0
            with pytest.raises(ConnectionRefusedError) as info:
                socket.create_connection(("127.0.0.1", 9), timeout=5)
            assert info.value.errno == 10061  # the windows number, as the errno module shows inside
            last = net.clock()
    sim.close()  # the daemon server ends; nothing is left running
    assert all(t.name != "echo" for t in threading.enumerate())


def test_the_end_of_a_span_lets_the_others_run_until_each_waits() -> None:
    sim = LongSimulation("linux")
    seen: list[bytes] = []
    with sim.span():
        a, b = socket.socketpair()
        threading.Thread(target=lambda: seen.append(b.recv(10)), name="reader").start()
        a.sendall(b"x")  # the reader is ready now, but has not run yet
    assert seen == [b"x"]  # it ran before the span ended
    with sim.span():
        a.close()
        b.close()
    sim.close()


def test_a_thread_that_cannot_finish_is_named_when_the_simulation_closes() -> None:
    sim = LongSimulation("linux")
    with sim.span():
        srv = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=srv.accept, name="forgotten").start()  # not a daemon
    with pytest.raises(SimDeadlock, match=r"forgotten: accept\(\)"):
        sim.close()
    assert all(t.name != "forgotten" for t in threading.enumerate())


def test_a_span_stopped_by_a_thread_blocked_for_real_says_so_in_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    from sockbehave.sim import clock

    monkeypatch.setattr(clock, "_RECHECK_S", 0.05)
    monkeypatch.setattr(clock, "_STUCK_S", 0.3)
    sim = LongSimulation("linux")

    def holder() -> None:
        with _MADE_OUTSIDE:
            time.sleep(1)

    def taker() -> None:
        with _MADE_OUTSIDE:
            pass

    with pytest.raises(SimDeadlock, match="taker has been blocked in real code"), sim.span():  # noqa: PT012
        threading.Thread(target=holder, name="holder").start()
        threading.Thread(target=taker, name="taker").start()
    with socket.socket() as real:  # the thread stepped out all the same: real modules again
        assert not hasattr(real, "_net")
    with pytest.raises(ScenarioError, match="stopped in an earlier span: simulated thread taker"), sim.span():
        pass
    sim.close()


def test_each_span_has_the_whole_virtual_time_limit() -> None:
    """The 3,600 s limit of a wait counts from each span's start: a session whose tests wait
    an hour between them does not leave every later test at the limit (cheroot's suite)."""
    sim = LongSimulation("linux")
    for _ in range(3):
        with sim.span() as net:
            time.sleep(3000)  # virtual; 9,000 s in all
    with sim.span() as net, pytest.raises(SimDeadlock, match="3600 s virtual time limit"):
        time.sleep(3601)
    assert net.clock() >= 9000
    sim.close()
