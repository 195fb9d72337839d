"""IPv4 and IPv6 on one port, simulated against the real stack (``Kernel._overlap``,
``Kernel._receives``): an IPv6-only socket and an IPv4 one never collide, a dual-stack ``::``
collides with every IPv4 address of its port, and a connection or datagram reaches only a
socket of its own family, or a dual-stack ``::`` for IPv4 (seen with a v4-mapped address).

The probes bind wildcards, so on the real stack they run only inside a private network
namespace (``netns_call``: Linux, root); inside ``patched("linux")`` the same code runs on the
simulator. Outcomes are JSON, so families are ints and errors errno names."""

from __future__ import annotations

import errno
import select
import socket
from typing import Any, Callable, Optional

import pytest

from sockbehave.sim import patched

V4, V6 = int(socket.AF_INET), int(socket.AF_INET6)
#: (family, host, IPV6_V6ONLY or None to leave the default): a socket's local address.
Side = tuple[int, str, Optional[int]]


def _bound(side: Side, port: int) -> socket.socket:
    family, host, v6only = side
    s = socket.socket(family)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((host, port))
    return s


def _second_bind(first: Side, second: Side, listen: bool) -> str:
    """Bind ``first`` to an ephemeral port, then ``second`` to the same port: "ok" or the errno name."""
    a = _bound(first, 0)
    opened = [a]
    try:
        if listen:
            a.listen()
        try:
            b = _bound(second, a.getsockname()[1])
        except OSError as exc:
            return errno.errorcode[exc.errno or 0]
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
BINDS = [(first, second, listen) for listen in (False, True) for first, second in PAIRS]


def _routes() -> list[int]:
    """An IPv4 ``0.0.0.0`` listener and an IPv6-only ``::`` one on one port: the family of each
    listener's accepted connection, for a client to 127.0.0.1 and one to ::1."""
    v4 = _bound((V4, "0.0.0.0", None), 0)
    port = v4.getsockname()[1]
    v6 = _bound((V6, "::", 1), port)
    opened = [v4, v6]
    try:
        for s in (v4, v6):
            s.listen()
            s.settimeout(2.0)
        for family, host in ((V4, "127.0.0.1"), (V6, "::1")):
            client = socket.socket(family)
            opened.append(client)
            client.connect((host, port))
        accepted = [v4.accept()[0], v6.accept()[0]]
        opened += accepted
        return [int(s.family) for s in accepted]
    finally:
        for s in opened:
            s.close()


def _dual_stack_accept() -> list[Any]:
    """A dual-stack ``::`` listener and an IPv4 client: the accepted peer's host, the accepted
    socket's own host and family, and whether the peer's port is the client's."""
    srv = _bound((V6, "::", 0), 0)
    opened = [srv]
    try:
        srv.listen()
        srv.settimeout(2.0)
        cli = socket.socket(V4)
        opened.append(cli)
        cli.settimeout(2.0)
        cli.connect(("127.0.0.1", srv.getsockname()[1]))
        conn, peer = srv.accept()
        opened.append(conn)
        return [peer[0], conn.getsockname()[0], int(conn.family), peer[1] == cli.getsockname()[1]]
    finally:
        for s in opened:
            s.close()


def _first_datagram(v6only: int) -> str:
    """A datagram to 127.0.0.1, then one to ::1, on the port of a ``::`` UDP socket: the sender
    of the first that arrives (loopback keeps one sender's datagrams in order)."""
    rx = socket.socket(V6, socket.SOCK_DGRAM)
    tx4 = socket.socket(V4, socket.SOCK_DGRAM)
    tx6 = socket.socket(V6, socket.SOCK_DGRAM)
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


def _or_error(probe: Callable[..., Any], *args: Any) -> Any:
    try:
        return probe(*args)
    except OSError as exc:  # a probe that fails is an outcome too, compared like the rest
        return f"raised {errno.errorcode.get(exc.errno or 0, type(exc).__name__)}"


def everything() -> dict[str, Any]:
    """Every probe's outcome (netns_call runs this on the real stack; JSON-able)."""
    return {
        "binds": [_or_error(_second_bind, first, second, listen) for first, second, listen in BINDS],
        "routes": _or_error(_routes),
        "dual-stack-accept": _or_error(_dual_stack_accept),
        "datagram-v6only-0": _or_error(_first_datagram, 0),
        "datagram-v6only-1": _or_error(_first_datagram, 1),
    }


@pytest.fixture(scope="module")
def outcomes(netns_call: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    real = netns_call("tests.sim.test_address_families:everything")
    with patched("linux"):
        simulated = everything()
    return real, simulated


@pytest.mark.parametrize(
    "index",
    range(len(BINDS)),
    ids=[f"{a[1]}({a[2]})-{b[1]}({b[2]})-{'listening' if lst else 'bound'}" for a, b, lst in BINDS],
)
def test_binding_both_families_to_one_port_as_linux_does(outcomes: Any, index: int) -> None:
    real, simulated = outcomes
    assert simulated["binds"][index] == real["binds"][index]


def test_each_family_reaches_its_own_listener_as_on_linux(outcomes: Any) -> None:
    real, simulated = outcomes
    assert simulated["routes"] == real["routes"] == [V4, V6]


def test_a_dual_stack_listener_accepts_ipv4_with_mapped_addresses(outcomes: Any) -> None:
    real, simulated = outcomes
    assert simulated["dual-stack-accept"] == real["dual-stack-accept"]
    assert real["dual-stack-accept"] == ["::ffff:127.0.0.1", "::ffff:127.0.0.1", V6, True]


@pytest.mark.parametrize("v6only", [0, 1])
def test_an_ipv4_datagram_reaches_a_dual_stack_socket_only(outcomes: Any, v6only: int) -> None:
    real, simulated = outcomes
    key = f"datagram-v6only-{v6only}"
    assert simulated[key] == real[key] == ("::1" if v6only else "::ffff:127.0.0.1")


@pytest.mark.skipif(not hasattr(socket, "AF_NETLINK"), reason="the host's CPython has no AF_NETLINK")
def test_a_netlink_socket_is_made_and_closed_and_does_nothing_else() -> None:
    """trio's ``test_SocketType_resolve`` makes one and closes it (``Profile.netlink_sockets``)."""
    with socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM) as real:
        shown = (real.family, real.type, real.proto)
    with patched("linux"):
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM)
        assert (s.family, s.type, s.proto) == shown
        assert isinstance(s, socket.socket) and s.fileno() >= 0
        s.setblocking(False)
        for call in (lambda: s.bind((0, 0)), s.getsockname, lambda: s.send(b"x"), lambda: s.recv(1)):
            with pytest.raises(NotImplementedError, match="AF_NETLINK socket"):
                call()
        with pytest.raises(NotImplementedError, match="not a socket of this simulation"):
            select.select([s], [], [], 0)
        s.close()
        s.close()
        with pytest.raises(NotImplementedError, match="NETLINK_ROUTE"):
            socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 9)
    with patched("darwin"):
        assert not hasattr(socket, "AF_NETLINK")
