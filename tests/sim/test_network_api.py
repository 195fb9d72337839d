"""The simulator's public API: the socket.socket surface, per-OS errors, virtual time, determinism."""

from __future__ import annotations

import errno
import socket
import time

import pytest

import sockbehave.sim as sim
from sockbehave.errors import InputError
from sockbehave.sim import Network, SimDeadlock


def _pair(net: Network, family: int = socket.AF_INET) -> tuple[socket.socket, socket.socket, socket.socket]:
    srv = net.socket(family, socket.SOCK_STREAM)
    srv.bind((net.loopback(family), 0))
    srv.listen(5)
    cli = net.socket(family, socket.SOCK_STREAM)
    cli.connect(srv.getsockname())
    conn, _ = srv.accept()
    return srv, cli, conn


def test_the_documented_shape_works() -> None:
    net = Network(profile="linux")
    s = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    with s:
        s.bind(("127.0.0.1", 0))
        host, port = s.getsockname()
        assert host == "127.0.0.1" and 32768 <= port <= 60999
    net.sleep(0.05)
    assert net.clock() == pytest.approx(0.05)


def test_addresses_look_real_for_both_families() -> None:
    net = Network("linux")
    _, cli, conn = _pair(net, socket.AF_INET6)
    assert cli.getpeername()[0] == "::1" and len(cli.getpeername()) == 4
    assert conn.getpeername() == cli.getsockname()


@pytest.mark.parametrize(
    ("profile", "number", "winerror"),
    [("linux", 104, None), ("darwin", 54, None), ("freebsd", 54, None), ("windows", 10054, 10054)],
)
def test_a_reset_raises_connection_reset_with_that_os_numbers(profile: str, number: int, winerror: int | None) -> None:
    net = Network(profile)
    _, cli, conn = _pair(net)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, sim.network.get_profile(profile) and _linger(profile))
    conn.close()
    with pytest.raises(ConnectionResetError) as info:
        cli.recv(10)
    assert info.value.errno == number
    assert getattr(info.value, "winerror", None) == winerror


def _linger(profile: str) -> bytes:
    import struct

    return struct.pack(sim.get_profile(profile).linger_format, 1, 0)


def test_a_timeout_is_timeout_error_without_errno_and_costs_virtual_time_only() -> None:
    net = Network("linux")
    _, cli, _ = _pair(net)
    cli.settimeout(30.0)
    start = time.monotonic()
    with pytest.raises(socket.timeout) as info:
        cli.recv(10)
    assert info.value.errno is None
    assert net.clock() == pytest.approx(30.0)
    assert time.monotonic() - start < 5  # the simulator never really sleeps


def test_a_call_that_can_never_complete_is_reported_not_hung() -> None:
    net = Network("linux")
    _, cli, _ = _pair(net)
    with pytest.raises(SimDeadlock, match="can never complete"):
        cli.recv(10)  # blocking, nobody will ever send


def test_non_blocking_calls_raise_that_os_would_block() -> None:
    for profile, name in (("linux", errno.EAGAIN), ("windows", 10035)):
        net = Network(profile)
        _, cli, _ = _pair(net)
        cli.setblocking(False)
        with pytest.raises(BlockingIOError) as info:
            cli.recv(10)
        assert info.value.errno == name


@pytest.mark.parametrize(
    ("profile", "second", "third"),
    [
        ("linux", "BrokenPipeError(EPIPE)", "BrokenPipeError(EPIPE)"),
        ("darwin", "BrokenPipeError(EPIPE)", "BrokenPipeError(EPIPE)"),
        # After FIN, a send and the peer's RST, Winsock reports WSAECONNABORTED, and every later
        # call fails with it again (profile: reset_error_close_wait, reset_error_sticky; Wine's
        # sock.c tests, see sockbehave/sim/profiles.py; the catalog's cell takes either error).
        ("windows", "ConnectionAbortedError(ECONNABORTED)", "ConnectionAbortedError(ECONNABORTED)"),
    ],
)
def test_sending_after_the_peer_closed(profile: str, second: str, third: str) -> None:
    net = Network(profile)
    _, cli, conn = _pair(net)
    conn.close()
    assert cli.send(b"first") == 5  # accepted locally; the closed peer answers with RST
    seen = []
    for _ in range(2):
        try:
            cli.send(b"again")
        except OSError as exc:
            seen.append(f"{type(exc).__name__}({net.errno_name(int(exc.errno or 0))})")
    assert seen == [second, third]


def test_misuse_errors() -> None:
    net = Network("linux")
    srv, cli, _ = _pair(net)
    with pytest.raises(OSError, match="Transport endpoint is already connected") as info:
        cli.connect(srv.getsockname())
    assert info.value.errno == 106 and type(info.value) is OSError
    loose = net.socket()
    with pytest.raises(OSError) as info:
        loose.getpeername()
    assert info.value.errno == 107
    with pytest.raises(OSError) as info:
        loose.shutdown(socket.SHUT_WR)
    assert info.value.errno == 107
    with pytest.raises(OSError) as info:
        loose.accept()
    assert info.value.errno == 22
    udp = net.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with pytest.raises(OSError) as info:
        udp.listen(1)
    assert info.value.errno == 95
    taken = net.socket()
    with pytest.raises(OSError) as info:
        taken.bind(srv.getsockname())
    assert info.value.errno == 98 and type(info.value) is OSError
    cli.close()
    with pytest.raises(OSError) as info:
        cli.recv(1)
    assert info.value.errno == 9


@pytest.mark.parametrize(("profile", "stored"), [("linux", 20000), ("darwin", 10000), ("windows", 10000)])
def test_so_rcvbuf_doubling_is_linux_only(profile: str, stored: int) -> None:
    s = Network(profile).socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 10000)
    assert s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) == stored


@pytest.mark.parametrize(("profile", "default"), [("linux", 0), ("darwin", 0), ("freebsd", 1), ("windows", 1)])
def test_ipv6_v6only_defaults(profile: str, default: int) -> None:
    s = Network(profile).socket(socket.AF_INET6, socket.SOCK_STREAM)
    assert s.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) == default


def _windows_listener(option: int) -> tuple[Network, socket.socket]:
    """A Windows listening socket bound to loopback with ``option`` (SOL_SOCKET) set."""
    net = Network("windows")
    first = net.socket()
    first.setsockopt(socket.SOL_SOCKET, option, 1)
    first.bind(("127.0.0.1", 0))
    first.listen(1)
    return net, first


def test_windows_exclusiveaddruse_prevents_the_reuseaddr_hijack() -> None:
    net, first = _windows_listener(sim.SO_EXCLUSIVEADDRUSE)
    thief = net.socket()
    thief.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    with pytest.raises(PermissionError) as info:
        thief.bind(first.getsockname())
    # WSAEACCES: winerror 10013, errno 13 (CPython's winerror_to_errno), hence PermissionError
    assert info.value.errno == 13 and getattr(info.value, "winerror", None) == 10013


def test_windows_plain_bind_over_a_reuseaddr_listener_is_in_use() -> None:
    # Winsock's table (SO_REUSEADDR/Specific first, Default/Specific second): INUSE, not ACCESS.
    net, first = _windows_listener(socket.SO_REUSEADDR)
    with pytest.raises(OSError) as info:
        net.socket().bind(first.getsockname())
    assert type(info.value) is OSError and info.value.errno == 10048


def test_options_an_os_lacks_are_refused_like_that_os_does() -> None:
    net = Network("windows")
    assert net.option("SO_REUSEPORT") is None
    with pytest.raises(OSError) as info:
        net.socket().setsockopt(socket.SOL_SOCKET, sim.SO_REUSEPORT, 1)
    assert info.value.errno == 10042


def test_unmodelled_features_say_so() -> None:
    net = Network("linux")
    with pytest.raises(NotImplementedError, match="doesn't \\(yet\\) model"):
        net.socket(socket.AF_INET, socket.SOCK_RAW)
    with pytest.raises(NotImplementedError, match="recv\\(\\) flags"):
        _pair(net)[1].recv(1, socket.MSG_WAITALL)  # MSG_OOB is modelled (urgent)
    with pytest.raises(NotImplementedError, match=r"send\(\) flags .* on darwin"):
        _pair(Network("darwin"))[0].send(b"x", socket.MSG_DONTWAIT)  # xnu's sosend does not check it


def test_unknown_profile_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown profile 'plan9'"):
        Network("plan9")


def test_udp_ports_unreachable_per_os() -> None:
    for profile, expected in (("linux", socket.timeout), ("windows", ConnectionResetError)):
        net = Network(profile)
        a = net.socket(socket.AF_INET, socket.SOCK_DGRAM)
        a.bind(("127.0.0.1", 0))
        a.settimeout(0.2)
        a.sendto(b"x", ("127.0.0.1", 9))
        with pytest.raises(expected):
            a.recvfrom(10)


def test_concurrent_peers_and_determinism() -> None:
    def program(profile: str) -> list[object]:
        net = Network(profile, seed=7)
        _, cli, conn = _pair(net)
        seen: list[object] = []

        def echo() -> None:
            while data := conn.recv(3):
                seen.append(("echo", data, net.clock()))
                conn.sendall(data.upper())
                net.sleep(0.01)
            conn.close()

        peer = net.spawn(echo)
        cli.sendall(b"hello world")
        cli.shutdown(socket.SHUT_WR)
        while data := cli.recv(100):
            seen.append(("got", data, net.clock()))
        peer.join(5)
        seen.append(cli.getsockname())
        net.close()
        return seen

    first = program("darwin")
    assert first == program("darwin")  # byte for byte, times and ports included
    assert b"".join(x[1] for x in first if isinstance(x, tuple) and x[0] == "got") == b"HELLO WORLD"


def test_a_program_that_only_ever_sleeps_hits_the_virtual_time_limit() -> None:
    net = Network("linux", max_virtual_time=100.0)

    def sleep_for_ever() -> None:
        while True:
            net.sleep(7.0)

    with pytest.raises(SimDeadlock, match="100 s virtual time limit"):
        sleep_for_ever()
    assert net.clock() <= 100.0


def test_reuseport_listeners_are_allowed_but_their_load_balancing_is_not_pretended() -> None:
    net = Network("linux")
    first = net.socket()
    first.setsockopt(socket.SOL_SOCKET, sim.SO_REUSEPORT, 1)
    first.bind(("127.0.0.1", 0))
    first.listen(1)
    second = net.socket()
    second.setsockopt(socket.SOL_SOCKET, sim.SO_REUSEPORT, 1)
    second.bind(first.getsockname())
    second.listen(1)
    with pytest.raises(NotImplementedError, match="SO_REUSEPORT listeners"):
        net.socket().connect(first.getsockname())
