"""The packet trace: what one simulated network put on the wire, and the socket calls beside it.

Owns: the ``Trace`` record (a bounded list of ``Segment`` and ``Call`` events in virtual time)
and the vocabulary of segment kinds. It records; it never decides anything and imports nothing
from the rest of the simulator, so the kernel (segments) and ``traced`` (calls) can both feed it.

A trace exists only when asked for (``Network(trace=True)``): the kernel's hooks are a single
``if self.trace is not None`` each, so an untraced network pays nothing measurable.

It records only what the simulator models, never what a real stack would also send:

* The three-way handshake is modelled as one exchange, so its SYN, SYN-ACK and ACK carry the
  same virtual time. A SYN that finds no listener is answered by an RST (``refused``); a SYN the
  backlog drops is recorded as dropped, and each modelled retry is a SYN of its own.
* Data is recorded when bytes move from the sender's buffer into the receiver's (one segment
  per move, with its length); segment sizes, windows and ACKs of data are not modelled.
* A FIN is recorded when it is delivered; its ACK is implied (loopback delivers it at once).
* An RST is recorded from the side that sends it.
* UDP: each datagram with its length; a datagram to a port nobody has bound is answered by
  ICMP port unreachable (``reported`` says whether the sending socket sees it, per profile).
  ICMP host unreachable is not modelled (an unreachable route fails in the call itself).

At most ``limit`` events are kept; ``dropped`` counts the rest, and a picture drawn from a capped
trace says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

__all__ = ["DEFAULT_LIMIT", "KINDS", "Call", "Endpoint", "Segment", "Trace"]

#: How many events a trace keeps before it counts the rest as dropped.
DEFAULT_LIMIT = 2000

Endpoint = tuple[str, int]

#: Segment kinds, as pictures label them.
KINDS = ("SYN", "SYN-ACK", "ACK", "data", "FIN", "RST", "UDP", "ICMP port unreachable")


@dataclass(frozen=True)
class Segment:
    """One modelled segment or datagram from ``src`` to ``dst`` at virtual time ``time``."""

    time: float
    kind: str
    src: Endpoint
    dst: Endpoint
    length: int = 0
    #: Why it went nowhere or what became of it ("dropped: backlog full", "no answer: off host").
    note: str = ""

    @property
    def label(self) -> str:
        if self.kind in ("data", "UDP"):
            return f"{self.kind} {self.length}"
        return self.kind


@dataclass(frozen=True)
class Call:
    """A socket call that returned (``result``) or raised (``result`` names the exception)."""

    time: float
    name: str
    fd: int
    #: The socket's local address after the call, if it has one.
    local: Optional[Endpoint]
    result: str
    raised: bool = False


Event = Union[Segment, Call]


@dataclass
class Trace:
    """The events of one network, in the order they happened (virtual time never goes back)."""

    limit: int = DEFAULT_LIMIT
    events: list[Event] = field(default_factory=list)
    dropped: int = 0

    def _add(self, event: Event) -> None:
        if len(self.events) < self.limit:
            self.events.append(event)
        else:
            self.dropped += 1

    def segment(self, time: float, kind: str, src: Endpoint, dst: Endpoint, length: int = 0, note: str = "") -> None:
        self._add(Segment(time, kind, src, dst, length, note))

    def call(
        self, time: float, name: str, fd: int, local: Optional[Endpoint], result: str, raised: bool = False
    ) -> None:
        self._add(Call(time, name, fd, local, result, raised))

    @property
    def segments(self) -> list[Segment]:
        return [e for e in self.events if isinstance(e, Segment)]

    @property
    def calls(self) -> list[Call]:
        return [e for e in self.events if isinstance(e, Call)]
