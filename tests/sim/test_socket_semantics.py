"""The socket layer's answers that used to be silently wrong: blocking sends, argument
validation as CPython does it, and closing sockets the garbage collector takes."""

from __future__ import annotations

import asyncio
import errno
import functools
import gc
import hashlib
import json
import select
import socket
import struct
import sys
import threading
import time
import warnings
from typing import Callable, Optional

import pytest

from sockbehave.sim import PROFILES, Network, get_profile, patched

ALL = list(PROFILES)


def _pair(net: Network) -> tuple[socket.socket, socket.socket]:
    srv = net.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    cli = net.socket()
    cli.connect(srv.getsockname())
    conn, _ = srv.accept()
    srv.close()
    return cli, conn


def _drain(net: Network, conn: socket.socket, got: list[int]) -> None:
    def read() -> None:
        while data := conn.recv(1 << 20):
            got.append(len(data))

    net.spawn(read)


@pytest.mark.parametrize("profile", ALL)
def test_a_blocking_send_queues_everything_on_every_os(profile: str) -> None:
    net = Network(profile)
    cli, conn = _pair(net)
    got: list[int] = []
    _drain(net, conn, got)
    assert cli.send(b"x" * 20_000_000) == 20_000_000  # was the send buffer's size (4194304 on linux)
    cli.close()
    net.sleep(1)
    assert sum(got) == 20_000_000


@pytest.mark.parametrize("profile", ALL)
def test_a_send_with_a_timeout_may_still_be_short(profile: str) -> None:
    """CPython waits for room, then makes one non-blocking send: a short count is real, except
    where a send that finds room takes all of its data (Profile.send_takes_whole: Windows,
    tested by Wine's test_send_buffering run there)."""
    net = Network(profile)
    cli, _conn = _pair(net)
    cli.settimeout(5.0)
    sent = cli.send(b"x" * 20_000_000)
    if net.profile.send_takes_whole:
        assert sent == 20_000_000
    else:
        assert 0 < sent < 20_000_000
    cli.setblocking(False)
    outcomes = []
    for _ in range(10):  # until both buffers are full
        try:
            outcomes.append(cli.send(b"x" * 20_000_000))
        except BlockingIOError:
            outcomes.append("EAGAIN")
            break
    assert outcomes[-1] == "EAGAIN"


@pytest.mark.parametrize(
    ("profile", "outcome"),
    [("linux", "count"), ("darwin", BrokenPipeError), ("freebsd", BrokenPipeError), ("windows", "whole")],
)
def test_an_error_after_a_partial_blocking_send_follows_the_profile(profile: str, outcome: object) -> None:
    """Profile.send_error_after_partial; Windows never makes a partial transfer here: the send
    finds room and takes all 50 MB (Profile.send_takes_whole)."""
    net = Network(profile)
    cli, conn = _pair(net)

    def read_a_little_then_abort() -> None:
        conn.recv(1000)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack(net.profile.linger_format, 1, 0))
        conn.close()

    net.spawn(read_a_little_then_abort)
    if outcome == "count":
        assert 0 < cli.send(b"x" * 50_000_000) < 50_000_000
    elif outcome == "whole":
        assert cli.send(b"x" * 50_000_000) == 50_000_000
    else:
        with pytest.raises(outcome):  # type: ignore[call-overload]
            cli.send(b"x" * 50_000_000)


def length_prefixed_transfer(payload: bytes) -> bool:
    """The tutorial's file transfer: a 4-digit header length, a JSON header with the size and
    md5, then the data, each with a plain blocking send(); the receiver checks the md5."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    result: list[bool] = []

    def receive() -> None:
        conn, _ = srv.accept()
        size = int(conn.recv(4))
        header = json.loads(conn.recv(size))
        data = b""
        while len(data) < header["filesize"]:
            data += conn.recv(65536)
        result.append(hashlib.md5(data).hexdigest() == header["md5"])
        conn.close()

    thread = threading.Thread(target=receive)
    thread.start()
    cli = socket.socket()
    cli.connect(srv.getsockname())
    header = json.dumps({"filename": "a.mp4", "filesize": len(payload), "md5": hashlib.md5(payload).hexdigest()})
    cli.send(str(len(header)).encode().zfill(4))
    cli.send(header.encode())
    cli.send(payload)
    thread.join()
    cli.close()
    srv.close()
    return result == [True]


@pytest.mark.parametrize("profile", ALL)
def test_the_tutorial_file_transfer_arrives_intact(profile: str) -> None:
    with patched(profile):
        assert length_prefixed_transfer(bytes(range(256)) * 4096)  # 1 MiB: above every send buffer


@pytest.mark.parametrize(
    ("call", "exc", "message"),
    [
        (lambda s, u: u.recvfrom(-1), ValueError, "negative buffersize in recvfrom"),
        (lambda s, u: s.recv(-1), ValueError, "negative buffersize in recv"),
        (lambda s, u: u.recv_into(bytearray(2), -1), ValueError, "negative buffersize in recv_into"),
        (lambda s, u: u.recv_into(bytearray(2), 5), ValueError, "buffer too small for requested bytes"),
        (lambda s, u: u.recvfrom_into(bytearray(2), 5), ValueError, "nbytes is greater than the length"),
        (lambda s, u: s.listen(2**31), OverflowError, "signed integer is greater than maximum"),
        (lambda s, u: s.shutdown(2**31), OverflowError, "too large to convert to C int"),
        (lambda s, u: s.shutdown(2 + 2**32), OverflowError, "too large to convert to C int"),
        (lambda s, u: s.shutdown("2"), TypeError, "integer"),
        (lambda s, u: s.settimeout(float("nan")), ValueError, "Invalid value NaN"),
        (lambda s, u: s.settimeout(-1), ValueError, "Timeout value out of range"),
        (lambda s, u: s.settimeout("1"), TypeError, "integer"),  # the wording is per CPython version
        (lambda s, u: s.connect(["127.0.0.1", 1]), TypeError, "AF_INET address must be tuple, not list"),
        (lambda s, u: s.bind(("127.0.0.1",)), TypeError, "AF_INET address must be a pair"),
        (lambda s, u: s.bind(("127.0.0.1", 70000)), OverflowError, "port must be 0-65535"),
        (lambda s, u: s.send("text"), TypeError, "bytes-like object is required"),
        (lambda s, u: s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2000), OSError, "buflen out of range"),
        # sizes are C ssize_t arguments, converted before any I/O (trio's stream check passes 1.5)
        (lambda s, u: u.recv(1.5), TypeError, "float.*integer|integer.*float"),
        (lambda s, u: u.recv("3"), TypeError, "'str' object cannot be interpreted as an integer"),
        (lambda s, u: u.recvfrom(2**63), OverflowError, "too large to convert to C ssize_t"),
        (lambda s, u: u.recv_into(bytearray(4), 1.5), TypeError, "float.*integer|integer.*float"),
        (lambda s, u: u.recvmsg(4, 1.5), TypeError, "float.*integer|integer.*float"),
        # an int that is no C int is read as a buffer, as CPython's third parse of the arguments does
        (lambda s, u: s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 2**31), TypeError, "not 'int'"),
        (lambda s, u: s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, -(2**31) - 1), TypeError, "not 'int'"),
        (
            lambda s, u: s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1.5),
            TypeError,
            "^a bytes-like object is required, not 'float'",
        ),
    ],
)
def test_argument_validation_is_cpythons(call: object, exc: type[BaseException], message: str) -> None:
    net = Network("linux")
    s = net.socket()
    u = net.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    u.sendto(b"hello", u.getsockname())
    with pytest.raises(exc, match=message):
        call(s, u)  # type: ignore[operator]


def test_recvmsg_into_a_read_only_buffer_fails_before_taking_the_datagram() -> None:
    u = Network("linux").socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    u.sendto(b"hello", u.getsockname())
    with pytest.raises(TypeError, match="read-write buffers"):
        u.recvmsg_into([bytearray(2), b"read-only"])
    buf = bytearray(8)
    assert u.recvmsg_into([buf])[0] == 5 and buf[:5] == b"hello"  # still there


@pytest.mark.parametrize(
    ("profile", "errno", "winerror"), [("linux", 22, None), ("darwin", 22, None), ("windows", 14, 10014)]
)
def test_a_short_so_linger_is_the_os_error_not_struct_error(profile: str, errno: int, winerror: Optional[int]) -> None:
    s = Network(profile).socket()
    with pytest.raises(OSError) as info:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"12")
    assert info.value.errno == errno and type(info.value) is OSError  # Windows: WSAEFAULT, errno EFAULT
    assert getattr(info.value, "winerror", None) == winerror
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\0" * 16)  # longer is fine: the rest is ignored


def test_listen_clamps_a_negative_backlog_as_cpython_does() -> None:
    s = Network("linux").socket()
    s.bind(("127.0.0.1", 0))
    s.listen(-5)  # CPython turns a negative backlog into 0


@pytest.mark.parametrize("profile", ALL)
def test_a_collected_socket_is_closed_with_a_resource_warning(profile: str) -> None:
    net = Network(profile)
    cli, conn = _pair(net)
    cli.settimeout(5.0)
    gc.collect()  # what earlier tests left behind
    named = f"fd={conn.fileno()},"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del conn
        gc.collect()
    # (only this socket's: another thread may drop something of its own meanwhile)
    about_conn = [w for w in caught if named in str(w.message)]
    assert [w.category for w in about_conn] == [ResourceWarning], [str(w.message) for w in caught]
    assert "unclosed" in str(about_conn[0].message)
    assert cli.recv(10) == b""  # the peer sees the end of the stream, as on a real OS


def test_a_collected_socket_wakes_a_peer_that_is_already_waiting() -> None:
    net = Network("linux")
    cli, conn = _pair(net)
    seen: list[bytes] = []
    peer = net.spawn(lambda: seen.append(cli.recv(10)))
    net.sleep(0.1)  # the peer is now blocked in recv
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        del conn
        gc.collect()
    peer.join(5)
    assert seen == [b""]


def test_sockets_left_open_when_the_network_closes_do_not_warn() -> None:
    net = Network("linux")
    cli, conn = _pair(net)
    net.close()
    gc.collect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del cli, conn
        gc.collect()
    assert caught == []


def test_udp_recvmsg_reports_truncation_and_tcp_recvfrom_names_no_sender() -> None:
    net = Network("linux")
    u = net.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    u.sendto(b"hello", u.getsockname())
    data, anc, flags, addr = u.recvmsg(3)
    assert (data, anc, flags, addr) == (b"hel", [], socket.MSG_TRUNC, u.getsockname())
    cli, conn = _pair(net)
    cli.send(b"hi")
    assert conn.recvfrom(10) == (b"hi", None)


def test_windows_truncation_still_raises_emsgsize() -> None:
    net = Network("windows")
    u = net.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    u.sendto(b"hello", u.getsockname())
    with pytest.raises(OSError) as info:
        u.recvfrom(3)
    assert info.value.errno == 10040


def test_a_thread_that_drops_its_socket_closes_it_for_the_peer() -> None:
    """The tutorial's abrupt client: it returns without close(); CPython collects the socket."""
    with warnings.catch_warnings(), patched("windows"):
        warnings.simplefilter("ignore", ResourceWarning)
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)

        def client(address: tuple[str, int]) -> None:
            s = socket.socket()
            s.connect(address)
            s.sendall(b"hi")  # and no close(): the socket is collected when this returns

        thread = threading.Thread(target=client, args=(srv.getsockname(),))
        thread.start()
        conn, _ = srv.accept()
        seen = [conn.recv(10), conn.recv(10)]
        thread.join()
        conn.close()
        srv.close()
    assert seen == [b"hi", b""]


def _connected() -> tuple[socket.socket, socket.socket, tuple[str, int]]:
    """A connected TCP pair ``(client, server side, listener's address)`` through ``socket``
    itself, real or inside ``patched``; the listener is closed again."""
    srv = socket.create_server(("127.0.0.1", 0))
    address = srv.getsockname()
    a = socket.create_connection(address)
    b, _ = srv.accept()
    srv.close()
    return a, b, address


def _reset(sock: socket.socket) -> None:
    """Close with SO_LINGER on and 0 s (POSIX's struct linger): the peer gets a reset."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _error_read_twice_after_a_reset() -> list[object]:
    """SO_ERROR read twice after the peer reset the connection, then a recv (plain socket code)."""
    a, b, _ = _connected()
    a.settimeout(2.0)
    _reset(b)
    with a:
        select.select([a], [], [], 2.0)  # the reset has arrived
        got: list[object] = [a.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) for _ in range(2)]
        got.append(a.recv(10))
    return got


@pytest.mark.skipif(sys.platform != "linux", reason="the reference is the real Linux stack")
def test_reading_so_error_clears_a_connections_error_as_on_linux() -> None:
    # Before 2026-11-23 the simulated error stayed: [104, 104], then ConnectionResetError
    real = _error_read_twice_after_a_reset()
    with patched("linux"):
        assert _error_read_twice_after_a_reset() == real == [104, 0, b""]


def _after_shut_rd() -> list[object]:
    """Data queued before a's shutdown(SHUT_RD) and data sent after it: what a reads, and what
    the sender's next send gives (plain socket code, real or inside ``patched``)."""
    a, b, _ = _connected()
    got: list[object] = []
    with a, b:
        a.settimeout(2.0)
        b.sendall(b"queued")
        select.select([a], [], [], 2.0)  # it has arrived
        a.shutdown(socket.SHUT_RD)
        got.append(a.recv(10))
        b.sendall(b"later")
        select.select([a], [], [], 2.0)
        got.append(a.recv(10))
        try:
            got.append(b.send(b"x"))
        except OSError as exc:
            got.append(type(exc).__name__)
    return got


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("linux", [b"queued", b"later", 1]),  # kept (tcp_recvmsg), then queued as before
        ("freebsd", [b"", b"", 1]),  # sorflush, then acknowledged and dropped
        ("darwin", [b"", b"", "BrokenPipeError"]),  # sorflush, then the receiver resets (sosend: EPIPE first)
    ],
)
def test_data_after_shutdown_rd_follows_each_os(profile: str, expected: list[object]) -> None:
    with patched(profile):
        assert _after_shut_rd() == expected


@pytest.mark.skipif(sys.platform != "linux", reason="the reference is the real Linux stack")
def test_data_after_shutdown_rd_as_on_linux() -> None:
    assert _after_shut_rd() == [b"queued", b"later", 1]


def test_shutdown_rd_with_queued_data_is_not_modelled_on_windows() -> None:
    with patched("windows"), pytest.raises(NotImplementedError, match=r"shutdown\(SHUT_RD\) on windows with"):
        _after_shut_rd()


def _peer_names() -> list[object]:
    """getpeername() while connected, after shutdown(SHUT_RDWR), and after the peer's reset."""
    a, b, address = _connected()
    got: list[object] = []

    def name(s: socket.socket) -> object:
        try:
            return s.getpeername() == address or s.getpeername()
        except OSError as exc:
            return exc.errno  # the simulated OS's number (the host's errno module may not name it)

    with a, b:
        got.append(name(a))
        a.shutdown(socket.SHUT_RDWR)
        got.append(name(a))
        _reset(b)
        select.select([a], [], [], 2.0)
        got.append(name(a))
    return got


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("linux", [True, True, "ENOTCONN"]),
        ("freebsd", [True, True, "ENOTCONN"]),
        ("darwin", [True, "EINVAL", "EINVAL"]),  # xnu: both directions shut comes first
    ],
)
def test_getpeername_of_a_shut_or_reset_connection_follows_each_os(profile: str, expected: list[object]) -> None:
    numbers = get_profile(profile).errnos
    with patched(profile):
        assert _peer_names() == [numbers[e][0] if isinstance(e, str) else e for e in expected]


@pytest.mark.skipif(sys.platform != "linux", reason="the reference is the real Linux stack")
def test_getpeername_of_a_shut_or_reset_connection_as_on_linux() -> None:
    assert _peer_names() == [True, True, errno.ENOTCONN]


@pytest.mark.parametrize(
    ("profile", "keepalive", "keepcnt"), [("darwin", 0x8, 4), ("freebsd", 0x8, 4), ("windows", 1, None)]
)
def test_an_accepted_socket_takes_the_options_its_os_copies(profile: str, keepalive: int, keepcnt: int | None) -> None:
    """``Profile.accept_copies``: the BSDs copy so_options and the keepalive counts (sonewconn,
    the syncache); Windows documents only "the same properties". An option whose copying is
    not known (IPV6_V6ONLY on all three) is ``NotImplementedError`` on the accepted socket
    once the listener set it, until the accepted socket sets it itself."""
    net = Network(profile)
    srv = net.socket(socket.AF_INET6)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    if keepcnt is not None:  # (Windows' keepalive times are not modelled at all)
        srv.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, keepcnt)
    srv.bind(("::1", 0))
    srv.listen()
    cli = net.socket(socket.AF_INET6)
    cli.connect(srv.getsockname())
    conn, _ = srv.accept()
    assert conn.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == keepalive
    if keepcnt is not None:
        assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT) == keepcnt
    with pytest.raises(NotImplementedError, match=f"accepted on {profile} has its listener's IPV6_V6ONLY"):
        conn.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY)
    conn.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)  # set on the socket itself: known again
    assert conn.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) == 0
    for s in (conn, cli, srv):
        s.close()
    net.close()


@pytest.mark.parametrize(("profile", "error"), [("darwin", "EPIPE"), ("freebsd", "EPIPE"), ("windows", "ESHUTDOWN")])
def test_a_udp_socket_shut_down_for_writing_fails_as_the_os_says(profile: str, error: str) -> None:
    """``Profile.send_after_shutdown_error`` (each OS's send or shutdown page). (Shutting down
    the reading side: tests/sim/test_udp_shutdown.py.)"""
    net = Network(profile)
    a, b = net.socket(socket.AF_INET, socket.SOCK_DGRAM), net.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.bind(("127.0.0.1", 0))
    b.connect(a.getsockname())
    b.shutdown(socket.SHUT_WR)
    with pytest.raises(OSError) as raised:
        b.send(b"x")
    assert raised.value.errno == get_profile(profile).errnos[error][0]
    a.close()
    b.close()
    net.close()


@pytest.mark.parametrize("profile", ["linux", "darwin", "freebsd"])
def test_nagle_holds_small_writes_only_until_a_full_segment_is_queued(profile: str) -> None:
    """RFC 896: while a small segment is unacknowledged, later writes wait only as long as they
    add up to less than a segment. Before, they waited for the delayed ACK however much was
    queued: tornado's ten writers of 5,000-byte chunks took 37 virtual seconds for 50 MB on
    the darwin profile (370 delayed ACKs of 100 ms)."""
    with patched(profile) as net, socket.create_server(("127.0.0.1", 0)) as srv:
        sender = socket.create_connection(srv.getsockname())
        receiver, _ = srv.accept()
        with sender, receiver:
            receiver.settimeout(5)
            for _ in range(64):  # past the receiver's quick ACKs: an ACK of a small write is delayed
                sender.sendall(b"a")
                assert receiver.recv(10) == b"a"
                sender.sendall(b"b")
                if not select.select([receiver], [], [], 0)[0]:
                    break  # Nagle's algorithm holds it
                assert receiver.recv(10) == b"b"
            else:
                pytest.fail("no small write was ever held")
            started = time.monotonic()
            mss = net.profile.loopback_mss
            sender.sendall(b"c" * (mss - 2))  # still less than a segment queued: held
            assert not select.select([receiver], [], [], 0)[0]
            sender.sendall(b"d")  # a full segment's worth: it goes, with what was held
            assert select.select([receiver], [], [], 0)[0] == [receiver]
            got = bytearray()
            while len(got) < mss:
                got += receiver.recv(1 << 20)
            assert bytes(got) == b"b" + b"c" * (mss - 2) + b"d"
            assert time.monotonic() - started < 0.001  # no delayed ACK was waited for (only clock reads' microseconds)


def _acceptconn_reads() -> list[int]:
    s = socket.socket()
    u = socket.socket(type=socket.SOCK_DGRAM)
    try:
        seen = [s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)]
        s.bind(("127.0.0.1", 0))
        s.listen()
        seen.append(s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN))
        seen.append(u.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN))
        return seen
    finally:
        s.close()
        u.close()


@pytest.mark.skipif(not hasattr(socket, "SO_ACCEPTCONN"), reason="no SO_ACCEPTCONN on this host")
@pytest.mark.parametrize(("profile", "listening"), [("linux", 1), ("freebsd", 2), ("windows", 1)])
def test_so_acceptconn_says_whether_a_socket_listens(profile: str, listening: int) -> None:
    """trio's SocketListener asks it. Linux reads 1 (observed here, the same transcript), FreeBSD
    its flag bit 0x2, Windows TRUE; each profile names its source (Profile.acceptconn_listening)."""
    if profile == "linux" and sys.platform.startswith("linux"):
        assert _acceptconn_reads() == [0, 1, 0]
    with patched(profile):
        assert _acceptconn_reads() == [0, listening, 0]
        with pytest.raises(NotImplementedError, match=r"SO_ACCEPTCONN \(a read-only option"):
            socket.socket().setsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN, 1)


@pytest.mark.skipif(not hasattr(socket, "SO_ACCEPTCONN"), reason="no SO_ACCEPTCONN on this host")
def test_so_acceptconn_is_not_answered_on_macos() -> None:
    with patched("darwin"), pytest.raises(OSError) as info:
        _acceptconn_reads()
    assert info.value.errno == 42  # ENOPROTOOPT on macOS (xnu's sogetoptlock has no case for it)


def test_windows_getpeername_after_a_shutdown_both_ways_and_after_a_reset() -> None:
    """Wine's test_shutdown, run on Windows: the peer's address after SD_BOTH. After a reset
    nothing says what Windows reports: not modelled, by name."""
    net = Network("windows")
    cli, conn = _pair(net)
    cli.shutdown(socket.SHUT_RDWR)
    assert cli.getpeername() == conn.getsockname()
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("HH", 1, 0))
    conn.close()  # resets the connection
    with pytest.raises(NotImplementedError, match=r"getpeername\(\) on windows of a connection that was reset"):
        cli.getpeername()
    net.close()


@pytest.mark.parametrize("profile", ["darwin", "windows"])
def test_a_socket_accepted_from_a_non_blocking_listener_is_non_blocking(profile: str) -> None:
    """The listener's non-blocking mode: xnu's accept copies it, and so does Winsock's, by the
    accept page's 'same properties' (inferred: Profile.accept_inherits_nonblock), while
    CPython's socket object still says blocking (Linux's accept does not copy it: the
    catalog's tcp.accept-from-nonblocking-listener, against the real stack)."""
    with patched(profile):
        srv = socket.create_server(("127.0.0.1", 0))
        srv.setblocking(False)
        cli = socket.create_connection(srv.getsockname())
        conn, _ = srv.accept()
        assert conn.gettimeout() is None
        with pytest.raises(BlockingIOError):
            conn.recv(1)
        for s in (conn, cli, srv):
            s.close()


def wildcard_sources(family: int = socket.AF_INET) -> list[object]:
    """What a socket bound to the wildcard address looks like from the peer, and to itself."""
    wild, dest = ("0.0.0.0", "127.0.0.1") if family == socket.AF_INET else ("::", "::1")
    seen: list[object] = []
    with socket.socket(family, socket.SOCK_DGRAM) as rx, socket.socket(family, socket.SOCK_DGRAM) as s:
        rx.bind((dest, 0))
        rx.settimeout(1)
        s.bind((wild, 0))
        s.sendto(b"a", rx.getsockname())
        seen += [rx.recvfrom(10)[1][0], s.getsockname()[0]]
        s.connect(rx.getsockname())
        s.send(b"b")
        seen += [rx.recvfrom(10)[1][0], s.getsockname()[0]]
        rx.sendto(b"reply", s.getsockname())  # a server bound to one address answers a connected client
        seen.append(s.recv(10))
    with socket.socket(family) as ls, socket.socket(family) as c:
        ls.bind((dest, 0))
        ls.listen()
        c.bind((wild, 0))
        c.connect(ls.getsockname())
        conn, peer = ls.accept()
        with conn:
            seen += [peer[0], c.getsockname()[0]]
    with socket.socket(family, socket.SOCK_DGRAM) as srv, socket.socket(family, socket.SOCK_DGRAM) as cli:
        srv.bind((wild, 0))  # a UDP server on every address, a client connected to loopback
        cli.settimeout(1)
        cli.connect((dest, srv.getsockname()[1]))
        cli.send(b"ping")
        _, sender = srv.recvfrom(10)
        srv.sendto(b"pong", sender)
        seen += [sender[0], cli.recv(10)]
    return seen


@pytest.mark.skipif(sys.platform != "linux", reason="the reference is the real Linux stack")
def test_a_socket_bound_to_the_wildcard_sends_from_its_routes_address_as_on_linux() -> None:
    real = wildcard_sources()
    loop = "127.0.0.1"
    assert real == [loop, "0.0.0.0", loop, loop, b"reply", loop, loop, loop, b"pong"]
    for profile in ALL:
        with patched(profile):
            assert wildcard_sources() == real, profile
            v6 = wildcard_sources(socket.AF_INET6)
        assert v6 == ["::1", "::", "::1", "::1", b"reply", "::1", "::1", "::1", b"pong"], profile


def refused_without_waiting() -> list[object]:
    """Non-blocking connects to a closed loopback port, and what the next connect says."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()
    seen: list[object] = []
    for read_so_error in (False, True):
        with socket.socket() as c:
            c.setblocking(False)
            seen.append(errno.errorcode.get(c.connect_ex(closed)))
            _, writable, _ = select.select([], [c], [], 5)
            seen.append(bool(writable))
            poller = select.poll()
            poller.register(c, select.POLLIN | select.POLLOUT)
            seen.append(poller.poll(0)[0][1] & (select.POLLERR | select.POLLIN | select.POLLOUT))
            if read_so_error:
                seen.append(errno.errorcode.get(c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)))
                seen.append(poller.poll(0)[0][1] & select.POLLERR)
            seen += [errno.errorcode.get(c.connect_ex(closed)) for _ in range(2)]

    async def by_asyncio() -> str:
        with socket.socket() as c:
            c.setblocking(False)
            try:
                await asyncio.get_running_loop().sock_connect(c, closed)
            except OSError as exc:
                return str(exc).replace(str(closed[1]), "PORT")
        return "connected"

    seen.append(asyncio.run(by_asyncio()))
    return seen


@pytest.mark.skipif(sys.platform != "linux", reason="the reference is the real Linux stack")
def test_a_refusal_reaches_a_non_blocking_connect_later_as_on_linux() -> None:
    """Linux's connect returns EINPROGRESS once the SYN is sent, even when loopback's RST came
    back meanwhile; the next connect reports the failure (ECONNABORTED once SO_ERROR took it),
    and the one after starts afresh (``Profile.connect_after_unreported_failure``)."""
    real = refused_without_waiting()
    err, pollin, pollout = select.POLLERR, select.POLLIN, select.POLLOUT
    assert real == [
        *("EINPROGRESS", True, err | pollin | pollout, "ECONNREFUSED", "EINPROGRESS"),
        *("EINPROGRESS", True, err | pollin | pollout, "ECONNREFUSED", 0, "ECONNABORTED", "EINPROGRESS"),
        "[Errno 111] Connect call failed ('127.0.0.1', PORT)",
    ]
    with patched("linux"):
        assert refused_without_waiting() == real


@pytest.mark.parametrize("profile", ["darwin", "freebsd"])
def test_connecting_again_after_an_unreported_failure_is_not_modelled_on_the_bsds(profile: str) -> None:
    with patched(profile), socket.socket() as c:
        c.setblocking(False)
        assert c.connect_ex(("127.0.0.1", 9)) == errno.EINPROGRESS  # the RST comes through a queue
        with pytest.raises(
            NotImplementedError, match=f"connect\\(\\) again after a non-blocking connect failed, on {profile}"
        ):
            c.connect_ex(("127.0.0.1", 9))


def test_setsockopt_reads_an_index_as_an_int_as_cpython_does() -> None:
    class Size:
        def __index__(self) -> int:
            return 5000

    real = socket.socket()
    with real:
        real.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, Size())
        expected = real.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
    s = Network("linux").socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, Size())
    assert s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) == 10000
    if sys.platform == "linux":
        assert expected == 10000


def _identity_options() -> list[object]:
    got: list[object] = []
    kinds = [(socket.AF_INET, socket.SOCK_STREAM), (socket.AF_INET6, socket.SOCK_DGRAM)]
    if hasattr(socket, "AF_UNIX"):
        kinds += [(socket.AF_UNIX, socket.SOCK_STREAM), (socket.AF_UNIX, socket.SOCK_DGRAM)]
    for family, kind in kinds:
        with socket.socket(family, kind) as s:
            got += [s.getsockopt(socket.SOL_SOCKET, getattr(socket, n)) for n in ("SO_DOMAIN", "SO_PROTOCOL")]
    return got


@pytest.mark.skipif(not hasattr(socket, "SO_DOMAIN"), reason="the host's CPython has no SO_DOMAIN")
def test_so_domain_and_so_protocol_read_the_family_and_protocol_as_on_linux() -> None:
    """trio's fromfd asks them (Profile.identity_options); elsewhere they are not modelled."""
    with patched("linux"):
        simulated = _identity_options()
    assert simulated[:4] == [socket.AF_INET, 6, socket.AF_INET6, 17]
    if sys.platform == "linux":
        assert _identity_options() == simulated
    with patched("darwin"), socket.socket() as s, pytest.raises(NotImplementedError, match="SO_DOMAIN"):
        s.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN)


def _null_buffer_outcomes() -> list[object]:
    """setsockopt's None form (a NULL buffer of a given length), as trio's tests call it."""
    got: list[object] = []

    def outcome(call: Callable[[], object]) -> object:
        try:
            return call()
        except OSError as exc:
            return errno.errorcode.get(exc.errno or 0, exc.errno)
        except TypeError as exc:
            return f"TypeError: {exc}"

    options = [
        (socket.SOL_SOCKET, socket.SO_BINDTODEVICE),
        (socket.SOL_SOCKET, socket.SO_REUSEADDR),
        (socket.SOL_SOCKET, socket.SO_LINGER),
        (socket.IPPROTO_TCP, socket.TCP_NODELAY),
    ]
    with socket.socket() as s:
        for level, name in options:
            for length in (0, 3, 4, 16, -1, 2**32 + 4):
                got.append(outcome(functools.partial(s.setsockopt, level, name, None, length)))
        got.append(outcome(lambda: s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, None)))
        got.append(outcome(lambda: s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1, 4)))  # type: ignore[call-overload]
        got.append(outcome(lambda: s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, None, 1.5)))  # type: ignore[call-overload]
        got.append(outcome(lambda: s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"")))
        got.append(outcome(lambda: s.getsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE)))
        got.append(outcome(lambda: s.getsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, 16)))
        s.close()
        got.append(outcome(lambda: s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, None, 0)))
    return got


@pytest.mark.skipif(not hasattr(socket, "SO_BINDTODEVICE"), reason="the host's CPython has no SO_BINDTODEVICE")
def test_setsockopt_with_a_null_buffer_answers_as_linux() -> None:
    """trio's setsockopt tests unbind with ``setsockopt(SOL_SOCKET, SO_BINDTODEVICE, None, 0)``
    (``Profile.null_optval``); other options refuse a NULL buffer, by its length."""
    with patched("linux"):
        simulated = _null_buffer_outcomes()
    unbind = [None, "EFAULT", "EFAULT", "EFAULT", "EINVAL", "EFAULT"]
    other = ["EINVAL", "EINVAL", "EFAULT", "EFAULT", "EINVAL", "EFAULT"]
    assert simulated == [
        *unbind,
        *other * 3,
        "TypeError: a bytes-like object is required, not 'NoneType'",
        "TypeError: setsockopt() takes exactly 3 arguments (4 given)",
        "TypeError: setsockopt() takes exactly 3 arguments (4 given)",
        None,
        0,
        b"",
        "EBADF",
    ]
    if sys.platform == "linux":
        assert _null_buffer_outcomes() == simulated
    with patched("linux"), socket.socket() as s:
        with pytest.raises(NotImplementedError, match="binding a socket to a network device"):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lo")
        with socket.socket(type=socket.SOCK_DGRAM) as u, pytest.raises(NotImplementedError, match="TCP_NODELAY"):
            u.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, None, 0)
    for profile in ("darwin", "windows"):
        refused = pytest.raises(NotImplementedError, match=f"SO_REUSEADDR, None, 0\\) on {profile}")
        with patched(profile), socket.socket() as s, refused:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, None, 0)


def _address_only_binds() -> list[object]:
    """IP_BIND_ADDRESS_NO_PORT, as trio's open_tcp_stream(local_address=...) sets it."""
    no_port = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)
    seen: list[object] = []

    def flagged(family: int = socket.AF_INET, kind: int = socket.SOCK_STREAM) -> socket.socket:
        s = socket.socket(family, kind)
        s.setsockopt(socket.IPPROTO_IP, no_port, 5)
        return s

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with flagged() as c:
            seen.append(c.getsockopt(socket.IPPROTO_IP, no_port))
            c.bind(("127.0.0.2", 0))
            seen.append(c.getsockname())
            c.bind(("127.0.0.3", 0))  # no port held yet: a second bind is allowed
            seen.append(c.getsockname())
            c.connect(listener.getsockname())
            host, port = c.getsockname()
            conn, peer = listener.accept()
            conn.close()
            seen += [host, port > 0, peer == (host, port)]
        with flagged() as w:
            w.bind(("0.0.0.0", 0))
            seen.append(w.getsockname())
            w.connect(listener.getsockname())
            seen.append(w.getsockname()[0])
        with flagged() as other:
            other.bind(("127.0.0.1", 0))
            other.listen()
            seen.append(other.getsockname()[1] > 0)
        with flagged(kind=socket.SOCK_DGRAM) as u:
            u.bind(("127.0.0.1", 0))
            seen.append(u.getsockname())
            u.sendto(b"x", listener.getsockname())
            seen.append(u.getsockname()[1] > 0)
        with flagged(socket.AF_INET6) as six:
            six.bind(("::1", 0))
            seen.append(six.getsockname())
        with socket.socket() as plain:
            seen.append(plain.getsockopt(socket.IPPROTO_IP, no_port))
    return seen


def test_ip_bind_address_no_port_defers_the_port_as_on_linux() -> None:
    with patched("linux"):
        simulated = _address_only_binds()
    assert simulated == [
        *(1, ("127.0.0.2", 0), ("127.0.0.3", 0), "127.0.0.3", True, True),
        *(("0.0.0.0", 0), "127.0.0.1", True),
        *(("127.0.0.1", 0), True, ("::1", 0, 0, 0), 0),
    ]
    if sys.platform == "linux":
        assert _address_only_binds() == simulated
    with patched("darwin"), socket.socket() as s, pytest.raises(NotImplementedError, match="IP_BIND_ADDRESS_NO_PORT"):
        s.setsockopt(socket.IPPROTO_IP, getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24), 1)


def _keyword_calls() -> list[str]:
    """The socket methods CPython implements in C take no keyword arguments: what each says."""
    seen: list[str] = []
    with socket.socket() as s, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        s.setblocking(False)
        u.setblocking(False)
        calls: list[Callable[[], object]] = [
            lambda: s.recv(bufsize=1),  # type: ignore[call-arg]
            lambda: u.recvfrom(bufsize=1),  # type: ignore[call-arg]
            lambda: s.send(data=b""),  # type: ignore[call-arg]
            lambda: s.sendall(data=b""),  # type: ignore[call-arg]
            lambda: u.sendto(data=b"", address=("127.0.0.1", 9)),  # type: ignore[call-overload]
            lambda: u.recvmsg(bufsize=1),  # type: ignore[call-arg]
            lambda: s.setsockopt(level=1, optname=2, value=1),  # type: ignore[call-overload]
            lambda: s.getsockopt(level=1, optname=2),  # type: ignore[call-overload]
            lambda: s.listen(backlog=1),  # type: ignore[call-arg]
            lambda: s.bind(address=("127.0.0.1", 0)),  # type: ignore[call-arg]
            lambda: s.connect_ex(address=("127.0.0.1", 9)),  # type: ignore[call-arg]
            lambda: s.shutdown(how=2),  # type: ignore[call-arg]
            lambda: s.settimeout(value=1),  # type: ignore[call-arg]
            lambda: s.setblocking(flag=True),  # type: ignore[call-arg]
        ]
        for call in calls:
            try:
                call()
            except TypeError:
                seen.append("TypeError")
            except OSError:
                seen.append("accepted")
    return seen


def test_socket_methods_take_no_keyword_arguments_as_in_cpython() -> None:
    """A program passing ``recv(bufsize=...)`` fails on every real stack: so it does here."""
    with patched("linux"):
        simulated = _keyword_calls()
    assert simulated == ["TypeError"] * 14
    assert _keyword_calls() == simulated
