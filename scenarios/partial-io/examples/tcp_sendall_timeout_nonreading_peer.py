"""tcp.sendall-timeout-nonreading-peer: sendall() to a peer that does not read times out, with an unknown amount sent.

Look at sendall: with a 0.2 s timeout it raises a timeout on Linux and macOS after sending
an unknown part of the 64 MiB; the connection should then be closed.
"""

import socket

FLOOD = 64 * 1024 * 1024

with socket.create_server(("127.0.0.1", 0)) as listener:
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()

with client, server:  # the server never reads
    client.settimeout(0.2)
    try:
        client.sendall(bytes(FLOOD))
        print("sendall -> None")
    except OSError as exc:
        print("sendall ->", repr(exc))
