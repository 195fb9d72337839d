"""tcp.nonblocking-send-capacity: how many bytes one non-blocking send accepts while the peer reads nothing.

One send of 12 MiB takes about 3.9 MB on native Linux 6.x, exactly 1 MiB (its send buffer)
under gVisor, and all of it on Windows while the buffer is not yet full. Only when the buffers
are full does a send fail with EAGAIN/EWOULDBLOCK. Always use send's return value.
"""

import socket

PROBE = 12 * 1024 * 1024
CHUNK = 64 * 1024


def size_class(taken: int) -> str:
    """What one send took, in wide classes (the exact count is the stack's, not a law)."""
    for bound, name in ((512 * 1024, "under 512 KiB"), (3 * 2**20, "512 KiB..3 MiB"), (PROBE, "3 MiB..12 MiB")):
        if taken < bound:
            return name
    return "all 12 MiB"


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
                    print(f"one-send-accepts -> {size_class(taken)!r}")
                    print(f"  (one send of {PROBE} bytes returned {taken}, {taken / 2**20:.2f} MiB)")
                except OSError as exc:
                    print(f"one-send-accepts -> {exc!r}")
                queued = 0
                while queued < PROBE:
                    try:
                        queued += client.send(bytes(CHUNK))
                    except BlockingIOError:
                        break
                print(f"  then {CHUNK}-byte sends took {queued} more bytes; one more send(b'x'):")
                try:
                    print("send-when-full ->", client.send(b"x"))
                except OSError as exc:
                    print(f"send-when-full -> {exc!r}")


if __name__ == "__main__":
    main()
