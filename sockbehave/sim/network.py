"""``Network``: one simulated host on one OS profile, usable wherever a ``Net`` is expected.

Owns: wiring the clock, the scheduler, the kernel and the descriptor table together; the
``Net`` protocol (sockets, virtual sleep, peers, killable peer "processes"); and closing it
all down (every simulated thread ended, or named). ``patching.patched`` runs unmodified code
on a ``Network``.
"""

from __future__ import annotations

import socket
import time
import weakref
from socket import AF_INET, AF_INET6, SOCK_STREAM
from typing import Any, Callable, Optional, cast

from ..errors import ScenarioError
from .clock import Clock, Scheduler, Task
from .kernel import Kernel, NotModelled
from .pipes import close_all as close_all_pipes
from .profiles import Profile, get_profile, once_per_profile
from .readiness import Descriptors
from .resolver import Resolver
from .simsocket import OPTION_VALUES, SimSocket
from .trace import Trace
from .traced import TracedSocket

__all__ = ["Network"]

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


_REAL_TIME = time.time  # taken at import, before patched() swaps time.time

_ERRNAMES: dict[int, tuple[Profile, dict[int, str]]] = {}  # id(profile) -> (profile, number -> name)


def _errno_names(profile: Profile) -> dict[int, str]:
    """Errno number -> name on ``profile`` (the OS's numbers, and the errnos its exceptions carry
    where those differ: Windows' 22 is EINVAL), built once per profile (read-only after that)."""

    def make() -> dict[int, str]:
        names = {num: name for name, num in profile.exception_errnos.items()}
        names.update((num, name) for name, (num, _) in profile.errnos.items())
        return names

    return once_per_profile(_ERRNAMES, profile, make)


class Network:
    """A simulated loopback host. ``Network(profile="windows")``; see the package docstring."""

    backend = "sim"
    inline = True  # see ManagedNet.inline: deadlocks and the virtual-time limit end every run
    #: Whether a socket made through ``socket()`` stays open until ``close`` even once nothing
    #: refers to it, as the real backend's net keeps a scenario's sockets (``patching``'s
    #: ``ScenarioNetwork``). Off here: as with ``socket.socket``, a collected one is closed,
    #: with a ``ResourceWarning``.
    holds_sockets = False

    def __init__(
        self,
        profile: str | Profile = "linux",
        seed: int = 0,
        name: str = "sim",
        max_virtual_time: float = 3600.0,
        trace: bool = False,
        epoch: Optional[float] = None,
    ) -> None:
        self.profile = get_profile(profile) if isinstance(profile, str) else profile
        self.os = self.profile.name
        self.name = name
        self._clock = Clock()
        self.scheduler = Scheduler(self._clock, max_virtual_time)
        # What a program's ``time.time()`` shows at virtual time 0: the real wall clock, read
        # once here (a fixed date goes stale: libraries warn of a clock "way off" and judge
        # certificates not yet valid), unless the caller pins it for byte-identical runs.
        self.epoch = _REAL_TIME() if epoch is None else float(epoch)
        self.scheduler.epoch = self.epoch
        #: Set by ``patched()``: ``real_listeners.listening``, asked before a loopback connect
        #: that no simulated listener would take (the catalog's networks leave it None).
        self.real_listener: Optional[Callable[[str, int], Optional[str]]] = None
        self.kernel = Kernel(self.profile, self._clock, seed)
        self.scheduler.net = self
        self.descriptors = Descriptors(self.kernel)
        self.resolver = Resolver(self.profile, self._wait_for)
        # Every socket made here, weakly (a dropped socket is collected), for ``close``. A plain
        # dict of callback-less references: a WeakSet's add and removal callback cost more than
        # the rest of making a socket; the entry of a collected one just stays until ``close``.
        self._sockets: dict[int, weakref.ref[SimSocket]] = {}
        # With ``holds_sockets``: the open sockets made through ``socket()``, and those
        # accepted or duplicated from one (``hold``), strongly, by id.
        self._held: dict[int, SimSocket] = {}
        self._peers = 0
        self._errnames = _errno_names(self.profile)
        if trace:  # segments and socket calls in virtual time (trace.py); off by default
            self.kernel.trace = Trace()

    @property
    def trace(self) -> Optional[Trace]:
        """The packet trace, if this network was made with ``trace=True``."""
        return self.kernel.trace

    # -- the Net protocol ---------------------------------------------------------------
    def enter(self) -> None:
        self.scheduler.enter()

    def track(self, sock: SimSocket) -> None:
        self._sockets[id(sock)] = weakref.ref(sock)  # a reused id belongs to a collected socket

    def hold(self, sock: SimSocket) -> None:
        """Keep ``sock`` open until ``close`` (see ``_held``)."""
        sock._net_held = True
        self._held[id(sock)] = sock

    def unhold(self, sock: SimSocket) -> None:
        """``sock`` closed (or detached) itself: nothing to keep open."""
        self._held.pop(id(sock), None)

    def socket(self, family: int = AF_INET, type: int = SOCK_STREAM) -> Socket:
        sock = (SimSocket if self.kernel.trace is None else TracedSocket)._create(self, family, type)
        if self.holds_sockets:
            self.hold(sock)
        return sock

    def sleep(self, seconds: float) -> None:
        self._wait_for(seconds, "sleep()")

    def _wait_for(self, seconds: float, what: str) -> None:
        self.scheduler.wait_until(lambda: False, self._clock.now + max(0.0, seconds), what)

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

    def gethostname(self) -> str:
        return self.resolver.gethostname()

    def resolve(self, host: str, family: int = AF_INET) -> list[str]:
        return self.resolver.addresses(host, family)

    def stdlib_has(self, name: str) -> bool:
        """From the profile's ``stdlib_names``; a name it does not list is not modelled."""
        if name not in self.profile.stdlib_names:
            raise NotModelled(f"whether {name} exists in {self.profile.name}'s standard library")
        return self.profile.stdlib_names[name]

    def spawn(self, fn: Callable[..., Any], *args: Any) -> _Peer:
        self.enter()
        task = self.scheduler.new_task(f"peer-{self._peers}")
        self._peers += 1
        self.scheduler.start(task, lambda: fn(*args), f"sockbehave-sim-{task.name}")
        return _Peer(self, task)

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
        """End every simulated task; the simulated state is simply dropped. Raises naming any
        simulated thread still running (in real code) after 5 s of real time."""
        self.scheduler.abort()
        for ref in list(self._sockets.values()):  # as the real backend closes what a scenario left open
            sock = ref()
            if sock is not None:
                sock._abandon()
        self._held.clear()  # abandoned above: they go without a warning
        self.kernel.drop_all_rights()  # descriptors still in flight (real duplicates too)
        close_all_pipes(self.kernel)  # a blocked reader or writer was ended above
        stuck = self.scheduler.wait_ended(5.0)
        if stuck:
            why = f" ({self.scheduler.stuck})" if self.scheduler.stuck else ""
            raise ScenarioError(f"sim: simulated threads did not finish: {', '.join(stuck)}{why}")

    def __enter__(self) -> Network:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
