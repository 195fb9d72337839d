"""Tutorial claims about Python's own defaults: the default timeout, the host name, forking servers."""

from __future__ import annotations

import ipaddress
import socket
from typing import Optional

from sockbehave.backends.protocol import Net
from sockbehave.kit import BLOCK, listener
from sockbehave.scenario import Steps, scenario

#: The default timeout the scenario sets. Short: the scenario runs alone (exclusive), so every
#: tenth of a second it waits is added to the whole run; nothing is sent, so the wait always ends
#: in a timeout however busy the machine is.
DEFAULT_TIMEOUT = 0.1


@scenario(
    id="tcp.setdefaulttimeout-new-sockets",
    title="socket.setdefaulttimeout() changes sockets created afterwards, not existing ones",
    claim="Calling socket.setdefaulttimeout() once puts a timeout on every socket of the program.",
    references=(
        "https://docs.python.org/3/library/socket.html#socket.setdefaulttimeout",
        "https://docs.python.org/3/library/socket.html#socket-timeouts (notes on socket timeouts)",
    ),
    exclusive=True,
)
def setdefaulttimeout_new_sockets(net: Net, step: Steps) -> None:
    """``socket.setdefaulttimeout(t)`` sets the timeout a socket is *given when it is created*.
    A socket made before the call keeps the timeout it had (``None``: blocking for ever), so a
    program that sets the default after opening its listener still blocks on that listener.
    The new socket's blocking calls give up after ``t`` seconds with ``TimeoutError``
    (``socket.timeout`` before Python 3.10). The default is global to the whole process: every
    thread and every library that creates a socket afterwards gets it, which is why this
    scenario runs alone and puts the old default back.
    """
    srv = listener(net)
    before = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    old_default = socket.getdefaulttimeout()
    try:
        socket.setdefaulttimeout(DEFAULT_TIMEOUT)
        after = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    finally:
        socket.setdefaulttimeout(old_default)
    step("existing-gettimeout", before.gettimeout)
    step.observe("new-gettimeout-is-default", after.gettimeout() == DEFAULT_TIMEOUT)
    after.connect(srv.getsockname())
    conn, _ = srv.accept()
    step("new-recv", after.recv, 1)  # nothing was sent: the default timeout ends the wait
    conn.close()


def _address_class(address: Optional[str]) -> str:
    """Where the host name points, in words that stay the same from machine to machine."""
    if address is None:
        return "does not resolve"
    if address == "127.0.0.1":
        return "127.0.0.1"
    return "loopback, not 127.0.0.1" if ipaddress.ip_address(address).is_loopback else "not loopback"


@scenario(
    id="tcp.bind-gethostname",
    title="A server bound to socket.gethostname() listens where the name resolves, not on every address",
    claim="Binding to socket.gethostname() makes the server reachable from this machine and the network alike.",
    references=(
        "https://docs.python.org/3/howto/sockets.html (Creating a Socket: gethostname and visibility)",
        "https://www.debian.org/doc/manuals/debian-reference/ch05.en.html#_the_hostname_resolution",
        "https://docs.python.org/3/library/socket.html#socket.gethostname",
    ),
)
def bind_gethostname(net: Net, step: Steps) -> None:
    """``bind((socket.gethostname(), port))`` binds to *one* address: whatever the host name
    resolves to. On Debian and Ubuntu ``/etc/hosts`` maps the name to 127.0.1.1, a loopback
    address other than 127.0.0.1, so the server is reachable neither from the network nor by a
    client that connects to ``127.0.0.1`` (connection refused); on many other hosts the name
    resolves to the LAN address, where the server cannot be reached as ``127.0.0.1`` either;
    where the name does not resolve at all, ``bind`` raises ``socket.gaierror``. Bind to
    ``""`` (every address) or to ``"127.0.0.1"`` (this machine only) to say what you mean.
    This scenario binds only when the name resolves to loopback (the real backend never leaves
    the machine); otherwise its later steps are ``not-reached``.
    """
    name = net.gethostname()
    try:
        address: Optional[str] = net.resolve(name, socket.AF_INET)[0]
    except OSError:  # socket.gaierror: the name does not resolve
        address = None
    step.observe("resolves-to", _address_class(address))
    if address is None or not ipaddress.ip_address(address).is_loopback:
        return
    srv = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind((address, 0))
    srv.listen(2)
    port = srv.getsockname()[1]
    via_loopback = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    via_loopback.settimeout(BLOCK)
    step("connect-127-0-0-1", via_loopback.connect, ("127.0.0.1", port))
    via_name = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    via_name.settimeout(BLOCK)
    step("connect-host-name-address", via_name.connect, (address, port))


@scenario(
    id="socketserver.forking-server-exists",
    title="socketserver's forking servers exist only where os.fork does: not on Windows",
    claim="socketserver.ForkingTCPServer handles each client in its own process on every OS.",
    references=(
        "https://docs.python.org/3/library/socketserver.html#socketserver.ForkingMixIn (Availability: POSIX)",
        "https://docs.python.org/3/library/os.html#os.fork (Availability: POSIX)",
        "python/cpython@v3.13.0 Lib/socketserver.py:551-552 (ForkingMixIn is defined only if hasattr(os, 'fork'))",
    ),
)
def forking_server_exists(net: Net, step: Steps) -> None:
    """``socketserver`` defines ``ForkingMixIn``, ``ForkingTCPServer`` and ``ForkingUDPServer``
    only ``if hasattr(os, "fork")``. Windows has no ``fork``, so there the names do not exist at
    all and ``from socketserver import ForkingTCPServer`` fails with ``ImportError`` before any
    socket is made. ``ThreadingTCPServer`` (a thread per client) exists everywhere and is the
    portable choice; a process per client on Windows needs ``multiprocessing`` instead.
    """
    step("os-fork", net.stdlib_has, "os.fork")
    step("forking-mixin", net.stdlib_has, "socketserver.ForkingMixIn")
    step("forking-tcp-server", net.stdlib_has, "socketserver.ForkingTCPServer")
    step("threading-tcp-server", net.stdlib_has, "socketserver.ThreadingTCPServer")
