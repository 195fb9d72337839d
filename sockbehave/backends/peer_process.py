"""The child program behind ``RealNet.spawn_peer_process``.

Owns: nothing but one connection. It connects to a loopback address, sends the bytes it was
given, then waits (never reading the socket) until its parent kills it or closes its stdin.
Run as ``python -m sockbehave.backends.peer_process HOST PORT HEXDATA``.
"""

from __future__ import annotations

import socket
import sys


def main(argv: list[str]) -> int:
    host, port, payload = argv[0], int(argv[1]), bytes.fromhex(argv[2] if len(argv) > 2 else "")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.connect((host, port))
    if payload:
        sock.sendall(payload)
    sys.stdin.buffer.read()  # returns when the parent closes stdin; SIGKILL is the usual end
    sock.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
