"""udp.1472-is-not-a-limit: 1472 bytes is Ethernet's unfragmented payload, not a UDP limit.

Look at the sizes: datagrams of 1473 and 8000 bytes are sent and arrive whole, just like
1472. (sendto-N prints what sendto returned, recv-N how many bytes one recv got.)
"""

import socket

with socket.socket(type=socket.SOCK_DGRAM) as sender, socket.socket(type=socket.SOCK_DGRAM) as receiver:
    sender.bind(("127.0.0.1", 0))
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(0.2)
    for size in (1472, 1473, 8000):
        print(f"sendto-{size} ->", repr(sender.sendto(b"u" * size, receiver.getsockname())))
        print(f"recv-{size} ->", len(receiver.recv(65535)))
