"""tcp.peer-process-killed: a killed peer process closes its connection normally: recv returns b''.

Look at recv-after-kill: b'', exactly as if the peer had called close(). The kernel
closes a dead process's sockets for it, so a crash looks like a polite goodbye.
"""

import socket
import subprocess
import sys

# The peer: another Python process that connects, says hello and waits to be killed.
PEER = "import socket, sys, time; s = socket.create_connection(('127.0.0.1', int(sys.argv[1]))); s.sendall(b'hello'); time.sleep(30)"

with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(5.0)
    port = str(listener.getsockname()[1])
    with subprocess.Popen([sys.executable, "-c", PEER, port]) as peer:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(5.0)
            print("recv-greeting ->", repr(conn.recv(100)))
            peer.kill()
            peer.wait(5.0)
            conn.settimeout(0.2)
            for label in ("recv-after-kill", "recv-again"):
                try:
                    print(label, "->", repr(conn.recv(100)))
                except OSError as exc:
                    print(label, "->", repr(exc))
