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
    print(f"bind({local}) without SO_REUSEADDR -> ok")
except OSError as exc:
    print(f"bind({local}) without SO_REUSEADDR raised", type(exc).__name__, exc)
plain.close()

again = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
again.settimeout(1.0)
try:
    again.bind(local)
    print(f"bind({local}) with SO_REUSEADDR -> ok")
    again.connect(server.getsockname())
    print("connect() from the old port to the same server -> connected")
except OSError as exc:
    print("raised", type(exc).__name__, exc)
finally:
    again.close()
    server.close()
