"""tcp.nonblocking-send-capacity: how many bytes non-blocking sends accept while the peer reads nothing.

The sender's buffer and the receiver's both fill before the first EAGAIN/EWOULDBLOCK, so the
total is much more than SO_SNDBUF: about 3.9 MB on native Linux 6.x, about 1.5 MB under an
idle gVisor (which moves bytes to the receiver in the background, so a busy machine gets more).
"""

import socket

CHUNK = 64 * 1024
CAP = 12 * 1024 * 1024  # stop here whatever the stack takes


def main() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2) as client:
            conn, _ = server.accept()
            with conn:
                client.setblocking(False)
                print("SO_SNDBUF of the sender:", client.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF))
                total = 0
                while total < CAP:
                    try:
                        total += client.send(bytes(CHUNK))
                    except BlockingIOError:
                        break
                print(f"non-blocking sends accepted {total} bytes ({total / 2**20:.2f} MiB) before blocking")
                try:
                    print("one more send(b'x') ->", client.send(b"x"))
                except OSError as exc:
                    print(f"one more send(b'x') raised {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
