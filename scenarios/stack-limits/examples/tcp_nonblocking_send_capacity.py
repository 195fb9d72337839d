"""tcp.nonblocking-send-capacity: how many bytes one non-blocking send accepts while the peer reads nothing.

One send of 12 MiB takes about 3.9 MB on native Linux 6.x, exactly 1 MiB (its send buffer)
under gVisor, and all of it on Windows while the buffer is not yet full. Only when the buffers
are full does a send fail with EAGAIN/EWOULDBLOCK. Always use send's return value.
"""

import socket

PROBE = 12 * 1024 * 1024
CHUNK = 64 * 1024


def main() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2) as client:
            conn, _ = server.accept()
            with conn:
                client.setblocking(False)
                print("SO_SNDBUF of the sender:", client.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF))
                try:
                    taken = client.send(bytes(PROBE))
                    print(f"one send of {PROBE} bytes returned {taken} ({taken / 2**20:.2f} MiB)")
                except OSError as exc:
                    print(f"one send of {PROBE} bytes raised {type(exc).__name__}: {exc}")
                queued = 0
                while queued < PROBE:
                    try:
                        queued += client.send(bytes(CHUNK))
                    except BlockingIOError:
                        break
                print(f"then {CHUNK}-byte sends took {queued} more bytes")
                try:
                    print("one more send(b'x') ->", client.send(b"x"))
                except OSError as exc:
                    print(f"one more send(b'x') raised {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
