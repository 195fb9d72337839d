"""tcp.listen-large-backlog: listen(1000000), then count the connections that complete before accept().

The backlog is clamped by the stack: to net.core.somaxconn on Linux (4096 by default, so all
1200 tries here complete), to 1024 under gVisor (1025 complete), to 128 on macOS. Each
client closes once connected; its connection stays in the queue until accept().
"""

import socket

MAX_CLIENTS = 1200
WAIT = 0.3  # a client that cannot complete its handshake in this long counts as "queue full"


def main() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1_000_000)
        print("listen-1000000 -> None")
        completed = 0
        for _ in range(MAX_CLIENTS):
            client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            client.settimeout(WAIT)
            try:
                client.connect(server.getsockname())
            except OSError as exc:
                print(f"client {completed + 1} could not connect: {type(exc).__name__}: {exc}")
                break
            finally:
                client.close()
            completed += 1
        print("completed-before-accept ->", completed)
        if completed == MAX_CLIENTS:
            print(f"  (all {MAX_CLIENTS}: the cap of this example)")


if __name__ == "__main__":
    main()
