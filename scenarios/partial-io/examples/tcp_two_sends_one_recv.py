"""tcp.two-sends-one-recv: two sends can arrive as one recv (the 'sticky packet' problem).

Look at recv: one call returns b'abcdef', both sends at once, with nothing marking where
the first ended. Protocols need framing (a delimiter or a length prefix).
"""

import socket
import time

with socket.create_server(("127.0.0.1", 0)) as listener:
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()

with client, server:
    server.settimeout(0.2)
    client.send(b"abc")
    client.send(b"def")
    time.sleep(0.05)
    print("recv ->", repr(server.recv(1024)))
