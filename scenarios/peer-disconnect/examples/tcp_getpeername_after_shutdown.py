"""tcp.getpeername-after-shutdown: getpeername() after shutdown(): the peer's address on Linux, EINVAL on macOS.

Look at after-shutdown-rdwr: the connection is still there, yet macOS refuses to name the
peer once the socket can neither send nor receive. Take the address when you connect.
"""

import socket
import struct
import sys
import time

LINGER = struct.Struct("HH" if sys.platform == "win32" else "ii")  # struct linger

with socket.create_server(("127.0.0.1", 0)) as listener:
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()
    peer = listener.getsockname()


def is_peer(sock: socket.socket) -> str:
    try:
        return repr(sock.getpeername() == peer)
    except OSError as exc:
        return repr(exc)


with client, server:
    print("connected ->", is_peer(client))
    client.shutdown(socket.SHUT_RDWR)
    time.sleep(0.05)
    print("after-shutdown-rdwr ->", is_peer(client))
    server.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER.pack(1, 0))
    server.close()  # resets the connection
    time.sleep(0.05)
    print("after-peer-reset ->", is_peer(client))
