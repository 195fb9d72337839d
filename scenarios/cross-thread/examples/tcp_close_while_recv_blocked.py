"""tcp.close-while-recv-blocked: does close() from another thread wake a thread blocked in recv?

Look at recv-after-close: on Linux and FreeBSD the recv keeps waiting (timeout here) until
the peer closes; on macOS it fails with EBADF; on Windows closesocket cancels it.
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
server.close()
print("close -> None")
thread.join(0.2)
print("recv-after-close ->", result[0] if result else "timeout")
client.close()  # the peer's FIN releases a recv that close() did not wake
thread.join(1.0)
print("recv-finally ->", result[0] if result else "timeout")
