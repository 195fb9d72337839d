"""Benchmark: where the simulator's time goes on the catalog, scenario by scenario and layer by layer.

Usage: python benchmarks/sim_breakdown.py [--repeat N] [--os NAME] [--top K] [--scenario PATTERN ...]

Prints, as minimums over ``--repeat`` rounds (this machine is shared: minimums are the
steadier figure; medians too for the totals):

- the whole selection run inline on this thread, one fresh simulated network per scenario,
  with the standard-library swaps held for the batch (the scenarios' own cost);
- the same through the runner (``run_many``: worker thread, watchdog, step records);
- the same through ``run_catalog`` (judging and the report too), as ``sockbehave run`` does;
- the ``--top`` most expensive scenarios, each run inline on its own.

A benchmark, not a test: it never fails a build.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable

from sockbehave.catalog import load_catalog
from sockbehave.runner import run_many
from sockbehave.scenario import Scenario, StepNotModelled, Steps
from sockbehave.session import net_factory, run_catalog
from sockbehave.sim.patching import held


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--os", default="linux")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--scenario", action="append", metavar="PATTERN")
    args = parser.parse_args()
    catalog = load_catalog()
    chosen = catalog.select(args.scenario)
    make_net = net_factory("sim", args.os)

    def one(sc: Scenario) -> None:
        net = make_net(sc.id)
        steps = Steps(sc.id, net.clock, net.errno_name)
        net.enter()
        try:
            sc.func(net, steps)
        except StepNotModelled:
            pass  # the scenario ends at a step the profile does not model, as in the runner
        finally:
            net.close()

    def inline() -> None:
        for sc in chosen:
            one(sc)

    def runner() -> None:
        run_many(chosen, make_net, 1)

    def session() -> None:
        report = run_catalog(catalog, chosen, backend="sim", os_name=args.os)
        assert not report.failing, report.failing

    totals: dict[str, list[float]] = {"inline": [], "run_many": [], "run_catalog": []}
    each: dict[str, float] = {}
    layers: list[tuple[str, Callable[[], None]]] = [("inline", inline), ("run_many", runner)]
    for _ in range(args.repeat):  # alternating, so load from other jobs falls on all of them alike
        with held():
            for name, fn in layers:
                start = time.perf_counter()
                fn()
                totals[name].append(time.perf_counter() - start)
            for sc in chosen:
                start = time.perf_counter()
                one(sc)
                each[sc.id] = min(each.get(sc.id, float("inf")), time.perf_counter() - start)
        start = time.perf_counter()
        session()
        totals["run_catalog"].append(time.perf_counter() - start)

    print(f"{len(chosen)} scenarios on the simulated {args.os} profile, {args.repeat} rounds")
    for name, times in totals.items():
        print(f"  {name:12} min {min(times) * 1e3:7.2f} ms   median {statistics.median(times) * 1e3:7.2f} ms")
    print(f"  sum of per-scenario minimums: {sum(each.values()) * 1e3:.2f} ms; the {args.top} most expensive:")
    for sid, t in sorted(each.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {t * 1e3:8.3f} ms  {sid}")


if __name__ == "__main__":
    main()
