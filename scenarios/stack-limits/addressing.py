"""Address rules a kernel setting changes: the IPV6_V6ONLY default, and the self-connect a
one-port ephemeral range makes possible."""

from __future__ import annotations

import socket

from sockbehave.backends.protocol import Net
from sockbehave.kit import closed_port
from sockbehave.scenario import Steps, scenario

#: The IPv4 loopback address written as an IPv6 address (RFC 4291 section 2.5.5.2).
V4_MAPPED_LOOPBACK = "::ffff:127.0.0.1"


@scenario(
    id="tcp.ipv6-v6only-default",
    title="Does an AF_INET6 listener take IPv4 clients? The IPV6_V6ONLY default decides",
    claim="A server listening on IPv6 also accepts IPv4 clients.",
    references=(
        "https://man7.org/linux/man-pages/man7/ipv6.7.html (IPV6_V6ONLY; /proc/sys/net/ipv6/bindv6only)",
        "https://datatracker.ietf.org/doc/html/rfc3493 (section 5.3: IPV6_V6ONLY)",
        "https://learn.microsoft.com/en-us/windows/win32/winsock/dual-stack-sockets",
    ),
)
def v6only_default(net: Net, step: Steps) -> None:
    """An ``AF_INET6`` socket can serve IPv4 clients too, seeing them as v4-mapped addresses
    (``::ffff:127.0.0.1``), but only while its ``IPV6_V6ONLY`` option is 0. Its default is a
    per-OS setting: 0 on Linux (unless ``net.ipv6.bindv6only=1``) and macOS, 1 on FreeBSD and
    Windows. A dual-stack server that relies on the default works on one machine and not on
    the next.

    The usual demonstration binds ``[::]``, which this tool never does (the real backend binds
    loopback only), so the listener binds the v4-mapped loopback ``::ffff:127.0.0.1``: that
    asks the same question, because a socket with ``IPV6_V6ONLY`` set may not bind an IPv4
    address at all. Where the machine has no IPv6, creating the socket says so.
    """
    srv = step("socket-inet6", net.socket, socket.AF_INET6, socket.SOCK_STREAM)
    if srv is None:
        return
    step("v6only-default", srv.getsockopt, socket.IPPROTO_IPV6, socket.IPV6_V6ONLY)
    step("bind-v4-mapped", srv.bind, (V4_MAPPED_LOOPBACK, 0))
    if srv.getsockname()[1] == 0:  # the bind failed: no IPv4 client can reach this socket
        return
    srv.listen(1)
    client = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.settimeout(1.0)
    step("ipv4-client-connect", client.connect, ("127.0.0.1", srv.getsockname()[1]))


@scenario(
    id="tcp.self-connect-tiny-port-range",
    title="Connecting to a port that was just closed: refused, or connected to itself",
    claim="connect() to a port nothing listens on is always refused.",
    references=(
        "https://docs.kernel.org/networking/ip-sysctl.html (ip_local_port_range)",
        "https://datatracker.ietf.org/doc/html/rfc9293 (section 3.5: simultaneous open)",
    ),
    exclusive=True,
)
def self_connect(net: Net, step: Steps) -> None:
    """A client that does not bind gets an ephemeral source port. If that happens to be the
    port it connects to, its SYN reaches itself, TCP's simultaneous open completes, and the
    socket is connected to itself: ``connect`` succeeds with nobody listening, and whatever it
    sends it reads back. With the normal range this scenario is refused (Linux even prefers
    odd ports for ``bind`` and even ones for ``connect``). With a one-port range
    (``net.ipv4.ip_local_port_range="P P"``) the just-closed port is the only one left, and
    the connect meets itself. Test suites that "find a free port" and connect to it later
    sometimes hit this.
    """
    address = closed_port(net)
    client = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.settimeout(3.0)  # Windows reports a refusal only after about 2 s of SYN retries
    step("connect-to-closed-port", client.connect, address)
    try:
        itself = client.getsockname() == client.getpeername()
    except OSError:
        itself = False
    step.observe("connected-to-itself", itself)
