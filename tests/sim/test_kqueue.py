"""select.kqueue on the simulated macOS and FreeBSD hosts: the kevent type and its argument errors,
the READ and WRITE socket filters against both kernels' sources (data counts, EV_EOF with the
socket error in fflags, EV_ERROR events, ONESHOT, DISABLE/ENABLE, close removing knotes), the
same answers as poll where the two coincide, what is refused by name, and KqueueSelector as
DefaultSelector under selectors, socketserver clients and asyncio."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import select
import selectors
import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from sockbehave.sim import patched

#: ``select`` as a simulated thread sees it (mypy's stubs for this host have no kqueue).
S: Any = select
BSD = ["darwin", "freebsd"]
EBADF, ENOENT, ECONNRESET, ECONNREFUSED = 9, 2, 54, 61  # the same on xnu and FreeBSD (sys/errno.h)
#: What an event keeps of ``EV_ADD`` (xnu: the knote's kevent as given; FreeBSD drops the actions).
ADDED = {"darwin": 0x1, "freebsd": 0x0}


def connected() -> tuple[socket.socket, socket.socket, socket.socket]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname())
    conn, _ = listener.accept()
    return listener, client, conn


@contextlib.contextmanager
def kqueue_and_pair(profile: str) -> Iterator[tuple[Any, socket.socket, socket.socket]]:
    """Inside ``patched(profile)``: a kqueue and both ends of a connection (closed afterwards)."""
    with patched(profile):
        listener, client, conn = connected()
        yield S.kqueue(), client, conn
        for s in (listener, client, conn):
            s.close()


def events(kq: Any, changes: Any = None, maxevents: int = 8, timeout: float = 0) -> list[tuple[int, int, int, int]]:
    """(filter, flags, fflags, data) of each event, in order."""
    return [(e.filter, e.flags, e.fflags, e.data) for e in kq.control(changes, maxevents, timeout)]


def add(sock: Any, *filters: int, flags: int = 0x1, udata: int = 0) -> list[Any]:
    return [S.kevent(sock, f, flags, udata=udata) for f in filters]


# -- the names -------------------------------------------------------------------------------------
def test_kqueue_and_its_constants_exist_only_for_the_bsd_profiles_simulated_threads() -> None:
    host_has = hasattr(select, "kqueue")
    outside: list[bool] = []
    for profile, pctrlmask in (("darwin", -1048576), ("freebsd", 0xF0000000)):
        with patched(profile):
            assert hasattr(select, "kqueue") and hasattr(select, "kevent")
            # xnu's NOTE_PCTRLMASK is (~NOTE_PDATAMASK), a signed int; FreeBSD's is 0xf0000000
            assert (S.KQ_FILTER_READ, S.KQ_FILTER_WRITE, S.KQ_EV_ADD, S.KQ_EV_EOF, S.KQ_EV_ERROR) == (
                -1,
                -2,
                1,
                0x8000,
                0x4000,
            )
            assert pctrlmask == S.KQ_NOTE_PCTRLMASK
            assert type(S.kqueue()).__name__ == "kqueue" and S.kevent(0).__class__.__module__ == "select"
            t = threading.Thread(target=lambda: outside.append(hasattr(select, "kqueue")))
            t.start()
            t.join()
        assert hasattr(select, "kqueue") == host_has  # the host's module again after the block
    # a simulated thread's start() makes a simulated thread: it sees the simulation's select too
    assert outside == [True, True]
    for profile in ("linux", "windows"):  # their CPython has no kqueue
        with patched(profile):
            if host_has:  # a BSD host's select has one: refused by name
                with pytest.raises(NotImplementedError, match=f"absence of select.kqueue on {profile}"):
                    S.kqueue()
            else:  # this host's select has none either
                assert not hasattr(select, "kevent") and not hasattr(select, "KQ_FILTER_READ")
                assert not hasattr(selectors, "KqueueSelector")


def test_a_thread_outside_the_simulation_keeps_the_hosts_select_meanwhile() -> None:
    go, done = threading.Lock(), threading.Lock()  # real locks: made outside any simulation
    go.acquire()
    done.acquire()
    seen: list[bool] = []

    def outsider() -> None:
        with go:
            seen.append(hasattr(select, "kqueue") or hasattr(selectors, "KqueueSelector"))
        done.release()

    t = threading.Thread(target=outsider, daemon=True)
    t.start()
    released = False
    try:
        with patched("darwin"):
            assert hasattr(select, "kqueue") and hasattr(selectors, "KqueueSelector")
            go.release()
            released = True
            assert done.acquire(timeout=30)
    finally:
        if not released:
            go.release()  # a failure before the release above: let the outsider end
    t.join(timeout=30)
    assert seen == [hasattr(select, "kqueue")]


# -- KqueueSelector --------------------------------------------------------------------------------
@pytest.mark.parametrize("profile", BSD)
def test_default_selector_is_kqueue_and_runs_the_echo_server(profile: str) -> None:
    from tests.sim.test_readiness import echo_server_with

    with patched(profile):
        with selectors.DefaultSelector() as sel:
            assert type(sel).__name__ == "KqueueSelector" and isinstance(sel, selectors.BaseSelector)
        assert echo_server_with(selectors.DefaultSelector) == [b"MSG0", b"MSG1", b"MSG2"]


def _served_client(profile: str, selector_class: Any) -> tuple[list[bytes], float, str]:
    """A ThreadingTCPServer (its own selector: poll, as socketserver picks) and a client that
    waits for each reply on ``selector_class``."""

    class Upper(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.sendall(self.request.recv(100).upper())

    with patched(profile) as net, socketserver.ThreadingTCPServer(("127.0.0.1", 0), Upper) as server:
        serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.5})
        serving.start()
        replies = []
        address: Any = server.server_address
        for word in (b"one", b"two"):
            with socket.create_connection(address) as c, selector_class() as sel:
                name = type(sel).__name__
                c.sendall(word)
                sel.register(c, selectors.EVENT_READ)
                assert [mask for _, mask in sel.select(5.0)] == [selectors.EVENT_READ]
                replies.append(c.recv(100))
        server.shutdown()
        serving.join()
        return replies, net.clock(), name


@pytest.mark.parametrize("profile", BSD)
def test_threading_tcp_server_serves_a_client_that_waits_on_kqueue_as_on_poll(profile: str) -> None:
    replies, clock, name = _served_client(profile, lambda: selectors.DefaultSelector())
    assert (replies, name) == ([b"ONE", b"TWO"], "KqueueSelector") and clock < 5.0
    assert _served_client(profile, lambda: selectors.PollSelector())[:2] == (replies, clock)


async def _echo() -> tuple[bytes, bytes, str]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write((await reader.readline()).upper())
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"echo me\n")
    reply = await reader.readline()
    rest = await reader.read()  # the server closed: EV_EOF reached the loop
    writer.close()
    server.close()
    await server.wait_closed()
    return reply, rest, type(asyncio.get_running_loop()._selector).__name__  # type: ignore[attr-defined]


@pytest.mark.parametrize("profile", BSD)
def test_asyncio_echo_runs_on_the_kqueue_selector_as_on_poll(profile: str) -> None:
    with patched(profile) as net:
        assert asyncio.run(_echo()) == (b"ECHO ME\n", b"", "KqueueSelector")
        on_kqueue = net.clock()
    with patched(profile) as net:
        loop = asyncio.SelectorEventLoop(selectors.PollSelector())
        try:
            assert loop.run_until_complete(_echo()) == (b"ECHO ME\n", b"", "PollSelector")
        finally:
            loop.close()
        assert net.clock() == pytest.approx(on_kqueue, abs=1e-3)  # the loops read the clock differently often


# -- the same answers as poll where the two coincide --------------------------------------------------
def _ready_by_kqueue(kq: Any, sock: socket.socket) -> tuple[bool, bool, bool]:
    found = {e.filter: e for e in kq.control(add(sock, -1, -2), 4, 0)}
    kq.control([S.kevent(sock, f, S.KQ_EV_DELETE) for f in (-1, -2)], 0)
    eof = any(e.flags & S.KQ_EV_EOF for e in found.values() if e.filter == -1)
    return -1 in found, -2 in found, eof


def _ready_by_poll(sock: socket.socket, listening: bool = False) -> tuple[bool, bool, bool]:
    p = select.poll()
    p.register(sock, select.POLLIN | select.POLLOUT)
    revents = dict(p.poll(0)).get(sock.fileno(), 0)
    eof = bool(revents & select.POLLIN) and not listening and sock.recv(1, socket.MSG_PEEK) == b""
    return bool(revents & select.POLLIN), bool(revents & select.POLLOUT), eof


@pytest.mark.parametrize("profile", BSD)
def test_kqueue_and_poll_agree_on_accept_readable_writable_and_eof(profile: str) -> None:
    with patched(profile):
        kq = S.kqueue()
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener_seen = []
        clients = []
        for _ in range(2):
            listener_seen.append(_ready_by_kqueue(kq, listener)[0] == _ready_by_poll(listener, listening=True)[0])
            clients.append(socket.create_connection(listener.getsockname()))
        conn, _ = listener.accept()
        client = clients[0]
        steps = [
            lambda: None,  # idle: writable only
            lambda: client.sendall(b"data"),  # readable
            lambda: conn.recv(100),  # drained
            lambda: client.shutdown(socket.SHUT_WR),  # the peer's FIN: readable, EOF
        ]
        seen = []
        for step in steps:
            step()  # type: ignore[no-untyped-call]
            by_kqueue, by_poll = _ready_by_kqueue(kq, conn), _ready_by_poll(conn)
            seen.append(by_kqueue)
            assert by_kqueue == by_poll
        assert seen == [(False, True, False), (True, True, False), (False, True, False), (True, True, True)]
        assert listener_seen == [True, True]
        for s in (*clients, conn, listener):
            s.close()
        kq.close()


# -- the filters, against xnu's and FreeBSD's uipc_socket.c ------------------------------------------
@pytest.mark.parametrize("profile", BSD)
def test_data_counts_connections_bytes_datagrams_and_send_space(profile: str) -> None:
    with patched(profile):
        kq = S.kqueue()
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        clients = [socket.create_connection(listener.getsockname()) for _ in range(3)]
        assert events(kq, add(listener, -1)) == [(-1, ADDED[profile], 0, 3)]  # completed connections queued
        conn, _ = listener.accept()
        assert events(kq) == [(-1, ADDED[profile], 0, 2)]
        clients[0].setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # (Nagle would hold the second write)
        clients[0].sendall(b"12345")
        clients[0].sendall(b"678")
        got = events(kq, add(conn, -1, -2), timeout=1.0)
        assert got[1:3] == [(-1, ADDED[profile], 0, 8), (-2, ADDED[profile], 0, got[2][3])]
        conn.setblocking(False)  # WRITE's data: the room in the send queue, what a send takes at once
        assert conn.send(b"x" * (got[2][3] + 100_000)) == got[2][3] > 0
        a, b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM), socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        b.bind(("127.0.0.1", 0))
        a.sendto(b"abc", b.getsockname())
        a.sendto(b"defgh", b.getsockname())
        kq2 = S.kqueue()
        # READ: every queued datagram's payload; WRITE: udp_sendspace (9216 on both), a datagram never queues
        assert events(kq2, add(b, -1, -2)) == [(-1, ADDED[profile], 0, 8), (-2, ADDED[profile], 0, 9216)]
        a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4000)
        assert events(kq2, add(a, -2))[-1] == (-2, ADDED[profile], 0, 4000)
        for s in (*clients, conn, listener, a, b):
            s.close()


@pytest.mark.parametrize("profile", BSD)
def test_eof_carries_the_pending_socket_error_in_fflags(profile: str) -> None:
    with kqueue_and_pair(profile) as (kq, client, conn):
        client.sendall(b"bye")
        client.close()  # FIN: nothing more to read, but conn can still send
        got = events(kq, add(conn, -1, -2))
        assert got == [(-1, ADDED[profile] | 0x8000, 0, 3), (-2, ADDED[profile], 0, got[1][3])]
        _, client2, conn2 = (None, *connected()[1:])
        conn2.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn2.close()  # RST: client2 can neither read nor send, ECONNRESET is pending
        got = events(kq, add(client2, -1, -2, udata=5))
        assert [(f, fl & 0x8000, ff) for f, fl, ff, _ in got[-2:]] == [
            (-1, 0x8000, ECONNRESET),
            (-2, 0x8000, ECONNRESET),
        ]
        with pytest.raises(ConnectionResetError):
            client2.recv(10)  # reading the error clears it: EOF stays, fflags is 0 again
        assert [(f, fl & 0x8000, ff) for f, fl, ff, _ in events(kq)[-2:]] == [(-1, 0x8000, 0), (-2, 0x8000, 0)]
        refused = socket.socket()
        refused.setblocking(False)
        with pytest.raises(BlockingIOError):
            refused.connect(("127.0.0.1", 9))  # even on loopback the refusal comes after connect returned
        kq2 = S.kqueue()
        got = events(kq2, add(refused, -1, -2))
        assert [(f, fl & 0x8000, ff) for f, fl, ff, _ in got] == [
            (-1, 0x8000, ECONNREFUSED),
            (-2, 0x8000, ECONNREFUSED),
        ]
        assert refused.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == ECONNREFUSED  # taken: EOF stays
        assert [(f, fl & 0x8000, ff) for f, fl, ff, _ in events(kq2)] == [(-1, 0x8000, 0), (-2, 0x8000, 0)]
        told = socket.socket()  # a blocking connect reports the refusal itself, and takes the error with it:
        with pytest.raises(ConnectionRefusedError):
            told.connect(("127.0.0.1", 9))
        # now the socket looks like one that was bound and never connected: not modelled, and it says why
        with pytest.raises(NotImplementedError, match="bound but neither listening nor connected"):
            S.kqueue().control(add(told, -1), 1, 0)
        told.close()
        lost = socket.socket()  # a connect off the machine: unanswered until the profile gives up (ETIMEDOUT)
        lost.setblocking(False)
        with pytest.raises(BlockingIOError):
            lost.connect(("10.255.255.1", 80))
        kq3 = S.kqueue()
        assert events(kq3, add(lost, -1, -2), timeout=0) == []  # connecting: neither filter fires
        got = events(kq3, timeout=3600)
        assert [(f, fl & 0x8000, ff) for f, fl, ff, _ in got] == [(-1, 0x8000, 60), (-2, 0x8000, 60)]
        for s in (client2, refused, lost):
            s.close()


# -- kern_event.c: errors, ONESHOT, DISABLE, close, order, time --------------------------------------
@pytest.mark.parametrize("profile", BSD)
def test_failed_changes_are_ev_error_events_while_there_is_room_else_oserror(profile: str) -> None:
    error_flags: Any = {"darwin": lambda given: given | 0x4000, "freebsd": lambda given: 0x4000}[profile]
    with kqueue_and_pair(profile) as (kq, client, conn):
        client.sendall(b"ready")
        gone = socket.socket()
        gone_fd = gone.fileno()
        gone.close()
        changes = [
            *add(conn, -1),  # fine
            S.kevent(gone_fd, -1, S.KQ_EV_ADD, udata=7),  # not open: EBADF
            S.kevent(conn, -2, S.KQ_EV_DELETE),  # never added: ENOENT
        ]
        got = kq.control(changes, 8, 0)
        # only the errors come back (conn is readable, yet not reported in this call)
        assert [(e.ident, e.filter, e.flags, e.data, e.udata) for e in got] == [
            (gone_fd, -1, error_flags(0x1), EBADF, 7),
            (conn.fileno(), -2, error_flags(0x2), ENOENT, 0),
        ]
        assert events(kq) == [(-1, ADDED[profile], 0, 5)]  # the good change was applied
        with pytest.raises(FileNotFoundError) as caught:  # no room: kevent fails with the first error
            kq.control([S.kevent(conn, -2, S.KQ_EV_DELETE), *add(conn, -2)], 0)
        assert caught.value.errno == ENOENT
        assert [f for f, *_ in events(kq)] == [-1]  # ... and the change after it was not applied
        with pytest.raises(OSError) as caught_any:
            kq.control([S.kevent(gone_fd, -1, S.KQ_EV_ADD)], 0)
        assert caught_any.value.errno == EBADF and type(caught_any.value) is OSError
        # deleting a knote of a descriptor that is not open: xnu finds no knote, FreeBSD no descriptor
        got = kq.control([S.kevent(gone_fd, -1, S.KQ_EV_DELETE)], 1, 0)
        assert [e.data for e in got] == [{"darwin": ENOENT, "freebsd": EBADF}[profile]]


@pytest.mark.parametrize("profile", BSD)
def test_closing_a_descriptor_removes_its_knotes_even_while_a_dup_keeps_the_socket(profile: str) -> None:
    with kqueue_and_pair(profile) as (kq, client, conn):
        kq.control(add(conn, -1), 0)
        same = conn.dup()
        number = conn.fileno()
        conn.close()
        client.sendall(b"still arrives")
        assert kq.control(None, 4, 1.0) == []  # the socket is open (dup) and readable; its knote went with close
        assert [(e.ident, e.data) for e in kq.control(add(same, -1), 4, 0)] == [(same.fileno(), 13)]
        with pytest.raises(OSError) as caught:
            kq.control([S.kevent(number, -1, S.KQ_EV_DELETE)], 0)
        assert caught.value.errno == {"darwin": ENOENT, "freebsd": EBADF}[profile]
        same.close()
        assert kq.control(None, 4, 0) == []


@pytest.mark.parametrize("profile", BSD)
def test_oneshot_disable_enable_and_udata(profile: str) -> None:
    with kqueue_and_pair(profile) as (kq, client, conn):
        client.sendall(b"x")
        got = kq.control([S.kevent(conn, -1, S.KQ_EV_ADD | S.KQ_EV_ONESHOT, udata=2**64 - 1)], 4, 0)
        assert [(e.flags, e.udata) for e in got] == [(ADDED[profile] | 0x10, 2**64 - 1)]
        assert kq.control(None, 4, 0) == []  # returned once, then deleted
        with pytest.raises(FileNotFoundError):
            kq.control([S.kevent(conn, -1, S.KQ_EV_DELETE)], 0)
        kq.control([S.kevent(conn, -2, S.KQ_EV_ADD | S.KQ_EV_DISABLE)], 0)
        assert kq.control(None, 4, 0) == []  # writable, but disabled
        got = kq.control([S.kevent(conn, -2, S.KQ_EV_ENABLE, udata=9)], 4, 0)
        assert [(e.filter, e.udata) for e in got] == [(-2, 9)]  # enabled; a change sets udata
        kq.control([S.kevent(conn, -2, S.KQ_EV_DISABLE)], 0)
        assert kq.control(None, 4, 0) == []


def test_events_come_in_the_order_added_and_a_returned_knote_goes_to_the_back() -> None:
    with patched("freebsd"):
        kq = S.kqueue()
        socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(3)]
        kq.control([S.kevent(s, -2) for s in socks], 0)
        idents = [s.fileno() for s in socks]
        assert [e.ident for e in kq.control(None, 8, 0)] == idents
        one_at_a_time = [kq.control(None, 1, 0)[0].ident for _ in range(4)]
        assert one_at_a_time == [idents[0], idents[1], idents[2], idents[0]]  # no knote starves
        for s in socks:
            s.close()


@pytest.mark.parametrize("profile", BSD)
def test_control_waits_in_virtual_time_and_maxevents_zero_never_waits(profile: str) -> None:
    with patched(profile) as net:
        kq = S.kqueue()
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert kq.control(add(listener, -1), 4, 2.5) == [] and net.clock() == 2.5
        assert kq.control(None, 0, 100.0) == [] and net.clock() == 2.5  # no room: the timeout is ignored

        def connect_later() -> None:
            import time

            time.sleep(1.0)
            socket.create_connection(listener.getsockname()).close()

        threading.Thread(target=connect_later).start()
        assert [e.data for e in kq.control(None, 4, None)] == [1] and net.clock() == 3.5
        listener.close()


def _program(profile: str) -> list[str]:
    with kqueue_and_pair(profile) as (kq, client, conn):
        kq.control(add(conn, -1, -2) + add(client, -1, -2), 0)
        seen = [repr(kq.control(None, 8, 0))]
        client.sendall(b"abc")
        conn.shutdown(socket.SHUT_WR)
        seen.append(repr(kq.control(None, 8, 1.0)))
        return seen  # descriptor numbers included: each simulation numbers from the same base


@pytest.mark.parametrize("profile", BSD)
def test_the_same_events_every_run(profile: str) -> None:
    assert _program(profile) == _program(profile)


# -- what is refused, by name ----------------------------------------------------------------------
@pytest.mark.parametrize("profile", BSD)
@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda s: S.kevent(s, -1, S.KQ_EV_ADD | S.KQ_EV_CLEAR), "KQ_EV_CLEAR"),
        (lambda s: S.kevent(s, -1, S.KQ_EV_ADD | 0x80), "EV_DISPATCH"),
        (lambda s: S.kevent(s, -1, S.KQ_EV_ADD | 0x40), "EV_RECEIPT"),
        (lambda s: S.kevent(s, -1, S.KQ_EV_ADD | S.KQ_EV_DELETE), "EV_ADD and EV_DELETE"),
        (lambda s: S.kevent(s, -1, S.KQ_EV_ENABLE | S.KQ_EV_DISABLE), "EV_ENABLE and EV_DISABLE"),
        (lambda s: S.kevent(s, -1, S.KQ_EV_ADD, S.KQ_NOTE_LOWAT, 100), "KQ_NOTE_LOWAT"),
        (lambda s: S.kevent(1, S.KQ_FILTER_TIMER, S.KQ_EV_ADD, 0, 1000), "KQ_FILTER_TIMER"),
        (lambda s: S.kevent(2, S.KQ_FILTER_SIGNAL), "KQ_FILTER_SIGNAL"),
        (lambda s: S.kevent(os.getpid(), S.KQ_FILTER_PROC, S.KQ_EV_ADD, S.KQ_NOTE_EXIT), "KQ_FILTER_PROC"),
        (lambda s: S.kevent(s, S.KQ_FILTER_VNODE, S.KQ_EV_ADD, S.KQ_NOTE_WRITE), "KQ_FILTER_VNODE"),
        (lambda s: S.kevent(s, S.KQ_FILTER_AIO), "KQ_FILTER_AIO"),
        (lambda s: S.kevent(s, -10), "kqueue filter -10"),  # EVFILT_USER: -10 on xnu, -11 on FreeBSD
        (lambda s: S.kevent(2), "a real descriptor"),  # standard error: open (pytest's capture keeps it so)
        (lambda s: S.kevent(S.kqueue()), "an epoll or kqueue object"),
    ],
)
def test_what_is_not_modelled_is_refused_by_name(profile: str, change: Any, named: str) -> None:
    with patched(profile):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        with pytest.raises(NotImplementedError, match=named):
            S.kqueue().control([change(s)], 1, 0)
        with pytest.raises(NotImplementedError, match="fromfd"):
            S.kqueue.fromfd(3)
        s.close()


# -- CPython's argument errors (Modules/selectmodule.c) --------------------------------------------
class _FileLike:
    def __init__(self, fd: Any) -> None:
        self.fd = fd

    def fileno(self) -> Any:
        return self.fd


def test_kevent_converts_its_arguments_as_cpython_does() -> None:
    with patched("darwin"):
        k = S.kevent(_FileLike(5), flags=0x10001, fflags=-1, udata=-1)  # "H", "I", "K": masked, no overflow check
        assert (k.ident, k.filter, k.flags, k.fflags, k.data, k.udata) == (5, -1, 1, 2**32 - 1, 0, 2**64 - 1)
        assert repr(S.kevent(3, data=-1)) == (
            "<select.kevent ident=3 filter=-1 flags=0x1 fflags=0x0 data=0xffffffffffffffff udata=0x0>"
        )
        for bad, error in [
            (lambda: S.kevent(-1), OverflowError),  # size_t
            (lambda: S.kevent(2**64), OverflowError),
            (lambda: S.kevent(_FileLike(-1)), ValueError),
            (lambda: S.kevent(_FileLike("3")), TypeError),
            (lambda: S.kevent(object()), TypeError),
            (lambda: S.kevent(3, 70000), OverflowError),  # "h": a signed short
            (lambda: S.kevent(3, -70000), OverflowError),
            (lambda: S.kevent(3, 1.5), TypeError),
            (lambda: S.kevent(3, -1, "x"), TypeError),
            (lambda: S.kevent(3, data=2**63), OverflowError),
            (lambda: S.kevent(3, udata=1.5), TypeError),  # "K" takes an int only
            (lambda: S.kevent(3, udata=None), TypeError),
        ]:
            with pytest.raises(error):
                bad()  # type: ignore[no-untyped-call]
        with pytest.raises(OverflowError, match="signed short integer is greater than maximum"):
            S.kevent(3, 32768)
        k.filter = S.KQ_FILTER_WRITE
        with pytest.raises(TypeError):
            k.flags = "x"


def test_kevents_compare_as_cpython_does_and_are_not_hashable() -> None:
    with patched("freebsd"):
        a, b = S.kevent(3, -1), S.kevent(3, -2)
        assert a == S.kevent(3, -1) and a != b and b < a and a >= b and sorted([a, b]) == [b, a]
        assert S.kevent(3, udata=2**64 - 1) < S.kevent(3, udata=0)  # udata compares as intptr_t
        assert (a == 3) is False and a != "x"
        with pytest.raises(TypeError):
            _ = a < 3
        with pytest.raises(TypeError):
            hash(a)


def test_kqueue_argument_errors_match_cpython() -> None:
    with patched("darwin"):
        with pytest.raises(TypeError, match="takes no positional arguments"):
            S.kqueue(1)
        with pytest.raises(TypeError, match="takes no keyword arguments"):
            S.kqueue(x=1)
        kq = S.kqueue()
        for bad, error, text in [
            (lambda: kq.control(None, -1), ValueError, "Length of eventlist must be 0 or positive, got -1"),
            (lambda: kq.control(None, 2**31), OverflowError, "C int"),
            (lambda: kq.control(None, "1"), TypeError, None),
            (lambda: kq.control(None, 1, -0.5), ValueError, "timeout must be positive or None"),
            (lambda: kq.control(None, 1, "1"), TypeError, "timeout argument must be a number or None, got str"),
            (lambda: kq.control(None, 1, float("nan")), TypeError, "got float"),
            (lambda: kq.control(None, 1, 1e300), TypeError, "got float"),
            (lambda: kq.control(5, 1, 0), TypeError, "changelist is not iterable"),
            (lambda: kq.control([3], 1, 0), TypeError, "changelist must be an iterable of select.kevent objects"),
            (lambda: kq.control(None), TypeError, None),
        ]:
            with pytest.raises(error, match=text):
                bad()  # type: ignore[no-untyped-call]
        fd = kq.fileno()
        assert fd >= 2**30 and not kq.closed
        kq.close()
        assert kq.closed
        for call in (kq.fileno, lambda: kq.control(None, 1, 0)):
            with pytest.raises(ValueError, match="I/O operation on closed kqueue object"):
                call()


READ, WRITE, EOF, ERROR = -1, -2, 0x8000, 0x4000
EPIPE = 32  # xnu and FreeBSD sys/errno.h


@contextlib.contextmanager
def kqueue_and_pipe(profile: str) -> Iterator[tuple[Any, int, int]]:
    """Inside ``patched(profile)``: a kqueue and both ends of a pipe (closed afterwards if open)."""
    with patched(profile):
        r, w = os.pipe()
        kq = S.kqueue()
        try:
            yield kq, r, w
        finally:
            kq.close()
            for fd in (r, w):
                with contextlib.suppress(OSError):
                    os.close(fd)


@pytest.mark.parametrize("profile", BSD)
def test_a_pipes_read_end_reports_its_bytes_then_eof_once_the_writer_is_gone(profile: str) -> None:
    """filt_piperead (xnu and FreeBSD sys_pipe.c): data is the bytes buffered; EV_EOF once no
    writer is left, with what is still buffered."""
    with kqueue_and_pipe(profile) as (kq, r, w):
        assert events(kq, add(r, READ)) == []
        os.write(w, b"x" * 100)
        assert events(kq) == [(READ, ADDED[profile], 0, 100)]
        os.close(w)
        assert events(kq) == [(READ, ADDED[profile] | EOF, 0, 100)]
        assert os.read(r, 1000) == b"x" * 100
        assert events(kq) == [(READ, ADDED[profile] | EOF, 0, 0)]


def test_darwin_write_end_counts_its_room_from_pipe_size_and_ends_with_eof() -> None:
    """xnu filt_pipewrite_common: data = MAX_PIPESIZE (at least PIPE_SIZE, 16384) - the bytes
    buffered, firing from PIPE_BUF (512) of room; with the reader gone EV_EOF and data 0. A
    filter on the end that does not do it fires only with EV_EOF once either end is closed."""
    with kqueue_and_pipe("darwin") as (kq, r, w):
        assert events(kq, [*add(w, WRITE), *add(r, WRITE)]) == [(WRITE, 0x1, 0, 16384)]
        os.write(w, b"y" * 300)
        assert events(kq) == [(WRITE, 0x1, 0, 16384 - 300)]
        os.close(r)
        assert events(kq) == [(WRITE, 0x1 | EOF, 0, 0)]
    with kqueue_and_pipe("darwin") as (kq, r, w):
        assert events(kq, add(w, READ)) == []
        os.close(r)
        assert events(kq) == [(READ, 0x1 | EOF, 0, 0)]
        assert events(kq, add(w, WRITE)) == [(READ, 0x1 | EOF, 0, 0), (WRITE, 0x1 | EOF, 0, 0)]


def test_freebsd_refuses_a_write_filter_without_a_reader_and_does_not_know_the_room() -> None:
    """FreeBSD pipe_kqfilter: EVFILT_WRITE on a write end whose reader is gone fails with
    EPIPE, and a filter on the wrong end never fires. filt_pipewrite's data is the buffer's
    size minus the bytes buffered, and the size depends on the system's pipe memory."""
    with kqueue_and_pipe("freebsd") as (kq, r, w):
        assert events(kq, add(w, READ)) == []
        with pytest.raises(NotImplementedError, match="EVFILT_WRITE on a pipe's write end on freebsd"):
            events(kq, add(w, WRITE))
    with kqueue_and_pipe("freebsd") as (kq, r, w):
        assert events(kq, add(w, READ)) == []
        os.close(r)
        assert events(kq) == []  # the wrong end's filter never fires
        assert events(kq, add(w, WRITE)) == [(WRITE, ERROR, 0, EPIPE)]


@pytest.mark.parametrize("profile", BSD)
def test_a_kqueue_selector_loop_wakes_on_a_self_pipe(profile: str) -> None:
    """A selectors loop (DefaultSelector is KqueueSelector there) watching a socket and the read
    end of a self-pipe that another thread writes to, as event loops wake themselves."""
    with patched(profile):
        r, w = os.pipe()
        listener = socket.create_server(("127.0.0.1", 0))
        with selectors.DefaultSelector() as selector, listener:
            assert type(selector).__name__ == "KqueueSelector"
            selector.register(r, selectors.EVENT_READ, "wakeup")
            selector.register(listener, selectors.EVENT_READ, "listener")
            waker = threading.Thread(target=os.write, args=(w, b"!"))
            waker.start()
            ready = [key.data for key, _ in selector.select(5)]
            waker.join()
            assert ready == ["wakeup"]
            assert os.read(r, 10) == b"!"
        os.close(r)
        os.close(w)


@pytest.mark.parametrize("profile", BSD)
def test_a_closed_real_descriptor_in_a_kqueue_is_ebadf(profile: str) -> None:
    """kevent(2) refuses a descriptor that is not open with EBADF; a real one that is open stays
    refused by name, since a simulated thread cannot wait for it (it was refused even closed)."""
    r, w = os.pipe()
    os.close(r)
    try:
        with patched(profile):
            kq = S.kqueue()  # (no context manager: CPython's kqueue object has none)
            with pytest.raises(OSError) as caught:
                kq.control([S.kevent(r, S.KQ_FILTER_READ, S.KQ_EV_ADD)], 0, 0)
            assert caught.value.errno == errno.EBADF
            with pytest.raises(NotImplementedError, match="a real descriptor"):
                kq.control([S.kevent(w, S.KQ_FILTER_WRITE, S.KQ_EV_ADD)], 0, 0)
            kq.close()
    finally:
        os.close(w)
