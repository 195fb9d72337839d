"""tcp.syn-retry-schedule-full-queue: when does a client whose SYN met a full accept queue get in?

Slow: this example takes about 7 s, since it waits for real SYN retransmissions.
Linux (and gVisor and macOS) drop the SYN of a client that finds the accept queue full; the
client gets in only at its next retransmission after the server accepts. Native Linux 6.x
retries every second at first (in at 1, 2, 3 and 5 s for accepts at 0.5, 1.5, 2.5 and 4.5 s),
gVisor doubles the wait (1, 3, 3 and 7 s). Windows refuses instead.
"""

import socket
import threading
import time

ACCEPT_AT = (0.5, 1.5, 2.5, 4.5)
WAIT = 0.3


def full_listener() -> socket.socket:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    for _ in range(10):  # connect until one client cannot: the queue is full
        client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        client.settimeout(WAIT)
        try:
            client.connect(server.getsockname())
        except OSError:
            break
        finally:
            client.close()
    return server


def late_client(address: tuple[str, int], started: float, results: dict[float, str], key: float) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
        client.settimeout(8.0)
        try:
            client.connect(address)
            results[key] = f"connected after {time.monotonic() - started:.1f} s"
        except OSError as exc:
            results[key] = f"{type(exc).__name__}: {exc}"


def main() -> None:
    servers = [full_listener() for _ in ACCEPT_AT]
    results: dict[float, str] = {}
    started = time.monotonic()
    threads = [
        threading.Thread(target=late_client, args=(srv.getsockname(), started, results, at))
        for at, srv in zip(ACCEPT_AT, servers)
    ]
    for thread in threads:
        thread.start()
    for at, srv in zip(ACCEPT_AT, servers):
        time.sleep(max(0.0, started + at - time.monotonic()))
        conn, _ = srv.accept()
        conn.close()
    for thread in threads:
        thread.join()
    for at, srv in zip(ACCEPT_AT, servers):
        print(f"accept at {at} s: late client {results[at]}")
        srv.close()


if __name__ == "__main__":
    main()
