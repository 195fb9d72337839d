"""Runaway scenarios: every backend is bounded by a wall-clock deadline, a runaway's thread is
stopped (or named and reported when it cannot be), and an interrupted step is not an observation.

Every runaway here spins on ``release`` rather than on ``True``: the runner must stop it long before
the test sets ``release``, which only guarantees that a regression cannot leave a thread burning
CPU in the test process. Every call into the runner is bounded by ``_bounded`` so that a
regression fails instead of hanging the suite. Deadlines are small (0.2 s); the bounds are large
(60 s), so both cores being busy cannot make these tests fail.
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Iterator
from typing import Any, Callable

import pytest

from sockbehave import runner
from sockbehave.backends.real import RealNet
from sockbehave.kit import tcp_pair
from sockbehave.runner import ScenarioRun, run_many, run_scenario
from sockbehave.scenario import Scenario, Steps
from sockbehave.sim import Network

BOUND_S = 60.0  # far above any deadline here: only a hang reaches it


def _scenario(sid: str, func: Callable[[Any, Steps], None]) -> Scenario:
    return Scenario(sid, "t", "c", "e", (), func)  # type: ignore[arg-type]


def _sim(scenario_id: str) -> Network:
    return Network("linux", name=scenario_id)


def _bounded(fn: Callable[[], Any]) -> Any:
    """``fn()`` in a helper thread; fail (rather than hang) if it does not end in ``BOUND_S``."""
    out: list[Any] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            out.append(fn())
        except BaseException as exc:
            errors.append(exc)

    helper = threading.Thread(target=call, daemon=True)
    helper.start()
    helper.join(BOUND_S)
    assert not helper.is_alive(), f"the runner did not return within {BOUND_S} s"
    if errors:
        raise errors[0]
    return out[0]


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at the end of the test: ends any runaway the runner failed to stop."""
    event = threading.Event()
    yield event
    event.set()


def _pure(x: int) -> int:
    return x * 2 + 1


def _runaways(release: threading.Event) -> list[Scenario]:
    def spin(net: Any, step: Steps) -> None:
        while not release.is_set():
            pass

    def call_a_pure_function(net: Any, step: Steps) -> None:
        x = 0
        while not release.is_set():
            x = _pure(x) % 1000

    def catch_everything(net: Any, step: Steps) -> None:
        while not release.is_set():
            try:  # noqa: SIM105 - the point: a loop that swallows the watchdog's exception
                _pure(1)
            except BaseException:
                pass

    return [
        _scenario("x.spin", spin),
        _scenario("x.pure", call_a_pure_function),
        _scenario("x.catch", catch_everything),
    ]


# -- 1. a wall-clock bound on every backend, the simulator included --------------------


@pytest.mark.parametrize("index", [0, 1, 2], ids=["spin", "pure-function", "catch-everything"])
def test_a_cpu_bound_runaway_on_the_simulator_ends_as_a_scenario_error(index: int, release: threading.Event) -> None:
    sc = _runaways(release)[index]
    start = time.monotonic()
    run: ScenarioRun = _bounded(lambda: run_scenario(sc, _sim, deadline=0.2))
    assert time.monotonic() - start < BOUND_S
    assert run.error is not None
    assert run.error.startswith("exceeded the 0.2 s deadline before its first step; the watchdog aborted it")
    assert "could not be stopped" not in run.error


def test_the_simulator_has_its_own_documented_default_deadline(
    release: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "SIM_DEADLINE_S", 0.2, raising=False)
    run: ScenarioRun = _bounded(lambda: run_scenario(_runaways(release)[0], _sim))
    assert run.error is not None and run.error.startswith("exceeded the 0.2 s deadline")


# -- 2. runaway threads stop, or are named and reported --------------------------------


@pytest.mark.parametrize("make_net", [RealNet, _sim], ids=["real", "sim"])
def test_runaway_threads_are_stopped_so_no_thread_outlives_the_runs(
    make_net: Callable[[str], Any], release: threading.Event
) -> None:
    before = set(threading.enumerate())
    for _ in range(2):  # the reproducer: two library calls in a row
        runs: list[ScenarioRun] = _bounded(lambda: run_many(_runaways(release), make_net, jobs=3, deadline=0.2))
        assert [r.error is not None and "deadline" in r.error for r in runs] == [True, True, True]
        assert not any("could not be stopped" in (r.error or "") for r in runs)
    assert set(threading.enumerate()) <= before  # none outlives (another test's may have ended)


def test_when_the_caller_fails_mid_run_the_scenarios_still_running_are_stopped(release: threading.Event) -> None:
    before = set(threading.enumerate())
    quick = _scenario("x.quick", lambda net, step: None)

    def on_done(run: ScenarioRun) -> None:
        raise BrokenPipeError("the terminal went away")  # as printing a result can

    with pytest.raises(BrokenPipeError):  # a deadline far away: stopping them is not the deadline's doing
        _bounded(lambda: run_many([quick, *_runaways(release)], RealNet, jobs=4, on_done=on_done, deadline=3600))
    assert set(threading.enumerate()) <= before  # none outlives (another test's may have ended)


def _stubborn(release: threading.Event) -> Scenario:
    def swallow_in_c(net: Any, step: Steps) -> None:
        # One C call for the whole run: a real lock's acquire, which an asynchronous exception
        # cannot interrupt (it lands only when the call returns, once ``release`` is set), so
        # the thread is unstoppable until then. (A Python loop catching the exception was not:
        # on CPython 3.13 the exception could land on the loop's own back edge, outside the
        # ``try``, and the thread stopped; a fresh-clone CI run saw it once.)
        release.wait()

    return _scenario("x.stubborn", swallow_in_c)


def test_a_thread_that_cannot_be_stopped_is_named_and_the_next_run_reports_it(
    release: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "STOP_GRACE_S", 0.5, raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no leftover from another test
        [run] = _bounded(lambda: run_many([_stubborn(release)], _sim, jobs=1, deadline=0.2))
    assert run.error is not None
    assert run.error.startswith("exceeded the 0.2 s deadline before its first step; the watchdog aborted it")
    assert "its thread sockbehave-x.stubborn could not be stopped and is still running" in run.error
    assert "sockbehave-x.stubborn" in {t.name for t in threading.enumerate()}

    innocent = _scenario("x.innocent", lambda net, step: step("sleep", net.sleep, 0.0))
    with pytest.warns(RuntimeWarning, match=r"still running: sockbehave-x\.stubborn \(scenario x\.stubborn\)"):
        [later] = _bounded(lambda: run_many([innocent], _sim, jobs=1))
    assert later.error is None  # reported, not blamed on an innocent scenario

    release.set()
    stubborn = [t for t in threading.enumerate() if t.name == "sockbehave-x.stubborn"]
    for thread in stubborn:
        thread.join(BOUND_S)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # it has ended: nothing left to report
        _bounded(lambda: run_many([innocent], _sim, jobs=1))


# -- 3. the interruption is recorded, not a fake observation ---------------------------


def _blocked_in_recv(net: RealNet, step: Steps) -> None:
    """Blocks in recv with no timeout: only the watchdog can end it."""
    client, server = tcp_pair(net)
    step("send", client.send, b"x")
    step("recv-blocks", server.recv, 10)  # b'x'
    step("recv", server.recv, 10)  # blocks for ever
    step("after", client.send, b"y")


def test_the_step_the_watchdog_interrupts_is_not_recorded_and_the_error_names_it() -> None:
    run = run_scenario(_scenario("tcp.hang", _blocked_in_recv), RealNet, deadline=1.0)
    assert [s.name for s in run.steps] == ["send", "recv-blocks"]  # not recv's b'' from the shutdown
    assert run.error == "exceeded the 1 s deadline in step 'recv'; the watchdog aborted it"


def test_a_scenario_that_swallows_the_interruption_records_nothing_more() -> None:
    def keeps_going(net: RealNet, step: Steps) -> None:
        client, server = tcp_pair(net)
        try:  # noqa: SIM105 - a scenario that carries on whatever happens
            step("recv", server.recv, 10)
        except Exception:
            pass
        step("after", client.send, b"y")
        step.observe("derived", 1)

    run = run_scenario(_scenario("tcp.keeps-going", keeps_going), RealNet, deadline=1.0)
    assert run.steps == ()
    assert run.error == "exceeded the 1 s deadline in step 'recv'; the watchdog aborted it"


def test_on_a_python_that_cannot_raise_in_threads_the_error_says_why(
    release: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "raise_in", lambda ident, exc: False)  # as on PyPy
    monkeypatch.setattr(runner, "can_raise_in_threads", lambda: False)
    monkeypatch.setattr(runner, "STOP_GRACE_S", 0.3)
    [run] = _bounded(lambda: run_many(_runaways(release)[:1], _sim, jobs=1, deadline=0.2))
    assert run.error is not None
    assert run.error.endswith(
        "its thread sockbehave-x.spin could not be stopped (this Python cannot raise in another thread) "
        "and is still running"
    )
    release.set()
    for thread in [t for t in threading.enumerate() if t.name == "sockbehave-x.spin"]:
        thread.join(BOUND_S)


def _spinning_peer(net: RealNet, step: Steps) -> None:
    """A peer thread that never ends: only being stopped from outside ends it."""

    def spin() -> None:
        while True:
            pass

    net.spawn(spin)


def test_a_runaway_peer_thread_is_stopped_when_its_net_closes() -> None:
    before = set(threading.enumerate())
    sc = Scenario("x.peer", "spins", "c", "e", (), _spinning_peer)  # type: ignore[arg-type]
    run = run_scenario(sc, RealNet, deadline=2.0)
    assert run.error is not None and "1 peer thread(s) did not finish; stopped them" in run.error
    assert set(threading.enumerate()) <= before
