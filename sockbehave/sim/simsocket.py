"""The thin layer that makes a simulated kernel socket look like ``socket.socket``.

Owns: Python's socket semantics on top of the kernel: timeouts (``None`` blocks, ``0.0`` is
non-blocking, a number waits that long in virtual time), address tuples, option constants,
``sendall``, and turning a kernel errno into the exception CPython raises on the simulated OS
(one helper, ``raise_errno``).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Optional, TypeVar

from .kernel import DGRAM, STREAM, KernelError, KSock, NotModelled, WouldBlock

if TYPE_CHECKING:
    from .network import Network

__all__ = ["SO_EXCLUSIVEADDRUSE", "SO_REUSEPORT", "SimSocket", "raise_errno"]

T = TypeVar("T")

#: Windows' SO_EXCLUSIVEADDRUSE (``~SO_REUSEADDR`` there); the host may not define it.
SO_EXCLUSIVEADDRUSE: int = getattr(socket, "SO_EXCLUSIVEADDRUSE", -5)
#: SO_REUSEPORT, with Linux's value where the host has none (a Windows host simulating Linux).
SO_REUSEPORT: int = getattr(socket, "SO_REUSEPORT", 15)

_OPTIONS: dict[tuple[int, int], str] = {
    (socket.SOL_SOCKET, socket.SO_REUSEADDR): "SO_REUSEADDR",
    (socket.SOL_SOCKET, SO_REUSEPORT): "SO_REUSEPORT",
    (socket.SOL_SOCKET, socket.SO_LINGER): "SO_LINGER",
    (socket.SOL_SOCKET, socket.SO_RCVBUF): "SO_RCVBUF",
    (socket.SOL_SOCKET, socket.SO_SNDBUF): "SO_SNDBUF",
    (socket.SOL_SOCKET, socket.SO_ERROR): "SO_ERROR",
    (socket.SOL_SOCKET, SO_EXCLUSIVEADDRUSE): "SO_EXCLUSIVEADDRUSE",
    (socket.IPPROTO_IPV6, socket.IPV6_V6ONLY): "IPV6_V6ONLY",
    (socket.IPPROTO_TCP, socket.TCP_NODELAY): "TCP_NODELAY",  # accepted; the simulator never delays (kernel.py)
}
OPTION_VALUES = {name: opt for (_, opt), name in _OPTIONS.items()}

# CPython picks the OSError subclass from the errno (Objects/exceptions.c, errnomap).
_EXCEPTIONS: dict[str, type[OSError]] = {
    "EAGAIN": BlockingIOError,
    "EWOULDBLOCK": BlockingIOError,
    "EALREADY": BlockingIOError,
    "EINPROGRESS": BlockingIOError,
    "EPIPE": BrokenPipeError,
    "ESHUTDOWN": BrokenPipeError,
    "ECONNABORTED": ConnectionAbortedError,
    "ECONNREFUSED": ConnectionRefusedError,
    "ECONNRESET": ConnectionResetError,
    "EACCES": PermissionError,
    "EPERM": PermissionError,
    "ETIMEDOUT": TimeoutError,
}


def raise_errno(net: Network, name: str) -> OSError:
    """The exception CPython raises on ``net``'s OS for errno ``name`` (to be raised by the caller)."""
    name = net.profile.errno_aliases.get(name, name)
    number, message = net.profile.errnos[name]
    exc = _EXCEPTIONS.get(name, OSError)(number, message)
    if net.profile.sets_winerror:
        exc.winerror = number  # type: ignore[attr-defined]  # as CPython on Windows: errno == winerror
    return exc


class SimSocket:
    """Mirrors ``socket.socket`` for the calls the simulator models."""

    def __init__(self, net: Network, ksock: KSock, family: int, type: int) -> None:
        self._net = net
        self._k = ksock
        self.family = socket.AddressFamily(family)
        self.type = socket.SocketKind(type)
        self.proto = 0
        self._timeout: Optional[float] = socket.getdefaulttimeout()

    # -- plumbing -----------------------------------------------------------------------
    def _kernel(self, fn: Callable[[], T]) -> T:
        self._net.enter()
        try:
            return fn()
        except KernelError as exc:
            raise raise_errno(self._net, exc.name) from None

    def _blocking(self, what: str, attempt: Callable[[], T], ready: Callable[[], bool]) -> T:
        """Try ``attempt``; while the kernel says WouldBlock, wait as the timeout allows."""
        self._net.enter()
        deadline = None if self._timeout is None else self._net.clock() + self._timeout
        while True:
            try:
                return attempt()
            except KernelError as exc:
                raise raise_errno(self._net, exc.name) from None
            except WouldBlock:
                if self._timeout == 0.0:
                    raise raise_errno(self._net, "EAGAIN") from None
                if not self._net.scheduler.wait_until(ready, deadline, f"{what}() on {self!r}"):
                    raise socket.timeout("timed out") from None

    def _address(self, address: Any) -> tuple[str, int]:
        if not isinstance(address, tuple) or len(address) < 2:
            raise TypeError(f"{self.family.name} address must be a tuple (host, port), got {address!r}")
        host, port = address[0], address[1]
        if not isinstance(host, str) or not isinstance(port, int):
            raise TypeError(f"address must be (str, int), got {address!r}")
        if not 0 <= port <= 65535:
            raise OverflowError("port must be 0-65535.")
        if host == "":
            host = "::" if self.family == socket.AF_INET6 else "0.0.0.0"  # noqa: S104 - simulated
        return host, port

    def _shown(self, addr: Optional[tuple[str, int]]) -> tuple[Any, ...]:
        if addr is None:
            addr = ("::", 0) if self.family == socket.AF_INET6 else ("0.0.0.0", 0)  # noqa: S104
        return (addr[0], addr[1], 0, 0) if self.family == socket.AF_INET6 else addr

    def _option(self, level: int, optname: int) -> str:
        name = _OPTIONS.get((level, optname))
        if name is None:
            raise NotModelled(f"socket option level={level} optname={optname}")
        return name

    # -- the socket.socket surface --------------------------------------------------------------
    def bind(self, address: Any) -> None:
        host, port = self._address(address)
        self._kernel(lambda: self._net.kernel.bind(self._k, host, port))

    def listen(self, backlog: int = 128) -> None:
        self._kernel(lambda: self._net.kernel.listen(self._k, backlog))

    def accept(self) -> tuple[SimSocket, tuple[Any, ...]]:
        k = self._net.kernel
        conn, addr = self._blocking("accept", lambda: k.accept(self._k), lambda: k.acceptable(self._k))
        wrapped = SimSocket(self._net, conn, self.family, self.type)
        if socket.getdefaulttimeout() is None and self._timeout:  # as socket.socket.accept
            wrapped._timeout = None
        self._net.track(wrapped)
        return wrapped, self._shown(addr)

    def connect(self, address: Any) -> None:
        host, port = self._address(address)
        k = self._net.kernel
        self._net.enter()
        try:
            k.connect(self._k, host, port)
            if self._timeout == 0.0 and self._k.kind == STREAM:
                raise raise_errno(self._net, self._net.profile.nonblocking_connect_error)
            return
        except KernelError as exc:
            raise raise_errno(self._net, exc.name) from None
        except WouldBlock:
            if self._timeout == 0.0:
                raise raise_errno(self._net, self._net.profile.nonblocking_connect_error) from None
        self._blocking(
            "connect",
            lambda: k.finish_connect(self._k) if k.connect_done(self._k) else _would_block(),
            lambda: k.connect_done(self._k),
        )

    def connect_ex(self, address: Any) -> int:
        try:
            self.connect(address)
        except socket.timeout:
            return self._net.profile.errnos["EAGAIN"][0]
        except OSError as exc:
            return int(exc.errno or 0)
        return 0

    def send(self, data: Any, flags: int = 0) -> int:
        if flags:
            raise NotModelled("send() flags")
        payload = memoryview(data).cast("B")  # no copy: the kernel copies only what it takes
        k = self._net.kernel
        return self._blocking("send", lambda: k.send(self._k, payload), lambda: k.writable(self._k))

    def sendall(self, data: Any, flags: int = 0) -> None:
        if flags:
            raise NotModelled("sendall() flags")
        view = memoryview(data).cast("B")
        k = self._net.kernel
        self._net.enter()
        deadline = None if self._timeout is None else self._net.clock() + self._timeout
        sent = 0
        while True:  # like CPython's sock_sendall: send at least once, until nothing is left
            try:
                sent += k.send(self._k, view[sent:])
            except KernelError as exc:
                raise raise_errno(self._net, exc.name) from None
            except WouldBlock:
                if self._timeout == 0.0:
                    raise raise_errno(self._net, "EAGAIN") from None
                if not self._net.scheduler.wait_until(lambda: k.writable(self._k), deadline, "sendall()"):
                    raise socket.timeout("timed out") from None
            if sent >= len(view):
                return

    def sendto(self, data: Any, *args: Any) -> int:
        if len(args) == 2 and args[0]:
            raise NotModelled("sendto() flags")
        host, port = self._address(args[-1])
        payload = bytes(data)
        return self._kernel(lambda: self._net.kernel.sendto(self._k, payload, host, port))

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        if flags:
            raise NotModelled("recv() flags")
        if bufsize < 0:
            raise ValueError("negative buffersize in recv")
        if bufsize == 0:  # CPython makes no system call for this, even on a closed socket (strace)
            return b""
        k = self._net.kernel
        return self._blocking("recv", lambda: k.recv(self._k, bufsize), lambda: k.readable(self._k))

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        view = memoryview(buffer).cast("B")
        if not (nbytes or len(view)):
            return 0  # as recv(0): no system call
        data = self.recv(nbytes or len(view), flags)
        view[: len(data)] = data
        return len(data)

    def recvfrom(self, bufsize: int, flags: int = 0) -> tuple[bytes, tuple[Any, ...]]:
        if flags:
            raise NotModelled("recvfrom() flags")
        k = self._net.kernel
        data, addr = self._blocking("recvfrom", lambda: k.recvfrom(self._k, bufsize), lambda: k.readable(self._k))
        return data, self._shown(addr)

    def shutdown(self, how: int) -> None:
        self._kernel(lambda: self._net.kernel.shutdown(self._k, how))

    def close(self) -> None:
        if self._net.scheduler.closed:
            return  # the network is gone, and its sockets with it (asyncio's transports close in __del__)
        if not self._k.closed:
            self._kernel(lambda: self._net.kernel.close(self._k))

    def detach(self) -> int:
        raise NotModelled("detach()")

    def setsockopt(self, level: int, optname: int, value: Any, optlen: Optional[int] = None) -> None:
        name = self._option(level, optname)
        self._kernel(
            lambda: self._net.kernel.setsockopt(self._k, name, value if isinstance(value, bytes) else int(value))
        )

    def getsockopt(self, level: int, optname: int, buflen: Optional[int] = None) -> Any:
        name = self._option(level, optname)
        value = self._kernel(lambda: self._net.kernel.getsockopt(self._k, name))
        if buflen is not None and isinstance(value, int):
            return value.to_bytes(4, "little", signed=True)[:buflen]
        return value

    def settimeout(self, value: Optional[float]) -> None:
        if value is not None and value < 0:
            raise ValueError("Timeout value out of range")
        self._timeout = None if value is None else float(value)

    def gettimeout(self) -> Optional[float]:
        return self._timeout

    def setblocking(self, flag: bool) -> None:
        self._timeout = None if flag else 0.0

    def getblocking(self) -> bool:
        return self._timeout != 0.0

    def getsockname(self) -> tuple[Any, ...]:
        self._kernel(lambda: self._net.kernel._check_open(self._k))
        return self._shown(self._k.local)

    def getpeername(self) -> tuple[Any, ...]:
        def peer() -> tuple[str, int]:
            self._net.kernel._check_open(self._k)
            connected = self._k.tcb is not None if self._k.kind == STREAM else self._k.remote is not None
            if not connected or self._k.remote is None:
                raise self._net.kernel.fail("ENOTCONN")
            return self._k.remote

        return self._shown(self._kernel(peer))

    def fileno(self) -> int:
        return -1 if self._k.closed else self._net.descriptors.number(self._k)

    def __enter__(self) -> SimSocket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        kind = "tcp" if self._k.kind == STREAM else "udp" if self._k.kind == DGRAM else self._k.kind
        return f"<sim {self._net.profile.name} {kind} socket fd={self.fileno()} local={self._k.local} remote={self._k.remote}>"


def _would_block() -> None:
    raise WouldBlock
