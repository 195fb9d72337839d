"""tcp.buffer-minimums: set SO_RCVBUF and SO_SNDBUF to 1 byte and read them back.

Linux doubles the request and raises it to a minimum (2304 and 4608 here), gVisor raises
both to 4096, macOS and FreeBSD store 1 as asked. Never assume getsockopt returns what you set.
"""

import socket


def main() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        for name, step in (("SO_RCVBUF", "rcvbuf-set-1"), ("SO_SNDBUF", "sndbuf-set-1")):
            option = getattr(socket, name)
            try:
                sock.setsockopt(socket.SOL_SOCKET, option, 1)
                print(f"setsockopt({name}, 1) -> None")
            except OSError as exc:
                print(f"setsockopt({name}, 1) raised {type(exc).__name__}: {exc}")
            print(f"{step} -> {sock.getsockopt(socket.SOL_SOCKET, option)}")


if __name__ == "__main__":
    main()
