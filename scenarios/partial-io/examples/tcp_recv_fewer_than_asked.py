"""tcp.recv-fewer-than-asked: recv(n) returns what has arrived, often fewer than n bytes.

Look at recv-1024: it returns the 5 bytes that are there, not 1024. n is a maximum,
so reading a fixed-size record takes a loop.
"""

import socket

with socket.create_server(("127.0.0.1", 0)) as listener:
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()

with client, server:
    server.settimeout(0.2)
    client.sendall(b"hello")
    print("recv-1024 ->", repr(server.recv(1024)))
