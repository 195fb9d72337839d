"""A simulated client and a real server of the same process: the simulation says it cannot
connect them (NotImplementedError naming the server), never a false "connection refused"."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from sockbehave.sim import Network, patched
from sockbehave.sim.kernel import FD_BASE
from sockbehave.sim.real_listeners import _reaches


def _watching() -> None:
    with patched("linux"):  # real listeners are recorded from the first block on
        pass


def test_a_simulated_connect_to_a_real_listener_of_this_process_is_refused_by_name() -> None:
    _watching()
    real = socket.create_server(("127.0.0.1", 0))  # loopback, an ephemeral port
    port = real.getsockname()[1]
    try:
        with (
            patched("linux"),
            pytest.raises(NotImplementedError, match=rf"connect\(\) to 127\.0\.0\.1:{port}, where a real socket"),
        ):
            socket.create_connection(("127.0.0.1", port), timeout=1)
    finally:
        real.close()
    with patched("linux"), pytest.raises(ConnectionRefusedError):  # closed: nothing listens anywhere
        socket.create_connection(("127.0.0.1", port), timeout=1)


def test_a_real_listener_of_one_family_is_not_reached_through_the_other() -> None:
    _watching()
    real = socket.create_server(("127.0.0.1", 0))
    port = real.getsockname()[1]
    try:
        with patched("linux"), pytest.raises(ConnectionRefusedError):  # nothing on ::1: an honest refusal
            socket.create_connection(("::1", port), timeout=5)
    finally:
        real.close()


@pytest.mark.parametrize(
    ("family", "bound", "host", "reached"),
    [
        (socket.AF_INET, "0.0.0.0", "127.0.0.1", True),
        (socket.AF_INET, "0.0.0.0", "::1", False),
        (socket.AF_INET, "127.0.0.2", "127.0.0.1", False),
        (socket.AF_INET6, "::", "::1", True),
        (socket.AF_INET6, "::", "127.0.0.1", "dual-stack"),
    ],
)
def test_which_real_wildcard_listeners_a_loopback_connect_would_reach(
    family: int, bound: str, host: str, reached: object
) -> None:
    """The rules, on unbound sockets (no test binds a real wildcard address)."""
    sock = socket.socket(family)
    try:
        if reached == "dual-stack":  # IPv4 reaches an IPv6 wildcard unless IPV6_V6ONLY is set
            reached = not sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY)
        assert _reaches(sock, bound, host) is reached
    finally:
        sock.close()


def test_the_catalogs_networks_do_not_look_at_real_sockets() -> None:
    """A catalog scenario's outcome must not depend on what else the process has open."""
    _watching()
    real = socket.create_server(("127.0.0.1", 0))
    port = real.getsockname()[1]
    try:
        net = Network("linux")
        net.enter()
        client = net.socket()
        with pytest.raises(ConnectionRefusedError):
            client.connect(("127.0.0.1", port))
        net.close()
    finally:
        real.close()


_REAL = socket.socket


class _MadeBeforeTheBlock(socket.socket):
    """As PySocks' socksocket: a subclass of the real socket.socket, made at import, that calls
    the real class's methods by name."""

    def __init__(self, *args: Any) -> None:
        _REAL.__init__(self, *args)

    def bind_by_name(self, address: Any) -> None:
        _REAL.bind(self, address)

    def greet(self) -> str:
        return "hello from a subclass"


def test_a_subclass_of_the_real_socket_class_made_before_the_block_is_simulated_inside_it() -> None:
    """Its instances would be real sockets inside the simulation, reaching the machine's real
    ports (urllib3's SOCKS tests got a real ECONNREFUSED that way). Inside the block they are
    simulated, the subclass's own methods first; outside, real."""
    with patched("windows"):
        srv = socket.create_server(("127.0.0.1", 0))
        client = _MadeBeforeTheBlock()
        assert isinstance(client, _MadeBeforeTheBlock) and type(client).__name__ == "_MadeBeforeTheBlock"
        client.bind_by_name(("127.0.0.1", 0))
        assert client.getsockname()[1] >= 49152  # Windows' ephemeral range: the simulated port
        client.connect(srv.getsockname())
        assert client.greet() == "hello from a subclass"
        conn, _ = srv.accept()
        client.sendall(b"ping")
        assert conn.recv(4) == b"ping"
        assert client.fileno() >= FD_BASE  # a simulated descriptor
        with pytest.raises(OSError) as info:  # Windows' refusal, after its SYN retries
            _MadeBeforeTheBlock().connect(("127.0.0.1", 9))
        assert info.value.errno == 10061
        for s in (client, conn, srv):
            s.close()
    with _MadeBeforeTheBlock() as outside:  # outside every block: the real socket it is
        assert 0 <= outside.fileno() < FD_BASE
