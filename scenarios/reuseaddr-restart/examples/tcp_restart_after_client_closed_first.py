"""tcp.restart-after-client-closed-first: restart when the client closed first: no TIME_WAIT on the server's port.

Look at rebind: a plain bind succeeds without any option, because TIME_WAIT stayed on
the client's side, which closed first.
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
            client.close()  # the client closes first, so TIME_WAIT is on the client's side
            time.sleep(0.05)
time.sleep(0.05)

# The restarted server binds the same port at once.
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as new:
    try:
        new.bind(address)
        print("rebind -> None")
    except OSError as exc:
        print("rebind ->", repr(exc))
