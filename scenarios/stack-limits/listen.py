"""Accept queues under load: how many connections a huge backlog really lets complete, and
when a client whose SYN was dropped at a full queue gets in."""

from __future__ import annotations

import socket
from typing import Any

from sockbehave.backends.protocol import Net
from sockbehave.kit import connect_clients, listener
from sockbehave.scenario import Steps, scenario

_LISTEN_2 = "https://man7.org/linux/man-pages/man2/listen.2.html (NOTES: somaxconn)"
_WINSOCK_LISTEN = "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-listen (SOMAXCONN)"

#: How long one client may wait for its handshake before the queue counts as full: shorter than
#: any SYN retransmission (1 s), longer than a loopback handshake on a busy machine.
CONNECT_WAIT = 0.3
#: Stop after this many clients: a count of 1200 means "1200 or more". Above gVisor's 1025 and
#: below Linux's default somaxconn of 4096.
MAX_CLIENTS = 1200
#: When the late clients' connections are accepted, in seconds after they started.
ACCEPT_AT = (0.5, 1.5, 2.5, 4.5)
#: The late clients give up after this long (kept under the runner's per-scenario deadline).
LATE_CONNECT_WAIT = 8.0


@scenario(
    id="tcp.listen-large-backlog",
    title="listen() with a huge backlog: how many connections complete before accept()",
    claim="listen(1000000) lets a million clients queue up before the server accepts.",
    references=(_LISTEN_2, _WINSOCK_LISTEN),
)
def large_backlog(net: Net, step: Steps) -> None:
    """The backlog you pass is a wish. Each stack clamps it: Linux to ``net.core.somaxconn``
    (4096 by default since Linux 5.4, so more than the 1200 clients this scenario tries),
    gVisor to 1024 (1025 connections complete), macOS and FreeBSD to their ``somaxconn``
    (128 by default). Each client closes its end once connected, which does not take its
    connection out of the queue: only ``accept`` does.
    """
    srv = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind((net.loopback(), 0))
    step("listen-1000000", srv.listen, 1_000_000)
    completed = connect_clients(net, srv.getsockname(), MAX_CLIENTS, CONNECT_WAIT, keep_open=False)
    step.observe("completed-before-accept", completed)


def _fill(net: Net) -> socket.socket:
    """A listen(1) listener whose accept queue is full: clients connect until one cannot."""
    srv = listener(net, backlog=1)
    connect_clients(net, srv.getsockname(), 10, CONNECT_WAIT, keep_open=False)
    return srv


def _late_client(net: Net, address: Any, started: float) -> str:
    client = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.settimeout(LATE_CONNECT_WAIT)
    try:
        client.connect(address)
    except socket.timeout:
        return "timeout"
    except OSError as exc:
        return type(exc).__name__
    return f"~{round(net.clock() - started)}s"


@scenario(
    id="tcp.syn-retry-schedule-full-queue",
    title="A client refused a place in a full accept queue gets in at its next SYN retry",
    claim="A client connects as soon as the server calls accept() and frees a place in the queue.",
    references=(
        _LISTEN_2,
        "https://datatracker.ietf.org/doc/html/rfc6298 (section 2: the initial RTO of 1 s, doubled on each retry)",
        "https://docs.kernel.org/networking/ip-sysctl.html (tcp_syn_linear_timeouts)",
    ),
    slow=True,
)
def syn_retry_schedule(net: Net, step: Steps) -> None:
    """When the accept queue is full, Linux (and gVisor, and macOS) silently drop a new
    client's SYN. The client does not know the server freed a place later: it only gets in
    when it retransmits its SYN, so an ``accept`` at 1.5 s lets it in only at the next retry.

    The retry schedule is the stack's: native Linux 6.x retries every second for the first
    retries (``tcp_syn_linear_timeouts``), so the client gets in about a second after the
    accept at most (1, 2, 3 and 5 s for accepts at 0.5, 1.5, 2.5 and 4.5 s). gVisor doubles
    the wait from 1 s (retries at 1, 3, 7 s), so the same accepts let it in at 1, 3, 3 and 7 s.
    Each step is a late client's connect time rounded to whole seconds. It takes about 7 s.
    """
    servers = [_fill(net) for _ in ACCEPT_AT]
    started = net.clock()
    peers = [net.spawn(_late_client, net, srv.getsockname(), started) for srv in servers]
    for at, srv in zip(ACCEPT_AT, servers):
        net.sleep(max(0.0, started + at - net.clock()))
        conn, _ = srv.accept()
        conn.close()
    for at, peer in zip(ACCEPT_AT, peers):
        step.observe(f"accept-at-{round(at * 1000)}ms", peer.join(LATE_CONNECT_WAIT + 2))
