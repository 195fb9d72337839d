"""tcp.length-prefix-framing: length-prefix framing recovers messages however the bytes are split.

Look at unframed-recv (on Linux three messages come out as one blob of 103 bytes) and framed-recv:
with a 4-byte length before each message, the reader gets the same three messages back.
"""

import socket
import struct
import time

MESSAGES = [b"one", b"", b"three" * 20]


def recv_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("the stream ended inside a message")
        data += chunk
    return data


with socket.create_server(("127.0.0.1", 0)) as listener:
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()

with client, server:
    server.settimeout(0.2)
    for message in MESSAGES:
        client.sendall(message)
    time.sleep(0.05)
    print("unframed-recv ->", len(server.recv(4096)))

    wire = b"".join(struct.pack("!I", len(m)) + m for m in MESSAGES)
    for cut in (2, 5, 11, 40):  # send in awkward pieces, one cut inside a header
        client.sendall(wire[:cut])
        wire = wire[cut:]
        time.sleep(0.005)
    client.sendall(wire)
    received = []
    for _ in MESSAGES:
        (length,) = struct.unpack("!I", recv_exactly(server, 4))
        received.append(recv_exactly(server, length))
    print("received:", received)
    print("framed-recv ->", received == MESSAGES)
