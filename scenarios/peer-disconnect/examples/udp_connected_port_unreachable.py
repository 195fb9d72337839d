"""udp.connected-port-unreachable: a connected UDP socket learns that nobody listens, on its next recv.

Look at recv: the ICMP "port unreachable" for the datagram surfaces as an error on this
socket, once; recv-again just waits (a timeout).
"""

import socket
import time

# Ask the OS for a free UDP port, then release it: nobody listens there now.
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
    probe.bind(("127.0.0.1", 0))
    address = probe.getsockname()

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
    sock.connect(address)
    sock.settimeout(0.2)
    print("send ->", repr(sock.send(b"ping")))
    time.sleep(0.05)
    for label in ("recv", "recv-again"):
        try:
            print(label, "->", repr(sock.recv(100)))
        except OSError as exc:
            print(label, "->", repr(exc))
