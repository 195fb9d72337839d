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

print("socket made before the call, gettimeout() ->", before.gettimeout())
print("socket made after the call,  gettimeout() ->", after.gettimeout())

after.connect(server.getsockname())
conn, _ = server.accept()
try:
    print("after.recv(1) ->", after.recv(1))
except OSError as exc:  # TimeoutError (socket.timeout before Python 3.10)
    print("after.recv(1) raised", type(exc).__name__, exc)

for s in (conn, after, before, server):
    s.close()
