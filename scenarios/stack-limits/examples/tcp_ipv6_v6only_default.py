"""tcp.ipv6-v6only-default: the IPV6_V6ONLY default, and whether an IPv4 client reaches an AF_INET6 listener.

Instead of binding [::] (reachable from other machines) this binds the v4-mapped loopback
::ffff:127.0.0.1, which a socket with IPV6_V6ONLY set may not bind at all. Linux and macOS
default to 0 (unless net.ipv6.bindv6only=1), FreeBSD and Windows to 1.
"""

import socket


def main() -> None:
    try:
        server = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    except OSError as exc:
        print(f"socket(AF_INET6) raised {type(exc).__name__}: {exc} (no IPv6 here)")
        return
    with server:
        print("v6only-default ->", server.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY))
        try:
            server.bind(("::ffff:127.0.0.1", 0))
        except OSError as exc:
            print(f"bind-v4-mapped -> {exc!r}")
            print("  so no IPv4 client can reach this AF_INET6 socket")
            return
        print("bind-v4-mapped -> None")
        print("  bound to", server.getsockname())
        server.listen(1)
        try:
            with socket.create_connection(("127.0.0.1", server.getsockname()[1]), timeout=1.0):
                print("ipv4-client-connect -> None")
                conn, peer = server.accept()
                conn.close()
                print("  the listener sees the IPv4 client as", peer)
        except OSError as exc:
            print(f"ipv4-client-connect -> {exc!r}")


if __name__ == "__main__":
    main()
