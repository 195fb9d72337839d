"""udp.recv-buffer-smaller-than-datagram: recv with a buffer smaller than the datagram: truncation or error, and the rest is gone.

Look at recv-4 (the first 4 bytes on Linux and macOS, an error on Windows) and recv-rest:
it times out, because the rest of the datagram was discarded.
"""

import socket

with socket.socket(type=socket.SOCK_DGRAM) as sender, socket.socket(type=socket.SOCK_DGRAM) as receiver:
    sender.bind(("127.0.0.1", 0))
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(0.2)
    sender.sendto(b"0123456789abcdef", receiver.getsockname())
    for label, size in (("recv-4", 4), ("recv-rest", 100)):
        try:
            print(label, "->", repr(receiver.recv(size)))
        except OSError as exc:
            print(label, "->", repr(exc))
