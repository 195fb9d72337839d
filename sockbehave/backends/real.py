"""The real backend: this machine's loopback, with guard rails.

Owns: ``RealNet``, a scenario's net on the real backend: creating its sockets (through the
guarded ``loopback_socket.LoopbackSocket``, within a descriptor budget), running its peers
(threads and child processes), keeping what the loopback guard (``guard``) recorded against
the scenario, and cleaning up everything the scenario made, including processes and sockets
its code made without ``net``. It makes no decisions about what the OS *should* do.

Descriptor budget: a scenario may hold at most ``descriptor_budget()`` sockets open at once,
``min(256, RLIMIT_NOFILE soft limit // 4)`` (256 where there is no such limit). The whole
catalog needs at most 10 at once (tcp.backlog-5); the quarter keeps one runaway scenario from
taking the descriptors the scenarios running beside it need. Past it, ``net.socket()`` (and a
scenario's own ``socket.socket()``, counted by the audit layer) raises
``DescriptorBudgetError``, and the scenario is reported as an error naming the budget even if
it catches that.
"""

from __future__ import annotations

import contextlib
import importlib
import socket
import subprocess
import sys
import threading
import time
import weakref
from socket import AF_INET, SOCK_STREAM
from typing import Any, Callable

from .. import interrupt, outcome
from ..errors import DescriptorBudgetError, LoopbackOnlyError, ScenarioError
from ..platform_info import current_os
from . import children, guard
from .loopback_socket import LoopbackSocket

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

__all__ = ["RealNet", "descriptor_budget"]

#: ``socket.socket``, under a name the ``RealNet.socket`` method cannot shadow in class bodies.
Socket = socket.socket

_SENTINEL = object()
#: The most sockets one scenario may hold open at once, whatever the descriptor limit.
MAX_SOCKETS_PER_SCENARIO = 256


def descriptor_budget() -> int:
    """How many sockets one scenario may hold open: see the module docstring."""
    if resource is None:
        return MAX_SOCKETS_PER_SCENARIO
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft == resource.RLIM_INFINITY:
        return MAX_SOCKETS_PER_SCENARIO
    return max(1, min(MAX_SOCKETS_PER_SCENARIO, soft // 4))


class _Thread:
    def __init__(self, net: RealNet, fn: Callable[..., Any], args: tuple[Any, ...], name: str) -> None:
        self._result: Any = _SENTINEL
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(net, fn, args), name=name, daemon=True)
        self._thread.start()

    def _run(self, net: RealNet, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        guard.attribute(net)
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
        self.budget = descriptor_budget()
        self._lock = threading.Lock()
        self._sockets: list[Socket] = []
        self._raw_sockets: weakref.WeakSet[Socket] = weakref.WeakSet()
        self._threads: list[_Thread] = []
        self._processes: list[_Process] = []
        self._children: list[subprocess.Popen[Any]] = []
        self._ports: set[int] = set()
        self._problems: list[str] = []
        #: Held by ``abort`` (the watchdog's thread) while it works: the scenario it wakes may
        #: finish and reach ``close`` before ``abort`` has recorded what it killed.
        self._aborting = threading.Lock()
        self._closed = False

    # -- the Net protocol -------------------------------------------------------------
    def socket(self, family: int = AF_INET, type: int = SOCK_STREAM) -> Socket:
        if family not in (socket.AF_INET, socket.AF_INET6):
            raise ScenarioError(f"scenario {self.scenario_id}: only AF_INET and AF_INET6 are supported")
        self.admit_socket()
        return self.track(LoopbackSocket(self, family, type))

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

    def gethostname(self) -> str:
        return socket.gethostname()

    def resolve(self, host: str, family: int = AF_INET) -> list[str]:
        # Only the names a scenario may ask about: this machine's own (what a tutorial binds to)
        # and loopback ones. The lookup is the harness's, so the audit layer lets it through;
        # a name missing from /etc/hosts may still be asked of the configured resolver.
        if host != socket.gethostname() and not guard.is_loopback_host(host):
            raise self.refused(f"resolving {host!r}: the real backend resolves only this host's own name")
        with guard.internal():
            found = socket.getaddrinfo(host, None, family, socket.SOCK_STREAM)
        return list(dict.fromkeys(str(info[4][0]) for info in found))

    def stdlib_has(self, name: str) -> bool:
        module, _, attribute = name.rpartition(".")
        return hasattr(importlib.import_module(module), attribute)

    def spawn(self, fn: Callable[..., Any], *args: Any) -> _Thread:
        peer = _Thread(self, fn, args, name=f"sockbehave-peer-{self.scenario_id}")
        with self._lock:
            self._threads.append(peer)
        return peer

    def spawn_peer_process(self, address: tuple[Any, ...], send: bytes = b"") -> _Process:
        self.check_address(address, "connect")
        cmd = [sys.executable, "-m", "sockbehave.backends.peer_process", str(address[0]), str(address[1]), send.hex()]
        with guard.internal():
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)  # noqa: S603 - fixed argv, no shell
        peer = _Process(proc)
        with self._lock:
            self._processes.append(peer)
        return peer

    def enter(self) -> None:
        """The calling thread runs this scenario (see ``ManagedNet.enter``): from now until
        ``close()`` the audit layer of the loopback guard watches it and the threads it starts."""
        guard.activate(self)

    # -- guard rails ------------------------------------------------------------------
    def refuse(self, message: str) -> None:
        """Record a refused call (``guard.Guarded``): ``close()`` reports the scenario as an error."""
        with self._lock:
            self._problems.append(message)

    def refused(self, message: str) -> LoopbackOnlyError:
        """Record a refusal by the socket layer; return the error to raise."""
        self.refuse(f"refused {message}")
        return LoopbackOnlyError(f"scenario {self.scenario_id}: refused {message}")

    def check_address(self, address: object, action: str) -> None:
        if not isinstance(address, tuple) or len(address) < 2:
            raise self.refused(f"{action} to {address!r}: expected a (host, port) tuple")
        host, port = address[0], address[1]
        if not guard.is_loopback_host(host):
            raise self.refused(f"{action} to {address!r}: the real backend touches loopback only")
        if port != 0 and port not in self._ports:
            raise self.refused(f"{action} to port {port}: use port 0 (ephemeral) or a port this scenario was given")

    def remember_port(self, sock: Socket) -> None:
        try:
            port = sock.getsockname()[1]
        except OSError:
            return
        if port:
            with self._lock:
                self._ports.add(port)

    def track(self, sock: Socket) -> Socket:
        with self._lock:
            self._sockets.append(sock)
        return sock

    def open_sockets(self) -> int:
        """Sockets this scenario holds open now, made through ``net`` or (counted by the audit
        layer while it runs) by its own code."""
        with self._lock:
            self._sockets = [s for s in self._sockets if s.fileno() != -1]
            return len(self._sockets) + sum(1 for s in self._raw_sockets if s.fileno() != -1)

    def admit_socket(self) -> None:
        """Raise ``DescriptorBudgetError`` (and record it) if one more socket breaks the budget."""
        if self.open_sockets() >= self.budget:
            message = (
                f"opened more than its descriptor budget of {self.budget} sockets at once "
                "(min(256, RLIMIT_NOFILE // 4), so one scenario cannot starve the others)"
            )
            with self._lock:
                if not any("descriptor budget" in p for p in self._problems):
                    self._problems.append(message)
            raise DescriptorBudgetError(f"scenario {self.scenario_id}: {message}")

    def adopt_socket(self, sock: Socket, fresh: bool) -> None:
        """A socket the scenario's code made itself (``guard.Guarded``); count it, close it at the end."""
        if fresh:
            self.admit_socket()
        with self._lock:
            self._raw_sockets.add(sock)

    def adopt_child(self, proc: subprocess.Popen[Any]) -> bool:
        """A process the scenario's code started (``guard.Guarded``): killed by ``close()``."""
        with self._lock:
            if self._closed:
                return False
            self._children.append(proc)
            return True

    # -- cleanup ----------------------------------------------------------------------
    def _stop_children(self) -> None:
        with self._lock:
            procs, self._children = self._children, []
        for proc in procs:
            if children.stop(proc):
                self.refuse(f"left a child process running: {children.describe(proc)} (pid {proc.pid}); killed it")

    def abort(self) -> None:
        """Wake anything a runaway scenario is blocked in: shut every socket down, kill peers."""
        with self._aborting:
            with self._lock:
                sockets = list(self._sockets) + list(self._raw_sockets)
                processes = list(self._processes)
            for s in sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
            for p in processes:
                p.kill()
            self._stop_children()

    def close(self) -> None:
        """Close every socket, kill every child process and reap every peer thread; raise a
        ``ScenarioError`` naming every refused call, leftover process and stuck thread."""
        with self._aborting:  # an abort under way finishes (and records what it killed) first
            pass
        guard.deactivate(self)
        with self._lock:
            self._closed = True
            sockets, self._sockets = self._sockets, []
            sockets += list(self._raw_sockets)
            self._raw_sockets = weakref.WeakSet()
            processes, self._processes = self._processes, []
            threads, self._threads = self._threads, []
        for p in processes:
            p.kill()
        self._stop_children()
        for s in sockets:
            s.close()
        for t in threads:
            t._thread.join(5.0)
        stuck = [t for t in threads if t.alive()]
        with self._lock:
            problems, self._problems = self._problems, []
        if stuck:
            # A peer spinning in Python code is stopped, so it does not burn a core for the rest
            # of the process; one blocked in a C call cannot be, and is named as still running.
            still = [t._thread.name for t in stuck if not interrupt.stop_thread(t._thread)]
            problems.append(
                f"{len(stuck)} peer thread(s) did not finish"
                + (f"; still running: {', '.join(still)}" if still else "; stopped them")
            )
        if problems:
            raise ScenarioError(f"scenario {self.scenario_id}: " + "; ".join(problems))

    def __enter__(self) -> RealNet:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc is None:
            self.close()
            return
        with contextlib.suppress(ScenarioError):  # the exception in flight says more
            self.close()
