"""``setblocking`` and ``accept``: whether a connection accepted from a non-blocking listener
is blocking, which CPython leaves to the OS."""

from __future__ import annotations

import socket

from sockbehave.backends.protocol import Net
from sockbehave.kit import listener
from sockbehave.scenario import Steps, scenario

#: The client sends its byte this long after the server's recv() starts: long enough that a
#: recv that does not wait fails first, short enough to keep the scenario quick.
SEND_AFTER = 0.3
#: How long the server polls its non-blocking listener for the connection (it is normally there
#: at once: the client's connect has returned).
ACCEPT_WITHIN = 5.0


def _accept_soon(net: Net, srv: socket.socket) -> socket.socket:
    deadline = net.clock() + ACCEPT_WITHIN
    while True:
        try:
            conn, _ = srv.accept()
            return conn
        except BlockingIOError:
            if net.clock() >= deadline:
                raise
            net.sleep(0.01)


def _send_later(net: Net, client: socket.socket) -> None:
    net.sleep(SEND_AFTER)
    client.sendall(b"x")


@scenario(
    id="tcp.accept-from-nonblocking-listener",
    title="A connection accepted from a non-blocking listener is non-blocking on macOS, blocking elsewhere",
    claim="A socket returned by accept() is blocking until you call setblocking(False) on it.",
    references=(
        "https://docs.python.org/3/library/socket.html#socket.socket.accept",
        "https://docs.python.org/3/library/socket.html#socket-timeouts (notes on socket timeouts)",
        "https://bugs.python.org/issue7995 (socket.accept() and non-blocking listeners)",
        "https://man7.org/linux/man-pages/man2/accept.2.html (NOTES: O_NONBLOCK is not inherited on Linux)",
    ),
)
def accept_from_nonblocking_listener(net: Net, step: Steps) -> None:
    """Event-loop servers make their listener non-blocking and accept from it. What the
    accepted socket is depends on the OS: CPython only makes it blocking when the listener had a
    *positive* timeout, and otherwise leaves it as the kernel made it. Linux never copies
    O_NONBLOCK to an accepted socket; CPython on FreeBSD accepts with ``accept4()``, which does
    not either; macOS's ``accept()`` copies it. So on a Mac, ``conn.gettimeout()`` says ``None``
    (blocking) while a ``recv()`` that has to wait raises ``BlockingIOError`` at once. Call
    ``conn.setblocking(True)`` (or ``settimeout``) on every accepted socket to get the same
    behaviour everywhere.
    """
    srv = listener(net)
    srv.setblocking(False)
    client = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.connect(srv.getsockname())
    conn = _accept_soon(net, srv)
    step.observe("accepted-gettimeout", conn.gettimeout())
    peer = net.spawn(_send_later, net, client)
    step("recv-before-data-arrives", conn.recv, 1)
    peer.join(ACCEPT_WITHIN)
    conn.setblocking(True)  # what a portable server does; then the byte is read on every OS
    conn.close()
    client.close()
    srv.close()
