"""tcp.self-connect-tiny-port-range: connect to a port that was just closed.

Normally refused. But if the client's ephemeral source port happens to be that very port (on
Linux, certain with a one-port net.ipv4.ip_local_port_range), TCP's simultaneous open connects
the socket to itself: connect() succeeds with nobody listening.
"""

import socket


def main() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        address = probe.getsockname()
    print("port just released:", address[1])
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
        client.settimeout(3.0)
        try:
            client.connect(address)
        except OSError as exc:
            print(f"connect-to-closed-port -> {exc!r}")
            print("connected-to-itself -> False")
            return
        print("connect-to-closed-port -> None")
        print("  local", client.getsockname(), "peer", client.getpeername())
        print("connected-to-itself ->", client.getsockname() == client.getpeername())
        client.sendall(b"echo?")
        print("recv ->", client.recv(100))


if __name__ == "__main__":
    main()
