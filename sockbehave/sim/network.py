"""``Network``: one simulated host on one OS profile, usable wherever a ``Net`` is expected.

Owns: wiring the clock, the scheduler and the kernel together; the ``Net`` protocol (sockets,
virtual sleep, peers, killable peer "processes"); and ``patched``, which lets unmodified code
that calls ``socket.socket`` (and threads, and ``time.sleep``) run on the simulated stack.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import weakref
from collections.abc import Iterator
from socket import AF_INET, AF_INET6, SOCK_STREAM
from typing import Any, Callable, Optional, cast

from ..errors import ScenarioError
from .clock import Clock, Scheduler, Task
from .kernel import Kernel
from .osview import module_patches
from .profiles import Profile, get_profile
from .resolver import Resolver
from .simsocket import OPTION_VALUES, SimSocket

__all__ = ["Network", "patched"]

#: ``socket.socket``, under a name the ``Network.socket`` method cannot shadow.
Socket = socket.socket


class _Peer:
    def __init__(self, net: Network, task: Task) -> None:
        self._net, self._task = net, task

    def join(self, timeout: float) -> Any:
        done = self._net.scheduler.wait_until(lambda: self._task.done, self._net.clock() + timeout, "join()")
        if not done:
            raise ScenarioError(f"peer {self._task.name} still running after {timeout} s (virtual)")
        if self._task.error is not None:
            raise self._task.error
        return self._task.result


class _PeerProcess:
    """A simulated process holding one connection; killing it closes its socket, as exit does."""

    def __init__(self, net: Network, sock: SimSocket) -> None:
        self._net, self._sock = net, sock

    def kill(self) -> None:
        self._sock.close()


class Network:
    """A simulated loopback host. ``Network(profile="windows")``; see the package docstring."""

    backend = "sim"
    inline = True  # see ManagedNet.inline: deadlocks and the virtual-time limit end every run

    def __init__(
        self, profile: str | Profile = "linux", seed: int = 0, name: str = "sim", max_virtual_time: float = 3600.0
    ) -> None:
        self.profile = get_profile(profile) if isinstance(profile, str) else profile
        self.os = self.profile.name
        self.name = name
        self._clock = Clock()
        self.scheduler = Scheduler(self._clock, max_virtual_time)
        self.kernel = Kernel(self.profile, self._clock, seed)
        self.resolver = Resolver(self.profile)
        self._sockets: weakref.WeakSet[SimSocket] = weakref.WeakSet()  # weak: a dropped socket is collected
        self._threads: list[threading.Thread] = []
        self._errnames = {num: name for name, (num, _) in self.profile.errnos.items()}

    # -- the Net protocol ---------------------------------------------------------------
    def enter(self) -> None:
        self.scheduler.enter()

    def track(self, sock: SimSocket) -> None:
        self._sockets.add(sock)

    def socket(self, family: int = AF_INET, type: int = SOCK_STREAM) -> Socket:
        return SimSocket._create(self, family, type)

    def sleep(self, seconds: float) -> None:
        self.scheduler.wait_until(lambda: False, self._clock.now + max(0.0, seconds), "sleep()")

    def clock(self) -> float:
        return self._clock.now

    def loopback(self, family: int = AF_INET) -> str:
        return "::1" if family == AF_INET6 else "127.0.0.1"

    def option(self, name: str) -> Optional[int]:
        if name in self.profile.missing_options:
            return None
        return OPTION_VALUES.get(name, getattr(socket, name, None))

    def errno_name(self, number: int) -> str:
        return self._errnames.get(number, f"E?{number}")

    def spawn(self, fn: Callable[..., Any], *args: Any) -> _Peer:
        self.enter()
        task = self.scheduler.new_task(f"peer-{len(self._threads)}")
        self._start(task, fn, args)
        return _Peer(self, task)

    def _start(self, task: Task, fn: Callable[..., Any], args: tuple[Any, ...]) -> threading.Thread:
        thread = threading.Thread(
            target=self.scheduler.run_task,
            args=(task, lambda: fn(*args), True),
            name=f"sockbehave-sim-{task.name}",
            daemon=True,
        )
        self._threads.append(thread)
        thread.start()
        return thread

    def spawn_peer_process(self, address: tuple[Any, ...], send: bytes = b"") -> _PeerProcess:
        sock = cast(SimSocket, self.socket(AF_INET6 if ":" in str(address[0]) else AF_INET))
        sock.connect(address)
        if send:
            sock.sendall(send)
        return _PeerProcess(self, sock)

    # -- lifecycle ----------------------------------------------------------------------------
    def abort(self) -> None:
        self.scheduler.abort()

    def close(self) -> None:
        """End every simulated task; the simulated state is simply dropped."""
        self.scheduler.abort()
        for sock in list(self._sockets):  # as the real backend closes what a scenario left open
            sock._abandon()
        for thread in self._threads:
            thread.join(5.0)
        stuck = [t.name for t in self._threads if t.is_alive()]
        if stuck:
            raise ScenarioError(f"sim: peer threads did not finish: {', '.join(stuck)}")

    def __enter__(self) -> Network:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextlib.contextmanager
def patched(profile: str = "linux", seed: int = 0, platform: bool = False) -> Iterator[Network]:
    """Run unmodified code on the simulated stack: inside the block, ``socket.socket(...)``
    makes simulated sockets, ``threading.Thread`` runs under the deterministic scheduler, and
    ``time.sleep`` sleeps in virtual time. ``socket.create_connection`` and
    ``socket.create_server`` work too, since they call ``socket.socket``. The ``errno``
    module has the simulated OS's numbers; ``platform=True`` also shows its ``sys.platform``
    and ``os.name`` (off by default: other libraries change what they do by them).
    """
    net = Network(profile, seed=seed, name=f"patched-{profile}")
    real_sleep = time.sleep
    real_start, real_join = threading.Thread.start, threading.Thread.join
    tasks: dict[int, Task] = {}

    def start(thread: threading.Thread) -> None:
        if thread.name.startswith("sockbehave-sim-"):
            real_start(thread)
            return
        net.enter()
        task = net.scheduler.new_task(thread.name)
        tasks[id(thread)] = task
        target_run = thread.run
        thread.run = lambda: net.scheduler.run_task(task, target_run, keep_error=False)  # type: ignore[method-assign]
        real_start(thread)

    def join(thread: threading.Thread, timeout: Optional[float] = None) -> None:
        task = tasks.get(id(thread))
        if task is None:
            real_join(thread, timeout)
            return
        deadline = None if timeout is None else net.clock() + timeout
        net.scheduler.wait_until(lambda: task.done, deadline, f"join() of {thread.name}")

    # The socket layer's swaps (osview.module_patches), applied and undone as given.
    swaps = module_patches(net, platform)
    originals = [(module, name, getattr(module, name)) for module, name, _ in swaps]
    default_timeout = socket.getdefaulttimeout()
    for module, name, value in swaps:
        setattr(module, name, value)
    time.sleep = net.sleep  # type: ignore[assignment]
    threading.Thread.start = start  # type: ignore[method-assign,assignment]
    threading.Thread.join = join  # type: ignore[method-assign,assignment]
    try:
        yield net
    finally:
        for module, name, value in reversed(originals):
            setattr(module, name, value)
        socket.setdefaulttimeout(default_timeout)  # a program's setdefaulttimeout stays inside
        time.sleep = real_sleep
        threading.Thread.start = real_start  # type: ignore[method-assign]
        threading.Thread.join = real_join  # type: ignore[method-assign]
        net.close()
