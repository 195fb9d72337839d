"""tcp.listen-backlog-above-somaxconn: a backlog above the system maximum is silently clamped.

Look at listen-1000000: no error on any OS. The kernel quietly lowers the backlog to its
maximum (net.core.somaxconn on Linux, kern.ipc.somaxconn on macOS).
"""

import socket

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
    server.bind(("127.0.0.1", 0))
    try:
        server.listen(1_000_000)
        print("listen-1000000 -> None")
    except (OSError, OverflowError) as exc:
        print("listen-1000000 ->", repr(exc))
