"""tcp.reuseport-two-listeners: SO_REUSEPORT lets two sockets listen on one port, where it exists.

Look at has-so-reuseport (False on Windows, where Python has no such constant) and, where
it exists, second-bind and second-listen succeeding on a port that is already listening.
"""

import socket

option = getattr(socket, "SO_REUSEPORT", None)
print("has-so-reuseport ->", option is not None)
if option is not None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as first:
        first.setsockopt(socket.SOL_SOCKET, option, 1)
        first.bind(("127.0.0.1", 0))
        first.listen(1)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as second:
            second.setsockopt(socket.SOL_SOCKET, option, 1)
            try:
                second.bind(first.getsockname())
                print("second-bind -> None")
                second.listen(1)
                print("second-listen -> None")
            except OSError as exc:
                print("second-bind or second-listen ->", repr(exc))
