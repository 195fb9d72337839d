"""The runner: catalog order in the results, exclusive scenarios alone, escaped errors reported."""

from __future__ import annotations

import threading
import time

import pytest

from sockbehave.backends.real import RealNet
from sockbehave.errors import ScenarioError
from sockbehave.runner import run_many
from sockbehave.scenario import Scenario, Steps
from sockbehave.sim import Network
from sockbehave.sim.kernel import NotModelled


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


class _CloseFails(RealNet):
    """A real net whose cleanup reports a problem the way the loopback guard does."""

    error: Exception = ScenarioError("scenario x.guarded: connect to '8.8.8.8' refused")

    def close(self) -> None:
        super().close()
        raise self.error


def test_a_harness_error_from_cleanup_is_recorded_as_its_own_message() -> None:
    [run] = run_many([_scenario("x.guarded", lambda net, step: None)], _CloseFails, jobs=1)
    assert run.error == "scenario x.guarded: connect to '8.8.8.8' refused"


def test_any_other_cleanup_failure_keeps_its_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_CloseFails, "error", OSError("disk on fire"))
    [run] = run_many([_scenario("x.guarded", lambda net, step: None)], _CloseFails, jobs=1)
    assert run.error == "cleanup: disk on fire"


def test_scenarios_share_worker_threads_instead_of_one_thread_each() -> None:
    """The fast path: the simulator runs the catalog in milliseconds, and a thread per scenario
    would cost more than the scenarios (docs/benchmarks.md)."""
    seen: list[tuple[int, str]] = []

    def record(net: Network, step: Steps) -> None:
        seen.append((threading.get_ident(), threading.current_thread().name))

    scenarios = [_scenario(f"x.reuse-{i}", record) for i in range(5)]
    runs = run_many(scenarios, lambda sid: Network("linux", name=sid), jobs=1)
    assert [r.error for r in runs] == [None] * 5
    assert len({ident for ident, _ in seen}) == 1
    assert [name for _, name in seen] == [f"sockbehave-x.reuse-{i}" for i in range(5)]  # named after its scenario


def test_exclusive_scenarios_never_overlap_even_when_shared_workers_are_slow_to_come_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker preempted between finishing a shared scenario and asking for more work must
    not take an exclusive one beside another worker (the delay stands in for preemption)."""
    from sockbehave import runner

    take = runner._Pool.take
    first: set[int] = set()

    def slow_take(pool: runner._Pool, worker: runner._Worker) -> object:
        if threading.get_ident() in first:
            time.sleep(0.1)
        first.add(threading.get_ident())
        return take(pool, worker)

    monkeypatch.setattr(runner._Pool, "take", slow_take)
    lock = threading.Lock()
    running: set[str] = set()
    overlaps: list[frozenset[str]] = []

    def exclusive(net: Network, step: Steps) -> None:
        with lock:
            overlaps.extend([frozenset(running)] if running else [])
            running.add(threading.current_thread().name)
        net.sleep(0.05)
        time.sleep(0.05)
        with lock:
            running.discard(threading.current_thread().name)

    scenarios = [_scenario(f"x.shared-{i}", lambda net, step: None) for i in range(4)]
    scenarios += [_scenario(f"x.lonely-{i}", exclusive, exclusive=True) for i in range(3)]
    runs = run_many(scenarios, lambda sid: Network("linux", name=sid), jobs=4)
    assert [r.error for r in runs] == [None] * 7
    assert overlaps == []


def test_a_step_the_simulator_does_not_model_ends_the_scenario_there() -> None:
    after: list[str] = []

    def partly_modelled(net: Network, step: Steps) -> None:
        step("first", lambda: 1)
        step("unmodelled", _not_modelled)
        after.append("ran on")  # the state here is one the simulator did not model
        step("later", lambda: 2)

    [run] = run_many([_scenario("x.partly", partly_modelled)], lambda sid: Network("linux"), jobs=1)
    assert run.error is None
    assert [(r.name, r.outcome.text) for r in run.steps] == [("first", "1"), ("unmodelled", "NotModelled")]
    assert after == []


def _not_modelled() -> None:
    raise NotModelled("something")
