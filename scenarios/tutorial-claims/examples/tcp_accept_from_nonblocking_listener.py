"""tcp.accept-from-nonblocking-listener: is a socket accepted from a non-blocking listener blocking?

Linux and FreeBSD: yes, the recv() waits for the byte sent 0.3 s later. macOS: no, although
gettimeout() says None, the recv() raises BlockingIOError at once. Runs in about half a second,
on 127.0.0.1 only.
"""

import socket
import threading
import time

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(("127.0.0.1", 0))
server.listen(1)
server.setblocking(False)

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect(server.getsockname())
while True:
    try:
        conn, _ = server.accept()
        break
    except BlockingIOError:
        time.sleep(0.01)  # the connection is normally there at once

print("accepted-gettimeout ->", repr(conn.gettimeout()))


def send_later() -> None:
    time.sleep(0.3)
    client.sendall(b"x")


sender = threading.Thread(target=send_later)
sender.start()
try:
    print("recv-before-data-arrives ->", repr(conn.recv(1)))
except BlockingIOError as exc:
    print("recv-before-data-arrives ->", repr(exc))
sender.join()

conn.setblocking(True)  # the portable fix: say what you want on every accepted socket
for s in (conn, client, server):
    s.close()
