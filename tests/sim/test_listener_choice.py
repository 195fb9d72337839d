"""Which listener a simulated connection reaches (``Kernel._listener``): the one bound to the
address or to the wildcard, and never a silent pick among several SO_REUSEPORT listeners."""

from __future__ import annotations

import socket

import pytest

from sockbehave.sim import Network
from sockbehave.sim.kernel import NotModelled


def _reuseport_listener(net: Network, host: str, port: int) -> socket.socket:
    s = net.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind((host, port))
    s.listen(8)
    return s


def test_two_reuseport_listeners_on_one_address_are_not_modelled() -> None:
    net = Network("linux")
    first = _reuseport_listener(net, "127.0.0.1", 0)
    port = first.getsockname()[1]
    second = _reuseport_listener(net, "127.0.0.1", port)  # kept: a collected socket closes
    with pytest.raises(NotModelled, match="several SO_REUSEPORT listeners"):
        net.socket().connect(("127.0.0.1", port))
    assert second.getsockname() == first.getsockname()


def test_a_wildcard_listener_takes_a_connection_to_loopback() -> None:
    net = Network("linux")
    srv = _reuseport_listener(net, "0.0.0.0", 0)  # the wildcard (simulated)
    cli = net.socket()
    cli.connect(("127.0.0.1", srv.getsockname()[1]))
    conn, _ = srv.accept()
    assert conn.getpeername() == cli.getsockname()


def test_a_listener_on_another_address_takes_nothing() -> None:
    net = Network("linux")
    srv = _reuseport_listener(net, "127.0.0.2", 0)
    with pytest.raises(ConnectionRefusedError):
        net.socket().connect(("127.0.0.1", srv.getsockname()[1]))
