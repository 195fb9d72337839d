"""Benchmark: the simulated kernel's share of one socket/connect/close cycle.

Usage: python benchmarks/sim_kernel_cycle.py [--cycles N] [--repeat R] [--profile linux]

The cycle of ``tcp.listen-large-backlog`` (the catalog's most expensive scenario on the
simulator), called on ``sockbehave.sim.kernel.Kernel`` directly, without the socket layer, the
scheduler or the runner: a fresh kernel with one ``listen(1000000)`` listener, then N times
``socket``, ``connect`` (automatic bind, handshake, queued), ``release`` (the client closes;
its connection stays queued). Prints microseconds per cycle (minimum and median of R runs) and
the memory each queued connection keeps. A benchmark, not a test: it asserts only that every
connection was queued.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import time
import tracemalloc

from sockbehave.sim.clock import Clock
from sockbehave.sim.kernel import Kernel
from sockbehave.sim.profiles import get_profile


def run(profile: str, n: int) -> tuple[float, float]:
    """(seconds for ``n`` cycles, bytes kept per queued connection: 0 unless tracing)."""
    k = Kernel(get_profile(profile), Clock())
    srv = k.socket(socket.AF_INET, "tcp")
    k.bind(srv, "127.0.0.1", 0)
    k.listen(srv, 1_000_000)
    assert srv.local is not None
    port = srv.local[1]
    before = tracemalloc.get_traced_memory()[0] if tracemalloc.is_tracing() else 0
    start = time.perf_counter()
    for _ in range(n):
        s = k.socket(socket.AF_INET, "tcp")
        k.connect(s, "127.0.0.1", port)
        k.release(s.fd)
    took = time.perf_counter() - start
    kept = (tracemalloc.get_traced_memory()[0] - before) / n if tracemalloc.is_tracing() else 0.0
    assert len(srv.queue) == n
    return took, kept


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=1200)  # as tcp.listen-large-backlog
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--profile", default="linux")
    args = parser.parse_args()
    per_cycle = [run(args.profile, args.cycles)[0] / args.cycles * 1e6 for _ in range(args.repeat)]
    tracemalloc.start()
    kept = run(args.profile, args.cycles)[1]
    tracemalloc.stop()
    print(
        f"kernel share of a socket/connect/close cycle ({args.profile}, {args.cycles} cycles): "
        f"min {min(per_cycle):.2f} us, median {statistics.median(per_cycle):.2f} us; "
        f"{kept:.0f} bytes kept per queued connection"
    )


if __name__ == "__main__":
    main()
