"""``Scheduler.start``: task bodies on reused (pooled) OS threads instead of a new thread each.

The pool must be invisible to the simulated program: the same interleaving, virtual times and
deadlock reports as a task on a thread of its own, the thread's name while the body runs, errors
kept for the joiner, and ``close()`` still waiting for (or naming) every task."""

from __future__ import annotations

import socket
import threading
from typing import Any, Callable

import pytest

from sockbehave.kit import tcp_pair
from sockbehave.sim import Network, SimDeadlock, clock
from sockbehave.sim.clock import SimAborted, Task


def _on_pool(net: Network, name: str, fn: Callable[[], Any]) -> Task:
    net.enter()
    task = net.scheduler.new_task(name)
    net.scheduler.start(task, fn, f"sockbehave-sim-{name}")
    return task


def _on_new_thread(net: Network, name: str, fn: Callable[[], Any]) -> Task:
    """What ``Network.spawn`` did before the pool: a ``threading.Thread`` per task."""
    net.enter()
    task = net.scheduler.new_task(name)
    thread = threading.Thread(
        target=net.scheduler.run_task, args=(task, fn), name=f"sockbehave-sim-{name}", daemon=True
    )
    thread.start()
    return task


def _ping_pong(start: Callable[[Network, str, Callable[[], Any]], Task]) -> list[Any]:
    """Two peers and the root exchanging data and sleeping: everything each saw, with times."""
    net = Network("linux", seed=3)
    cli, conn = tcp_pair(net)
    seen: list[Any] = []

    def echo() -> None:
        while data := conn.recv(4):
            seen.append(("echo", data, net.clock(), threading.current_thread().name))
            conn.sendall(data.upper())
            net.sleep(0.01)
        conn.close()

    def ticker() -> None:
        for _ in range(3):
            net.sleep(0.015)
            seen.append(("tick", net.clock(), threading.current_thread().name))

    tasks = [start(net, "peer-0", echo), start(net, "peer-1", ticker)]
    cli.sendall(b"simulated threads")
    cli.shutdown(socket.SHUT_WR)
    while data := cli.recv(100):
        seen.append(("got", data, net.clock()))
    assert net.scheduler.wait_until(lambda: all(t.done for t in tasks), None, "join")
    net.close()
    return seen


def test_pooled_tasks_interleave_exactly_like_tasks_on_threads_of_their_own() -> None:
    fresh = _ping_pong(_on_new_thread)
    assert _ping_pong(_on_pool) == fresh  # order, virtual times and thread names alike
    assert _ping_pong(_on_pool) == fresh  # and again, now on threads the pool kept
    assert ("tick", pytest.approx(0.045), "sockbehave-sim-peer-1") in fresh


def test_the_pool_reuses_one_os_thread_across_tasks_and_networks() -> None:
    idents = []
    for _ in range(3):
        net = Network("linux")
        seen: list[tuple[int, str]] = []

        def body(seen: list[tuple[int, str]] = seen) -> None:
            seen.append((threading.get_ident(), threading.current_thread().name))

        task = _on_pool(net, "peer-0", body)
        net.sleep(0.01)
        assert task.done and seen[0][1] == "sockbehave-sim-peer-0"
        net.close()
        idents.append(seen[0][0])
    assert len(set(idents)) == 1
    assert threading.current_thread().name == "MainThread"
    names = {t.name for t in threading.enumerate() if t.ident == idents[0]}
    assert names == {"sockbehave-sim-pool"}  # parked, under the pool's own name


def test_a_pooled_task_keeps_its_error_for_the_joiner() -> None:
    net = Network("linux")
    task = _on_pool(net, "peer-0", lambda: 1 / 0)
    net.sleep(0.01)
    assert task.done and isinstance(task.error, ZeroDivisionError)
    net.close()


def test_a_deadlock_with_a_pooled_task_names_it_and_close_releases_it() -> None:
    net = Network("linux")
    cli, conn = tcp_pair(net)
    task = _on_pool(net, "peer-0", lambda: conn.recv(10))
    with pytest.raises(SimDeadlock, match=r"every task is waiting \(.*peer-0: recv\(\)"):
        cli.recv(10)
    net.close()  # wakes the parked task with SimAborted; its pool thread lets go of it
    assert task.done and not task.pooled and task.thread is None


def test_close_names_a_pooled_task_still_running_in_real_code() -> None:
    net = Network("linux")
    aborted, release = threading.Event(), threading.Event()

    def stuck() -> None:
        try:
            net.sleep(100)
        except SimAborted:
            aborted.set()
            release.wait(10)  # real code that does not come back within close()'s wait
            raise

    _on_pool(net, "peer-0", stuck)
    net.sleep(0.01)
    net.scheduler.abort()
    assert aborted.wait(10)
    assert net.scheduler.wait_ended(0.05) == ["peer-0"]  # done only when its body has returned
    release.set()
    assert net.scheduler.wait_ended(10) == []


def test_a_pool_thread_whose_run_task_failed_is_not_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    reported: list[threading.ExceptHookArgs] = []
    monkeypatch.setattr(threading, "excepthook", reported.append)
    net = Network("linux")
    real_run_task = net.scheduler.run_task
    threads: list[threading.Thread] = []

    def failing_run_task(task: Task, fn: Callable[[], Any], on_error: Any = None) -> None:
        threads.append(threading.current_thread())
        real_run_task(task, fn, on_error)
        raise RuntimeError("run_task failed")  # a bug in the scheduler, not in the body

    monkeypatch.setattr(net.scheduler, "run_task", failing_run_task)
    _on_pool(net, "peer-0", lambda: None)
    net.sleep(0.01)
    net.close()
    threads[0].join(10)
    assert not threads[0].is_alive() and [str(r.exc_value) for r in reported] == ["run_task failed"]
    assert all(t.thread.is_alive() for t in clock._idle)  # a dead thread would never run the next body


def test_an_idle_pool_thread_ends_and_leaves_no_thread_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "_POOL_IDLE_S", 0.05)
    net = Network("linux")
    ran_on: list[threading.Thread] = []
    _on_pool(net, "peer-0", lambda: ran_on.append(threading.current_thread()))
    net.sleep(0.01)
    net.close()
    [thread] = ran_on
    thread.join(10)  # parked in the pool, then ends once idle for _POOL_IDLE_S
    assert not thread.is_alive()
    assert thread not in [t.thread for t in clock._idle]
