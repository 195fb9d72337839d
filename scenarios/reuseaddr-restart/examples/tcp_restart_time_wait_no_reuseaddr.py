"""tcp.restart-time-wait-no-reuseaddr: restart after the server closed first, no SO_REUSEADDR anywhere.

Look at rebind: "Address already in use" (EADDRINUSE) on Linux, macOS and FreeBSD,
because the old connection sits in TIME_WAIT on the port. Windows lets the bind succeed.
"""

import socket
import time

# The old server serves one connection and closes everything.
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as old:
    old.bind(("127.0.0.1", 0))
    old.listen(1)
    address = old.getsockname()
    with socket.create_connection(address) as client:
        conn, _ = old.accept()
        with conn:
            conn.close()  # the server closes first, so the server's side of the connection enters TIME_WAIT
            time.sleep(0.05)
time.sleep(0.05)

# The restarted server binds the same port at once.
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as new:
    try:
        new.bind(address)
        print("rebind -> None")
    except OSError as exc:
        print("rebind ->", repr(exc))
