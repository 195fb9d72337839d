"""tcp.nagle-delayed-ack: write, write, read on one connection, with and without TCP_NODELAY.

Look at round-trip-without-nodelay: each request after the first waits for the server's
delayed ACK, about 40 ms on Linux and up to 200 ms on Windows ('tens-of-ms' or
'hundreds-of-ms', the median of three); with TCP_NODELAY every round trip is immediate.
Takes about 0.1 s (up to 0.7 s on Windows).
"""

import socket
import threading
import time

HEADER, BODY, RESPONSE, ROUNDS = b"LEN:0100", b"b" * 100, b"OK", 3


def recv_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("stream ended early")
        data += chunk
    return data


def median_round_trip(nodelay: bool) -> str:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        server, _ = listener.accept()
    with client, server:
        if nodelay:
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client.settimeout(2.0)
        server.settimeout(2.0)

        def serve() -> None:
            for _ in range(ROUNDS):
                recv_exactly(server, len(HEADER) + len(BODY))
                server.sendall(RESPONSE)

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        times = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            client.send(HEADER)  # write, write, read
            client.send(BODY)
            recv_exactly(client, len(RESPONSE))
            times.append(time.perf_counter() - start)
        thread.join(2.0)
    print("  round trips (ms):", [round(t * 1000, 1) for t in times])
    median = sorted(times)[ROUNDS // 2]
    return "immediate" if median < 0.015 else "tens-of-ms" if median < 0.1 else "hundreds-of-ms"


print("round-trip-without-nodelay ->", repr(median_round_trip(False)))
print("round-trip-with-nodelay ->", repr(median_round_trip(True)))
