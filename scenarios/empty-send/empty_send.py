"""Empty sends and empty reads: b'' is not always the end of the conversation."""

from __future__ import annotations

from sockbehave.backends.protocol import Net
from sockbehave.kit import BLOCK, tcp_pair, udp_pair
from sockbehave.scenario import Steps, scenario


@scenario(
    id="tcp.send-empty",
    title="TCP send(b'') returns 0 and the peer receives nothing",
    claim="Sending empty bytes on a TCP socket sends an empty message that the other side receives as b''.",
    references=(
        "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-send",
        "https://man7.org/linux/man-pages/man2/send.2.html",
    ),
)
def tcp_send_empty(net: Net, step: Steps) -> None:
    """TCP is a byte stream with no message boundaries, so there is no "empty message" to send.

    ``send(b'')`` succeeds and reports 0 bytes sent, but nothing reaches the peer: its
    ``recv`` keeps waiting. The stream is still open and the next real byte arrives normally.
    A server that loops until ``recv`` returns ``b''`` is not fooled by empty sends, but a
    client that "signals" with an empty send has signalled nothing.
    """
    client, server = tcp_pair(net)
    step("send-empty", client.send, b"")
    step("sendall-empty", client.sendall, b"")
    server.settimeout(BLOCK)
    step("peer-recv", server.recv, 100)
    client.send(b"x")
    step("peer-recv-after-real-send", server.recv, 100)


@scenario(
    id="udp.sendto-empty",
    title="UDP sendto(b'') delivers an empty datagram, so b'' does not mean closed",
    claim="recv returning b'' means the other side has gone away, on any kind of socket.",
    references=(
        "https://man7.org/linux/man-pages/man7/udp.7.html",
        "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-recvfrom",
    ),
)
def udp_sendto_empty(net: Net, step: Steps) -> None:
    """UDP keeps message boundaries, and a zero-length datagram is a real message.

    ``sendto(b'', addr)`` returns 0 and the receiver gets a datagram with no payload:
    ``recvfrom`` returns ``(b'', addr)``. On UDP there is no connection, so ``b''`` cannot
    mean "closed"; a receive loop that stops on ``b''`` quits on a legitimate packet.
    """
    sender, receiver = udp_pair(net)
    receiver.settimeout(BLOCK)
    step("sendto-empty", sender.sendto, b"", receiver.getsockname())
    step("recvfrom", receiver.recvfrom, 100)
    sender.sendto(b"after", receiver.getsockname())
    step("recvfrom-next", receiver.recvfrom, 100)


@scenario(
    id="tcp.recv-zero-bytes",
    title="TCP recv(0) returns b'' at once on an open connection",
    claim="If recv returns b'', the connection is closed.",
    references=("https://man7.org/linux/man-pages/man2/recv.2.html",),
)
def tcp_recv_zero(net: Net, step: Steps) -> None:
    """Asking for zero bytes gets zero bytes: ``recv(0)`` returns ``b''`` without waiting,
    even though the connection is open and data is waiting.

    The rule "``b''`` means the peer closed" only holds when you asked for at least one byte.
    (CPython answers ``recv(0)`` itself, without asking the OS, so this holds on every OS,
    even on a socket that is already closed.)
    """
    client, server = tcp_pair(net)
    client.sendall(b"data")
    server.settimeout(BLOCK)
    step("recv-zero", server.recv, 0)
    step("recv-after", server.recv, 100)
