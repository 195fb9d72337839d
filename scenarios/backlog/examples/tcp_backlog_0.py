"""tcp.backlog-0: listen(0): how many clients connect before accept().

Look at completed-before-accept: 1 on Linux (backlog + 1), so even listen(0) lets a client
in; the next client's SYN is dropped and its connect times out. macOS lets many more in.
"""

import contextlib
import socket
import time

BACKLOG = 0

with contextlib.ExitStack() as stack:  # closes every socket below at the end
    server = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
    server.bind(("127.0.0.1", 0))
    server.listen(BACKLOG)
    address = server.getsockname()
    completed = 0
    for _ in range(10):  # stop counting at 10 clients
        client = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
        client.settimeout(0.3)
        try:
            client.connect(address)
        except OSError:
            break
        completed += 1
    print("completed-before-accept ->", completed)
    late = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
    late.settimeout(0.3)
    start = time.monotonic()
    try:
        late.connect(address)
        print("next-client-connect -> None")
    except OSError as exc:
        print("next-client-connect ->", repr(exc))
    print(f"next-client-connect took {time.monotonic() - start:.3f} s")
    server.settimeout(0.3)
    try:
        conn, peer = server.accept()
        stack.enter_context(conn)
        print("accept ->", repr((conn, peer)))
    except OSError as exc:
        print("accept ->", repr(exc))
