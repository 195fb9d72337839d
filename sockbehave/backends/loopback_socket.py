"""The loopback guard's first layer: the socket class behind the real backend's ``net.socket()``.

Owns: ``LoopbackSocket``, a real ``socket.socket`` whose every address-taking method goes
through its net's ``check_address`` (loopback hosts, ports the OS handed this scenario), and
the classification of every attribute ``socket.socket`` defines (the tables below). A test
walks ``socket.socket`` and fails on a name missing from them, so a method a future Python adds
is refused by the test suite until someone classifies it here.

What the kernel would do implicitly is made explicit on loopback: ``listen()`` on a
never-bound socket, and ``sendto``/``sendmsg`` with an address from one, would bind the
wildcard address (reachable from other machines); they bind ``127.0.0.1``/``::1`` port 0 first.
Code that makes its own ``socket.socket`` is the audit layer's (``guard``).
"""

from __future__ import annotations

import socket
from typing import Any, Protocol

from ..errors import LoopbackOnlyError
from .guard import loopback_host, never_bound

__all__ = [
    "ADDRESS_TAKING",
    "DESCRIPTOR_GIVING",
    "NOT_ADDRESS_TAKING",
    "SOCKET_MAKING",
    "LoopbackSocket",
    "SocketPolicy",
]


class SocketPolicy(Protocol):
    """What a guarded socket needs from its net (``RealNet`` provides it): so this module
    imports nothing above it."""

    def check_address(self, address: object, action: str) -> None: ...

    def remember_port(self, sock: socket.socket) -> None: ...

    def refused(self, message: str) -> LoopbackOnlyError: ...

    def admit_socket(self) -> None: ...

    def track(self, sock: socket.socket) -> socket.socket: ...


#: Methods that take an address, or make the kernel choose one: each is overridden below.
#: ``setsockopt`` is here for the options that name an interface or a multicast group.
ADDRESS_TAKING = frozenset(
    {"bind", "connect", "connect_ex", "listen", "sendmsg", "sendmsg_afalg", "sendto", "setsockopt"}
)
#: Methods that hand out another socket object: overridden so that one is guarded too.
SOCKET_MAKING = frozenset({"accept", "dup"})
#: Methods that hand out a bare descriptor: a ``socket.socket`` built on it is the audit layer's.
DESCRIPTOR_GIVING = frozenset({"_accept", "detach", "fileno", "share"})
#: Everything else ``socket.socket`` and ``_socket.socket`` define, on 3.9-3.13, POSIX and
#: Windows: no address in, no socket out.
NOT_ADDRESS_TAKING = frozenset(
    {
        "__del__", "__doc__", "__enter__", "__exit__", "__firstlineno__", "__getattribute__",
        "__getstate__", "__init__", "__module__", "__new__", "__repr__", "__slots__",
        "__static_attributes__", "__weakref__", "_check_sendfile_params", "_closed",
        "_decref_socketios", "_io_refs", "_real_close", "_sendfile_use_send", "_sendfile_use_sendfile",
        "close", "family", "get_inheritable", "getblocking", "getpeername", "getsockname", "getsockopt",
        "gettimeout", "ioctl", "makefile", "proto", "recv", "recv_into", "recvfrom", "recvfrom_into",
        "recvmsg", "recvmsg_into", "send", "sendall", "sendfile", "set_inheritable", "setblocking",
        "settimeout", "shutdown", "timeout", "type",
    }
)  # fmt: skip

#: ``(level, option)`` pairs that join a multicast group (the kernel then sends a membership
#: report on a real interface) or tie the socket to a device. Names missing on this OS are skipped.
_REFUSED_OPTIONS = frozenset(
    (getattr(socket, level), getattr(socket, name))
    for level, name in (
        ("IPPROTO_IP", "IP_ADD_MEMBERSHIP"),
        ("IPPROTO_IP", "IP_ADD_SOURCE_MEMBERSHIP"),
        ("IPPROTO_IP", "IP_BOUND_IF"),
        ("IPPROTO_IPV6", "IPV6_JOIN_GROUP"),
        ("IPPROTO_IPV6", "IPV6_BOUND_IF"),
        ("IPPROTO_IP", "MCAST_JOIN_GROUP"),
        ("IPPROTO_IP", "MCAST_JOIN_SOURCE_GROUP"),
        ("SOL_SOCKET", "SO_BINDTODEVICE"),
        ("SOL_SOCKET", "SO_BINDTOIFINDEX"),
    )
    if hasattr(socket, level) and hasattr(socket, name)
)


class LoopbackSocket(socket.socket):
    """A real ``socket.socket`` whose address-taking calls go through the loopback guard."""

    #: The audit layer leaves sockets of this class to their net (which counts them itself).
    _sockbehave_guarded = True

    def __init__(self, net: SocketPolicy, family: int, type: int, fileno: int | None = None) -> None:
        super().__init__(family, type, 0, fileno)
        self._net = net

    def _bind_loopback_if_unbound(self, towards: object = None) -> None:
        if never_bound(self):
            self.bind((loopback_host(self.family, towards), 0))

    def bind(self, address: Any) -> None:
        self._net.check_address(address, "bind")
        super().bind(address)
        self._net.remember_port(self)

    def connect(self, address: Any) -> None:
        self._net.check_address(address, "connect")
        try:
            super().connect(address)
        finally:
            self._net.remember_port(self)

    def connect_ex(self, address: Any) -> int:
        self._net.check_address(address, "connect_ex")
        try:
            return super().connect_ex(address)
        finally:
            self._net.remember_port(self)

    def listen(self, *backlog: int) -> None:
        self._bind_loopback_if_unbound()
        super().listen(*backlog)

    def sendto(self, data: Any, *args: Any) -> int:
        address: Any = args[-1] if args else None
        self._net.check_address(address, "sendto")
        self._bind_loopback_if_unbound(address[0])
        result: int = super().sendto(data, *args)
        self._net.remember_port(self)
        return result

    def sendmsg(self, buffers: Any, ancdata: Any = (), flags: int = 0, address: Any = None) -> int:
        if address is None:
            return super().sendmsg(buffers, ancdata, flags)
        self._net.check_address(address, "sendmsg")
        self._bind_loopback_if_unbound(address[0])
        result: int = super().sendmsg(buffers, ancdata, flags, address)
        self._net.remember_port(self)
        return result

    def sendmsg_afalg(self, *args: Any, **kwargs: Any) -> int:
        raise self._net.refused("sendmsg_afalg: only AF_ALG sockets take it, and net.socket() makes IP sockets")

    def setsockopt(self, level: int, option: int, *value: Any) -> None:
        if (level, option) in _REFUSED_OPTIONS:
            raise self._net.refused(
                f"setsockopt({level}, {option}): the option names an interface or a multicast group"
            )
        super().setsockopt(level, option, *value)

    def accept(self) -> tuple[socket.socket, Any]:
        self._net.admit_socket()
        fd, addr = self._accept()  # type: ignore[attr-defined]
        conn = self._net.track(LoopbackSocket(self._net, self.family, self.type, fileno=fd))
        # As socket.socket.accept does: a listener with a timeout hands out blocking sockets.
        if socket.getdefaulttimeout() is None and self.gettimeout():
            conn.setblocking(True)
        return conn, addr

    def dup(self) -> LoopbackSocket:
        self._net.admit_socket()
        twin = LoopbackSocket(self._net, self.family, self.type, fileno=socket.dup(self.fileno()))
        self._net.track(twin)
        twin.settimeout(self.gettimeout())
        return twin
