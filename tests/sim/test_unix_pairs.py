"""AF_UNIX socket pairs (``socket.socketpair()`` on the POSIX profiles: ``Kernel.unix_pair``,
``Profile.unix_pairs``), compared with this machine's real Linux where Linux is the profile.

Each probe is ordinary socket code run twice: on the host, and inside ``patched("linux")``.
What the model does not know (past ``UnixPairFacts.sure_*``, the BSDs' unknown cells) must
raise ``NotImplementedError``, never answer."""

from __future__ import annotations

import errno
import gc
import random
import select
import socket
import sys
import threading
import time
from typing import Any, Callable

import pytest

from sockbehave.sim import SimDeadlock, patched

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX") or sys.platform != "linux", reason="Linux host")
#: The host's AF_UNIX, taken before any block hides it.
HOST_AF_UNIX = getattr(socket, "AF_UNIX", 1)


def _outcome(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except OSError as exc:
        return errno.errorcode.get(exc.errno or 0, type(exc).__name__)


def identity() -> list[Any]:
    a, b = socket.socketpair()
    with a, b:
        a.send(b"x")
        got = [a.family, a.type, a.proto, a.getsockname(), a.getpeername(), b.recvfrom(10)]
        a.send(b"y")
        got.append(b.recvmsg(10))
        got += [a.getsockopt(socket.SOL_SOCKET, opt) for opt in (socket.SO_TYPE, socket.SO_SNDBUF, socket.SO_RCVBUF)]
        got.append(_outcome(lambda: a.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)))
        got.append(_outcome(lambda: a.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)))
        got.append(_outcome(lambda: socket.socketpair(socket.AF_INET)))
    return got


def close_with_unread_data() -> list[Any]:
    a, b = socket.socketpair()
    b.send(b"never read")
    b.send(b"!")
    a.close()
    with b:
        return [_outcome(lambda: b.recv(10)), b.recv(10), _outcome(lambda: b.send(b"x"))]


def close_after_sending() -> list[Any]:
    a, b = socket.socketpair()
    a.sendall(b"queued")
    a.close()
    with b:
        return [b.recv(3), b.recv(10), b.recv(10), _outcome(lambda: b.send(b"x"))]


def half_close() -> list[Any]:
    a, b = socket.socketpair()
    with a, b:
        a.shutdown(socket.SHUT_WR)
        got = [_outcome(lambda: a.send(b"")), b.recv(10), b.send(b"back"), a.recv(10)]
        b.shutdown(socket.SHUT_RD)
        got.append(_outcome(lambda: a.send(b"x")))
    return got


def poll_events() -> list[Any]:
    a, b = socket.socketpair()
    poller = select.poll()
    poller.register(b, select.POLLIN | select.POLLOUT | select.POLLRDHUP)
    got = [[ev for _, ev in poller.poll(0)]]
    a.send(b"data")
    got.append([ev for _, ev in poller.poll(0)])
    a.close()
    got.append([ev for _, ev in poller.poll(0)])
    got.append(select.select([b], [b], [], 0) == ([b], [b], []))
    b.close()
    return got


def small_nonblocking_writes() -> list[Any]:
    a, b = socket.socketpair()
    with a, b:
        a.setblocking(False)
        sent = sum(a.send(b"z" * 1000) for _ in range(60))
        got = [sent, len(b.recv(100_000))]
        got.append(select.select([], [a], [], 0)[1] == [a])  # empty again: writable
    return got


def small_writes_against_set_buffers() -> list[Any]:
    """trio's wake-up pair: SO_SNDBUF 1 on the writer, SO_RCVBUF 1 on the reader, non-blocking
    one-byte writes until EAGAIN; and the same for 50-byte writes by default and with 3000."""
    got: list[Any] = []
    for sndbuf in (1, None, 3000):
        a, b = socket.socketpair()
        with a, b:
            if sndbuf is not None:
                a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
                b.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
            got += [a.getsockopt(socket.SOL_SOCKET, opt) for opt in (socket.SO_SNDBUF, socket.SO_RCVBUF)]
            got.append(b.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
            a.setblocking(False)
            writes = last_writable = 0
            while True:
                if select.select([], [a], [], 0)[1]:
                    last_writable = writes
                try:
                    a.send(b"w" * (1 if sndbuf == 1 else 50))
                except BlockingIOError:
                    break
                writes += 1
            got += [writes, last_writable, len(b.recv(100_000)), select.select([], [a], [], 0)[1] == [a]]
            got.append([a.send(b"v" * 100) for _ in range(3)])  # emptied: three more go
    return got


def collected_end() -> list[Any]:
    a, b = socket.socketpair()
    b.send(b"x")
    del b  # closed by the garbage collector: a sees end of file
    gc.collect()
    with a:
        return [a.recv(10), a.recv(10)]


PROBES = [
    identity,
    close_with_unread_data,
    close_after_sending,
    half_close,
    poll_events,
    small_nonblocking_writes,
    small_writes_against_set_buffers,
]


@pytest.mark.parametrize("probe", PROBES, ids=[p.__name__ for p in PROBES])
def test_a_socket_pair_behaves_as_on_linux(probe: Callable[[], list[Any]]) -> None:
    real = probe()
    with patched("linux"):
        simulated = probe()
    assert simulated == real


@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_a_collected_end_closes_as_on_linux() -> None:
    real = collected_end()
    with patched("linux"):
        simulated = collected_end()
    assert simulated == real == [b"x", b""]


def test_the_bsds_end_of_file_after_a_close_with_unread_data() -> None:
    # xnu and FreeBSD disconnect both ends of a stream pair on close: no reset (UnixPairFacts.close_unread)
    for profile in ("darwin", "freebsd"):
        with patched(profile):
            assert close_with_unread_data() == [b"", b"", "EPIPE"]


@pytest.mark.parametrize("profile", ["darwin", "freebsd"])
def test_the_bsds_take_one_write_of_up_to_8192_bytes_into_an_empty_pair(profile: str) -> None:
    """PIPSIZ: with nothing unread the send space is 8192 bytes (UnixPairFacts.sure_first_write),
    so asyncio's 5 KiB unix-server message goes whole; a second write past the sure bounds does not."""
    with patched(profile):
        a, b = socket.socketpair()
        assert a.send(b"1" * 8192) == 8192
        with pytest.raises(NotImplementedError, match=f"how much an AF_UNIX socket pair holds on {profile}"):
            a.send(b"2")
        assert len(b.recv(10_000)) == 8192
        with pytest.raises(NotImplementedError, match=f"how much an AF_UNIX socket pair holds on {profile}"):
            a.send(b"3" * 8193)
        a.close()
        b.close()


def test_what_the_model_does_not_know_is_not_implemented() -> None:
    with patched("linux"), pytest.raises(NotImplementedError, match="other than SOCK_STREAM and SOCK_DGRAM"):
        socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with patched("darwin"):
        a, b = socket.socketpair()
        b.shutdown(socket.SHUT_RD)
        with pytest.raises(NotImplementedError, match="other end shut down reading"):
            a.send(b"x")
        with pytest.raises(NotImplementedError, match="TCP_NODELAY on an AF_UNIX socket on darwin"):
            a.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with pytest.raises(NotImplementedError, match="reading SO_SNDBUF of an AF_UNIX socket pair on darwin"):
            a.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
        kq = select.kqueue()  # type: ignore[attr-defined]  # darwin's select, inside the block
        kq.control([select.kevent(a.fileno(), select.KQ_FILTER_WRITE, select.KQ_EV_ADD)], 0)  # type: ignore[attr-defined]
        with pytest.raises(NotImplementedError, match="EVFILT_WRITE on an AF_UNIX socket pair end on darwin"):
            kq.control(None, 1, 0)
        kq.close()
        a.close()
        b.close()


def random_pair_program(seed: int) -> list[Any]:
    """Non-blocking writes and reads of assorted sizes on a pair, with or without a SO_SNDBUF,
    asking select about the writer now and then: what each call returns."""
    rng = random.Random(seed)
    a, b = socket.socketpair()
    got: list[Any] = []
    with a, b:
        if rng.random() < 0.6:
            a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, rng.choice([1, 1024, 3000, 10000, 50000, 100000]))
        got.append(a.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF))
        a.setblocking(False)
        b.setblocking(False)
        for _ in range(60):
            op = rng.random()
            if op < 0.55:
                n = rng.choice([1, 50, 192, 193, 700, 1000, 3776, 3777, 5000, 10000, 36544, 40000, 65536, 100000])
                got.append(("w", n, _outcome(lambda n=n: a.send(b"w" * n))))  # type: ignore[misc]
            elif op < 0.85:
                m = rng.choice([1, 100, 1000, 4096, 10000, 65536, 300000])
                got.append(("r", m, _outcome(lambda m=m: len(b.recv(m)))))  # type: ignore[misc]
            else:
                got.append(("s", bool(select.select([], [a], [], 0)[1])))
    return got


def test_a_pairs_capacity_is_linuxs_buffer_by_buffer() -> None:
    """UnixPairFacts.skb_charge: each write is cut into buffers charged to the writer's
    SO_SNDBUF until wholly read, so what each non-blocking write takes (partly, or EAGAIN) and
    when select calls the writer writable are Linux's, call by call (1,200 such sequences
    agreed when this was written; these 40 run every time)."""
    real = [random_pair_program(seed) for seed in range(40)]
    with patched("linux"):
        simulated = [random_pair_program(seed) for seed in range(40)]
    assert simulated == real
    with patched("darwin"):
        a, b = socket.socketpair()
        with a, b, pytest.raises(NotImplementedError, match="setting SO_SNDBUF of an AF_UNIX socket pair on darwin"):
            a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1)


def test_a_blocking_small_write_to_a_full_pair_waits_for_the_reader() -> None:
    """Once the small writes charge all of SO_SNDBUF the pair is surely full: a blocking send
    waits (here until the reader thread empties it a second later), no NotImplementedError."""
    with patched("linux"):
        a, b = socket.socketpair()
        a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1)
        for _ in range(6):
            a.send(b"x")

        def drain() -> None:
            time.sleep(1)
            b.recv(100)

        reader = threading.Thread(target=drain)
        reader.start()
        started = time.monotonic()
        assert a.send(b"y") == 1
        assert 1 <= time.monotonic() - started < 1.01
        reader.join()
        assert b.recv(10) == b"y"
        a.close()
        b.close()


def bulk_through_a_pair_with_a_reader(timeout: Any = None) -> list[Any]:
    """Blocking sends far past what the model is sure a pair holds, drained by a thread."""
    data = bytes(range(256)) * 1200  # 307,200 bytes
    a, b = socket.socketpair()
    a.settimeout(timeout)
    got = bytearray()

    def read() -> None:
        while chunk := b.recv(65536):
            got.extend(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    with b:
        with a:
            sent = [a.sendall(data), a.send(data[:100_000]) if timeout is None else a.sendall(data[:100_000])]
        reader.join()
    return [*sent, bytes(got) == data + data[:100_000]]


def test_a_blocking_sendall_past_the_sure_bounds_waits_for_a_reader_as_on_linux() -> None:
    """A blocking send queues all of its data (send(2)): past the bounds the model is sure of,
    it waits for room a reader makes at the same virtual instant (``UnsureRoom``)."""
    real = bulk_through_a_pair_with_a_reader()
    for profile in ("linux", "darwin", "freebsd"):
        with patched(profile):
            assert bulk_through_a_pair_with_a_reader() == real == [None, 100_000, True], profile
            assert bulk_through_a_pair_with_a_reader(timeout=5.0) == [None, None, True], profile


def test_a_blocking_sendall_to_a_full_linux_pair_waits_for_a_late_reader_or_deadlocks() -> None:
    """Linux's pair is exact (UnixPairFacts.skb_charge): 300,000 bytes do not fit, so a blocking
    sendall waits for a reader a second later, and with nobody reading it can never complete,
    as the real one would hang."""
    with patched("linux"):
        a, b = socket.socketpair()

        def read_all_later() -> None:
            time.sleep(1.0)
            left = 300_000
            while left:
                left -= len(b.recv(left))

        late = threading.Thread(target=read_all_later)
        late.start()
        started = time.monotonic()
        a.sendall(b"y" * 300_000)
        assert 1.0 <= time.monotonic() - started < 1.01
        late.join()
        with pytest.raises(SimDeadlock, match="sendall"):
            a.sendall(b"x" * 300_000)  # nobody reads
        a.close()
        b.close()


@pytest.mark.parametrize("profile", ["darwin", "freebsd"])
def test_a_blocking_sendall_that_only_time_or_nobody_could_drain_is_not_implemented(profile: str) -> None:
    """Whether the real pair would have held it all (and the send returned at once) is not
    modelled: no deadlock report, no wait in virtual time, but NotImplementedError, in the sender."""
    with patched(profile):
        a, b = socket.socketpair()
        with pytest.raises(NotImplementedError, match="no other thread could make some without time moving on"):
            a.sendall(b"x" * 300_000)  # nobody reads
        late = threading.Timer(1.0, lambda: b.recv(1_000_000))
        late.start()
        with pytest.raises(NotImplementedError, match=f"how much an AF_UNIX socket pair holds on {profile}"):
            a.sendall(b"y" * 300_000)  # only a reader one second later
        late.join()
        a.setblocking(False)
        with pytest.raises(NotImplementedError, match=f"how much an AF_UNIX socket pair holds on {profile}"):
            a.sendall(b"z" * 300_000)  # non-blocking: how much the first send takes is the answer
        a.close()
        b.close()


def test_windows_makes_cpythons_loopback_tcp_pair() -> None:
    with patched("windows"):
        a, b = socket.socketpair()
        with a, b:
            assert (a.family, a.getpeername() == b.getsockname()) == (socket.AF_INET, True)
            # both ends are what the block's socket.socket makes, as CPython's accept() makes its end
            assert (type(a), type(b)) == (socket.socket, socket.socket)
        with pytest.raises(ValueError, match="Only AF_INET and AF_INET6"):
            socket.socketpair(HOST_AF_UNIX)  # (the block hides socket.AF_UNIX, as Windows' CPython lacks it)
