"""Benchmark: a thread-pool port scanner (the tutorials' program) inside patched() and on the
real loopback, in one run.

Usage: python benchmarks/sim_threads.py [--repeat N] [--ports N] [--workers N]
It scans ports 1..N-1 of 127.0.0.1 and one listener's port with a ThreadPoolExecutor, and
prints the wall time of each stack and the ratio. A benchmark, not a test: it never fails a
build, but it asserts that both stacks found exactly the open port.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from sockbehave.sim import patched


def scan(ports: list[int], workers: int) -> int:
    """Plain code: how many of ``ports`` accept a connection."""

    def probe(port: int) -> bool:
        with socket.socket() as s:
            s.settimeout(3.0)  # above Windows' 2 s refusal delay: every probe ends refused or open
            return s.connect_ex(("127.0.0.1", port)) == 0

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(probe, ports))


def once(stack: Callable[[], Any], ports: int, workers: int) -> float:
    start = time.perf_counter()
    with stack(), socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        found = scan([*range(1, ports), listener.getsockname()[1]], workers)
    elapsed = time.perf_counter() - start
    assert found >= 1, found  # the listener (the real host may have services on low ports too)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--ports", type=int, default=1024)
    parser.add_argument("--workers", type=int, default=100)
    args = parser.parse_args()
    stacks: dict[str, Callable[[], Any]] = {
        "sim linux": lambda: patched("linux"),
        "sim windows": lambda: patched("windows"),
        "real": contextlib.nullcontext,
    }
    medians = {}
    for name, stack in stacks.items():
        times = [once(stack, args.ports, args.workers) for _ in range(args.repeat)]
        medians[name] = statistics.median(times)
        print(f"{name}: min {min(times):.3f} s, median {medians[name]:.3f} s, max {max(times):.3f} s")
    print(f"real median / sim linux median: {medians['real'] / medians['sim linux']:.2f}x")


if __name__ == "__main__":
    main()
