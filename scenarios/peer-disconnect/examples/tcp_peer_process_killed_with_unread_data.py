"""tcp.peer-process-killed-with-unread-data: a killed peer with unread data resets the connection.

Look at recv-after-kill: the peer died with our message unread, so its kernel sent RST and
we get ConnectionResetError (on Linux) instead of b''.
"""

import socket
import subprocess
import sys
import time

# The peer: another Python process that connects, says hello and never reads.
PEER = "import socket, sys, time; s = socket.create_connection(('127.0.0.1', int(sys.argv[1]))); s.sendall(b'hello'); time.sleep(30)"

with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(5.0)
    port = str(listener.getsockname()[1])
    with subprocess.Popen([sys.executable, "-c", PEER, port]) as peer:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(5.0)
            conn.recv(100)
            conn.sendall(b"you will never read this")
            time.sleep(0.05)
            peer.kill()
            peer.wait(5.0)
            conn.settimeout(0.2)
            for label in ("recv-after-kill", "recv-again"):
                try:
                    print(label, "->", repr(conn.recv(100)))
                except OSError as exc:
                    print(label, "->", repr(exc))
