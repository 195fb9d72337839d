"""tcp.bind-gethostname: a server bound to socket.gethostname() listens only where that name resolves.

Runs on any OS in well under a second. It binds only if the name resolves to a loopback
address, so it never listens on the network.
"""

import ipaddress
import socket

name = socket.gethostname()
print("socket.gethostname() ->", repr(name))
address = ""
try:
    address = socket.gethostbyname(name)
except OSError as exc:  # socket.gaierror: the name does not resolve
    print("gethostbyname raised", type(exc).__name__, exc)
else:
    print("gethostbyname ->", address)

if address and ipaddress.ip_address(address).is_loopback:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind((address, 0))
    server.listen(2)
    port = server.getsockname()[1]
    print("server bound to", server.getsockname())
    for target in ("127.0.0.1", address):
        client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        client.settimeout(1.0)
        try:
            client.connect((target, port))
            print(f"connect(({target!r}, {port})) -> connected")
        except OSError as exc:
            print(f"connect(({target!r}, {port})) raised", type(exc).__name__, exc)
        finally:
            client.close()
    server.close()
elif address:
    print("the name is not a loopback address: a server bound to it listens on that interface only,")
    print("and a client connecting to 127.0.0.1 would not reach it (not tried here)")
