"""socketserver.forking-server-exists: socketserver's forking servers exist only where os.fork does.

Runs on any OS instantly; it only looks the names up.
"""

import os
import socketserver

print("os-fork ->", repr(hasattr(os, "fork")))
print("forking-mixin ->", repr(hasattr(socketserver, "ForkingMixIn")))
print("forking-tcp-server ->", repr(hasattr(socketserver, "ForkingTCPServer")))
print("threading-tcp-server ->", repr(hasattr(socketserver, "ThreadingTCPServer")))
try:
    from socketserver import ForkingTCPServer  # noqa: F401

    print("from socketserver import ForkingTCPServer: ok")
except ImportError as exc:
    print("from socketserver import ForkingTCPServer raised", repr(exc))
