"""tcp.nonblocking-send-partial: a non-blocking send accepts fewer bytes than it was given.

Look at the first send: it returns fewer bytes than the 64 MiB it was given (on Linux and
macOS). Once the buffers are full, the next send raises BlockingIOError.
"""

import socket

FLOOD = 64 * 1024 * 1024

with socket.create_server(("127.0.0.1", 0)) as listener:
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()

with client, server:  # the server never reads
    client.setblocking(False)
    sent = client.send(bytes(FLOOD))
    print(f"first send took {sent} of {FLOOD} bytes")
    print("first-send-was-partial ->", 0 < sent < FLOOD)
    try:
        for _ in range(10_000):
            client.send(bytes(65536))
        print("send-when-full -> never raised")
    except OSError as exc:
        print("send-when-full ->", repr(exc))
