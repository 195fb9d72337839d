"""tcp.connect-closed-port-refused: connect() to a closed loopback port is refused, and how fast.

Look at connect and the time it took: ConnectionRefusedError within a millisecond on Linux
and the BSDs; Windows retries the SYN, so there it takes about 2 s (this example too).
"""

import socket
import time

# Ask the OS for a free port, then release it: nobody listens there now.
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
    probe.bind(("127.0.0.1", 0))
    address = probe.getsockname()

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
    client.settimeout(3.0)
    start = time.monotonic()
    try:
        client.connect(address)
        print("connect -> None")
    except OSError as exc:
        print("connect ->", repr(exc))
    print(f"connect took {time.monotonic() - start:.3f} s")
