"""udp.shutdown-wakes-recvfrom: shutdown() of an unconnected UDP socket to stop a recvfrom.

Look at shutdown and recvfrom-after-shutdown: Linux and FreeBSD raise ENOTCONN yet wake the
waiting recvfrom with (b'', None); macOS raises ENOTCONN and the thread stays blocked (timeout
here) until a datagram arrives; Windows raises nothing.
"""

import socket
import threading
import time

receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
receiver.bind(("127.0.0.1", 0))
result: list[str] = []


def waiter() -> None:
    try:
        result.append(repr(receiver.recvfrom(100)))
    except OSError as exc:
        result.append(repr(exc))


thread = threading.Thread(target=waiter, daemon=True)
thread.start()
time.sleep(0.05)  # the thread is now blocked in recvfrom
try:
    receiver.shutdown(socket.SHUT_RDWR)
    print("shutdown -> None")
except OSError as exc:
    print("shutdown ->", repr(exc))
thread.join(0.2)
print("recvfrom-after-shutdown ->", result[0] if result else "timeout")
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
    sender.sendto(b"late", receiver.getsockname())
thread.join(1.0)
print("recvfrom-finally ->", result[0] if result else "timeout")
receiver.setblocking(False)
try:
    print("recvfrom-again ->", repr(receiver.recvfrom(100)))
except OSError as exc:
    print("recvfrom-again ->", repr(exc))
receiver.close()
