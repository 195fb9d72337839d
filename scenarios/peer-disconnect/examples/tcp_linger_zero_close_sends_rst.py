"""tcp.linger-zero-close-sends-rst: close() with SO_LINGER on and 0 s resets the connection.

Look at peer-recv: instead of b'' (a clean end of stream) the peer gets ConnectionResetError,
because the close sent RST.
"""

import socket
import struct
import sys

# struct linger is two ints on POSIX and two unsigned shorts on Windows.
LINGER = struct.Struct("HH" if sys.platform == "win32" else "ii")

with socket.create_server(("127.0.0.1", 0)) as listener:
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()

with client:
    with server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER.pack(1, 0))
    # server.close() ran here: with linger on and 0 s it sends RST and skips TIME_WAIT.
    client.settimeout(0.2)
    for label in ("peer-recv", "peer-recv-again"):
        try:
            print(label, "->", repr(client.recv(100)))
        except OSError as exc:
            print(label, "->", repr(exc))
    try:
        print("peer-send ->", repr(client.send(b"x")))
    except OSError as exc:
        print("peer-send ->", repr(exc))
