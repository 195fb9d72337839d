"""tcp.nagle-delayed-ack: write, write, read on one connection, with and without TCP_NODELAY.

Look at round-trip-without-nodelay: each request after the first waits for the server's
delayed ACK, about 40 ms on Linux and up to 200 ms on Windows ('tens-of-ms' or
'hundreds-of-ms': the median of requests 2 to 6); with TCP_NODELAY they are immediate.
Takes about 0.25 s (up to 1.2 s on Windows).
"""

import socket
import threading
import time

HEADER, BODY, RESPONSE, ROUNDS = b"LEN:0100", b"b" * 100, b"OK", 6


def recv_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("stream ended early")
        data += chunk
    return data


def round_trip_class(nodelay: bool) -> str:
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
    later = sorted(times[1:])[2]  # the median of requests 2 to 6
    return "immediate" if later < 0.015 else "tens-of-ms" if later < 0.15 else "hundreds-of-ms"


print("round-trip-without-nodelay ->", repr(round_trip_class(False)))
print("round-trip-with-nodelay ->", repr(round_trip_class(True)))
