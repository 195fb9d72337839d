"""tcp.half-close-shutdown-wr: shutdown(SHUT_WR) ends one direction; the other keeps working.

Look at the server reading the request and then b'' (end of stream), yet its reply still
reaches the client. Only the client's own send after SHUT_WR fails.
"""

import socket

with socket.create_server(("127.0.0.1", 0)) as listener:
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()

with client, server:
    client.settimeout(0.2)
    server.settimeout(0.2)
    client.sendall(b"request")
    client.shutdown(socket.SHUT_WR)  # sends FIN: "that was my whole request"
    print("shutdown-wr -> None")
    print("peer-recv-request ->", repr(server.recv(100)))
    print("peer-recv-eof ->", repr(server.recv(100)))
    print("peer-send-reply ->", repr(server.send(b"reply")))
    print("recv-reply ->", repr(client.recv(100)))
    try:
        print("send-after-shutdown ->", repr(client.send(b"more")))
    except OSError as exc:
        print("send-after-shutdown ->", repr(exc))
