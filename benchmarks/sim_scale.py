"""Benchmark: one ordinary socket program at scale, on the simulator and on real loopback.

Usage: python benchmarks/sim_scale.py [--cycles N] [--gib G] [--profile linux] [--repeat R]

The program is plain ``socket``/``threading`` code: N connect/accept/close cycles against one
listener, then G GiB sent through one connection (1 MiB ``sendall``s, read with ``recv_into``
by a second thread). It runs unchanged on real loopback and inside ``sockbehave.sim.patched``,
in the same process, and prints both wall times and their ratio. Targets (issue 8): the cycles
cost O(1) each on the simulator (no growth with N) and take less wall time than on real
loopback. A benchmark, not a test: it asserts only that every byte arrived.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import threading
import time
from collections.abc import Callable

from sockbehave.sim import patched

CHUNK = 1 << 20


def cycles(n: int) -> None:
    """``n`` connect/accept/close cycles on one listener (the client closes first)."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(128)
    address = srv.getsockname()
    for _ in range(n):
        cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        cli.connect(address)
        conn, _ = srv.accept()
        cli.close()
        conn.close()
    srv.close()


def bulk(total: int) -> None:
    """Send ``total`` bytes through one connection; a second thread reads them."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    received = [0]

    def reader() -> None:
        conn, _ = srv.accept()
        buf = bytearray(CHUNK)
        with conn:
            while True:
                n = conn.recv_into(buf)
                if not n:
                    break
                received[0] += n

    thread = threading.Thread(target=reader)
    thread.start()
    cli = socket.create_connection(srv.getsockname())
    block = bytes(CHUNK)
    for _ in range(total // CHUNK):
        cli.sendall(block)
    cli.close()
    thread.join()
    srv.close()
    assert received[0] == total, (received[0], total)


def timed(fn: Callable[[], None], sim: str | None) -> float:
    start = time.perf_counter()
    if sim is None:
        fn()
    else:
        with patched(sim):
            fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=10_000)
    parser.add_argument("--gib", type=float, default=1.0)
    parser.add_argument("--profile", default="linux")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    total = int(args.gib * (1 << 30)) // CHUNK * CHUNK
    med = statistics.median
    for name, fn in (
        (f"{args.cycles} connect/accept/close cycles", lambda: cycles(args.cycles)),
        (f"{total / (1 << 30):g} GiB bulk transfer", lambda: bulk(total)),
    ):
        sim_t = [timed(fn, args.profile) for _ in range(args.repeat)]
        real_t = [timed(fn, None) for _ in range(args.repeat)]
        print(
            f"{name}: sim({args.profile}) median {med(sim_t):.3f} s (min {min(sim_t):.3f}), "
            f"real median {med(real_t):.3f} s (min {min(real_t):.3f}); "
            f"real/sim = {med(real_t) / med(sim_t):.2f}"
        )


if __name__ == "__main__":
    main()
