"""One thread blocked in recv or accept, another thread closing or shutting down that socket."""

from __future__ import annotations

import socket
from typing import Any, Callable

from sockbehave.backends.protocol import Net
from sockbehave.kit import BLOCK, SETTLE, listener, tcp_pair
from sockbehave.scenario import Steps, scenario

#: How often the scenario looks whether the blocked call has come back.
POLL = 0.005


class Blocked:
    """A call made in a peer thread, and what it gave once it stopped blocking.

    ``net.spawn``'s ``join`` treats a peer still running at its bound as a harness error; here
    "still blocked" is the observation, so the call's result is kept in a box and looked at.
    """

    def __init__(self, net: Net, call: Callable[..., Any], *args: Any) -> None:
        """Start ``call(*args)`` in a peer and give it time to block."""
        self._net = net
        self._box: list[tuple[bool, Any]] = []

        def run() -> None:
            try:
                self._box.append((True, call(*args)))
            except Exception as exc:  # the observation: what the blocked call raised
                self._box.append((False, exc))

        self._peer = net.spawn(run)
        net.sleep(SETTLE)  # the call is now blocked

    def outcome(self, bound: float) -> Any:
        """What the call returned (or raise what it raised); ``socket.timeout`` while it still
        blocks ``bound`` seconds from now."""
        deadline = self._net.clock() + bound
        while not self._box and self._net.clock() < deadline:
            self._net.sleep(POLL)
        if not self._box:
            raise socket.timeout("still blocked")
        self._peer.join(BLOCK)
        returned, value = self._box[0]
        if returned:
            return value
        raise value


def _late_client(net: Net, step: Steps, name: str, address: tuple[Any, ...]) -> None:
    """A client connecting to the listener's port after the other thread's call (step ``name``)."""
    client = net.socket()
    client.settimeout(BLOCK)
    step(name, client.connect, address)


@scenario(
    id="tcp.close-while-recv-blocked",
    title="close() from another thread does not wake a recv blocked on Linux",
    claim="To stop a thread blocked in recv, close the socket from another thread.",
    references=(
        "https://man7.org/linux/man-pages/man2/close.2.html (NOTES: dealing with error returns; multithreaded processes)",
        "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket",
        "https://github.com/python/cpython/issues/91913",
    ),
)
def close_while_recv(net: Net, step: Steps) -> None:
    """A worker thread sits in a blocking ``recv``; the main thread wants it to stop and
    calls ``close()`` on the socket. On Linux nothing happens: a system call in progress holds
    its own reference to the socket, so ``close`` only frees the descriptor number and the
    ``recv`` keeps waiting (the socket is not even closed yet, so the peer sees no FIN). The
    thread is released only when data or the peer's FIN arrives. macOS instead wakes the call
    with ``EBADF``, and Windows' ``closesocket`` cancels it. Use ``shutdown()`` to wake a
    blocked thread, then ``close()``.
    """
    client, server = tcp_pair(net)
    waiter = Blocked(net, server.recv, 100)
    step("close", server.close)
    step("recv-after-close", waiter.outcome, BLOCK)
    client.close()  # the peer's FIN releases a recv that close() did not wake
    step("recv-finally", waiter.outcome, BLOCK)


@scenario(
    id="tcp.shutdown-while-recv-blocked",
    title="shutdown(SHUT_RDWR) from another thread wakes a blocked recv with b''",
    claim="shutdown() only affects what the peer sees; it does not wake a thread blocked on this socket.",
    references=(
        "https://man7.org/linux/man-pages/man2/shutdown.2.html",
        "https://github.com/python/cpython/issues/91913",
        "https://github.com/epics-base/epics-base/pull/30",
    ),
)
def shutdown_while_recv(net: Net, step: Steps) -> None:
    """``shutdown(SHUT_RDWR)`` changes the socket itself, not just a descriptor: the read side
    is shut, so a ``recv`` blocked in another thread returns ``b''`` at once, as if the peer
    had closed. This is the portable-looking way to stop a reader thread on Linux and macOS,
    but Windows does not wake a blocked ``recv`` on ``shutdown``; there the thread waits until
    the peer closes or the socket is closed.
    """
    client, server = tcp_pair(net)
    waiter = Blocked(net, server.recv, 100)
    step("shutdown", server.shutdown, socket.SHUT_RDWR)
    step("recv-after-shutdown", waiter.outcome, BLOCK)
    client.close()
    step("recv-finally", waiter.outcome, BLOCK)


@scenario(
    id="udp.shutdown-wakes-recvfrom",
    title="shutdown() of a UDP socket wakes a blocked recvfrom on Linux and FreeBSD, not on macOS",
    claim="To stop a thread blocked in recvfrom() on a UDP socket, call shutdown() on that socket from another thread.",
    references=(
        "https://man7.org/linux/man-pages/man2/shutdown.2.html",
        "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html (ENOTCONN: the socket is not connected)",
        "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown",
    ),
)
def udp_shutdown_wakes_recvfrom(net: Net, step: Steps) -> None:
    """A worker thread waits in ``recvfrom`` on a UDP socket that was never connected, and the
    main thread calls ``shutdown(SHUT_RDWR)`` to stop it. POSIX says that is ``ENOTCONN``, and
    every Unix raises it, but what happens besides differs. Linux and FreeBSD shut the socket
    down all the same, so the waiting ``recvfrom`` returns ``(b'', None)``. macOS does nothing
    more: the thread stays blocked until a datagram arrives. Windows raises nothing, and later
    calls to ``recvfrom`` fail with ``WSAESHUTDOWN``. After the shutdown a datagram still reaches
    a Linux socket, while FreeBSD drops it and reads end of file. Portable code wakes the thread
    with a datagram of its own, or a timeout, rather than with ``shutdown``.
    """
    receiver = net.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind((net.loopback(), 0))
    waiter = Blocked(net, receiver.recvfrom, 100)
    step("shutdown", receiver.shutdown, socket.SHUT_RDWR)
    step("recvfrom-after-shutdown", waiter.outcome, BLOCK)
    sender = net.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.sendto(b"late", receiver.getsockname())
    step("recvfrom-finally", waiter.outcome, BLOCK)
    receiver.setblocking(False)  # a fresh call, which never waits
    step("recvfrom-again", receiver.recvfrom, 100)


@scenario(
    id="tcp.close-while-accept-blocked",
    title="close() from another thread leaves accept blocked on Linux, and the port still accepts",
    claim="Closing the listening socket makes a thread blocked in accept() return with an error.",
    references=(
        "https://man7.org/linux/man-pages/man2/close.2.html (NOTES)",
        "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket",
    ),
)
def close_while_accept(net: Net, step: Steps) -> None:
    """A server's accept loop runs in a thread; shutting the server down by closing the
    listening socket from another thread works on macOS (``ECONNABORTED``) and Windows, but
    not on Linux: the ``accept`` in progress keeps the listening socket alive, so it keeps
    waiting, and the port keeps accepting connections although its descriptor is closed. The
    next client that connects is handed to the "stopped" server.
    """
    srv = listener(net)
    address = srv.getsockname()
    waiter = Blocked(net, srv.accept)
    step("close", srv.close)
    step("accept-after-close", waiter.outcome, BLOCK)
    _late_client(net, step, "connect-after-close", address)
    step("accept-finally", waiter.outcome, BLOCK)


@scenario(
    id="tcp.shutdown-rd-listener-wakes-accept",
    title="shutdown(SHUT_RD) on a listener wakes an accept waiting with a timeout (Linux: EINVAL)",
    claim="shutdown() is meaningless on a listening socket.",
    references=(
        "https://man7.org/linux/man-pages/man2/shutdown.2.html",
        "https://man.freebsd.org/cgi/man.cgi?query=shutdown&sektion=2",
        "https://github.com/python/cpython/issues/91913",
    ),
)
def shutdown_rd_listener(net: Net, step: Steps) -> None:
    """Linux has one way to wake a thread waiting in ``accept`` on a listener: shutting its
    read side stops the listener, and the waiting ``accept`` fails with ``EINVAL``; new
    clients are refused. The accept here has a timeout, so CPython waits in ``poll`` first,
    as servers with a timeout do. gVisor's netstack does not wake that ``poll``, so the accept
    runs into its own timeout. BSD and Windows refuse the shutdown with ``ENOTCONN``
    (FreeBSD still wakes the accept, with ``ECONNABORTED``).
    """
    srv = listener(net)
    address = srv.getsockname()
    srv.settimeout(2 * BLOCK)  # CPython waits in poll(), then calls accept
    waiter = Blocked(net, srv.accept)
    step("shutdown-rd", srv.shutdown, socket.SHUT_RD)
    step("accept-after-shutdown", waiter.outcome, BLOCK)
    _late_client(net, step, "connect-after-shutdown", address)
    step("accept-finally", waiter.outcome, 2 * BLOCK)
