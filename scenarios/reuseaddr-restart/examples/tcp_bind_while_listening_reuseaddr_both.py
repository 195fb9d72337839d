"""tcp.bind-while-listening-reuseaddr-both: SO_REUSEADDR on both sockets: a second bind to a listening port.

Look at second-bind: EADDRINUSE on Linux, macOS and FreeBSD, but it succeeds on Windows,
where SO_REUSEADDR lets a second socket take over a port that is in use.
"""

import socket

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as first:
    first.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    first.bind(("127.0.0.1", 0))
    first.listen(1)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as second:
        second.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            second.bind(first.getsockname())
            print("second-bind -> None")
        except OSError as exc:
            print("second-bind ->", repr(exc))
