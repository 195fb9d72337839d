"""udp.sendto-empty: UDP sendto(b'') delivers an empty datagram, so b'' does not mean closed.

Look at recvfrom: it returns (b'', address), a real message with no payload. A receive
loop that stops on b'' would quit here although nothing was closed.
"""

import socket

with socket.socket(type=socket.SOCK_DGRAM) as sender, socket.socket(type=socket.SOCK_DGRAM) as receiver:
    sender.bind(("127.0.0.1", 0))
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(0.2)
    print("sendto-empty ->", repr(sender.sendto(b"", receiver.getsockname())))
    print("recvfrom ->", repr(receiver.recvfrom(100)))
    sender.sendto(b"after", receiver.getsockname())
    print("recvfrom-next ->", repr(receiver.recvfrom(100)))
