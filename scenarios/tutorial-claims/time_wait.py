"""Tutorial claims about TIME_WAIT: how long it holds a port, and what tcp_tw_reuse really does."""

from __future__ import annotations

import socket
from typing import Any

from sockbehave.backends.protocol import Net
from sockbehave.kit import SETTLE, listener
from sockbehave.scenario import Steps, scenario

#: How often the rebind is tried, and when the scenario stops trying.
POLL_S = 0.5
GIVE_UP_S = 75.0


def _rebindable(net: Net, address: tuple[Any, ...]) -> bool:
    probe = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.bind(address)
    except OSError:
        return False
    finally:
        probe.close()
    return True


def _duration_class(seconds: float) -> str:
    """``immediately``, or the wait rounded to 5 s (the poll adds up to half a second)."""
    return "immediately" if seconds == 0 else f"after ~{5 * round(seconds / 5)} s"


@scenario(
    id="tcp.time-wait-duration",
    title="How long TIME_WAIT keeps a restarted server from binding its port",
    claim="Setting net.ipv4.tcp_fin_timeout = 30 halves how long a server must wait before it can bind its port again.",
    references=(
        "torvalds/linux@v6.12 include/net/tcp.h (TCP_TIMEWAIT_LEN: 60 s, a constant)",
        "https://docs.kernel.org/networking/ip-sysctl.html (tcp_fin_timeout: the FIN_WAIT_2 lifetime of orphans)",
        "RFC 9293 section 3.3.2 (TIME-WAIT lasts 2 x MSL)",
    ),
    exclusive=True,
    slow=True,
)
def time_wait_duration(net: Net, step: Steps) -> None:
    """After the server closes a connection first, that connection sits in TIME_WAIT and a new
    listener without ``SO_REUSEADDR`` cannot bind the port. On Linux TIME_WAIT is the constant
    ``TCP_TIMEWAIT_LEN``, 60 seconds. ``tcp_fin_timeout`` is a different timer (how long an
    orphaned connection may stay in FIN_WAIT_2), so the tutorials' ``tcp_fin_timeout = 30`` does
    not shorten the wait (run this with ``--sysctl net.ipv4.tcp_fin_timeout=30``). The BSDs wait
    2 x MSL (macOS 30 s, FreeBSD 60 s); Windows does not check TIME_WAIT when binding at all.
    The fix is ``SO_REUSEADDR`` on the server socket, not a sysctl. This scenario tries the bind
    every half second for up to 75 s (``slow``: ``sockbehave run --slow``).
    """
    srv = listener(net)
    address = srv.getsockname()
    client = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.connect(address)
    conn, _ = srv.accept()
    conn.close()  # the server closes first: its side goes to TIME_WAIT
    net.sleep(SETTLE)
    client.close()
    srv.close()
    net.sleep(SETTLE)
    start = net.clock()
    while not _rebindable(net, address):
        if net.clock() - start >= GIVE_UP_S:
            step.observe("bind-succeeds", f"not within {GIVE_UP_S:g} s")
            return
        net.sleep(POLL_S)
    waited = net.clock() - start
    step.observe("bind-succeeds", _duration_class(0 if waited < POLL_S else waited))


@scenario(
    id="tcp.tw-reuse-outgoing-connect",
    title="tcp_tw_reuse is about a client's connect(), never a server's bind()",
    claim="Setting net.ipv4.tcp_tw_reuse = 1 lets a restarted server bind a port still in TIME_WAIT.",
    references=(
        "https://docs.kernel.org/networking/ip-sysctl.html (tcp_tw_reuse: reuse TIME-WAIT sockets for new "
        "connections; 2, loopback only, is the default)",
        "torvalds/linux@v6.12 net/ipv4/tcp_ipv4.c (tcp_twsk_unique)",
        "https://man7.org/linux/man-pages/man7/socket.7.html (SO_REUSEADDR)",
    ),
    # Alone in its run, as a second guard: the client's bind() below is what keeps other
    # connections (of this run or of other processes) off the port it rebinds.
    exclusive=True,
)
def tw_reuse_outgoing_connect(net: Net, step: Steps) -> None:
    """TIME_WAIT belongs to whoever closes first; here the *client* does, so its local port is
    held. ``tcp_tw_reuse`` lets Linux take over such a TIME_WAIT connection for a new
    *outgoing* connection to the same peer when TCP timestamps make that safe. It is read only
    when ``connect()`` picks the local port itself, and only once the old connection is a
    second old (``tcp_tw_reuse_delay``); it is never consulted by ``bind()``. So binding the old
    port without ``SO_REUSEADDR`` fails with ``EADDRINUSE`` whatever the sysctl says (the
    same ``EADDRINUSE`` that a restarted server sees). With ``SO_REUSEADDR`` on both sockets
    the bind succeeds, and Linux's ``connect()`` from that explicitly bound port then reuses
    the TIME_WAIT pair at once, again with or without ``tcp_tw_reuse``. The BSDs refuse that
    connect with ``EADDRINUSE``.

    The client binds its ephemeral port before it connects. Had Linux's ``connect()`` picked
    the port, it would hand that port to any later connection, from any process, whose address
    4-tuple differs, TIME_WAIT or not (net/ipv4/inet_hashtables.c, ``__inet_hash_connect``),
    and such a live connection would make the ``SO_REUSEADDR`` rebind fail with ``EADDRINUSE``
    for a reason unrelated to TIME_WAIT. Every other ``connect()`` and ``bind(0)`` skips a port
    that ``bind()`` reserved, so the rebinds below meet only this client's TIME_WAIT connection.
    """
    srv = listener(net, backlog=2)
    client = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    client.bind((net.loopback(socket.AF_INET), 0))  # reserved by bind(): see the docstring
    client.connect(srv.getsockname())
    conn, _ = srv.accept()
    local = client.getsockname()
    client.close()  # the client closes first: its port goes to TIME_WAIT
    net.sleep(SETTLE)
    conn.close()
    net.sleep(SETTLE)
    plain = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    step("rebind-plain", plain.bind, local)
    plain.close()
    again = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    step("rebind-reuseaddr", again.bind, local)
    if again.getsockname()[1] == local[1]:  # bound: connect from the old port to the old peer
        step("connect-same-peer", again.connect, srv.getsockname())
