"""After shutdown(): what getpeername() still says, and what becomes of data sent to a socket
that shut its reading side."""

from __future__ import annotations

import socket
from typing import Any

from sockbehave.backends.protocol import Net
from sockbehave.kit import BLOCK, SETTLE, linger, tcp_pair
from sockbehave.scenario import Steps, scenario


def _is_peer(sock: socket.socket, peer: Any) -> bool:
    """getpeername() names the peer (the address itself changes from run to run)."""
    return bool(sock.getpeername() == peer)


@scenario(
    id="tcp.getpeername-after-shutdown",
    title="getpeername() after shutdown(): the peer's address on Linux, EINVAL on macOS",
    claim="getpeername() names the peer for as long as the socket is open.",
    references=(
        "https://man7.org/linux/man-pages/man2/getpeername.2.html",
        "https://man.freebsd.org/cgi/man.cgi?query=getpeername&sektion=2",
    ),
)
def getpeername_after_shutdown(net: Net, step: Steps) -> None:
    """Logging code often asks a socket who its peer is while it closes the connection. Linux
    and FreeBSD answer until the connection is gone (then ``ENOTCONN``). macOS refuses with
    ``EINVAL`` as soon as the socket can neither send nor receive any more, which a
    ``shutdown(SHUT_RDWR)`` does at once, even though the connection is still there. Take the
    peer's address when the connection starts, not when it ends.
    """
    client, server = tcp_pair(net)
    peer = server.getsockname()
    step("connected", _is_peer, client, peer)
    client.shutdown(socket.SHUT_RDWR)
    net.sleep(SETTLE)
    step("after-shutdown-rdwr", _is_peer, client, peer)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger(net, True, 0))
    server.close()  # resets the connection
    net.sleep(SETTLE)
    step("after-peer-reset", _is_peer, client, peer)


@scenario(
    id="tcp.shutdown-rd-then-data",
    title="After shutdown(SHUT_RD) data still arrives: Linux keeps it, FreeBSD drops it, macOS resets",
    claim="shutdown(SHUT_RD) tells the peer to stop sending.",
    references=(
        "https://man7.org/linux/man-pages/man2/shutdown.2.html",
        "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown",
    ),
)
def shutdown_rd_then_data(net: Net, step: Steps) -> None:
    """``shutdown(SHUT_RD)`` sends nothing: the peer is not told, and may go on sending. What
    the data then meets is the OS's choice. Linux keeps what was queued and queues what comes
    later, and ``recv`` still returns it. FreeBSD and macOS throw away what was queued.
    FreeBSD then drops new data silently; macOS answers it with a reset, so the sender's next
    ``send`` fails. Windows documents a reset for queued and new data alike.
    """
    client, server = tcp_pair(net)
    client.settimeout(BLOCK)
    server.sendall(b"queued")
    net.sleep(SETTLE)
    step("shutdown-rd", client.shutdown, socket.SHUT_RD)
    step("recv-queued", client.recv, 100)
    step("peer-send-later", server.send, b"later")
    net.sleep(SETTLE)
    step("recv-later", client.recv, 100)
    step("peer-send-again", server.send, b"again")
