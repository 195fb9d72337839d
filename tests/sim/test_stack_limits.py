"""The per-OS numbers the stack-limits scenarios read, as the simulator models them from the
profiles: reported buffer sizes, set-buffer minimums, the SYN retry schedule at a full accept
queue, and v4-mapped binds under IPV6_V6ONLY."""

from __future__ import annotations

import socket
import sys

import pytest

from sockbehave.sim import Network
from sockbehave.sim.kernel import NotModelled


def _buffers(sock: socket.socket) -> tuple[int, int]:
    return (
        sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF),
        sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF),
    )


@pytest.mark.parametrize(
    ("profile", "fresh"), [("linux", (131072, 16384)), ("darwin", (131072, 131072)), ("freebsd", (65536, 32768))]
)
def test_a_new_tcp_socket_reports_its_profiles_buffer_defaults(profile: str, fresh: tuple[int, int]) -> None:
    assert _buffers(Network(profile).socket()) == fresh


def _connected_client(profile: str) -> socket.socket:
    net = Network(profile)
    srv = net.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    cli = net.socket()
    cli.connect(srv.getsockname())
    return cli


@pytest.mark.parametrize(("profile", "connected"), [("linux", (131072, 3939840)), ("freebsd", (81720, 49032))])
def test_a_connected_socket_reports_its_profiles_grown_buffers(profile: str, connected: tuple[int, int]) -> None:
    assert _buffers(_connected_client(profile)) == connected


def test_a_connected_sockets_buffers_are_not_modelled_where_no_source_says_them() -> None:
    cli = _connected_client("darwin")
    with pytest.raises(NotModelled, match="SO_SNDBUF a connected TCP socket reports on darwin"):
        cli.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)


@pytest.mark.parametrize(("profile", "stored"), [("linux", (2304, 4608)), ("darwin", (1, 1)), ("windows", (1, 1))])
def test_a_one_byte_buffer_is_raised_to_the_profiles_minimum(profile: str, stored: tuple[int, int]) -> None:
    s = Network(profile).socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1)
    assert _buffers(s) == stored


def test_linux_doubles_so_sndbuf_as_it_does_so_rcvbuf() -> None:
    s = Network("linux").socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 10000)
    assert s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) == 20000


def _set_sizes(profile: str, *sizes: int) -> list[object]:
    """What each setsockopt(SO_SNDBUF, size) on one TCP socket stores, or the errno it raises."""
    net = Network(profile)
    s = net.socket()
    got: list[object] = []
    for size in sizes:
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)
            got.append(s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF))
        except OSError as exc:
            got.append(net.errno_name(exc.errno or 0))  # the simulated OS's numbers
    return got


@pytest.mark.parametrize(
    ("profile", "outcomes"),
    [
        # clamped to wmem_max (read as unsigned: -1 too), doubled, raised to the minimum
        ("linux", [425984, 425984, 4608, 425984, 425984]),
        # EINVAL below 1; above kern.ipc.maxsockbuf's adjusted size ENOBUFS
        ("freebsd", ["ENOBUFS", "EINVAL", "EINVAL", 1864135, "ENOBUFS"]),
        # above sb_max the size becomes sb_max, and ENOBUFS once it has it
        ("darwin", [8388608, "EINVAL", "EINVAL", 8388608, "ENOBUFS"]),
    ],
)
def test_a_buffer_size_out_of_range_is_clamped_or_refused_as_each_os_does(profile: str, outcomes: list[object]) -> None:
    assert _set_sizes(profile, 10**7, -1, 0, 1864135 if profile == "freebsd" else 8388608, 2**31 - 1) == outcomes


def test_a_windows_buffer_size_no_source_covers_is_not_modelled() -> None:
    assert _set_sizes("windows", 0, 10**7) == [0, 10**7]
    with pytest.raises(NotModelled, match=r"setsockopt\(SO_SNDBUF, -1\) on windows"):
        _set_sizes("windows", -1)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="this machine's Linux")
def test_real_linux_clamps_to_its_own_wmem_max_as_the_profile_clamps_to_the_default() -> None:
    """The rule is Linux's on this machine too; only the sysctl's value may differ."""
    with open("/proc/sys/net/core/wmem_max", encoding="ascii") as f:
        wmem_max = int(f.read())
    real = socket.socket()
    with real:
        seen = []
        for size in (-1, wmem_max + 1, 0):
            real.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)
            seen.append(real.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF))
    assert seen == [2 * wmem_max, 2 * wmem_max, 4608]
    assert _set_sizes("linux", -1, 212993, 0) == [2 * 212992, 2 * 212992, 4608]


def _late_client_gets_in_at(profile: str, accept_at: float) -> float:
    """When a client whose SYN met a full accept queue connects, if accept runs at ``accept_at``."""
    net = Network(profile)
    srv = net.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    first = net.socket()
    first.connect(srv.getsockname())  # fills Linux's queue: listen(0) lets one connection complete
    late = net.socket()
    late.setblocking(False)
    assert late.connect_ex(srv.getsockname()) != 0
    started = net.clock()
    net.sleep(accept_at)
    srv.accept()[0].close()
    while late.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
        try:
            late.getpeername()
            return round(net.clock() - started, 3)
        except OSError:
            net.sleep(0.01)
    raise AssertionError("the late client failed")


@pytest.mark.parametrize(("accept_at", "gets_in_at"), [(0.5, 1.0), (1.5, 2.0), (2.5, 3.0), (4.5, 5.0), (5.5, 7.0)])
def test_linux_retries_a_dropped_syn_every_second_at_first(accept_at: float, gets_in_at: float) -> None:
    assert _late_client_gets_in_at("linux", accept_at) == pytest.approx(gets_in_at, abs=0.011)


def test_the_syn_schedule_comes_from_the_profile() -> None:
    net = Network("linux")
    waits = net.kernel.profile.syn_retry_waits
    assert waits == (1.0, 1.0, 1.0, 1.0, 1.0)
    assert [net.kernel._syn_wait(i) for i in range(7)] == [1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 4.0]
    assert [Network("freebsd").kernel._syn_wait(i) for i in range(4)] == [1.0, 2.0, 4.0, 8.0]


@pytest.mark.parametrize("profile", ["linux", "darwin"])
def test_an_ipv4_client_reaches_a_listener_bound_to_the_v4_mapped_loopback(profile: str) -> None:
    net = Network(profile)
    srv = net.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.bind(("::ffff:127.0.0.1", 0))
    srv.listen(1)
    host, port, _, _ = srv.getsockname()
    assert host == "::ffff:127.0.0.1"
    cli = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    cli.connect(("127.0.0.1", port))
    conn, peer = srv.accept()
    assert peer[0] == "::ffff:127.0.0.1" and peer[1] == cli.getsockname()[1]
    conn.sendall(b"hi")
    assert cli.recv(2) == b"hi"


@pytest.mark.parametrize(("profile", "errno_name"), [("linux", "EINVAL"), ("freebsd", "EADDRNOTAVAIL")])
def test_a_v6only_socket_may_not_bind_a_v4_mapped_address(profile: str, errno_name: str) -> None:
    net = Network(profile)
    s = net.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    with pytest.raises(OSError) as info:
        s.bind(("::ffff:127.0.0.1", 0))
    assert info.value.errno == net.kernel.profile.errnos[errno_name][0]


def test_a_v4_mapped_bind_under_v6only_is_not_modelled_where_the_error_is_unknown() -> None:
    s = Network("windows").socket(socket.AF_INET6, socket.SOCK_STREAM)
    with pytest.raises(NotModelled, match="v4-mapped address to an IPV6_V6ONLY socket on windows"):
        s.bind(("::ffff:127.0.0.1", 0))
