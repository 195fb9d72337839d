"""tcp.bind-while-listening: binding a port another socket listens on fails.

Look at second-bind: EADDRINUSE ("Address already in use") on every OS.
"""

import socket

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as first:
    first.bind(("127.0.0.1", 0))
    first.listen(1)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as second:
        try:
            second.bind(first.getsockname())
            print("second-bind -> None")
        except OSError as exc:
            print("second-bind ->", repr(exc))
