"""Benchmark: what the loopback guard's audit hook costs audited calls when no scenario runs.

Usage: python benchmarks/guard_overhead.py [--number N] [--repeat R]
Times three audited operations (opening /dev/null, creating and closing a socket, a bare
``sys.audit`` call) before the hook exists, then after a real-backend scenario has installed it
and ended (the hook stays installed for the life of the process, switched off). Prints the best
of R runs of N calls each, per call. This is a benchmark, not a test: it never fails a build.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import timeit

from sockbehave.backends.real import RealNet

OPERATIONS = {
    "open(os.devnull).close()": lambda: open(os.devnull).close(),
    "socket.socket().close()": lambda: socket.socket().close(),
    "sys.audit('x')": lambda: sys.audit("sockbehave.benchmark"),
}


def measure(number: int, repeat: int) -> dict[str, float]:
    return {name: min(timeit.repeat(op, number=number, repeat=repeat)) / number for name, op in OPERATIONS.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--number", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    before = measure(args.number, args.repeat)
    net = RealNet("benchmark")
    net.enter()  # installs the hook, once per process
    net.close()
    after = measure(args.number, args.repeat)
    for name in OPERATIONS:
        b, a = before[name] * 1e9, after[name] * 1e9
        print(f"{name:28} no hook {b:8.0f} ns   hook installed, no scenario {a:8.0f} ns   (+{a - b:.0f} ns)")


if __name__ == "__main__":
    main()
