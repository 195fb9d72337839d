"""The guard's first layer: every attribute of ``socket.socket`` classified, each address-taking
one overridden, and the implicit binds made on loopback. (Attempts that could send a packet off
the machine are in ``tests/security``, inside a network namespace.)"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading

import pytest

from sockbehave.backends import guard
from sockbehave.backends.loopback_socket import (
    ADDRESS_TAKING,
    DESCRIPTOR_GIVING,
    NOT_ADDRESS_TAKING,
    SOCKET_MAKING,
    LoopbackSocket,
)
from sockbehave.backends.real import RealNet
from sockbehave.errors import ForbiddenCallError, LoopbackOnlyError, ScenarioError

CLASSES = (ADDRESS_TAKING, SOCKET_MAKING, DESCRIPTOR_GIVING, NOT_ADDRESS_TAKING)


def test_every_attribute_socket_socket_defines_is_classified_exactly_once() -> None:
    """A method a future Python adds fails here until someone decides whether it takes an address."""
    defined = {name for cls in socket.socket.__mro__ if cls is not object for name in vars(cls)}
    defined |= set(dir(socket.socket)) - set(dir(object))
    unclassified = sorted(name for name in defined if sum(name in c for c in CLASSES) != 1)
    assert unclassified == [], f"classify these in sockbehave/backends/loopback_socket.py: {unclassified}"


def test_every_address_taking_or_socket_making_method_is_overridden() -> None:
    present = {name for name in ADDRESS_TAKING | SOCKET_MAKING if hasattr(socket.socket, name)}
    assert "sendmsg" in present or sys.platform == "win32"
    assert sorted(name for name in present if name not in vars(LoopbackSocket)) == []


def test_listen_on_a_never_bound_socket_binds_loopback_not_the_wildcard() -> None:
    """The issue's reproducer: ``s = RealNet().socket(); s.listen(); s.getsockname()``."""
    for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        with RealNet("t") as net:
            s = net.socket(family)
            s.listen()
            assert s.getsockname()[0] == host
            c = net.socket(family)
            c.connect(s.getsockname()[:2])  # the port it was given is this scenario's


def test_dup_hands_out_a_guarded_socket() -> None:
    net = RealNet("t")
    twin = net.socket().dup()
    assert isinstance(twin, LoopbackSocket)
    with pytest.raises(LoopbackOnlyError):
        twin.bind(("0.0.0.0", 0))
    with pytest.raises(ScenarioError, match=r"refused bind to \('0.0.0.0', 0\)"):
        net.close()
    assert twin.fileno() == -1


def test_sendmsg_without_an_address_still_works_on_a_connected_socket() -> None:
    with RealNet("t") as net:
        a, b = net.socket(socket.AF_INET, socket.SOCK_DGRAM), net.socket(socket.AF_INET, socket.SOCK_DGRAM)
        b.bind(("127.0.0.1", 0))
        a.connect(b.getsockname())
        assert a.sendmsg([b"x"]) == 1
        b.settimeout(5)
        assert b.recv(10) == b"x"


def test_sendto_from_a_never_bound_socket_binds_loopback() -> None:
    with RealNet("t") as net:
        a, b = net.socket(socket.AF_INET, socket.SOCK_DGRAM), net.socket(socket.AF_INET, socket.SOCK_DGRAM)
        b.bind(("127.0.0.1", 0))
        a.sendto(b"x", b.getsockname())
        assert a.getsockname()[0] == "127.0.0.1"


def test_sendmsg_afalg_and_interface_options_are_refused() -> None:
    net = RealNet("t")
    s = net.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with pytest.raises(LoopbackOnlyError, match="sendmsg_afalg"):
        s.sendmsg_afalg([b"x"])
    if hasattr(socket, "SO_BINDTODEVICE"):
        with pytest.raises(LoopbackOnlyError, match="names an interface"):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lo")
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # an ordinary option is fine
    with pytest.raises(ScenarioError, match="sendmsg_afalg"):
        net.close()


def _in_scenario_thread(net: RealNet, started: threading.Event, done: threading.Event) -> None:
    net.enter()
    started.set()
    done.wait(30)


def test_while_a_scenario_runs_an_unattributed_thread_may_not_start_a_process() -> None:
    net = RealNet("t")
    started, done = threading.Event(), threading.Event()
    worker = threading.Thread(target=_in_scenario_thread, args=(net, started, done))
    worker.start()
    try:
        assert started.wait(30)
        assert socket.socket.listen is guard._guarded_listen and threading.Thread.start is guard._guarded_start
        with pytest.raises(ForbiddenCallError, match=r"refused subprocess.Popen\(\['true'\]\) \(from thread"):
            subprocess.Popen(["true"])
    finally:
        done.set()
        worker.join(30)
    with pytest.raises(ScenarioError, match="which no scenario started through net"):
        net.close()
    # With no scenario active the guard steps aside entirely.
    assert socket.socket.listen is not guard._guarded_listen and threading.Thread.start is not guard._guarded_start
    assert subprocess.run(["true"], check=False).returncode == 0


def test_the_hook_costs_one_truth_test_when_no_scenario_runs() -> None:
    """Not a timing test: the fast path is structural. No active net, no handler runs."""
    assert not guard._active
    calls: list[str] = []
    original = dict(guard._HANDLERS)
    try:
        for event in guard._HANDLERS:
            guard._HANDLERS[event] = lambda args, e=event: calls.append(e)  # type: ignore[misc]
        socket.socket().close()
        subprocess.run(["true"], check=False)
    finally:
        guard._HANDLERS.update(original)
    assert calls == []
