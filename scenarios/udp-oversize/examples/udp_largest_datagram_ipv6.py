"""udp.largest-datagram-ipv6: the largest UDP datagram over IPv6 is 65527 bytes.

Look at sendto-65527: 20 bytes more than IPv4 allows, because IPv6's length field does
not count its own header. One byte more (sendto-65528) fails with EMSGSIZE. macOS and
FreeBSD refuse both by default (net.inet.udp.maxdgram).
"""

import socket

try:
    sender = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    receiver = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
except OSError as exc:
    print("no IPv6 here:", repr(exc))
    raise SystemExit(0) from None

with sender, receiver:
    try:
        sender.bind(("::1", 0))
        receiver.bind(("::1", 0))
    except OSError as exc:
        print("no IPv6 loopback here:", repr(exc))
        raise SystemExit(0) from None
    receiver.settimeout(0.2)
    for size in (65527, 65528):
        try:
            print(f"sendto-{size} ->", repr(sender.sendto(b"u" * size, receiver.getsockname()[:2])))
        except OSError as exc:
            print(f"sendto-{size} ->", repr(exc))
            continue
        try:
            print(f"recv-{size} ->", len(receiver.recv(65535)))
        except OSError as exc:
            print(f"recv-{size} ->", repr(exc))
