"""tcp.close-while-accept-blocked: does close() from another thread wake a thread blocked in accept?

Look at accept-after-close and connect-after-close: on Linux the accept keeps waiting
(timeout here) and the closed listener still accepts the next client; macOS fails the accept
with ECONNABORTED; Windows' closesocket cancels it.
"""

import socket
import threading
import time

listener = socket.create_server(("127.0.0.1", 0))
address = listener.getsockname()
result: list[str] = []


def acceptor() -> None:
    try:
        conn, peer = listener.accept()
        result.append(repr((conn, peer)))
        conn.close()
    except OSError as exc:
        result.append(repr(exc))


thread = threading.Thread(target=acceptor, daemon=True)
thread.start()
time.sleep(0.05)  # the acceptor is now blocked in accept
listener.close()
print("close -> None")
thread.join(0.2)
print("accept-after-close ->", result[0] if result else "timeout")
with socket.socket() as client:
    client.settimeout(0.2)
    try:
        client.connect(address)
        print("connect-after-close -> None")
    except OSError as exc:
        print("connect-after-close ->", repr(exc))
    thread.join(1.0)
    print("accept-finally ->", result[0] if result else "timeout")
