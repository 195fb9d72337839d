"""tcp.time-wait-duration: how long TIME_WAIT keeps a restarted server from binding its port.

A slow example: it tries the bind every half second for up to 75 s (about 60 s on Linux,
30 s on macOS; on Windows the first bind already succeeds). 127.0.0.1 only.
"""

import socket
import time

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(("127.0.0.1", 0))
server.listen(1)
address = server.getsockname()
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect(address)
conn, _ = server.accept()
conn.close()  # the server side closes first, so it is the side that enters TIME_WAIT
time.sleep(0.05)
client.close()
server.close()
time.sleep(0.05)

start = time.monotonic()
next_report = 0.0
while True:
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.bind(address)
    except OSError as exc:
        waited = time.monotonic() - start
        if waited > 75:
            print(f"bind still fails after 75 s: {exc!r}")
            break
        if waited >= next_report:  # one line every 10 s
            print(f"{waited:5.1f} s: bind raised {exc!r}")
            next_report += 10
        time.sleep(0.5)
    else:
        waited = time.monotonic() - start
        print(f"bind succeeded after {waited:.1f} s")
        # As sockbehave reports it: the wait rounded to 5 s (the poll adds up to half a second).
        print("bind-succeeds ->", repr("immediately" if waited < 0.5 else f"after ~{5 * round(waited / 5)} s"))
        break
    finally:
        probe.close()
