"""tcp.restart-time-wait-reuseaddr-new-only: restart after the server closed first, SO_REUSEADDR on the new socket only.

Look at rebind: it fails on Linux, which wants SO_REUSEADDR on the old socket too, and
succeeds on macOS, FreeBSD and Windows.
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
    new.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        new.bind(address)
        print("rebind -> None")
    except OSError as exc:
        print("rebind ->", repr(exc))
