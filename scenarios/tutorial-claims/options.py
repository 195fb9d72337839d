"""What ``getsockopt`` says about an on/off option you set: the tutorials' option table reads
as if it gives back what you gave it."""

from __future__ import annotations

import socket

from sockbehave.backends.protocol import Net
from sockbehave.scenario import Steps, scenario


@scenario(
    id="tcp.getsockopt-flag-value",
    title="getsockopt() of an on/off option: 1 on Linux and Windows, the option's flag bit on macOS and FreeBSD",
    claim="After setsockopt(SOL_SOCKET, SO_REUSEADDR, 1), getsockopt(SOL_SOCKET, SO_REUSEADDR) returns 1.",
    references=(
        "https://man7.org/linux/man-pages/man7/socket.7.html (SO_REUSEADDR, SO_KEEPALIVE: boolean integer flags)",
        "https://man.freebsd.org/cgi/man.cgi?query=getsockopt&sektion=2 (a boolean option is enabled by any "
        "non-zero value; the page does not say what reading it returns)",
        "https://learn.microsoft.com/en-us/windows/win32/winsock/sol-socket-socket-options",
    ),
)
def getsockopt_flag_value(net: Net, step: Steps) -> None:
    """``getsockopt`` of an on/off option is only promised to be *nonzero* when the option is
    on. Linux and Windows read back 1. macOS and FreeBSD read back the option's bit in the
    socket's option word: 4 for ``SO_REUSEADDR``, 8 for ``SO_KEEPALIVE``, 4 for
    ``TCP_NODELAY``. So ``if s.getsockopt(...) == 1`` is false on a Mac for an option that is
    on; test the value for truth instead. Windows has its own twist: it reads only the first
    byte of ``SO_KEEPALIVE`` and ``TCP_NODELAY``, so setting them to 256 turns them *off*,
    where every other stack takes any nonzero int as on.
    """
    s = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    step("reuseaddr-after-set-1", s.getsockopt, socket.SOL_SOCKET, socket.SO_REUSEADDR)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    step("keepalive-after-set-1", s.getsockopt, socket.SOL_SOCKET, socket.SO_KEEPALIVE)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    step("nodelay-after-set-1", s.getsockopt, socket.IPPROTO_TCP, socket.TCP_NODELAY)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 256)
    step("nodelay-after-set-256", s.getsockopt, socket.IPPROTO_TCP, socket.TCP_NODELAY)
    s.close()
