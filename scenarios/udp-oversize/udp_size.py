"""UDP datagram sizes: the real limits, truncation, and the "1472 bytes" myth."""

from __future__ import annotations

import socket

from sockbehave.backends.protocol import Net
from sockbehave.kit import BLOCK, udp_pair
from sockbehave.scenario import Steps, scenario

BIG = 65535


def _send_and_receive(net: Net, step: Steps, family: int, sizes: tuple[int, ...]) -> None:
    sender, receiver = udp_pair(net, family)
    receiver.settimeout(BLOCK)
    for size in sizes:
        step(f"sendto-{size}", sender.sendto, b"u" * size, receiver.getsockname())
        step(f"recv-{size}", lambda: len(receiver.recv(BIG)))


@scenario(
    id="udp.recv-buffer-smaller-than-datagram",
    title="recv with a buffer smaller than the datagram: truncation or error, and the rest is gone",
    claim="If the buffer is too small, the rest of the datagram is returned by the next recv.",
    references=(
        "https://man7.org/linux/man-pages/man7/udp.7.html (MSG_TRUNC)",
        "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-recvfrom (WSAEMSGSIZE)",
    ),
)
def recv_buffer_too_small(net: Net, step: Steps) -> None:
    """A datagram is read whole or not at all. With a buffer smaller than the datagram, POSIX
    systems return the first bytes and silently discard the rest; Windows raises ``OSError``
    with ``WSAEMSGSIZE``. Either way the datagram is consumed: the next ``recv`` does not
    get the remainder, it waits for the next datagram.
    """
    sender, receiver = udp_pair(net)
    receiver.settimeout(BLOCK)
    sender.sendto(b"0123456789abcdef", receiver.getsockname())
    step("recv-4", receiver.recv, 4)
    step("recv-rest", receiver.recv, 100)


@scenario(
    id="udp.largest-datagram-ipv4",
    title="The largest UDP datagram over IPv4 is 65507 bytes, and smaller on macOS by default",
    claim="A UDP datagram can carry at most 1472 bytes.",
    references=(
        "RFC 768; RFC 791 (total length 65535 - 20 byte IP header - 8 byte UDP header = 65507)",
        "https://man7.org/linux/man-pages/man7/udp.7.html",
    ),
)
def largest_ipv4(net: Net, step: Steps) -> None:
    """The IPv4 total-length field is 16 bits, so a datagram can carry 65535 - 20 - 8 = 65507
    bytes of payload; one byte more fails with ``EMSGSIZE`` before anything is sent. macOS and
    FreeBSD have a lower default cap for sendto (``net.inet.udp.maxdgram``, 9216 bytes), so
    code that works on Linux can fail there with the same error.
    """
    _send_and_receive(net, step, socket.AF_INET, (9216, 9217, 65507))
    sender = net.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.bind((net.loopback(), 0))
    step("sendto-65508", sender.sendto, b"u" * 65508, sender.getsockname())


@scenario(
    id="udp.largest-datagram-ipv6",
    title="The largest UDP datagram over IPv6 is 65527 bytes",
    claim="UDP over IPv6 has the same size limit as over IPv4.",
    references=("RFC 8200 section 3 (payload length excludes the 40-byte header)", "RFC 2675 (jumbograms)"),
)
def largest_ipv6(net: Net, step: Steps) -> None:
    """IPv6's payload-length field does not count the 40-byte IPv6 header, so UDP over IPv6
    fits 65535 - 8 = 65527 bytes, 20 more than IPv4. (Jumbograms go further, but not on a
    loopback you did not configure for them.)
    """
    _send_and_receive(net, step, socket.AF_INET6, (65527,))
    sender = net.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sender.bind((net.loopback(socket.AF_INET6), 0))
    step("sendto-65528", sender.sendto, b"u" * 65528, sender.getsockname()[:2])


@scenario(
    id="udp.1472-is-not-a-limit",
    title="1472 bytes is Ethernet's unfragmented payload, not a UDP limit",
    claim="UDP can carry at most 1472 bytes per datagram.",
    references=("RFC 894 (IP over Ethernet, 1500-byte MTU)", "RFC 791 (fragmentation)"),
)
def not_a_limit(net: Net, step: Steps) -> None:
    """1472 = 1500 (Ethernet MTU) - 20 (IPv4 header) - 8 (UDP header): the largest payload
    that crosses one Ethernet hop without IP fragmentation. It is a performance and
    reliability guideline (a lost fragment loses the whole datagram), not a limit: larger
    datagrams are sent, fragmented if needed, and arrive whole.
    """
    _send_and_receive(net, step, socket.AF_INET, (1472, 1473, 8000))
