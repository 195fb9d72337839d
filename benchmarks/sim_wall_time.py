"""Benchmark: the whole catalog on the simulator, every profile, against the real backend.

Usage: python benchmarks/sim_wall_time.py [--repeat N] [--scenario PATTERN ...]
Targets (issue 3): all four profiles in at most 1 s of wall time; at least 100x faster than
the real backend on the same catalog. A benchmark, not a test: it never fails a build, but it
does assert that every run agreed with the tables.
"""

from __future__ import annotations

import argparse
import statistics
import time

from sockbehave.catalog import load_catalog
from sockbehave.platform_info import current_os
from sockbehave.session import run_catalog
from sockbehave.tables import OSES


def timed(fn: object, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--scenario",
        action="append",
        metavar="PATTERN",
        help="glob or topic, as 'sockbehave run --scenario' (default: the whole default run)",
    )
    args = parser.parse_args()
    catalog = load_catalog()
    chosen = catalog.select(args.scenario)  # the default run: slow scenarios stay out, as in 'sockbehave run'
    print(f"{len(chosen)} scenarios")
    jobs = len(chosen)

    def all_profiles() -> None:
        for os_name in OSES:
            report = run_catalog(catalog, chosen, backend="sim", os_name=os_name, jobs=jobs)
            assert not report.failing, report.failing

    def sim_here() -> None:
        assert not run_catalog(catalog, chosen, backend="sim", jobs=jobs).failing

    def real_here() -> None:
        assert not run_catalog(catalog, chosen, backend="real", jobs=jobs).failing

    four = timed(all_profiles, args.repeat)
    one = timed(sim_here, args.repeat)
    real = timed(real_here, max(3, args.repeat // 3))
    med = statistics.median
    print(f"sim, all four profiles: min {min(four):.3f} s, median {med(four):.3f} s, max {max(four):.3f} s")
    print(f"sim, {current_os()} profile: min {min(one) * 1000:.1f} ms, median {med(one) * 1000:.1f} ms")
    print(f"real, {current_os()}: min {min(real):.3f} s, median {med(real):.3f} s")
    print(f"speed-up on the same catalog (real median / sim median): {med(real) / med(one):.0f}x")


if __name__ == "__main__":
    main()
