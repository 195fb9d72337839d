"""Benchmark: how long a short CLI command takes, start-up included (issue 12: under 150 ms).

Usage: python benchmarks/cli_startup.py [--repeat N] [-- ARGS...]
Runs ``python -m sockbehave ARGS`` (default: a few short commands) N times each, with output to
/dev/null, and prints min / median / max wall-clock milliseconds, and the median CPU time (user +
system) of the child, which a machine loaded by other jobs disturbs much less than wall time. ``PYTHONPATH`` chooses the
code measured (point it at another checkout to compare). A benchmark, not a test: it never fails.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time

COMMANDS = (
    ["--version"],
    ["list"],
    ["explain", "tcp.send-empty"],
    ["explain", "tcp.send-empty", "--lang", "zh"],
    ["explain", "tcp.send-empty", "--lang", "zh", "--format", "md"],
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("args", nargs="*", help="one command's arguments (after --); default: a few short ones")
    opts = parser.parse_args()
    for command in [opts.args] if opts.args else COMMANDS:
        times, cpu = [], []
        for _ in range(opts.repeat):
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
                [sys.executable, "-m", "sockbehave", *command],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
            times.append((time.perf_counter() - start) * 1000)
            now = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append((now.ru_utime - used.ru_utime + now.ru_stime - used.ru_stime) * 1000)
        status = "" if done.returncode == 0 else f" (exit {done.returncode})"
        print(
            f"{' '.join(command):52} min {min(times):4.0f} ms, median {statistics.median(times):4.0f} ms, "
            f"max {max(times):4.0f} ms; CPU median {statistics.median(cpu):4.0f} ms{status}"
        )


if __name__ == "__main__":
    main()
