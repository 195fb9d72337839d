"""tcp.buffer-defaults: the SO_RCVBUF and SO_SNDBUF a TCP socket reports, before and after it connects.

Run it on two machines (or in a container and outside) and compare: the numbers are the
stack's settings, not constants of TCP. Linux reports 131072/16384 for a new socket and grows
the send buffer once connected; gVisor reports 1048576 for both.
"""

import socket


def show(sock: socket.socket, when: str) -> None:
    print(f"rcvbuf-{when} ->", sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
    print(f"sndbuf-{when} ->", sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF))


def main() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as fresh:
        show(fresh, "default")  # a new socket
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2) as client:
            conn, _ = server.accept()
            with conn:
                show(client, "connected")  # the client, once connected
                rcv = conn.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
                snd = conn.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
                print(f"  (the accepted socket: SO_RCVBUF={rcv} SO_SNDBUF={snd})")


if __name__ == "__main__":
    main()
