"""Helpers for scenario authors: the setup every scenario repeats, written once as plain socket code.

Owns: nothing a scenario observes. These helpers only build connections and encode option
values; a scenario wraps the calls it wants to observe in ``step(...)`` itself. Everything
goes through ``net``, so scenarios using the kit still run on any backend.
"""

from __future__ import annotations

import socket
import struct
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .backends.protocol import Net

__all__ = ["BLOCK", "SETTLE", "closed_port", "connect_clients", "linger", "listener", "tcp_pair", "udp_pair"]

#: How long a scenario waits for a call it expects to block. The outcome is then ``timeout``.
BLOCK = 0.2
#: How long a scenario lets in-flight segments (a FIN, an RST, an ICMP error) arrive.
SETTLE = 0.05


def linger(net: Net, on: bool, seconds: int) -> bytes:
    """The ``SO_LINGER`` option value for the OS ``net`` shows: two ints on POSIX, two unsigned
    shorts on Windows. The layout is per-OS data, kept (with its source) in the OS profiles."""
    from .sim.profiles import get_profile

    return struct.pack(get_profile(net.os).linger_format, int(on), seconds)


def listener(net: Net, family: int = socket.AF_INET, backlog: int = 1, reuseaddr: bool = False) -> socket.socket:
    """A TCP socket listening on an ephemeral loopback port."""
    srv = net.socket(family, socket.SOCK_STREAM)
    if reuseaddr:
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((net.loopback(family), 0))
    srv.listen(backlog)
    return srv


def connect_clients(
    net: Net, address: tuple[Any, ...], limit: int, wait: float, keep_open: bool = True, family: int = socket.AF_INET
) -> int:
    """Connect up to ``limit`` TCP clients to ``address``, each waiting at most ``wait`` seconds,
    until one cannot; return how many connected. With ``keep_open=False`` each client closes
    again once connected (its connection stays in the listener's accept queue), so a scenario
    can count past its descriptor budget."""
    completed = 0
    for _ in range(limit):
        client = net.socket(family, socket.SOCK_STREAM)
        client.settimeout(wait)
        try:
            client.connect(address)
        except OSError:
            client.close()
            break
        completed += 1
        if not keep_open:
            client.close()
    return completed


def tcp_pair(net: Net, family: int = socket.AF_INET) -> tuple[socket.socket, socket.socket]:
    """A connected TCP pair ``(client, server_side)``; the listener is closed again."""
    srv = listener(net, family)
    client = net.socket(family, socket.SOCK_STREAM)
    client.connect(srv.getsockname())
    server_side, _ = srv.accept()
    srv.close()
    return client, server_side


def udp_pair(net: Net, family: int = socket.AF_INET) -> tuple[socket.socket, socket.socket]:
    """Two UDP sockets bound to ephemeral loopback ports ``(sender, receiver)``."""
    a = net.socket(family, socket.SOCK_DGRAM)
    b = net.socket(family, socket.SOCK_DGRAM)
    a.bind((net.loopback(family), 0))
    b.bind((net.loopback(family), 0))
    return a, b


def closed_port(net: Net, family: int = socket.AF_INET, type: int = socket.SOCK_STREAM) -> tuple[Any, ...]:
    """A loopback address nothing listens on: a port the OS just handed out, released again.

    Another socket may be given the same port a moment later, so a scenario using this must be
    declared ``@scenario(..., exclusive=True)``: the runner then runs it alone.
    """
    s = net.socket(family, type)
    s.bind((net.loopback(family), 0))
    address: tuple[Any, ...] = s.getsockname()
    s.close()
    return address
