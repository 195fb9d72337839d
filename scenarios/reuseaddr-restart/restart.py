"""Restarting a server on the same port: TIME_WAIT and SO_REUSEADDR, per side and per OS."""

from __future__ import annotations

import socket

from sockbehave.backends.protocol import Net
from sockbehave.kit import SETTLE, listener
from sockbehave.scenario import Steps, scenario

_REFS = (
    "https://man7.org/linux/man-pages/man7/socket.7.html (SO_REUSEADDR)",
    "https://man.freebsd.org/cgi/man.cgi?query=setsockopt&sektion=2 (SO_REUSEADDR)",
    "https://learn.microsoft.com/en-us/windows/win32/winsock/using-so-reuseaddr-and-so-exclusiveaddruse",
)


def _rebind_after_connection(net: Net, step: Steps, *, old: bool, new: bool, server_closes_first: bool) -> None:
    """Serve one connection, close everything, then bind a new server socket to the same port."""
    srv = listener(net, reuseaddr=old)
    address = srv.getsockname()
    client = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.connect(address)
    conn, _ = srv.accept()
    first, second = (conn, client) if server_closes_first else (client, conn)
    first.close()  # the side that closes first ends up in TIME_WAIT
    net.sleep(SETTLE)
    second.close()
    srv.close()
    net.sleep(SETTLE)
    restarted = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    if new:
        restarted.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    step("rebind", restarted.bind, address)


@scenario(
    id="tcp.restart-time-wait-no-reuseaddr",
    title="Restart after the server closed first, no SO_REUSEADDR anywhere",
    claim="A restarted server can always bind its port again once the old process is gone.",
    references=_REFS,
)
def restart_plain(net: Net, step: Steps) -> None:
    """The side that closes a connection first keeps it in TIME_WAIT for a while (60 s on
    Linux, 2 x MSL elsewhere). If that side was the server, its port is still in use by the
    TIME_WAIT connection, and a plain ``bind`` to it fails with ``EADDRINUSE``: the "Address
    already in use" that greets anyone restarting a server quickly. Windows does not check
    TIME_WAIT at bind time.
    """
    _rebind_after_connection(net, step, old=False, new=False, server_closes_first=True)


@scenario(
    id="tcp.restart-time-wait-reuseaddr-new-only",
    title="Restart after the server closed first, SO_REUSEADDR on the new socket only",
    claim="Setting SO_REUSEADDR before bind lets a restarted server reuse its port.",
    references=_REFS,
)
def restart_new_only(net: Net, step: Steps) -> None:
    """Linux only lets a new socket share a port with TIME_WAIT connections if *both* the old
    socket and the new one set ``SO_REUSEADDR``; setting it only on the restarted server is
    not enough there. The BSDs (macOS, FreeBSD) only look at the new socket.
    """
    _rebind_after_connection(net, step, old=False, new=True, server_closes_first=True)


@scenario(
    id="tcp.restart-time-wait-reuseaddr-old-only",
    title="Restart after the server closed first, SO_REUSEADDR on the old socket only",
    claim="Once the old server set SO_REUSEADDR, its port is free for anybody.",
    references=_REFS,
)
def restart_old_only(net: Net, step: Steps) -> None:
    """The option on the old socket alone does not free the port for a new socket that did
    not set it: the new ``bind`` still fails with ``EADDRINUSE`` where TIME_WAIT blocks binds.
    """
    _rebind_after_connection(net, step, old=True, new=False, server_closes_first=True)


@scenario(
    id="tcp.restart-time-wait-reuseaddr-both",
    title="Restart after the server closed first, SO_REUSEADDR on old and new sockets",
    claim="SO_REUSEADDR makes quick server restarts work.",
    references=_REFS,
)
def restart_both(net: Net, step: Steps) -> None:
    """With ``SO_REUSEADDR`` on the old listening socket (its connections inherit it) and on
    the new one, the rebind succeeds on every OS. This is why ``socketserver`` has
    ``allow_reuse_address`` and why ``socket.create_server`` sets the option on POSIX.
    """
    _rebind_after_connection(net, step, old=True, new=True, server_closes_first=True)


@scenario(
    id="tcp.restart-after-client-closed-first",
    title="Restart when the client closed first: no TIME_WAIT on the server's port",
    claim="You always need SO_REUSEADDR to restart a server quickly.",
    references=(*_REFS, "RFC 9293 section 3.3.2 (state machine: the active closer enters TIME-WAIT)"),
)
def restart_client_closed_first(net: Net, step: Steps) -> None:
    """TIME_WAIT belongs to whoever closes first. If the client hung up first, the client's
    side waits, and the server's port is free as soon as the server's sockets are closed: a
    plain ``bind`` succeeds without any option.
    """
    _rebind_after_connection(net, step, old=False, new=False, server_closes_first=False)
