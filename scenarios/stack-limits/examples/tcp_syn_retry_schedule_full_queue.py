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

#: The step (as sockbehave names it) -> when the server accepts, in seconds.
ACCEPT_AT = {"accept-at-500ms": 0.5, "accept-at-1500ms": 1.5, "accept-at-2500ms": 2.5, "accept-at-4500ms": 4.5}
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


def late_client(address: tuple[str, int], started: float, results: dict[str, str], step: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
        client.settimeout(8.0)
        try:
            client.connect(address)
            results[step] = repr(f"~{round(time.monotonic() - started)}s")  # connected after about N s
        except OSError as exc:
            results[step] = repr(exc)


def main() -> None:
    servers = {step: full_listener() for step in ACCEPT_AT}
    results: dict[str, str] = {}
    started = time.monotonic()
    threads = [
        threading.Thread(target=late_client, args=(srv.getsockname(), started, results, step))
        for step, srv in servers.items()
    ]
    for thread in threads:
        thread.start()
    for step, srv in servers.items():
        time.sleep(max(0.0, started + ACCEPT_AT[step] - time.monotonic()))
        conn, _ = srv.accept()
        conn.close()
    for thread in threads:
        thread.join()
    for step, srv in servers.items():
        print(f"{step} -> {results[step]}")
        srv.close()


if __name__ == "__main__":
    main()
