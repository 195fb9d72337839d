"""Running scenarios on a backend: scenario x backend -> step records, in parallel, under a watchdog.

Owns: executing each scenario function with a fresh ``net``, bounding it by a deadline
(after which the backend's ``abort`` wakes whatever it is blocked in), turning escaped
exceptions into a scenario error, and guaranteeing cleanup. It knows nothing of tables.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from .backends.protocol import ManagedNet
from .scenario import Scenario, StepRecord, Steps

__all__ = ["DEADLINE_S", "NetFactory", "ScenarioRun", "run_many", "run_scenario"]

#: No scenario may run longer than this; the watchdog then aborts it and reports an error.
DEADLINE_S = 15.0

NetFactory = Callable[[str], ManagedNet]


@dataclass(frozen=True)
class ScenarioRun:
    scenario_id: str
    steps: tuple[StepRecord, ...]
    error: Optional[str]
    duration: float


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f" (at {Path(last.filename).name}:{last.lineno})"


def run_scenario(sc: Scenario, make_net: NetFactory, deadline: float = DEADLINE_S) -> ScenarioRun:
    """Run one scenario on a fresh net. Never raises for anything the scenario does."""
    net = make_net(sc.id)
    steps = Steps(sc.id, net.clock, net.errno_name)
    failure: list[str] = []

    def body() -> None:
        try:
            net.enter()
            sc.func(net, steps)
        except BaseException as exc:
            failure.append(f"{type(exc).__name__}: {exc}{_where(exc)}")

    start = net.clock()
    if net.inline:
        body()
    else:
        worker = threading.Thread(target=body, name=f"sockbehave-{sc.id}", daemon=True)
        worker.start()
        worker.join(deadline)
        if worker.is_alive():
            net.abort()
            worker.join(5.0)
            failure.insert(0, f"exceeded the {deadline:g} s deadline; the watchdog shut its sockets down")
    try:
        net.close()
    except Exception as exc:
        failure.append(f"cleanup: {exc}")
    duration = net.clock() - start
    return ScenarioRun(sc.id, tuple(steps.records), "; ".join(failure) or None, duration)


def run_many(
    scenarios: Sequence[Scenario],
    make_net: NetFactory,
    jobs: int,
    on_done: Optional[Callable[[ScenarioRun], None]] = None,
    deadline: float = DEADLINE_S,
) -> list[ScenarioRun]:
    """Run scenarios ``jobs`` at a time, then the exclusive ones one by one; results come
    back in catalog order."""
    order = {sc.id: i for i, sc in enumerate(scenarios)}
    runs: list[ScenarioRun] = []

    def done(run: ScenarioRun) -> None:
        runs.append(run)
        if on_done is not None:
            on_done(run)

    shared = [sc for sc in scenarios if not sc.exclusive]
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="sockbehave-runner") as pool:
        for fut in as_completed([pool.submit(run_scenario, sc, make_net, deadline) for sc in shared]):
            done(fut.result())
    for sc in scenarios:
        if sc.exclusive:
            done(run_scenario(sc, make_net, deadline))
    runs.sort(key=lambda r: order[r.scenario_id])
    return runs
