"""udp.unconnected-port-unreachable: an unconnected UDP socket and ICMP port unreachable.

Look at recvfrom: Linux and the BSDs drop the ICMP error, so it times out; Windows
raises ConnectionResetError, which is how one bad client can stop a UDP server there.
"""

import socket
import time

# Ask the OS for a free UDP port, then release it: nobody listens there now.
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
    probe.bind(("127.0.0.1", 0))
    address = probe.getsockname()

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
    sender.bind(("127.0.0.1", 0))
    sender.settimeout(0.2)
    print("sendto ->", repr(sender.sendto(b"ping", address)))
    time.sleep(0.05)
    try:
        print("recvfrom ->", repr(sender.recvfrom(100)))
    except OSError as exc:
        print("recvfrom ->", repr(exc))
