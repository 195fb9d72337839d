"""tcp.shutdown-rd-then-data: after shutdown(SHUT_RD) data still arrives: Linux keeps it, FreeBSD drops it, macOS resets.

Look at recv-later and peer-send-again: SHUT_RD tells the peer nothing, and what its data
meets differs from one OS to the next.
"""

import socket
import time
from typing import Callable

with socket.create_server(("127.0.0.1", 0)) as listener:
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()


def attempt(call: Callable[..., object], *args: object) -> str:
    try:
        return repr(call(*args))
    except OSError as exc:
        return repr(exc)


with client, server:
    client.settimeout(0.2)
    server.sendall(b"queued")
    time.sleep(0.05)
    print("shutdown-rd ->", attempt(client.shutdown, socket.SHUT_RD))
    print("recv-queued ->", attempt(client.recv, 100))
    print("peer-send-later ->", attempt(server.send, b"later"))
    time.sleep(0.05)
    print("recv-later ->", attempt(client.recv, 100))
    print("peer-send-again ->", attempt(server.send, b"again"))
