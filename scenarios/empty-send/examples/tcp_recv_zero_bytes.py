"""tcp.recv-zero-bytes: TCP recv(0) returns b'' at once on an open connection.

Look at recv-zero: it returns b'' although the connection is open and data is waiting,
so "b'' means closed" only holds when you asked for at least one byte.
"""

import socket

with socket.create_server(("127.0.0.1", 0)) as listener:
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()

with client, server:
    client.sendall(b"data")
    server.settimeout(0.2)
    print("recv-zero ->", repr(server.recv(0)))
    print("recv-after ->", repr(server.recv(100)))
