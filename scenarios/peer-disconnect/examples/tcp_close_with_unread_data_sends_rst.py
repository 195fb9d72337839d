"""tcp.close-with-unread-data-sends-rst: closing a socket with unread received data resets the connection.

Look at the client's reads after the server closed without reading "never read": on Linux
the data that arrived first, then ConnectionResetError (the RST), then b''. FreeBSD and
Windows order these differently (see the matrix).
"""

import socket
import time

with socket.create_server(("127.0.0.1", 0)) as listener:
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()

with client:
    with server:
        client.sendall(b"never read")
        server.sendall(b"bye")
        time.sleep(0.05)
    # The server is closed now, with b"never read" still unread: it sends RST, not FIN.
    time.sleep(0.05)
    client.settimeout(0.2)
    for label in ("peer-recv-pending-data", "peer-recv-after-rst", "peer-recv-again"):
        try:
            print(label, "->", repr(client.recv(100)))
        except OSError as exc:
            print(label, "->", repr(exc))
    try:
        print("peer-send-after-rst ->", repr(client.send(b"x")))
    except OSError as exc:
        print("peer-send-after-rst ->", repr(exc))
