"""tcp.bind-gethostname: a server bound to socket.gethostname() listens only where that name resolves.

Runs on any OS in well under a second. It binds only if the name resolves to a loopback
address, so it never listens on the network.
"""

import ipaddress
import socket

name = socket.gethostname()
print("socket.gethostname() =", repr(name))
address = ""
try:
    address = socket.gethostbyname(name)
except OSError as exc:  # socket.gaierror: the name does not resolve
    print("gethostbyname raised", repr(exc))

if not address:
    where = "does not resolve"
elif address == "127.0.0.1":
    where = "127.0.0.1"
elif ipaddress.ip_address(address).is_loopback:
    where = "loopback, not 127.0.0.1"
else:
    where = "not loopback"
print("gethostbyname(name) =", repr(address or None))
print("resolves-to ->", repr(where))

if address and ipaddress.ip_address(address).is_loopback:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind((address, 0))
    server.listen(2)
    port = server.getsockname()[1]
    for label, target in (("connect-127-0-0-1", "127.0.0.1"), ("connect-host-name-address", address)):
        client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        client.settimeout(1.0)
        try:
            client.connect((target, port))
            print(label, "-> None")
        except OSError as exc:
            print(label, "->", repr(exc))
        finally:
            client.close()
    server.close()
else:
    print("not binding: a server bound to that name would listen on the network (or fail to bind)")
