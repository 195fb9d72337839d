"""tcp.tw-reuse-outgoing-connect: tcp_tw_reuse is about a client's connect(), never a server's bind().

Runs on any OS in well under a second, on 127.0.0.1 only.
"""

import socket
import time

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(("127.0.0.1", 0))
server.listen(2)
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
client.bind(("127.0.0.1", 0))  # bind() reserves the port: no other process's connect() is given it
client.connect(server.getsockname())
conn, _ = server.accept()
local = client.getsockname()
client.close()  # the client closes first: its local port goes to TIME_WAIT
time.sleep(0.05)
conn.close()
time.sleep(0.05)

plain = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    plain.bind(local)
    print("rebind-plain -> None")
except OSError as exc:
    print("rebind-plain ->", repr(exc))
plain.close()

again = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
again.settimeout(1.0)
try:
    again.bind(local)
    print("rebind-reuseaddr -> None")
except OSError as exc:
    print("rebind-reuseaddr ->", repr(exc))
if again.getsockname()[1] == local[1]:
    try:
        again.connect(server.getsockname())
        print("connect-same-peer -> None")
    except OSError as exc:
        print("connect-same-peer ->", repr(exc))
again.close()
server.close()
