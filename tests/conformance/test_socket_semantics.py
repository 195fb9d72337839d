"""Socket-level differential checks: the same plain program on real loopback and inside
``patched("linux")`` gives the same answers (values, exception types and messages).

Each program uses only ``socket`` and ``threading``, loopback addresses and ephemeral ports,
closes what it opens and joins its threads with a bounded timeout.
"""

from __future__ import annotations

import gc
import socket
import struct
import threading
import warnings
from collections.abc import Callable
from typing import Any

import pytest

from sockbehave.platform_info import current_os
from sockbehave.sim import patched

pytestmark = pytest.mark.skipif(current_os() != "linux", reason="the differential reference is the real Linux stack")


def both(program: Callable[[], Any]) -> tuple[Any, Any]:
    """(real, simulated) results of ``program``."""
    real = program()
    with patched("linux"):
        simulated = program()
    return real, simulated


def _pair() -> tuple[socket.socket, socket.socket]:
    with socket.create_server(("127.0.0.1", 0)) as srv:
        cli = socket.create_connection(srv.getsockname(), timeout=10)
        conn, _ = srv.accept()
    cli.settimeout(None)
    return cli, conn


def test_a_blocking_send_returns_the_whole_length() -> None:
    def program() -> tuple[int, int]:
        cli, conn = _pair()
        got = [0]

        def read() -> None:
            while data := conn.recv(1 << 20):
                got[0] += len(data)

        reader = threading.Thread(target=read)
        reader.start()
        sent = cli.send(b"x" * 20_000_000)
        cli.close()
        reader.join(30)
        conn.close()
        return sent, got[0]

    real, simulated = both(program)
    assert real == simulated == (20_000_000, 20_000_000)


def _udp_holding(datagram: bytes) -> socket.socket:
    """A bound UDP socket with ``datagram``, sent to itself, queued."""
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.sendto(datagram, udp.getsockname())
    return udp


def _outcome(call: Callable[[], Any]) -> str:
    try:
        return repr(call())
    except Exception as exc:  # the exception is the outcome compared
        return f"{type(exc).__name__}{exc.args!r}"


def test_argument_validation_matches() -> None:
    def program() -> list[str]:
        cli, conn = _pair()
        udp = _udp_holding(b"hello")
        fresh = socket.socket()
        calls: list[Callable[[], Any]] = [
            lambda: udp.recvfrom(-1),
            lambda: cli.recv(-1),
            lambda: udp.recv_into(bytearray(2), 5),
            lambda: udp.recvfrom_into(bytearray(2), 5),
            lambda: fresh.listen(2**31),
            lambda: cli.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"12"),
            lambda: cli.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\0" * 12),
            lambda: cli.settimeout(float("nan")),
            lambda: cli.settimeout(-1),
            lambda: cli.settimeout("1"),
            lambda: udp.recvmsg(-1),
            lambda: udp.recvmsg(1, -1),
            lambda: fresh.listen("5"),
            lambda: udp.recv_into(b"ab"),
            lambda: udp.recvfrom_into(b"ab"),
            lambda: udp.sendto(b"x", 0, 1, 2),
            lambda: udp.bind((1, 80)),
            lambda: udp.bind(("127.0.0.1", "80")),
            lambda: fresh.connect(["127.0.0.1", 1]),
            lambda: fresh.bind(("127.0.0.1",)),
            lambda: fresh.bind(("127.0.0.1", 70000)),
            lambda: cli.shutdown(7),
            lambda: cli.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 4),
            lambda: cli.recv(0),
            lambda: udp.recvmsg(3)[:3],  # (data, ancdata, flags): the address holds a per-run port
        ]
        outcomes = [_outcome(call) for call in calls]
        cli.send(b"hi")
        outcomes.append(_outcome(lambda: conn.recvfrom(10)))
        for s in (cli, conn, udp, fresh):
            s.close()
        return outcomes

    real, simulated = both(program)
    assert simulated == real


def test_a_collected_socket_closes_its_connection() -> None:
    def program() -> tuple[bytes, list[str]]:
        cli, conn = _pair()
        cli.settimeout(10)
        gc.collect()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            del conn
            gc.collect()
        data = cli.recv(10)
        cli.close()
        return data, [w.category.__name__ for w in caught]

    real, simulated = both(program)
    assert real == simulated == (b"", ["ResourceWarning"])


def test_makefile_round_trip() -> None:
    def program() -> list[str]:
        cli, conn = _pair()
        with conn.makefile("w", encoding="utf-8") as w, cli.makefile("r", encoding="utf-8") as r:
            w.write("one\ntwo\n")
            w.flush()
            lines = [r.readline(), r.readline()]
        cli.close()
        conn.close()
        return lines

    real, simulated = both(program)
    assert real == simulated == ["one\n", "two\n"]


def test_numeric_names_resolve_alike() -> None:
    def program() -> list[Any]:
        return [
            socket.gethostbyname("localhost"),
            socket.getaddrinfo("123123231", 80, socket.AF_INET, socket.SOCK_STREAM),
            socket.getaddrinfo("127.1", 80, socket.AF_INET, socket.SOCK_DGRAM),
        ]

    real, simulated = both(program)
    assert real == simulated


def test_sendto_on_a_connected_tcp_socket_ignores_the_address() -> None:
    """POSIX: a connection-mode socket ignores sendto()'s address (CPython's test_socket sends
    that way on Linux, macOS and FreeBSD); the simulator used to raise EISCONN."""

    def program() -> tuple[int, bytes]:
        cli, conn = _pair()
        with cli, conn:
            sent = cli.sendto(b"abc", ("127.0.0.1", 9))  # not the peer's address: ignored
            conn.settimeout(10)
            return sent, conn.recv(10)

    real, simulated = both(program)
    assert real == simulated == (3, b"abc")


def test_unmodelled_descriptor_functions_refuse_a_simulated_socket() -> None:
    """os/fcntl functions the simulator does not model, given a simulated socket, raise
    NotImplementedError naming the function or command, not the host's EBADF for a number that
    is no real descriptor (nor act on a real file)."""
    import fcntl
    import os

    with patched("linux"):
        s = socket.socket()
        with s:
            for call, name in (
                (lambda: fcntl.ioctl(s, 0x541B, b"\0" * 4), r"fcntl\.ioctl\(\)"),  # FIONREAD
                (lambda: fcntl.flock(s, fcntl.LOCK_EX), r"fcntl\.flock\(\)"),
                (lambda: fcntl.fcntl(s, fcntl.F_GETOWN), rf"fcntl\.fcntl\(\) command {fcntl.F_GETOWN}"),
                (lambda: fcntl.fcntl(s, fcntl.F_SETFL, os.O_NONBLOCK | os.O_APPEND), "other than O_NONBLOCK"),
                (lambda: os.lseek(s.fileno(), 0, os.SEEK_SET), r"os\.lseek\(\)"),  # os.read/fstat: sockfile
                (lambda: os.fsync(s.fileno()), r"os\.fsync\(\)"),
            ):
                with pytest.raises(NotImplementedError, match=name):
                    call()
        r, w = os.pipe()  # a real descriptor still works inside the block
        try:
            assert os.get_inheritable(r) is False and fcntl.fcntl(r, fcntl.F_GETFL) >= 0
            assert os.get_blocking(r) is True
        finally:
            os.close(r)
            os.close(w)


def test_descriptor_flags_follow_cpython_timeouts() -> None:
    """F_GETFL shows O_NONBLOCK whenever the socket has a timeout (0 or more: CPython's
    internal_setblocking), FD_CLOEXEC follows set_inheritable, and os.get_blocking and
    os.get_inheritable read the same flags (CPython's own NonBlockingTCPTests.testSetBlocking and
    InheritanceTest assert the first two)."""
    import fcntl
    import os

    def program() -> list[Any]:
        s = socket.socket()
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK)
        fd = s.fileno()

        def flags() -> tuple[Any, ...]:
            return (fcntl.fcntl(s, fcntl.F_GETFL), fcntl.fcntl(fd, fcntl.F_GETFD), os.get_blocking(fd))

        seen: list[Any] = [flags(), fcntl.fcntl(t, fcntl.F_GETFL), t.gettimeout()]
        for change in (
            lambda: s.setblocking(False),
            lambda: s.settimeout(2.5),
            lambda: s.settimeout(None),
            lambda: s.settimeout(0),
            lambda: s.setblocking(True),
            lambda: s.set_inheritable(True),
            lambda: fcntl.fcntl(fd, fcntl.F_SETFD, fcntl.FD_CLOEXEC),
            lambda: os.set_inheritable(fd, True),
        ):
            change()
            seen.append((*flags(), s.gettimeout(), s.get_inheritable(), os.get_inheritable(fd)))
        s.close()
        t.close()
        seen.append(_outcome(lambda: os.get_blocking(fd)))  # closed: EBADF
        return seen

    real, simulated = both(program)
    assert real == simulated
    assert real[0] == (os.O_RDWR, fcntl.FD_CLOEXEC, True) and real[1] & os.O_NONBLOCK and real[2] == 0.0


def test_o_nonblock_set_through_fcntl_makes_calls_fail_at_once() -> None:
    """O_NONBLOCK set behind Python's back (fcntl, os.set_blocking) makes a socket without a
    timeout fail at once with EAGAIN/EINPROGRESS, while gettimeout() and getblocking() still say
    blocking; dup()'d descriptors share the flag (one open file description), not FD_CLOEXEC."""
    import fcntl
    import os

    def program() -> list[Any]:
        cli, conn = _pair()
        seen: list[Any] = []
        fcntl.fcntl(conn, fcntl.F_SETFL, fcntl.fcntl(conn, fcntl.F_GETFL) | os.O_NONBLOCK)
        seen += [_outcome(lambda: conn.recv(10)), conn.gettimeout(), conn.getblocking()]
        os.set_blocking(cli.fileno(), False)
        sent = 0
        try:
            while True:  # fills the buffers, then fails instead of blocking
                sent += cli.send(b"a" * 65536)
        except BlockingIOError as exc:
            seen.append(f"send: BlockingIOError{exc.args!r} after some bytes: {sent > 0}")
        seen.append(_outcome(lambda: cli.sendall(b"a" * 65536)))
        other = socket.socket(fileno=socket.dup(conn.fileno()))  # touches no flag (no default timeout)
        other.set_inheritable(True)
        seen.append((os.get_blocking(other.fileno()), other.gettimeout(), conn.get_inheritable()))
        os.set_blocking(other.fileno(), True)  # the shared description: conn blocks again too
        seen.append((os.get_blocking(conn.fileno()), len(conn.recv(5))))
        with socket.create_server(("127.0.0.1", 0)) as srv:
            os.set_blocking(srv.fileno(), False)
            seen.append(_outcome(srv.accept))
            late = socket.socket()
            os.set_blocking(late.fileno(), False)
            seen.append(_outcome(lambda: late.connect(srv.getsockname())))
            late.close()
        for s in (cli, conn, other):
            s.close()
        return seen

    real, simulated = both(program)
    assert real == simulated
    assert real[0].startswith("BlockingIOError(11,") and real[1:3] == [None, True]


def test_settimeout_on_a_closed_socket_fails_after_storing_the_timeout() -> None:
    """CPython stores the timeout, then sets O_NONBLOCK on descriptor -1: EBADF, and another
    descriptor of the same socket keeps its flag."""
    import os

    def program() -> list[Any]:
        s = socket.socket()
        other = socket.socket(fileno=socket.dup(s.fileno()))
        s.close()
        seen = [_outcome(lambda: s.settimeout(1.5)), s.gettimeout(), _outcome(lambda: s.setblocking(False))]
        seen += [s.gettimeout(), os.get_blocking(other.fileno()), other.gettimeout()]
        other.close()
        return seen

    real, simulated = both(program)
    assert real == simulated
    assert real[0].startswith("OSError(9,") and real[1] == 1.5


def test_an_accepted_socket_gets_its_flags_as_on_linux() -> None:
    """On Linux an accepted socket does not inherit the listener's O_NONBLOCK (accept(2)); then
    CPython's socket.accept and the default timeout decide (bpo-7995)."""
    import fcntl

    def accepted(listener_timeout: Any, default: Any) -> tuple[Any, ...]:
        old = socket.getdefaulttimeout()
        socket.setdefaulttimeout(default)
        try:
            with socket.create_server(("127.0.0.1", 0)) as srv:
                srv.settimeout(listener_timeout)
                cli = socket.create_connection(srv.getsockname(), timeout=10)
                conn, _ = srv.accept()
                flags = fcntl.fcntl(conn, fcntl.F_GETFL)
                timeout = conn.gettimeout()
                conn.close()
                cli.close()
        finally:
            socket.setdefaulttimeout(old)
        return flags, timeout

    def program() -> list[Any]:
        return [accepted(t, d) for t in (0.0, 5.0, None) for d in (None, 3.0)]

    real, simulated = both(program)
    assert real == simulated


def test_malformed_ancillary_data_is_a_type_error_before_anything_is_sent() -> None:
    """sendmsg()'s ancillary data is checked as CPython checks it: malformed items are a
    TypeError on the real stack and in the simulator (well-formed ones are not modelled)."""
    bad: list[Any] = [[object()], [(0, object(), b"")], [(0, 0, object())], [(0, 0)], [(0, 0, b"", object())], 5]

    def program() -> list[str]:
        cli, conn = _pair()
        seen = []
        with cli, conn:
            for ancdata in bad:
                try:
                    cli.sendmsg([b"x"], ancdata)
                    seen.append("sent")
                except TypeError:
                    seen.append("TypeError")
            cli.send(b"done")
            conn.settimeout(10)
            seen.append(repr(conn.recv(10)))  # nothing of the refused calls reached the peer
        return seen

    real, simulated = both(program)
    assert real == simulated == ["TypeError"] * len(bad) + ["b'done'"]


def test_msg_peek_leaves_the_data_queued() -> None:
    def program() -> list[Any]:
        cli, conn = _pair()
        udp = _udp_holding(b"datagram")
        cli.sendall(b"stream")
        conn.settimeout(10)
        udp.settimeout(10)
        seen = [
            conn.recv(3, socket.MSG_PEEK),
            conn.recv(100),
            udp.recvfrom(4, socket.MSG_PEEK)[0],  # too short: truncated, and still queued
            udp.recvmsg(100, 0, socket.MSG_PEEK)[0],
            udp.recv(100),
        ]
        for s in (cli, conn, udp):
            s.close()
        return seen

    real, simulated = both(program)
    assert real == simulated == [b"str", b"stream", b"data", b"datagram", b"datagram"]


def test_msg_dontwait_makes_one_call_of_a_blocking_socket_non_blocking() -> None:
    def program() -> list[str]:
        cli, conn = _pair()
        outcomes = [_outcome(lambda: conn.recv(10, socket.MSG_DONTWAIT))]
        sent = 0
        try:
            while True:  # fills the buffers, then fails instead of blocking
                sent += cli.send(b"a" * 65536, socket.MSG_DONTWAIT)
        except BlockingIOError as exc:
            outcomes.append(f"BlockingIOError{exc.args!r} after some bytes: {sent > 0}")
        outcomes.append(_outcome(lambda: cli.sendto(b"a", socket.MSG_DONTWAIT, ("127.0.0.1", 9))))
        cli.setblocking(False)  # sendto without flags on a full connection: as send()
        outcomes.append(_outcome(lambda: cli.sendto(b"a", ("127.0.0.1", 9))))
        outcomes.append(_outcome(lambda: len(conn.recv(10, socket.MSG_DONTWAIT))))
        cli.close()
        conn.close()
        return outcomes

    real, simulated = both(program)
    assert real == simulated
    assert real[0].startswith("BlockingIOError(11,") and real[-1] == "10"


def test_a_closed_descriptor_number_is_closed_even_while_a_dup_keeps_its_socket_open() -> None:
    def program() -> list[str]:
        import select

        a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        a.bind(("127.0.0.1", 0))
        b = a.dup()
        number = a.fileno()
        a.close()
        poller = select.poll()
        poller.register(number, select.POLLIN | select.POLLOUT)
        # (errno only for select: the simulator's message also names the simulated number)
        outcomes = [
            _outcome(lambda: select.select([number], [], [], 0)).split(",")[0],
            _outcome(lambda: [events for _, events in poller.poll(0)]),  # numbers differ by design
        ]
        outcomes.append(_outcome(lambda: select.select([], [b], [], 0)[1] == [b]))
        b.close()
        return outcomes

    real, simulated = both(program)
    assert real == simulated
    assert real[0] == "OSError(9"


def test_os_close_dup_and_dup2_act_on_the_socket_as_on_a_real_one() -> None:
    """os.dup/os.close/os.dup2 on a socket's number (CPython's test_selectors reuses a closed
    number with dup2): the socket closes with its last descriptor, dup2 gives a closed number
    another socket, inheritable unless asked, and a number used up fails with EBADF."""

    def program() -> list[str]:
        import os
        import select

        a1, a2 = _pair()
        b1, b2 = _pair()
        number = a1.fileno()
        copy = os.dup(number)
        out = [_outcome(lambda: os.get_inheritable(copy))]
        a1.close()  # the connection stays open through `copy`
        with socket.socket(fileno=os.dup(copy)) as again:
            again.sendall(b"x")
        out.append(_outcome(lambda: a2.recv(1)))
        os.close(copy)  # the last descriptor: the peer reads the end
        out.append(_outcome(lambda: a2.recv(1)))
        out.append(_outcome(lambda: os.dup2(b1.fileno(), number) == number))
        out.append(_outcome(lambda: os.get_inheritable(number)))
        reused = socket.socket(fileno=number)
        reused.sendall(b"y")
        out.append(_outcome(lambda: b2.recv(1)))
        out.append(_outcome(lambda: select.select([], [number], [], 0)[1] == [number]))
        reused.close()  # number goes; b1's own descriptor keeps the connection
        b1.sendall(b"z")
        out.append(_outcome(lambda: b2.recv(1)))
        out += [_outcome(lambda: os.close(number)).split(",")[0], _outcome(lambda: os.dup(number)).split(",")[0]]
        out.append(_outcome(lambda: os.dup2(number, b1.fileno())).split(",")[0])
        private = os.dup(b1.fileno())
        out.append(_outcome(lambda: os.dup2(b1.fileno(), private, inheritable=False) == private))
        out.append(_outcome(lambda: os.get_inheritable(private)))
        out.append(_outcome(lambda: os.dup2(b1.fileno(), b1.fileno()) == b1.fileno()))
        os.close(private)
        for s in (a2, b1, b2):
            s.close()
        return out

    real, simulated = both(program)
    assert real == simulated
    assert real[:3] == ["False", "b'x'", "b''"] and real[-6:-3] == ["OSError(9"] * 3


def test_an_accepted_socket_takes_the_listeners_tcp_nodelay() -> None:
    def program() -> list[int]:
        read = []
        for on in (1, 0):
            with socket.create_server(("127.0.0.1", 0)) as srv:
                srv.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, on)
                with socket.create_connection(srv.getsockname(), timeout=10) as cli:
                    conn, _ = srv.accept()
                    with conn:
                        read += [conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)]
                        read += [cli.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)]
        return read

    real, simulated = both(program)
    assert real == simulated == [1, 0, 0, 0]


#: Options set on a listener, each with a value other than its default (SO_LINGER: on, 5 s).
LISTENER_OPTIONS = [
    (socket.SOL_SOCKET, socket.SO_REUSEADDR, 1),
    (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1),
    (socket.SOL_SOCKET, socket.SO_OOBINLINE, 1),
    (socket.SOL_SOCKET, socket.SO_BROADCAST, 1),
    (socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 5)),
    (socket.SOL_SOCKET, socket.SO_RCVBUF, 50_000),
    (socket.SOL_SOCKET, socket.SO_SNDBUF, 50_000),
    *[(socket.IPPROTO_TCP, getattr(socket, n), 33) for n in ("TCP_KEEPIDLE", "TCP_KEEPINTVL") if hasattr(socket, n)],
    *[(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 4)] * hasattr(socket, "TCP_KEEPCNT"),
]


def test_an_accepted_socket_takes_the_listeners_options() -> None:
    """Servers set keepalive and buffer sizes on the listening socket and rely on each accepted
    socket having them. Before, the simulator copied only SO_REUSEADDR, SO_REUSEPORT and
    SO_LINGER, so an accepted socket read its defaults where Linux reads the listener's values."""

    def program() -> list[tuple[Any, Any]]:
        with socket.create_server(("127.0.0.1", 0)) as srv:
            for level, name, value in LISTENER_OPTIONS:
                srv.setsockopt(level, name, value)
            with socket.create_connection(srv.getsockname(), timeout=10):
                conn, _ = srv.accept()
                with conn:
                    size = {socket.SO_LINGER: 8}  # the others: an int
                    return [
                        (
                            conn.getsockopt(level, name, size.get(name, 0)),
                            srv.getsockopt(level, name, size.get(name, 0)),
                        )
                        for level, name, _ in LISTENER_OPTIONS
                    ]

    real, simulated = both(program)
    assert real == simulated
    assert all(accepted == listener for accepted, listener in real)


def test_getsockopt_with_a_buffer_length_of_zero_reads_an_int() -> None:
    def program() -> list[Any]:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            out: list[Any] = [s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, n) for n in (0, 4, 1024)]
            for n in (-1, 1025):
                try:
                    s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, n)
                except OSError as exc:
                    out.append(str(exc))
            return out

    real, simulated = both(program)
    assert real == simulated
    assert real[0] == 1 and real[-2:] == ["getsockopt buflen out of range"] * 2


def test_a_udp_socket_shut_down_for_writing_refuses_to_send() -> None:
    """Before, shutdown() of a connected UDP socket did nothing: its sends went on."""

    def program() -> list[str]:
        with (
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as a,
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as b,
        ):
            a.bind(("127.0.0.1", 0))
            b.connect(a.getsockname())
            b.shutdown(socket.SHUT_WR)
            out = []
            for send in (lambda: b.send(b"x"), lambda: b.sendto(b"x", a.getsockname())):
                try:
                    send()
                    out.append("sent")
                except OSError as exc:
                    out.append(type(exc).__name__)
            return out

    real, simulated = both(program)
    assert real == simulated == ["BrokenPipeError", "BrokenPipeError"]


def test_only_a_reply_ends_quick_acks() -> None:
    """Linux stops acknowledging small segments at once (pingpong mode) when an end sends data
    soon after receiving some, not because it has sent at all: an end that spoke first still
    acknowledges the peer's first small write at once, so the peer's second one is not held by
    Nagle's algorithm: loopback delivers both before the second send returns."""

    def program() -> bytes:
        cli, conn = _pair()
        with cli, conn:
            cli.sendall(b"hello")  # the client speaks first
            assert conn.recv(5) == b"hello"
            conn.sendall(b"a")  # no TCP_NODELAY: a second small write waits for the first's ACK
            conn.sendall(b"b")
            return cli.recv(2, socket.MSG_DONTWAIT)

    real, simulated = both(program)
    assert real == simulated == b"ab"
