"""Benchmark: wall-clock time of the whole real catalog, end to end through the CLI's code path.

Usage: python benchmarks/catalog_wall_time.py [--repeat N] [--jobs N]
Prints min / median / max seconds over N runs. Target (issue 2): at most 3 s on 2 cores.
This is a benchmark, not a test: it never fails a build.
"""

from __future__ import annotations

import argparse
import statistics
import time

from sockbehave.catalog import load_catalog
from sockbehave.session import run_catalog


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=0, help="0: all scenarios at once (the CLI default)")
    args = parser.parse_args()
    catalog = load_catalog()
    chosen = catalog.select(None)  # the default run: slow scenarios stay out, as in 'sockbehave run'
    jobs = args.jobs or len(chosen)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        report = run_catalog(catalog, chosen, jobs=jobs)
        times.append(time.perf_counter() - start)
        assert not report.failing, [r for r in report.failing]
    print(
        f"{len(chosen)} scenarios, jobs={jobs}, {args.repeat} runs: "
        f"min {min(times):.2f} s, median {statistics.median(times):.2f} s, max {max(times):.2f} s"
    )


if __name__ == "__main__":
    main()
