"""IPv4 and IPv6 on one port, simulated against the real stack (``Kernel._overlap``,
``Kernel._receives``): an IPv6-only socket and an IPv4 one never collide, a dual-stack ``::``
collides with every IPv4 address of its port, and a connection or datagram reaches only a
socket of its own family, or a dual-stack ``::`` for IPv4 (seen with a v4-mapped address).

The real side runs on this machine's loopback with ephemeral ports; without IPv6 on loopback
the comparisons are skipped."""

from __future__ import annotations

import errno
import socket
from typing import Callable, Optional

import pytest

from sockbehave.sim import Network

V4, V6 = socket.AF_INET, socket.AF_INET6
Make = Callable[..., socket.socket]  # socket.socket, or a simulated Network's socket
#: (family, host, IPV6_V6ONLY or None to leave the default): a socket's local address.
Side = tuple[int, str, Optional[int]]


def _real_ipv6() -> bool:
    try:
        with socket.socket(V6) as s:
            s.bind(("::1", 0))
    except OSError:
        return False
    return True


needs_ipv6 = pytest.mark.skipif(not _real_ipv6(), reason="no IPv6 on this machine's loopback")


def _bound(make: Make, side: Side, port: int) -> socket.socket:
    family, host, v6only = side
    s = make(family)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((host, port))
    return s


def _second_bind(make: Make, first: Side, second: Side, listen: bool) -> str:
    """Bind ``first`` to an ephemeral port, then ``second`` to the same port: "ok" or the errno name."""
    a = _bound(make, first, 0)
    opened = [a]
    try:
        if listen:
            a.listen()
        try:
            b = _bound(make, second, a.getsockname()[1])
        except OSError as exc:
            return errno.errorcode[exc.errno]
        opened.append(b)
        if listen:
            b.listen()
        return "ok"
    finally:
        for s in opened:
            s.close()


PAIRS: list[tuple[Side, Side]] = [
    ((V4, "0.0.0.0", None), (V6, "::1", None)),
    ((V4, "0.0.0.0", None), (V6, "::", 1)),
    ((V4, "0.0.0.0", None), (V6, "::", 0)),
    ((V4, "127.0.0.1", None), (V6, "::", 0)),
    ((V4, "127.0.0.1", None), (V6, "::", 1)),
    ((V6, "::", 0), (V4, "127.0.0.1", None)),
    ((V6, "::", 1), (V4, "0.0.0.0", None)),
    ((V6, "::1", None), (V4, "0.0.0.0", None)),
    ((V6, "::", 1), (V6, "::1", None)),
]


@needs_ipv6
@pytest.mark.parametrize("listen", [False, True], ids=["bound", "listening"])
@pytest.mark.parametrize(("first", "second"), PAIRS, ids=[f"{a[1]}({a[2]})-{b[1]}({b[2]})" for a, b in PAIRS])
def test_binding_both_families_to_one_port_as_linux_does(first: Side, second: Side, listen: bool) -> None:
    net = Network("linux")
    assert _second_bind(net.socket, first, second, listen) == _second_bind(socket.socket, first, second, listen)


def _routes(make: Make) -> tuple[int, int]:
    """An IPv4 ``0.0.0.0`` listener and an IPv6-only ``::`` one on one port: which family each
    listener's accepted connection has, for a client to 127.0.0.1 and one to ::1."""
    v4 = _bound(make, (V4, "0.0.0.0", None), 0)
    port = v4.getsockname()[1]
    v6 = _bound(make, (V6, "::", 1), port)
    opened = [v4, v6]
    try:
        for s in (v4, v6):
            s.listen()
            s.settimeout(2.0)
        c4 = make(V4)
        opened.append(c4)
        c4.connect(("127.0.0.1", port))
        c6 = make(V6)
        opened.append(c6)
        c6.connect(("::1", port))
        a4, _ = v4.accept()
        a6, _ = v6.accept()
        opened += [a4, a6]
        return a4.family, a6.family
    finally:
        for s in opened:
            s.close()


@needs_ipv6
def test_each_family_reaches_its_own_listener_as_on_linux() -> None:
    assert _routes(Network("linux").socket) == _routes(socket.socket) == (V4, V6)


def _dual_stack_accept(make: Make) -> tuple[str, str, int]:
    """A dual-stack ``::`` listener and an IPv4 client: the accepted peer's host, its own host, family."""
    srv = _bound(make, (V6, "::", 0), 0)
    opened = [srv]
    try:
        srv.listen()
        srv.settimeout(2.0)
        cli = make(V4)
        opened.append(cli)
        cli.settimeout(2.0)
        cli.connect(("127.0.0.1", srv.getsockname()[1]))
        conn, peer = srv.accept()
        opened.append(conn)
        assert peer[1] == cli.getsockname()[1]
        return peer[0], conn.getsockname()[0], conn.family
    finally:
        for s in opened:
            s.close()


@needs_ipv6
def test_a_dual_stack_listener_accepts_ipv4_with_mapped_addresses() -> None:
    expected = ("::ffff:127.0.0.1", "::ffff:127.0.0.1", V6)
    assert _dual_stack_accept(Network("linux").socket) == _dual_stack_accept(socket.socket) == expected


def _first_datagram(make: Make, v6only: int) -> str:
    """A datagram to 127.0.0.1, then one to ::1, on the port of a ``::`` UDP socket: the sender
    of the first that arrives (loopback keeps one sender's datagrams in order)."""
    rx = make(V6, socket.SOCK_DGRAM)
    tx4 = make(V4, socket.SOCK_DGRAM)
    tx6 = make(V6, socket.SOCK_DGRAM)
    try:
        rx.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
        rx.bind(("::", 0))
        rx.settimeout(2.0)
        tx4.sendto(b"4", ("127.0.0.1", rx.getsockname()[1]))
        tx6.sendto(b"6", ("::1", rx.getsockname()[1]))
        _, sender = rx.recvfrom(16)
        return str(sender[0])
    finally:
        for s in (rx, tx4, tx6):
            s.close()


@needs_ipv6
@pytest.mark.parametrize("v6only", [0, 1])
def test_an_ipv4_datagram_reaches_a_dual_stack_socket_only(v6only: int) -> None:
    sim = _first_datagram(Network("linux").socket, v6only)
    assert sim == _first_datagram(socket.socket, v6only)
    assert sim == ("::1" if v6only else "::ffff:127.0.0.1")
