"""The ``Net`` protocol: everything a scenario may use besides the socket objects themselves.

Owns: the contract between scenarios and backends. A scenario that needs something not
listed here must not reach around ``net`` (a simulator could not follow it); add it here and
to every backend instead.
"""

from __future__ import annotations

import socket
from socket import AF_INET, SOCK_STREAM
from typing import Any, Callable, Protocol

__all__ = ["ManagedNet", "Net", "Peer", "PeerProcess"]


class Peer(Protocol):
    """A function running concurrently with the scenario (a thread on the real backend)."""

    def join(self, timeout: float) -> Any:
        """Wait at most ``timeout`` seconds; return the function's result or re-raise its error."""
        ...


class PeerProcess(Protocol):
    """A separate process holding one TCP connection; killing it is the point."""

    def kill(self) -> None:
        """Kill the process the hard way (SIGKILL, TerminateProcess) and reap it."""
        ...


class Net(Protocol):
    """What a backend hands to a scenario."""

    #: ``"real"`` or ``"sim"``; recorded in reports, never branched on by scenarios.
    backend: str
    #: The OS whose behaviour this net shows (a table column name). Only ``sockbehave.kit``
    #: reads it, to encode OS-specific option structures such as ``struct linger``.
    os: str

    def socket(self, family: int = AF_INET, type: int = SOCK_STREAM) -> socket.socket:
        """A new socket that behaves like ``socket.socket(family, type)``."""
        ...

    def sleep(self, seconds: float) -> None:
        """Let in-flight packets and timers progress for ``seconds``."""
        ...

    def clock(self) -> float:
        """Monotonic seconds, for timing steps."""
        ...

    def option(self, name: str) -> int | None:
        """The value of socket option constant ``name`` (``"SO_REUSEPORT"``) on the OS this net
        shows, or ``None`` where that OS has no such option."""
        ...

    def errno_name(self, number: int) -> str:
        """The POSIX-style symbolic name of an errno number on the OS this net shows."""
        ...

    def loopback(self, family: int = AF_INET) -> str:
        """The loopback address for ``family`` (``127.0.0.1`` or ``::1``)."""
        ...

    def gethostname(self) -> str:
        """``socket.gethostname()`` on the host this net shows."""
        ...

    def resolve(self, host: str, family: int = AF_INET) -> list[str]:
        """The numeric ``family`` addresses ``host`` resolves to there, in the resolver's order;
        ``socket.gaierror`` where it does not resolve. Backends may refuse names other than
        the host's own name and ``localhost`` (a lookup must not leave the machine)."""
        ...

    def stdlib_has(self, name: str) -> bool:
        """Whether the Python standard library there defines ``name`` (``"os.fork"``,
        ``"socketserver.ForkingMixIn"``): some of it exists only on some OSes."""
        ...

    def spawn(self, fn: Callable[..., Any], *args: Any) -> Peer:
        """Run ``fn(*args)`` concurrently, as a peer."""
        ...

    def spawn_peer_process(self, address: tuple[Any, ...], send: bytes = b"") -> PeerProcess:
        """Start a process that connects to ``address`` over TCP, sends ``send``, and then
        sits holding the connection without reading until it is killed."""
        ...


class ManagedNet(Net, Protocol):
    """What the runner needs on top of ``Net``: a way to wake a runaway scenario, and cleanup."""

    #: True when the backend bounds a scenario itself (the simulator: deadlock detection and a
    #: virtual-time limit), so only CPU-bound code can run away: the runner gives it a shorter deadline.
    inline: bool

    def enter(self) -> None:
        """Called in the scenario's own thread just before the scenario function runs: from then
        on this thread belongs to the scenario (the simulator schedules it; the real backend
        attributes what it does, such as a guarded call, to this scenario)."""
        ...

    def abort(self) -> None:
        """Wake every call the scenario is blocked in (the watchdog calls this)."""
        ...

    def close(self) -> None:
        """Release every socket, thread and process the scenario made; raise if one leaked."""
        ...
