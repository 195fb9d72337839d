"""tcp.shutdown-while-recv-blocked: shutdown(SHUT_RDWR) from another thread wakes a blocked recv.

Look at recv-after-shutdown: b'' at once on Linux, macOS and FreeBSD; on Windows the recv
stays blocked (timeout here) until the peer closes.
"""

import socket
import threading
import time

with socket.create_server(("127.0.0.1", 0)) as listener:
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()

result: list[str] = []


def reader() -> None:
    try:
        result.append(repr(server.recv(100)))
    except OSError as exc:
        result.append(repr(exc))


thread = threading.Thread(target=reader, daemon=True)
thread.start()
time.sleep(0.05)  # the reader is now blocked in recv
server.shutdown(socket.SHUT_RDWR)
print("shutdown -> None")
thread.join(0.2)
print("recv-after-shutdown ->", result[0] if result else "timeout")
client.close()
thread.join(1.0)
print("recv-finally ->", result[0] if result else "timeout")
server.close()
