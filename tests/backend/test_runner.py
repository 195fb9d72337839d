"""The runner: catalog order in the results, exclusive scenarios alone, escaped errors reported."""

from __future__ import annotations

import threading

from sockbehave.backends.real import RealNet
from sockbehave.runner import run_many
from sockbehave.scenario import Scenario, Steps


def _scenario(sid: str, func: object, exclusive: bool = False) -> Scenario:
    return Scenario(sid, "t", "c", "e", (), func, exclusive=exclusive)  # type: ignore[arg-type]


def test_exclusive_scenarios_run_alone_after_the_others() -> None:
    lock = threading.Lock()
    running: set[str] = set()
    overlaps: list[tuple[str, frozenset[str]]] = []
    order: list[str] = []

    def body(name: str) -> object:
        def run(net: RealNet, step: Steps) -> None:
            with lock:
                overlaps.append((name, frozenset(running)))
                running.add(name)
                order.append(name)
            net.sleep(0.05)
            with lock:
                running.discard(name)

        return run

    scenarios = [_scenario("x.lonely", body("lonely"), exclusive=True)]
    scenarios += [_scenario(f"x.shared-{i}", body(f"shared-{i}")) for i in range(4)]
    runs = run_many(scenarios, RealNet, jobs=4)
    assert [r.scenario_id for r in runs] == [s.id for s in scenarios]  # catalog order
    assert order[-1] == "lonely"
    assert dict(overlaps)["lonely"] == frozenset()


def test_an_exception_outside_a_step_is_the_scenario_error() -> None:
    def broken(net: RealNet, step: Steps) -> None:
        raise KeyError("oops")

    [run] = run_many([_scenario("x.broken", broken)], RealNet, jobs=1)
    assert run.error is not None and run.error.startswith("KeyError: 'oops' (at test_runner.py:")
