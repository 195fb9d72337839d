"""udp.largest-datagram-ipv4: the largest UDP datagram over IPv4 is 65507 bytes, and smaller on macOS by default.

Look at sendto-65507 (works on Linux and Windows) and sendto-65508 (EMSGSIZE everywhere).
On macOS and FreeBSD everything above 9216 bytes fails by default (net.inet.udp.maxdgram).
"""

import socket

with socket.socket(type=socket.SOCK_DGRAM) as sender, socket.socket(type=socket.SOCK_DGRAM) as receiver:
    sender.bind(("127.0.0.1", 0))
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(0.2)
    for size in (9216, 9217, 65507, 65508):
        try:
            print(f"sendto-{size} ->", repr(sender.sendto(b"u" * size, receiver.getsockname())))
        except OSError as exc:
            print(f"sendto-{size} ->", repr(exc))
            continue
        try:
            print(f"recv-{size} ->", len(receiver.recv(65535)))
        except OSError as exc:
            print(f"recv-{size} ->", repr(exc))
