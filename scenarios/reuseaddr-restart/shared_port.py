"""Two sockets on one port while the first still listens: SO_REUSEADDR versus SO_REUSEPORT."""

from __future__ import annotations

import socket

from sockbehave.backends.protocol import Net
from sockbehave.kit import listener
from sockbehave.scenario import Steps, scenario


@scenario(
    id="tcp.bind-while-listening",
    title="Binding a port another socket listens on fails",
    claim="Two programs can never listen on the same port.",
    references=("https://man7.org/linux/man-pages/man2/bind.2.html (EADDRINUSE)",),
)
def bind_while_listening(net: Net, step: Steps) -> None:
    """Without any option, a second ``bind`` to a port that a socket is listening on fails with
    ``EADDRINUSE`` on every OS.
    """
    first = listener(net)
    second = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    step("second-bind", second.bind, first.getsockname())


@scenario(
    id="tcp.bind-while-listening-reuseaddr-both",
    title="SO_REUSEADDR on both sockets: a second bind to a listening port",
    claim="SO_REUSEADDR only affects ports in TIME_WAIT.",
    references=(
        "https://man7.org/linux/man-pages/man7/socket.7.html (SO_REUSEADDR)",
        "https://learn.microsoft.com/en-us/windows/win32/winsock/using-so-reuseaddr-and-so-exclusiveaddruse",
    ),
)
def bind_while_listening_reuseaddr(net: Net, step: Steps) -> None:
    """On Linux and the BSDs, ``SO_REUSEADDR`` never lets two sockets listen on the same
    address and port: the second bind fails. On Windows it means something else entirely:
    the second socket may *take over* the port (Microsoft documents this as a security risk
    and offers ``SO_EXCLUSIVEADDRUSE`` against it).
    """
    first = listener(net, reuseaddr=True)
    second = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    second.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    step("second-bind", second.bind, first.getsockname())


@scenario(
    id="tcp.reuseport-two-listeners",
    title="SO_REUSEPORT lets two sockets listen on one port, where it exists",
    claim="SO_REUSEPORT is a stronger SO_REUSEADDR available everywhere.",
    references=(
        "https://man7.org/linux/man-pages/man7/socket.7.html (SO_REUSEPORT, Linux 3.9)",
        "https://man.freebsd.org/cgi/man.cgi?query=setsockopt&sektion=2 (SO_REUSEPORT, SO_REUSEPORT_LB)",
    ),
)
def reuseport(net: Net, step: Steps) -> None:
    """When every socket sets ``SO_REUSEPORT`` before binding, several may listen on the same
    port (Linux spreads incoming connections across them). Windows has no such option at all:
    Python's ``socket`` module does not even define the constant there.
    """
    option = net.option("SO_REUSEPORT")
    step.observe("has-so-reuseport", option is not None)
    if option is None:
        return
    first = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    first.setsockopt(socket.SOL_SOCKET, option, 1)
    first.bind((net.loopback(), 0))
    first.listen(1)
    second = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    second.setsockopt(socket.SOL_SOCKET, option, 1)
    step("second-bind", second.bind, first.getsockname())
    step("second-listen", second.listen, 1)
