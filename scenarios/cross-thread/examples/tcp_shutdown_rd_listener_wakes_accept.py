"""tcp.shutdown-rd-listener-wakes-accept: shutdown(SHUT_RD) on a listener while accept waits with a timeout.

Look at accept-after-shutdown: Linux fails the accept with EINVAL at once and then refuses
clients; under gVisor the accept is not woken and runs into its timeout; macOS and Windows
refuse the shutdown with ENOTCONN; FreeBSD refuses it but wakes the accept with ECONNABORTED.
"""

import socket
import threading
import time

listener = socket.create_server(("127.0.0.1", 0))
listener.settimeout(0.4)  # CPython then waits in poll() before calling accept
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
time.sleep(0.05)  # the acceptor is now waiting
try:
    listener.shutdown(socket.SHUT_RD)
    print("shutdown-rd -> None")
except OSError as exc:
    print("shutdown-rd ->", repr(exc))
thread.join(0.2)
print("accept-after-shutdown ->", result[0] if result else "timeout")
with socket.socket() as client:
    client.settimeout(0.2)
    try:
        client.connect(address)
        print("connect-after-shutdown -> None")
    except OSError as exc:
        print("connect-after-shutdown ->", repr(exc))
    thread.join(1.0)
    print("accept-finally ->", result[0] if result else "timeout")
listener.close()
