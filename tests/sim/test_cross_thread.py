"""The simulator's cross-thread rules: close or shutdown of a socket another thread is blocked
in (``close_wakes_blocked``, ``listener_shutdown``), and Nagle's algorithm with delayed ACKs
(``delayed_ack``, ``quick_acks``). Each used to be silently wrong: close woke every blocked call
with EBADF, shutdown on a listener raised NotImplementedError, and no write was ever held."""

from __future__ import annotations

import select
import socket
import struct
from typing import Any

import pytest

from sockbehave.kit import tcp_pair
from sockbehave.sim import Network, patched


def _blocked(net: Network, call: Any) -> list[Any]:
    """Run ``call`` in a peer and return the box its result or exception lands in."""
    box: list[Any] = []

    def run() -> None:
        try:
            box.append(call())
        except OSError as exc:
            box.append(exc)

    net.spawn(run)
    net.sleep(0.05)  # the peer is now blocked
    return box


def test_on_linux_close_leaves_a_blocked_recv_waiting_and_the_connection_open() -> None:
    net = Network("linux")
    cli, conn = tcp_pair(net)
    box = _blocked(net, lambda: conn.recv(10))
    conn.close()
    net.sleep(1.0)
    assert box == []  # was OSError(EBADF) at once
    cli.settimeout(0.2)
    with pytest.raises(socket.timeout):
        cli.recv(10)  # no FIN: the recv in progress keeps the socket open
    cli.send(b"late")
    net.sleep(0.01)
    assert box == [b"late"]
    net.close()


@pytest.mark.parametrize(("profile", "error"), [("darwin", "EBADF"), ("windows", "ENOTSOCK")])
def test_where_close_wakes_a_blocked_recv_it_fails_with_the_profiles_errno(profile: str, error: str) -> None:
    net = Network(profile)
    _cli, conn = tcp_pair(net)
    box = _blocked(net, lambda: conn.recv(10))
    conn.close()
    net.sleep(0.01)
    assert len(box) == 1 and isinstance(box[0], OSError)
    assert net.errno_name(box[0].errno or 0) == error


@pytest.mark.parametrize("profile", ["linux", "darwin", "freebsd"])
def test_shutdown_rd_wakes_a_blocked_recv_with_end_of_file(profile: str) -> None:
    net = Network(profile)
    _cli, conn = tcp_pair(net)
    box = _blocked(net, lambda: conn.recv(10))
    conn.shutdown(socket.SHUT_RDWR)
    net.sleep(0.01)
    assert box == [b""]
    assert conn.recv(10) == b""
    net.close()


def test_on_windows_a_recv_waiting_at_shutdown_keeps_waiting_and_a_new_one_fails() -> None:
    """Wine's ws2_32 tests and EPICS's, run on Windows: the pending receive survives
    shutdown(SD_BOTH) and completes with what the peer sends later (here its FIN); a recv
    started afterwards fails with WSAESHUTDOWN. (Before: the waiting recv got b'' at once.)"""
    net = Network("windows")
    cli, conn = tcp_pair(net)
    box = _blocked(net, lambda: conn.recv(10))
    conn.shutdown(socket.SHUT_RDWR)
    net.sleep(1.0)
    assert box == []
    with pytest.raises(OSError) as caught:
        conn.recv(10)
    assert net.errno_name(caught.value.errno or 0) == "ESHUTDOWN"
    cli.close()
    net.sleep(0.01)
    assert box == [b""]
    net.close()


def test_on_windows_select_of_a_socket_shut_down_for_reading_is_not_modelled() -> None:
    with patched("windows"), socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        conn, _ = listener.accept()
        conn.shutdown(socket.SHUT_RD)
        with pytest.raises(NotImplementedError, match="select/poll of a TCP socket shut down for reading on windows"):
            select.select([conn], [], [], 0)
        client.close()
        conn.close()


def test_on_linux_a_closed_listener_with_a_blocked_accept_still_accepts() -> None:
    net = Network("linux")
    srv = net.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    address = srv.getsockname()
    box = _blocked(net, srv.accept)
    srv.close()
    net.sleep(0.5)
    assert box == []
    cli = net.socket()
    cli.connect(address)  # was ConnectionRefusedError
    net.sleep(0.01)
    assert len(box) == 1 and isinstance(box[0], tuple)
    box[0][0].close()
    cli.close()
    net.close()


def test_on_darwin_close_wakes_a_blocked_accept_with_econnaborted() -> None:
    net = Network("darwin")
    srv = net.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    box = _blocked(net, srv.accept)
    srv.close()
    net.sleep(0.01)
    assert len(box) == 1 and isinstance(box[0], ConnectionAbortedError)


@pytest.mark.parametrize(
    ("profile", "shutdown_error", "accept_error", "still_listening"),
    [
        ("linux", None, "EINVAL", False),
        ("freebsd", "ENOTCONN", "ECONNABORTED", True),
        ("darwin", "ENOTCONN", None, True),
        ("windows", "ENOTCONN", None, True),
    ],
)
def test_shutdown_rd_on_a_listener_follows_the_profile(
    profile: str, shutdown_error: str | None, accept_error: str | None, still_listening: bool
) -> None:
    net = Network(profile)
    srv = net.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(0.5)
    address = srv.getsockname()
    box = _blocked(net, srv.accept)
    if shutdown_error is None:
        srv.shutdown(socket.SHUT_RD)  # was NotImplementedError on every profile
    else:
        with pytest.raises(OSError) as info:
            srv.shutdown(socket.SHUT_RD)
        assert net.errno_name(info.value.errno or 0) == shutdown_error
    net.sleep(0.01)
    if accept_error is None:
        assert box == []
    else:
        assert len(box) == 1 and net.errno_name(box[0].errno) == accept_error
    cli = net.socket()
    cli.settimeout(0.1)
    if still_listening:
        cli.connect(address)
    else:
        with pytest.raises(ConnectionRefusedError):
            cli.connect(address)
    net.sleep(0.6)  # the accept, if still waiting, takes the client or times out
    cli.close()
    net.close()


def _request_round_trips(net: Network, nodelay: bool, rounds: int = 3) -> list[float]:
    cli, conn = tcp_pair(net)
    if nodelay:
        cli.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def serve() -> None:
        for _ in range(rounds):
            got = b""
            while len(got) < 108:
                got += conn.recv(200)
            conn.sendall(b"OK")

    net.spawn(serve)
    times = []
    for _ in range(rounds):
        start = net.clock()
        cli.send(b"LEN:0100")
        cli.send(b"b" * 100)
        assert cli.recv(10) == b"OK"
        times.append(round(net.clock() - start, 3))
    return times


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("linux", [0.0, 0.04, 0.04]),  # quick ACKs until the server has replied once
        ("freebsd", [0.04, 0.04, 0.04]),
        ("darwin", [0.0, 0.0, 0.0]),  # 16 forced ACKs at the start of a connection
        ("windows", [0.2, 0.2, 0.2]),
    ],
)
def test_write_write_read_waits_for_the_delayed_ack(profile: str, expected: list[float]) -> None:
    assert _request_round_trips(Network(profile), nodelay=False) == expected  # was all 0.0


@pytest.mark.parametrize("profile", ["linux", "freebsd", "darwin", "windows"])
def test_tcp_nodelay_sends_the_second_write_at_once(profile: str) -> None:
    assert _request_round_trips(Network(profile), nodelay=True) == [0.0, 0.0, 0.0]


def test_a_held_write_goes_out_with_the_fin() -> None:
    net = Network("windows")
    cli, conn = tcp_pair(net)
    cli.send(b"a")
    cli.send(b"b")  # held: "a" is not acknowledged for 200 ms
    conn.settimeout(0.01)
    assert conn.recv(10) == b"a"
    cli.close()  # the FIN carries the held byte at once
    assert conn.recv(10) == b"b"
    assert conn.recv(10) == b""


def test_on_windows_a_reset_error_comes_back_on_every_later_call() -> None:
    """Wine's test_tcp_reset, run on Windows: after the reset was reported, a new recv and a
    send fail with WSAECONNRESET again; Linux reports it once, then end of file."""
    for profile, later in (("windows", ["ECONNRESET", "ECONNRESET", "ECONNRESET"]), ("linux", [b"", b"", "EPIPE"])):
        net = Network(profile)
        cli, conn = tcp_pair(net)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack(net.profile.linger_format, 1, 0))
        conn.close()
        with pytest.raises(ConnectionResetError):
            cli.recv(10)
        seen: list[Any] = []
        for name, arg in (("recv", 10), ("recv", 10), ("send", b"x")):
            try:
                seen.append(getattr(cli, name)(arg))
            except OSError as exc:
                seen.append(net.errno_name(exc.errno or 0))
        assert seen == later, profile
        net.close()
