"""tcp.setdefaulttimeout-new-sockets: socket.setdefaulttimeout() affects only sockets created after it.

Runs on any OS in well under a second, on 127.0.0.1 only.
"""

import socket

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(("127.0.0.1", 0))
server.listen(1)
before = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

old_default = socket.getdefaulttimeout()
socket.setdefaulttimeout(0.2)
try:
    after = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
finally:
    socket.setdefaulttimeout(old_default)  # the default is process-wide: put it back

print("existing-gettimeout ->", repr(before.gettimeout()))
print("new-gettimeout-is-default ->", repr(after.gettimeout() == 0.2))

after.connect(server.getsockname())
conn, _ = server.accept()
try:
    print("new-recv ->", repr(after.recv(1)))
except OSError as exc:  # TimeoutError (socket.timeout before Python 3.10)
    print("new-recv ->", repr(exc))

for s in (conn, after, before, server):
    s.close()
