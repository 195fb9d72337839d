"""tcp.send-after-peer-closed: sending to a closed peer: the first send succeeds, later ones fail.

Look at first-send: it succeeds although the peer has closed. The peer answers that data
with RST, and only the second send raises (which error depends on the OS).
"""

import socket
import time

with socket.create_server(("127.0.0.1", 0)) as listener:
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()

with client:
    server.close()
    time.sleep(0.05)
    for label, data in (("first-send", b"first"), ("second-send", b"second"), ("third-send", b"third")):
        try:
            print(label, "->", repr(client.send(data)))
        except OSError as exc:
            print(label, "->", repr(exc))
        time.sleep(0.05)  # lets the RST come back
    client.settimeout(0.2)
    try:
        print("recv ->", repr(client.recv(100)))
    except OSError as exc:
        print("recv ->", repr(exc))
