"""socketserver.forking-server-exists: socketserver's forking servers exist only where os.fork does.

Runs on any OS instantly; it only looks the names up.
"""

import os
import socketserver

print("hasattr(os, 'fork') ->", hasattr(os, "fork"))
for name in ("ForkingMixIn", "ForkingTCPServer", "ForkingUDPServer", "ThreadingTCPServer"):
    print(f"hasattr(socketserver, {name!r}) ->", hasattr(socketserver, name))
try:
    from socketserver import ForkingTCPServer  # noqa: F401

    print("from socketserver import ForkingTCPServer -> ok")
except ImportError as exc:
    print("from socketserver import ForkingTCPServer raised ImportError:", exc)
