"""tcp.orderly-close-reads-empty: after the peer closes normally, recv returns b'' every time.

Look at the three reads: each returns b'' at once. End of stream is sticky, so a loop
that does not stop on b'' spins instead of getting an error.
"""

import socket
import time

with socket.create_server(("127.0.0.1", 0)) as listener:
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()

with client:
    server.close()  # a normal close sends FIN
    time.sleep(0.05)
    client.settimeout(0.2)
    print("recv ->", repr(client.recv(100)))
    print("recv-again ->", repr(client.recv(100)))
    print("recv-third ->", repr(client.recv(100)))
