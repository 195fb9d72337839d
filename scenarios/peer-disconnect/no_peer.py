"""Nobody there: connecting to a closed port, and UDP's ICMP "port unreachable"."""

from __future__ import annotations

import socket

from sockbehave.backends.protocol import Net
from sockbehave.kit import BLOCK, SETTLE, closed_port, udp_pair
from sockbehave.scenario import Steps, scenario

#: Long enough to see Windows' connection-refused retries (about 2 s) finish.
REFUSED_WAIT = 3.0


@scenario(
    id="tcp.connect-closed-port-refused",
    exclusive=True,
    title="connect() to a closed loopback port is refused, and how fast",
    claim="Connecting to a port nobody listens on fails immediately.",
    references=(
        "https://man7.org/linux/man-pages/man2/connect.2.html (ECONNREFUSED)",
        "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-connect",
    ),
)
def connect_refused(net: Net, step: Steps) -> None:
    """A SYN to a port with no listener is answered with RST, and ``connect`` raises
    ``ConnectionRefusedError``. On Linux and the BSDs that takes well under a millisecond on
    loopback. Windows treats the RST as a reason to retry the SYN a few times, so the same
    call takes about two seconds there, and a client with a shorter timeout sees a timeout
    rather than a refusal.
    """
    address = closed_port(net)
    client = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.settimeout(REFUSED_WAIT)
    step("connect", client.connect, address, timed=True)


@scenario(
    id="udp.connected-port-unreachable",
    exclusive=True,
    title="A connected UDP socket learns that nobody listens, on its next recv",
    claim="UDP gives no feedback: sendto to a closed port simply disappears.",
    references=(
        "https://man7.org/linux/man-pages/man7/udp.7.html (ERRORS, IP_RECVERR)",
        "https://man7.org/linux/man-pages/man2/connect.2.html",
    ),
)
def udp_connected_unreachable(net: Net, step: Steps) -> None:
    """UDP itself is silent, but the IP layer is not: a datagram to a closed port draws an
    ICMP "port unreachable". A *connected* UDP socket has a single peer, so the kernel can
    pin that error on it: the next ``recv`` raises ``ConnectionRefusedError``, once. After
    that the socket is usable again.
    """
    sock = net.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.connect(closed_port(net, type=socket.SOCK_DGRAM))
    sock.settimeout(BLOCK)
    step("send", sock.send, b"ping")
    net.sleep(SETTLE)
    step("recv", sock.recv, 100)
    step("recv-again", sock.recv, 100)


@scenario(
    id="udp.unconnected-port-unreachable",
    exclusive=True,
    title="An unconnected UDP socket and ICMP port unreachable",
    claim="UDP errors never show up on the socket that caused them.",
    references=(
        "https://man7.org/linux/man-pages/man7/udp.7.html",
        "https://learn.microsoft.com/en-us/windows/win32/winsock/winsock-ioctls (SIO_UDP_CONNRESET)",
    ),
)
def udp_unconnected_unreachable(net: Net, step: Steps) -> None:
    """On an unconnected UDP socket the kernel has no single peer to blame for an ICMP error.
    Linux and the BSDs drop the error, so ``recvfrom`` just waits. Windows reports it anyway,
    as ``ConnectionResetError`` on the next ``recvfrom`` (``SIO_UDP_CONNRESET`` is on by
    default), which is why UDP servers on Windows crash on one bad client.
    """
    sender, _ = udp_pair(net)
    sender.settimeout(BLOCK)
    step("sendto", sender.sendto, b"ping", closed_port(net, type=socket.SOCK_DGRAM))
    net.sleep(SETTLE)
    step("recvfrom", sender.recvfrom, 100)
