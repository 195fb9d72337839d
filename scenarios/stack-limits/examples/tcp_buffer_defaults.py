"""tcp.buffer-defaults: the SO_RCVBUF and SO_SNDBUF a TCP socket reports, before and after it connects.

Run it on two machines (or in a container and outside) and compare: the numbers are the
stack's settings, not constants of TCP. Linux reports 131072/16384 for a new socket and grows
the send buffer once connected; gVisor reports 1048576 for both.
"""

import socket


def buffers(sock: socket.socket) -> str:
    rcv = sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    snd = sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
    return f"SO_RCVBUF={rcv} SO_SNDBUF={snd}"


def main() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as fresh:
        print("new socket:      ", buffers(fresh))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2) as client:
            conn, _ = server.accept()
            with conn:
                print("connected client:", buffers(client))
                print("accepted socket: ", buffers(conn))


if __name__ == "__main__":
    main()
