"""tcp.getsockopt-flag-value: what getsockopt() reads back for an on/off option you set.

Linux and Windows print 1; macOS and FreeBSD print the option's flag bit (4, 8, 4). Windows
reads one byte of TCP_NODELAY, so 256 switches it off there (0); elsewhere it stays on.
Runs on any OS at once; it opens one socket and connects nowhere.
"""

import socket

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
print("reuseaddr-after-set-1 ->", repr(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)))
s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
print("keepalive-after-set-1 ->", repr(s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
print("nodelay-after-set-1 ->", repr(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 256)
print("nodelay-after-set-256 ->", repr(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)))
s.close()

# The portable test is for truth, not for 1:
#     if s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR): ...
