"""Benchmark: the scheduler's own costs, in real microseconds per operation.

Usage: python benchmarks/sim_handoffs.py [--repeat R] [--n N]

- hand-off: the root and one peer alternate through ``poll_point`` (one baton hand-off, i.e.
  one OS thread switch, per call);
- poll: the catalog's polling shape (``net.sleep`` in a loop while a peer is blocked in
  ``recv``): a wait that only advances virtual time, with no hand-off;
- start: making a task and running an empty body on a thread, until the root has the baton
  back, on a new ``threading.Thread`` (``run_task``) and on a pooled one (``Scheduler.start``).

Minimum and median over R rounds. A benchmark, not a test: it asserts only that the program ran.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

from sockbehave.kit import tcp_pair
from sockbehave.sim import Network

_clock = time.perf_counter


def hand_off(n: int) -> float:
    net = Network("linux")
    sched = net.scheduler

    def peer() -> None:
        for _ in range(n):
            sched.poll_point("peer")

    net.spawn(peer)
    sched.poll_point("warm-up")
    start = _clock()
    for _ in range(n):
        sched.poll_point("root")
    took = _clock() - start
    net.close()
    return took / (2 * n)


def poll(n: int) -> float:
    net = Network("linux")
    cli, conn = tcp_pair(net)
    box: list[bytes] = []
    net.spawn(lambda: box.append(conn.recv(10)))
    net.sleep(0.01)
    start = _clock()
    for _ in range(n):
        net.sleep(0.005)
    took = _clock() - start
    cli.send(b"x")
    net.sleep(0.01)
    assert box == [b"x"]
    net.close()
    return took / n


def _fresh_thread(net: Network, fn: Callable[[], Any]) -> None:
    task = net.scheduler.new_task("peer")
    threading.Thread(target=net.scheduler.run_task, args=(task, fn), daemon=True).start()


def _pooled_thread(net: Network, fn: Callable[[], Any]) -> None:
    net.scheduler.start(net.scheduler.new_task("peer"), fn, "peer")


def start(n: int, how: Callable[[Network, Callable[[], Any]], None]) -> float:
    net = Network("linux")
    net.enter()
    ran: list[int] = []
    begin = _clock()
    for i in range(n):
        how(net, functools.partial(ran.append, i))
        net.scheduler.poll_point("start")  # the body runs, finishes and hands the baton back
    took = _clock() - begin
    assert ran == list(range(n))
    net.close()
    return took / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    cases: dict[str, Callable[[], float]] = {
        "hand-off": lambda: hand_off(args.n),
        "poll (time only)": lambda: poll(args.n),
        "start, new thread": lambda: start(args.n // 10, _fresh_thread),
        "start, pooled thread": lambda: start(args.n // 10, _pooled_thread),
    }
    results: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.repeat):  # interleaved, so load from other jobs hits every case alike
        for name, case in cases.items():
            results[name].append(case())
    for name, times in results.items():
        print(f"{name:22} min {min(times) * 1e6:7.2f} us, median {statistics.median(times) * 1e6:7.2f} us")


if __name__ == "__main__":
    main()
