"""tcp.send-short-count: send() may take fewer bytes than given; exactly that many arrive.

Look at send-returned-short: a 16 MiB send with a timeout, to a peer that is not reading yet,
returns a short count on Linux, macOS and FreeBSD (Windows usually takes it whole). Either
way peer-received-exactly-sent is True: the count is the truth about what was delivered.
"""

import socket

PATTERN = bytes(range(256)) * (64 * 1024)  # 16 MiB

with socket.create_server(("127.0.0.1", 0)) as listener:
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()

with client, server:
    client.settimeout(0.2)
    sent = client.send(PATTERN)
    print("  send() returned", sent, "of", len(PATTERN), "bytes")
    print("send-returned-short ->", repr(0 < sent < len(PATTERN)))
    client.shutdown(socket.SHUT_WR)
    server.settimeout(2.0)
    parts = []
    while True:
        chunk = server.recv(1 << 20)
        if not chunk:
            break
        parts.append(chunk)
    received = b"".join(parts)
    print("  the peer received", len(received), "bytes")
    print("peer-received-exactly-sent ->", repr(received == PATTERN[:sent]))
