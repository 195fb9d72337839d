"""Readiness inside patched(): select, poll, epoll and every selector class on simulated
sockets, with timeouts in virtual time and descriptors that cannot be mistaken for real ones.
(The same programs run on the real stack in tests/conformance/test_runtime_parity.py.)"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import selectors
import socket
import threading
import time
from typing import Any

import pytest

from sockbehave.outcome import errno_name
from sockbehave.sim import SimDeadlock, patched
from sockbehave.sim.readiness import Descriptors

SELECTORS = [
    getattr(selectors, name) for name in ("SelectSelector", "PollSelector", "EpollSelector") if hasattr(selectors, name)
]


def test_simulated_descriptors_are_never_real_ones_and_readiness_is_the_simulations() -> None:
    r, w = os.pipe()  # a real descriptor with data: the old fake numbers (3, 4, ...) collided with these
    os.write(w, b"x")
    try:
        with patched("linux") as net:
            listener = socket.socket()
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            assert listener.fileno() >= Descriptors.BASE
            assert select.select([listener], [], [], 2.0) == ([], [], [])  # idle: not readable
            assert net.clock() == 2.0  # the timeout was virtual
            client = socket.create_connection(listener.getsockname())
            assert select.select([listener], [], [], 2.0)[0] == [listener]  # a connection waits
            conn, _ = listener.accept()
            client.sendall(b"hello")
            assert select.select([conn, client], [conn, client], [], None) == ([conn], [conn, client], [])
    finally:
        os.close(r)
        os.close(w)


@pytest.mark.skipif(not hasattr(select, "poll"), reason="no select.poll, and select only takes sockets, on Windows")
def test_mixing_real_and_simulated_descriptors_is_not_modelled_and_says_so() -> None:
    r, w = os.pipe()
    try:
        with patched("linux"):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            with pytest.raises(NotImplementedError, match="simulated and real descriptors together"):
                select.select([s, r], [], [], 1.0)
            poller = select.poll()
            poller.register(s)
            poller.register(r)
            with pytest.raises(NotImplementedError, match="simulated and real descriptors together"):
                poller.poll(1000)
            with pytest.raises(NotImplementedError, match="would stop the simulation for real time"):
                select.select([r], [], [], 1.0)
            assert select.select([r], [], [], 0) == ([], [], [])  # a real poll that cannot block is passed on
            s.close()
    finally:
        os.close(r)
        os.close(w)


def test_select_with_nothing_to_wait_for_sleeps_in_virtual_time_and_never_hangs() -> None:
    with patched("linux") as net:
        assert select.select([], [], [], 3.5) == ([], [], [])
        assert net.clock() == 3.5
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with pytest.raises(SimDeadlock, match=r"select.select\(\) at test_readiness.py:\d+ can never complete"):
            select.select([listener], [], [])


def test_select_argument_errors_match_cpython() -> None:
    with patched("linux"):
        s = socket.socket()
        with pytest.raises(ValueError, match="timeout must be non-negative"):
            select.select([s], [], [], -1)
        with pytest.raises(TypeError, match="must be an int, or have a fileno"):
            select.select([object()], [], [], 0)
        s.close()
        with pytest.raises(ValueError, match=r"negative integer \(-1\)"):
            select.select([s], [], [], 0)


@pytest.mark.skipif(not hasattr(select, "POLLRDHUP"), reason="the host's select module has no POLLRDHUP")
def test_poll_reports_linux_events_for_a_connection_and_its_close() -> None:
    with patched("linux"):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        client = socket.create_connection(listener.getsockname())
        conn, _ = listener.accept()
        poller = select.poll()
        poller.register(conn, select.POLLIN | select.POLLOUT | select.POLLRDHUP)
        assert poller.poll(0) == [(conn.fileno(), select.POLLOUT)]
        client.sendall(b"data")
        client.shutdown(socket.SHUT_WR)
        assert poller.poll(0) == [(conn.fileno(), select.POLLIN | select.POLLOUT | select.POLLRDHUP)]
        poller.modify(conn, select.POLLIN)
        conn.shutdown(socket.SHUT_WR)
        assert poller.poll(0) == [(conn.fileno(), select.POLLIN | select.POLLHUP)]
        poller.unregister(conn)
        with pytest.raises(KeyError):
            poller.unregister(conn)
        start = time.monotonic()
        assert poller.poll(1500) == [] and time.monotonic() - start == pytest.approx(
            1.5, abs=1e-3
        )  # virtual milliseconds


def test_epoll_is_level_triggered_only_and_says_so() -> None:
    if not hasattr(select, "epoll"):
        pytest.skip("no epoll on this host")
    with patched("linux"):
        s = socket.socket()
        ep = select.epoll()
        assert ep.fileno() >= Descriptors.BASE
        with pytest.raises(NotImplementedError, match="EPOLLET"):
            ep.register(s, select.EPOLLIN | select.EPOLLET)
        ep.register(s, select.EPOLLOUT)
        with pytest.raises(FileExistsError):
            ep.register(s, select.EPOLLIN)
        assert ep.poll(0) == [(s.fileno(), select.EPOLLOUT | select.EPOLLHUP)]  # a fresh TCP socket, as Linux
        s.close()
        assert ep.poll(0.5) == []  # closing removes it from the set
        ep.close()
        assert ep.closed


def test_epoll_checks_a_real_descriptor_as_linux_does_and_refuses_to_wait_on_it_at_poll() -> None:
    """A real descriptor goes to a real epoll: a regular file gets Linux's EPERM at ``register``
    (as CPython's test_selectors expects). Waiting on one is refused at ``poll``, not at
    ``register``: asyncio registers inside a callback, whose exception its loop would swallow."""
    if not hasattr(select, "epoll"):
        pytest.skip("no epoll on this host")
    r, w = os.pipe()
    os.write(w, b"x")
    try:
        with patched("linux"), open(__file__, "rb") as regular:
            ep = select.epoll()
            with pytest.raises(PermissionError):
                ep.register(regular, select.EPOLLIN)
            ep.register(r, select.EPOLLIN)
            with pytest.raises(FileExistsError):
                ep.register(r, select.EPOLLIN)
            assert ep.poll(0) == [(r, select.EPOLLIN)]  # a poll that cannot block is passed on
            with pytest.raises(NotImplementedError, match="would stop the simulation for real time"):
                ep.poll(1.0)
            s = socket.socket()
            ep.register(s, select.EPOLLOUT)
            with pytest.raises(NotImplementedError, match="simulated and real descriptors together"):
                ep.poll(0)
            ep.unregister(r)
            assert ep.poll(0) == [(s.fileno(), select.EPOLLOUT | select.EPOLLHUP)]
            s.close()
            ep.close()
    finally:
        os.close(r)
        os.close(w)


def echo_server_with(selector_class: type[selectors.BaseSelector], clients: int = 3) -> list[bytes]:
    """The selectors documentation's echo server, non-blocking, one thread, plus its clients."""
    sel = selector_class()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(10)
    listener.setblocking(False)
    sel.register(listener, selectors.EVENT_READ, data=None)
    conns = [socket.create_connection(listener.getsockname()) for _ in range(clients)]
    for i, c in enumerate(conns):
        c.sendall(b"msg%d" % i)
    replies: list[bytes] = []
    while len(replies) < clients:
        for key, _ in sel.select(timeout=1.0):
            if key.data is None:
                conn, _ = key.fileobj.accept()  # type: ignore[union-attr]
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ, data=b"")
            else:
                data = key.fileobj.recv(100)  # type: ignore[union-attr]
                if data:
                    key.fileobj.sendall(data.upper())  # type: ignore[union-attr]
        for c in conns:
            c.settimeout(0)
            try:
                replies.append(c.recv(100))
            except BlockingIOError:
                continue
    for key in list(sel.get_map().values()):
        sel.unregister(key.fileobj)
        key.fileobj.close()  # type: ignore[union-attr]
    sel.close()
    for c in conns:
        c.close()
    return sorted(replies)


#: The selector classes each OS's CPython has (select.poll: not on Windows; select.epoll: Linux only).
_HAS = {
    "linux": ("SelectSelector", "PollSelector", "EpollSelector"),
    "darwin": ("SelectSelector", "PollSelector"),
    "freebsd": ("SelectSelector", "PollSelector"),
    "windows": ("SelectSelector",),
}


@pytest.mark.parametrize("profile", ["linux", "darwin", "freebsd", "windows"])
@pytest.mark.parametrize("selector_class", SELECTORS, ids=lambda c: c.__name__)
def test_every_selector_class_that_os_has_runs_the_echo_server(
    profile: str, selector_class: type[selectors.BaseSelector]
) -> None:
    with patched(profile):
        if selector_class.__name__ in _HAS[profile]:
            assert echo_server_with(selector_class) == [b"MSG0", b"MSG1", b"MSG2"]
        else:  # its select.poll/select.epoll does not exist there: refused by name, never run as if it did
            api = "select.poll" if selector_class.__name__ == "PollSelector" else "select.epoll"
            with pytest.raises(NotImplementedError, match=f"absence of {api} on {profile}"):
                selector_class()


@pytest.mark.parametrize(
    ("profile", "default", "server"),
    [
        ("linux", "EpollSelector", "PollSelector"),
        ("windows", "SelectSelector", "SelectSelector"),
        ("darwin", "KqueueSelector", "PollSelector"),  # socketserver prefers poll wherever it exists
        ("freebsd", "KqueueSelector", "PollSelector"),
    ],
)
def test_default_selector_and_socketservers_are_the_simulated_oss(profile: str, default: str, server: str) -> None:
    """``selectors.DefaultSelector`` and ``socketserver``'s choice follow what that OS's CPython
    has; after the block they are the host's again."""
    import socketserver

    host_default, host_server = selectors.DefaultSelector, socketserver._ServerSelector  # type: ignore[attr-defined]
    with patched(profile), selectors.DefaultSelector() as sel, socketserver._ServerSelector() as srv_sel:  # type: ignore[attr-defined]
        assert (type(sel).__name__, type(srv_sel).__name__) == (default, server)
    assert (selectors.DefaultSelector, socketserver._ServerSelector) == (host_default, host_server)  # type: ignore[attr-defined]


def test_windows_select_selector_reports_a_failed_connect_as_writable() -> None:
    """Winsock puts a failed non-blocking connect in the exceptional set only; CPython's
    ``SelectSelector`` on Windows passes its write set as the exceptional set too and reports
    both as writable, so a selector-driven client sees the failure as EVENT_WRITE."""
    with patched("windows") as net:
        s = socket.socket()
        s.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            s.connect(("127.0.0.1", 9))  # nobody listens: refused after the profile's retries
        with selectors.SelectSelector() as sel:  # (DefaultSelector there, above)
            sel.register(s, selectors.EVENT_WRITE)
            events = sel.select(10.0)
        assert [(key.fileobj, mask) for key, mask in events] == [(s, selectors.EVENT_WRITE)]
        assert net.clock() > 0 and s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 10061
        s.close()


def test_devpoll_is_not_modelled() -> None:
    if not hasattr(select, "devpoll"):
        pytest.skip("this host has no devpoll")
    with patched("darwin"), pytest.raises(NotImplementedError, match=r"select\.devpoll"):
        select.devpoll()


def test_a_zero_timeout_polling_loop_lets_the_sender_run() -> None:
    with patched("linux"):
        a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        a.bind(("127.0.0.1", 0))
        b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        threading.Thread(target=lambda: b.sendto(b"x", a.getsockname())).start()
        polls = 0
        while not select.select([a], [], [], 0)[0] and polls < 1000:  # bounded for the test
            polls += 1
        assert polls == 0 and a.recv(10) == b"x"  # the poll itself let the sender run
        a.close()
        b.close()


def test_select_with_no_descriptor_is_a_sleep_on_linux_and_wsaeinval_on_windows() -> None:
    with patched("windows") as net:
        with pytest.raises(OSError) as info:
            select.select([], [], [], 1.0)
        assert (info.value.errno, getattr(info.value, "winerror", None), net.clock()) == (22, 10022, 0.0)
    with patched("linux") as net:
        assert select.select([], [], [], 1.0) == ([], [], []) and net.clock() == 1.0


@pytest.mark.parametrize(("profile", "reported"), [("windows", ([], [], ["s"])), ("darwin", (["s"], ["s"], []))])
def test_where_select_reports_a_failed_nonblocking_connect(profile: str, reported: tuple[list[str], ...]) -> None:
    with patched(profile):
        s = socket.socket()
        s.setblocking(False)
        with contextlib.suppress(BlockingIOError, ConnectionRefusedError):
            s.connect(("127.0.0.1", 9))  # nobody listens
        r, w, x = select.select([s], [s], [s], 10.0)
        assert tuple(["s"] * len(group) for group in (r, w, x)) == reported
        if profile == "windows":  # the refusal arrived after 2 s, while select waited
            assert s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 10061
        s.close()


def test_select_on_something_that_is_not_a_socket_fails_only_on_windows() -> None:
    """The tutorials' chat client waits on standard input and its socket with one select();
    Winsock's select takes sockets only, so on Windows that call fails with WSAENOTSOCK
    (winerror and errno 10038: CPython keeps a Winsock code as its errno unless the C runtime
    has a twin, as it has for WSAEINVAL). Elsewhere a pipe is as good as a socket."""
    r, w = os.pipe()
    try:
        os.write(w, b"x")
        with patched("windows"):
            s = socket.socket()
            with s:
                for call in (
                    lambda: select.select([r], [], [], 0),
                    lambda: select.select([r, s], [], [], 1.0),
                    lambda: select.select([], [w], [], None),
                ):
                    with pytest.raises(OSError) as failed:
                        call()
                    assert failed.value.errno == failed.value.winerror == 10038  # type: ignore[attr-defined]
                    assert "not a socket" in failed.value.strerror
                with pytest.raises(OSError) as empty:
                    select.select([], [], [], 0)
                assert (empty.value.errno, empty.value.winerror) == (22, 10022)  # type: ignore[attr-defined]
            closed = socket.socket()
            number = closed.fileno()
            closed.close()
            with pytest.raises(OSError) as invalid:  # a closed socket's handle is no socket either
                select.select([number], [], [], 0)
            assert invalid.value.errno == 10038
        for profile in ("linux", "darwin", "freebsd"):
            with patched(profile):
                assert select.select([r], [w], [], 0) == ([r], [w], [])  # the real call, as before
    finally:
        os.close(r)
        os.close(w)


@pytest.mark.parametrize("call", ["select", "poll"])
def test_a_loop_of_readiness_calls_that_never_wait_does_not_starve_the_other_threads(call: str) -> None:
    """urllib3's TLS-in-TLS proxy loops on ``select(inputs, outputs, inputs)``: its sockets are
    always writable, so the call never waits. A real thread doing that is preempted and the
    others go on; a simulated one must give them a turn too (it used to spin for real, and the
    tests hung until pytest-timeout's 60 s)."""
    with patched("linux"):
        a, b = socket.socketpair()
        go = threading.Event()
        sender = threading.Thread(target=lambda: (go.wait(), b.send(b"x")))
        sender.start()
        go.set()  # the sender can run now, but only if this thread gives it a turn
        poller = select.poll()
        poller.register(a, select.POLLIN | select.POLLOUT)
        calls, readable = 0, False
        while not readable and calls < 100_000:
            calls += 1
            if call == "select":
                readable = a in select.select([a], [a], [])[0]
            else:
                readable = bool(poller.poll()[0][1] & select.POLLIN)
        sender.join()
        assert a.recv(1) == b"x"
        a.close()
        b.close()
    assert calls <= 1_000  # the sender ran at the loop's 1,000th call at the latest


def _epoll_oneshot_transcript() -> list[object]:
    """What epoll says of a one-shot registration (trio's epoll loop registers so): an event
    once, then nothing while the data stays unread, then again after EPOLL_CTL_MOD."""
    a, b = socket.socketpair()
    ep = select.epoll()
    seen: list[object] = []
    try:
        ep.register(a, select.EPOLLIN | select.EPOLLONESHOT)
        seen.append(ep.poll(0))
        b.send(b"x")
        seen.append([ev for _, ev in ep.poll(0)])
        seen.append(ep.poll(0))  # still readable, but disarmed
        b.close()
        seen.append(ep.poll(0))  # not even the hang-up
        ep.modify(a, select.EPOLLIN | select.EPOLLONESHOT)
        seen.append([ev for _, ev in ep.poll(0)])
        with contextlib.suppress(FileExistsError):
            ep.register(a, select.EPOLLIN)
            seen.append("registered twice")
        ep.unregister(a)
        ep.register(a, select.EPOLLIN)  # a new registration is armed
        seen.append([ev for _, ev in ep.poll(0)])
    finally:
        ep.close()
        a.close()
        b.close()
    return seen


@pytest.mark.skipif(not hasattr(select, "epoll"), reason="no epoll on this host")
def test_epoll_oneshot_reports_once_until_modified_as_on_linux() -> None:
    real = _epoll_oneshot_transcript()
    with patched("linux"):
        simulated = _epoll_oneshot_transcript()
    hup = select.EPOLLIN | select.EPOLLHUP
    assert real == simulated == [[], [select.EPOLLIN], [], [], [hup], [hup]]


def _epoll_of_closed_descriptors() -> list[str]:
    """epoll_ctl on a closed socket or pipe end, and on one closed after it was registered."""
    seen = []
    ep = select.epoll()
    sock = socket.socket()
    r, w = os.pipe()
    closed_sock = sock.fileno()
    sock.close()  # closed after every descriptor is made, so that no number is given again
    os.close(r)
    try:
        for fd in (closed_sock, r):
            for call, args in ((ep.register, (fd, select.EPOLLIN)), (ep.modify, (fd, 0)), (ep.unregister, (fd,))):
                try:
                    call(*args)  # type: ignore[operator]
                    seen.append("ok")
                except OSError as exc:
                    seen.append(errno_name(exc.errno))
        a, b = socket.socketpair()
        ep.register(a.fileno(), select.EPOLLIN)
        b.send(b"x")
        seen.append(f"ready {len(ep.poll(0))}")
        registered = a.fileno()
        a.close()  # the kernel drops a closed file from every epoll set
        seen.append(f"after close {len(ep.poll(0))}")
        try:
            ep.unregister(registered)
        except OSError as exc:
            seen.append(errno_name(exc.errno))
        b.close()
    finally:
        ep.close()
        os.close(w)
    return seen


@pytest.mark.skipif(not hasattr(select, "epoll"), reason="epoll is Linux's")
@pytest.mark.parametrize("stack", ["real", "sim"])
def test_epoll_of_a_closed_descriptor_is_ebadf_as_on_linux(stack: str) -> None:
    """epoll_ctl(2): EBADF when fd is not a valid descriptor. The simulation accepted a closed
    one, and ``EpollSelector.register`` and asyncio's ``add_reader`` then waited on nothing."""
    with patched("linux") if stack == "sim" else contextlib.nullcontext():
        seen = _epoll_of_closed_descriptors()
    assert seen == ["EBADF"] * 6 + ["ready 1", "after close 0", "EBADF"]


@pytest.mark.parametrize(
    ("os_name", "chosen"), [("linux", "EpollSelector"), ("darwin", "KqueueSelector"), ("windows", "SelectSelector")]
)
def test_a_selector_class_derived_from_defaultselector_in_the_block_is_that_oses_and_isinstance_holds(
    os_name: str, chosen: str
) -> None:
    """On macOS ``selectors.DefaultSelector`` is ``KqueueSelector``, so a program's subclass of it
    is one: made in a darwin block it was the host's epoll selector, refused on darwin as
    NotImplementedError. And ``isinstance(selectors.DefaultSelector(), selectors.DefaultSelector)``
    is true, in the block and outside it (it was false on every profile)."""
    assert isinstance(selectors.DefaultSelector(), selectors.DefaultSelector)  # before any block
    with patched(os_name):

        class Mine(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
            pass

        a, b = socket.socketpair()
        with Mine() as mine, selectors.DefaultSelector() as default:
            assert chosen in [c.__name__ for c in type(mine).__mro__]
            assert isinstance(default, selectors.DefaultSelector) and isinstance(mine, selectors.DefaultSelector)
            mine.register(a, selectors.EVENT_READ)
            b.send(b"x")
            assert [key.fileobj for key, _ in mine.select(1)] == [a]
        a.close()
        b.close()
    with selectors.DefaultSelector() as outside:
        assert isinstance(outside, selectors.DefaultSelector)


def _registered_while_another_thread_waits(kind: str) -> list[object]:
    """One thread waits in ``poll`` on an empty set; another registers a readable socket."""
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        with socket.create_connection(srv.getsockname()) as cli:
            conn, _ = srv.accept()
            with conn:
                cli.sendall(b"x")  # conn is readable from now on
                poller: Any = select.epoll() if kind == "epoll" else select.poll()
                got: list[object] = []
                waiter = threading.Thread(target=lambda: got.append(poller.poll(1.0 if kind == "epoll" else 1000)))
                waiter.start()
                time.sleep(0.1)  # (on the real stack the outcome is the same if the waiter is not yet waiting)
                poller.register(conn.fileno(), select.EPOLLIN if kind == "epoll" else select.POLLIN)
                waiter.join()
                got.append(poller.poll(0))
                if kind == "epoll":
                    poller.close()
                return [[(fd == conn.fileno(), events) for fd, events in found] for found in got]  # type: ignore[attr-defined]


@pytest.mark.skipif(not hasattr(select, "epoll"), reason="epoll is Linux's")
def test_epoll_reports_a_descriptor_registered_while_another_thread_waits_as_on_linux() -> None:
    """epoll(7): a descriptor added during epoll_wait is reported by that wait (cheroot's keep-alive
    connections are registered so); the simulation raised KeyError in the waiting thread."""
    real = _registered_while_another_thread_waits("epoll")
    with patched("linux"):
        simulated = _registered_while_another_thread_waits("epoll")
    assert real == simulated == [[(True, select.EPOLLIN)], [(True, select.EPOLLIN)]]


def test_poll_sees_a_descriptor_registered_while_it_waits_from_its_next_call() -> None:
    """CPython's poll() gives poll(2) the array it built at the call: the waiting call times out."""
    with patched("linux"):
        assert _registered_while_another_thread_waits("poll") == [[], [(True, select.POLLIN)]]


@pytest.mark.parametrize("stack", ["real", "sim"])
def test_select_of_a_closed_socket_says_ebadf_in_the_oses_words(stack: str) -> None:
    """trio's test_wait_on_invalid_object matches the text: '[Errno 9] Bad file descriptor'."""
    with patched("linux") if stack == "sim" else contextlib.nullcontext():
        s = socket.socket()
        fd = s.fileno()
        s.close()
        with pytest.raises(OSError) as caught:
            select.select([fd], [], [], 0)
    assert (caught.value.errno, caught.value.strerror) == (errno.EBADF, os.strerror(errno.EBADF))
