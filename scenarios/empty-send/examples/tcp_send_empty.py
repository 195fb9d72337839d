"""tcp.send-empty: TCP send(b'') returns 0 and the peer receives nothing.

Look at peer-recv: an empty send puts nothing on the wire, so the peer's recv waits
until its timeout instead of returning b''. The next real byte arrives normally.
"""

import socket

with socket.create_server(("127.0.0.1", 0)) as listener:
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()

with client, server:
    print("send-empty ->", repr(client.send(b"")))
    client.sendall(b"")  # returns None once every byte (here: none) is sent
    print("sendall-empty -> None")
    server.settimeout(0.2)
    try:
        print("peer-recv ->", repr(server.recv(100)))
    except OSError as exc:  # a timeout: nothing was sent
        print("peer-recv ->", repr(exc))
    client.send(b"x")
    print("peer-recv-after-real-send ->", repr(server.recv(100)))
