"""The real backend: this machine's loopback, with guard rails.

Owns: creating real sockets for a scenario, refusing anything but loopback addresses and
ports the OS handed to this scenario, running peers (threads and child processes), and
cleaning every one of them up. It makes no decisions about what the OS *should* do.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import subprocess
import sys
import threading
import time
from socket import AF_INET, SOCK_STREAM
from typing import Any, Callable

from .. import outcome
from ..errors import LoopbackOnlyError, ScenarioError
from ..platform_info import current_os

__all__ = ["RealNet"]

#: ``socket.socket``, under a name the ``RealNet.socket`` method cannot shadow in class bodies.
Socket = socket.socket

_SENTINEL = object()


def _is_loopback_host(host: object) -> bool:
    if host == "localhost":
        return True
    if not isinstance(host, str):
        return False
    try:
        addr = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped.is_loopback
    return addr.is_loopback


class _Thread:
    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], name: str) -> None:
        self._result: Any = _SENTINEL
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, args), name=name, daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            self._result = fn(*args)
        except BaseException as exc:
            self._error = exc

    def join(self, timeout: float) -> Any:
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise ScenarioError(f"peer thread {self._thread.name} still running after {timeout} s")
        if self._error is not None:
            raise self._error
        return self._result

    def alive(self) -> bool:
        return self._thread.is_alive()


class _Process:
    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self._proc = proc

    def kill(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait(timeout=10)
        if self._proc.stdin is not None:
            self._proc.stdin.close()


class RealNet:
    """A ``Net`` over this machine's loopback. Use as a context manager, or call ``close()``."""

    backend = "real"
    inline = False  # real calls can block for ever: the runner's watchdog thread guards them

    def __init__(self, scenario_id: str = "?") -> None:
        self.scenario_id = scenario_id
        self.os = current_os()
        self._lock = threading.Lock()
        self._sockets: list[Socket] = []
        self._threads: list[_Thread] = []
        self._processes: list[_Process] = []
        self._ports: set[int] = set()

    # -- the Net protocol -------------------------------------------------------------
    def socket(self, family: int = AF_INET, type: int = SOCK_STREAM) -> Socket:
        if family not in (socket.AF_INET, socket.AF_INET6):
            raise ScenarioError(f"scenario {self.scenario_id}: only AF_INET and AF_INET6 are supported")
        return self._track(_LoopbackSocket(self, family, type))

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def clock(self) -> float:
        return time.monotonic()

    def option(self, name: str) -> int | None:
        value = getattr(socket, name, None)
        return value if isinstance(value, int) else None

    def errno_name(self, number: int) -> str:
        return outcome.errno_name(number)

    def loopback(self, family: int = AF_INET) -> str:
        return "::1" if family == socket.AF_INET6 else "127.0.0.1"

    def spawn(self, fn: Callable[..., Any], *args: Any) -> _Thread:
        peer = _Thread(fn, args, name=f"sockbehave-peer-{self.scenario_id}")
        with self._lock:
            self._threads.append(peer)
        return peer

    def spawn_peer_process(self, address: tuple[Any, ...], send: bytes = b"") -> _Process:
        self.check_address(address, "connect")
        cmd = [sys.executable, "-m", "sockbehave.backends.peer_process", str(address[0]), str(address[1]), send.hex()]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)  # noqa: S603 - fixed argv, no shell
        peer = _Process(proc)
        with self._lock:
            self._processes.append(peer)
        return peer

    def enter(self) -> None:
        """The calling thread runs this scenario (see ``ManagedNet.enter``)."""

    # -- guard rails ------------------------------------------------------------------
    def check_address(self, address: object, action: str) -> None:
        if not isinstance(address, tuple) or len(address) < 2:
            raise LoopbackOnlyError(
                f"scenario {self.scenario_id}: {action} to {address!r}: expected a (host, port) tuple"
            )
        host, port = address[0], address[1]
        if not _is_loopback_host(host):
            raise LoopbackOnlyError(
                f"scenario {self.scenario_id}: {action} to {host!r} refused: the real backend touches loopback only"
            )
        if port != 0 and port not in self._ports:
            raise LoopbackOnlyError(
                f"scenario {self.scenario_id}: {action} to port {port} refused: use port 0 (ephemeral) "
                "or a port this scenario was given"
            )

    def remember_port(self, sock: Socket) -> None:
        try:
            port = sock.getsockname()[1]
        except OSError:
            return
        if port:
            with self._lock:
                self._ports.add(port)

    def _track(self, sock: Socket) -> Socket:
        with self._lock:
            self._sockets.append(sock)
        return sock

    # -- cleanup ----------------------------------------------------------------------
    def abort(self) -> None:
        """Wake anything a runaway scenario is blocked in: shut every socket down, kill peers."""
        with self._lock:
            sockets = list(self._sockets)
            processes = list(self._processes)
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
        for p in processes:
            p.kill()

    def close(self) -> None:
        """Close every socket, kill every child process and reap every peer thread."""
        with self._lock:
            sockets, self._sockets = self._sockets, []
            processes, self._processes = self._processes, []
            threads, self._threads = self._threads, []
        for p in processes:
            p.kill()
        for s in sockets:
            s.close()
        for t in threads:
            t._thread.join(5.0)
        stuck = [t for t in threads if t.alive()]
        if stuck:
            raise ScenarioError(f"scenario {self.scenario_id}: {len(stuck)} peer thread(s) did not finish")

    def open_sockets(self) -> int:
        with self._lock:
            return sum(1 for s in self._sockets if s.fileno() != -1)

    def __enter__(self) -> RealNet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _LoopbackSocket(socket.socket):
    """A real ``socket.socket`` whose address-taking calls go through the loopback guard."""

    def __init__(self, net: RealNet, family: int, type: int, fileno: int | None = None) -> None:
        super().__init__(family, type, 0, fileno)
        self._net = net

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
        self._net.check_address(address, "connect")
        try:
            return super().connect_ex(address)
        finally:
            self._net.remember_port(self)

    def sendto(self, data: Any, *args: Any) -> int:
        self._net.check_address(args[-1], "sendto")
        result: int = super().sendto(data, *args)
        self._net.remember_port(self)
        return result

    def accept(self) -> tuple[Socket, Any]:
        fd, addr = self._accept()  # type: ignore[attr-defined]
        conn = self._net._track(_LoopbackSocket(self._net, self.family, self.type, fileno=fd))
        # As socket.socket.accept does: a listener with a timeout hands out blocking sockets.
        if socket.getdefaulttimeout() is None and self.gettimeout():
            conn.setblocking(True)
        return conn, addr
