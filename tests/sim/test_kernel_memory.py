"""Memory the simulated kernel keeps per connection: a listener with a huge backlog that is never
accepted from (tcp.listen-large-backlog, issue 8's scale target) holds every connection, so
what each one costs is what the simulation costs. Measured in bytes with tracemalloc, not in
time, so the test does not depend on how busy the machine is."""

from __future__ import annotations

import socket
import tracemalloc

import pytest

from sockbehave.sim.clock import Clock
from sockbehave.sim.kernel import Kernel
from sockbehave.sim.profiles import get_profile

#: Bytes per queued connection that never carried data: about 1.3 KiB on CPython 3.11 (two
#: connection records, the client's socket, the index entries). It was about 6 KiB while every
#: connection had four empty byte queues and every socket two empty deques of 64 slots.
LIMIT = 2500


def _cycle(k: Kernel, port: int) -> None:
    s = k.socket(socket.AF_INET, "tcp")
    k.connect(s, "127.0.0.1", port)  # completes at once: the listener's queue has room
    k.release(s.fd)  # the client closes; its connection stays queued until an accept


def test_a_queued_connection_that_never_carried_data_costs_little_memory() -> None:
    k = Kernel(get_profile("linux"), Clock())
    srv = k.socket(socket.AF_INET, "tcp")
    k.bind(srv, "127.0.0.1", 0)
    k.listen(srv, 1_000_000)
    assert srv.local is not None
    for _ in range(50):  # warm up: lazily built caches are not the connections' cost
        _cycle(k, srv.local[1])
    n = 1000
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(n):
            _cycle(k, srv.local[1])
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(srv.queue) == 50 + n  # every connection completed and is still held
    assert grown / n < LIMIT, f"{grown / n:.0f} bytes per queued connection"


def test_sockets_share_empty_queues_that_refuse_items_and_a_listener_gets_its_own() -> None:
    """What the saving rests on: only a listener is queued to, only a UDP socket receives
    datagrams; a slip that queues to a shared queue fails loudly instead of losing the item."""
    k = Kernel(get_profile("linux"), Clock())
    tcp, other = k.socket(socket.AF_INET, "tcp"), k.socket(socket.AF_INET, "tcp")
    shared: object = tcp.queue
    assert shared is other.queue and shared is tcp.dgrams and shared is other.dgrams
    with pytest.raises(AssertionError, match="cannot have a queue"):
        tcp.dgrams.append((b"x", ("127.0.0.1", 9)))
    assert not tcp.queue
    udp = k.socket(socket.AF_INET, "udp")
    assert udp.dgrams is not tcp.dgrams
    k.bind(tcp, "127.0.0.1", 0)
    k.listen(tcp, 5)
    own = tcp.queue
    assert own is not other.queue
    k.listen(tcp, 10)  # listening again keeps the queue (and what is in it)
    assert tcp.queue is own
