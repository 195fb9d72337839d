"""SIGALRM timers (``signal.alarm``/``setitimer``/``getitimer``) inside ``patched()``: virtual
time, delivery to the root task, PEP 475 resumption, deadlock reports and what is refused.
(The same programs against the real Linux stack: tests/conformance/test_signal_differential.py.)"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from sockbehave.sim import SimDeadlock, patched
from sockbehave.sim.patching import held

pytestmark = [
    pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no signal.setitimer here"),
    pytest.mark.skipif(
        threading.current_thread() is not threading.main_thread(), reason="signal.signal needs the main thread"
    ),
]


class Alarm(Exception):
    pass


@pytest.fixture
def calls() -> Iterator[list[Any]]:
    """SIGALRM's handler records (virtual time, thread name) and raises ``Alarm`` while the
    list's first item is "raise"; the real handler and timer are restored afterwards."""
    seen: list[Any] = ["raise"]

    def handler(signum: int, frame: Any) -> None:
        seen.append((time.monotonic(), threading.current_thread().name, frame is not None))
        if seen[0] == "raise":
            raise Alarm

    old = signal.signal(signal.SIGALRM, handler)
    try:
        yield seen
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _udp() -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    return s


def test_an_alarm_an_hour_ahead_interrupts_a_blocked_recv_without_waiting_for_it(calls: list[Any]) -> None:
    started = time.monotonic()
    with patched("linux"), _udp() as s:
        assert signal.alarm(3600) == 0
        with pytest.raises(Alarm):
            s.recv(10)  # no timeout: only the signal can end it
        assert time.monotonic() == pytest.approx(3600.0, abs=1e-3)
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert calls[1:] == [(pytest.approx(3600.0, abs=1e-3), threading.current_thread().name, True)]
    assert time.monotonic() - started < 60  # wall time: far below the hour a real alarm takes
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # no real timer was armed


def test_a_handler_that_returns_lets_the_call_resume_with_the_remaining_timeout(calls: list[Any]) -> None:
    calls[0] = "return"
    with patched("linux"), _udp() as s:
        s.settimeout(10)
        signal.setitimer(signal.ITIMER_REAL, 2.5)
        with pytest.raises(socket.timeout):
            s.recv(10)
        assert time.monotonic() == 10.0  # PEP 475: the timeout is not restarted at 2.5
    assert [t for t, _, _ in calls[1:]] == [2.5]


def test_a_handler_that_returns_and_sends_lets_the_blocked_recv_return_the_data(calls: list[Any]) -> None:
    with patched("linux"), _udp() as s:

        def handler(signum: int, frame: Any) -> None:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as c:
                c.sendto(b"tick", s.getsockname())

        signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, 0.25)
        assert s.recv(10) == b"tick"
        assert time.monotonic() == 0.25


def test_a_pending_alarm_counts_as_a_due_timer_and_a_returning_handler_still_deadlocks(calls: list[Any]) -> None:
    calls[0] = "return"

    def program() -> None:
        with patched("linux"), _udp() as s:
            signal.alarm(7)
            s.recv(10)

    with pytest.raises(SimDeadlock, match=r"recv\(\).*can never complete"):
        program()
    assert [t for t, _, _ in calls[1:]] == [7.0]  # time moved to the alarm before the report


def test_an_alarm_armed_by_another_thread_runs_the_handler_in_the_root_task(calls: list[Any]) -> None:
    with patched("linux"):
        worker = threading.Thread(target=lambda: signal.setitimer(signal.ITIMER_REAL, 1.5), name="armer")
        worker.start()
        with pytest.raises(Alarm):
            time.sleep(100)
        worker.join()
    assert calls[1:] == [(1.5, threading.current_thread().name, True)]


def test_a_repeating_timer_fires_every_interval_and_reports_what_is_left(calls: list[Any]) -> None:
    calls[0] = "return"
    with patched("linux"):
        assert signal.setitimer(signal.ITIMER_REAL, 1, 0.5) == (0.0, 0.0)
        time.sleep(2.25)
        assert signal.getitimer(signal.ITIMER_REAL) == (0.25, 0.5)
        assert signal.setitimer(signal.ITIMER_REAL, 0) == (0.25, 0.5)
        time.sleep(5)
    assert [t for t, _, _ in calls[1:]] == [1.0, 1.5, 2.0]


def test_alarm_returns_the_old_remaining_seconds_rounded_but_at_least_one() -> None:
    with patched("linux"):
        signal.setitimer(signal.ITIMER_REAL, 2.4)
        assert signal.alarm(0) == 2
        signal.setitimer(signal.ITIMER_REAL, 2.5)
        assert signal.alarm(0) == 3
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        assert signal.alarm(0) == 1
        assert signal.alarm(0) == 0


def test_the_same_program_gives_the_same_signal_times_every_run(calls: list[Any]) -> None:
    calls[0] = "return"

    def program() -> list[Any]:
        del calls[1:]
        with patched("linux"), _udp() as s:
            signal.setitimer(signal.ITIMER_REAL, 0.3, 0.7)
            s.settimeout(3)
            with pytest.raises(socket.timeout):
                s.recv(1)
        return list(calls)

    assert (
        program()
        == program()
        == ["return"] + [(t, threading.current_thread().name, True) for t in (0.3, 1.0, 1.7, 2.4)]
    )


def test_an_ignored_alarm_does_nothing() -> None:
    old = signal.signal(signal.SIGALRM, signal.SIG_IGN)
    try:
        with patched("linux"), _udp() as s:
            signal.alarm(1)
            s.settimeout(2)
            with pytest.raises(socket.timeout):
                s.recv(1)
    finally:
        signal.signal(signal.SIGALRM, old)


def test_what_is_not_modelled_says_so() -> None:
    old = signal.signal(signal.SIGALRM, signal.SIG_DFL)
    try:

        def program() -> None:
            with patched("linux"):
                signal.alarm(1)
                time.sleep(2)

        with pytest.raises(NotImplementedError, match="SIGALRM with the default disposition"):
            program()
        with patched("linux"):
            with pytest.raises(NotImplementedError, match="ITIMER_VIRTUAL"):
                signal.setitimer(signal.ITIMER_VIRTUAL, 1)
            with pytest.raises(NotImplementedError, match=r"repeating interval under 0\.01 s"):
                signal.setitimer(signal.ITIMER_REAL, 1, 0.005)
            with pytest.raises(signal.ItimerError):
                signal.setitimer(signal.ITIMER_REAL, -1)
            with pytest.raises(TypeError):
                signal.alarm(1.5)  # type: ignore[arg-type]
    finally:
        signal.signal(signal.SIGALRM, old)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_pause_waits_in_virtual_time_until_a_handler_has_run(calls: list[Any]) -> None:
    calls[0] = "return"
    with patched("linux"):
        signal.setitimer(signal.ITIMER_REAL, 4)
        signal.pause()
        assert time.monotonic() == pytest.approx(4.0, abs=1e-3)
    assert [t for t, _, _ in calls[1:]] == [pytest.approx(4.0, abs=1e-3)]


def test_pause_with_nothing_armed_is_a_deadlock_not_a_hang(calls: list[Any]) -> None:
    def program() -> None:
        with patched("linux"):
            signal.pause()

    with pytest.raises(SimDeadlock, match=r"signal\.pause\(\) can never complete"):
        program()


def test_what_would_change_the_delivery_of_sigalrm_is_not_modelled(calls: list[Any]) -> None:
    with patched("linux"):
        signal.siginterrupt(signal.SIGALRM, True)  # the default: calls are interrupted
        signal.siginterrupt(signal.SIGALRM, False)  # SA_RESTART: modelled (test_signal_differential.py)
        with pytest.raises(NotImplementedError, match=r"pthread_sigmask\(\) blocking SIGALRM"):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        assert signal.SIGALRM not in signal.pthread_sigmask(signal.SIG_BLOCK, set())  # a query is real


def test_on_windows_the_unix_only_signal_calls_are_absent_or_refused_by_name() -> None:
    """Windows' CPython has no ``alarm``, ``setitimer``, ``getitimer``, ``pause``,
    ``siginterrupt`` or ``pthread_sigmask``: in a windows simulation the names are gone from
    ``signal`` (``hasattr`` is false, as there), and a reference taken while the swaps were in
    (by a thread outside the simulation) is refused by name (it used to run them, a program
    that cannot run on Windows); ``set_wakeup_fd``, which Windows has, stays."""
    with held():  # this thread is no simulated thread: it gets the swapped, dispatching names
        taken = (
            (signal.alarm, (1,)),
            (signal.setitimer, (signal.ITIMER_REAL, 2.5)),
            (signal.getitimer, (signal.ITIMER_REAL,)),
            (signal.pause, ()),
            (signal.siginterrupt, (signal.SIGALRM, True)),
            (signal.pthread_sigmask, (signal.SIG_BLOCK, set())),
        )
    assert all(call is not signal.alarm for call, _ in taken[:1])  # not the real alarm: that would arm it
    with patched("windows"):
        for call, args in taken:
            assert not hasattr(signal, call.__name__)
            with pytest.raises(NotImplementedError, match=rf"absence of signal\.{call.__name__} on windows"):
                call(*args)
        a, b = socket.socketpair()
        a.setblocking(False)
        assert signal.set_wakeup_fd(a.fileno()) == -1
        assert signal.set_wakeup_fd(-1) == a.fileno()
        a.close()
        b.close()


@pytest.mark.parametrize("profile", ["linux", "darwin", "freebsd"])  # (Windows has no setitimer: above)
def test_the_simulated_alarm_writes_its_number_to_a_simulated_wakeup_socket(profile: str, calls: list[Any]) -> None:
    """As CPython's C-level handler: the signal number, one byte, at the signal's arrival. A
    ``select`` on the other end sees it when the (returning) handler has run."""
    import select

    calls[0] = "return"
    with patched(profile):
        a, b = socket.socketpair()
        a.setblocking(False)
        assert signal.set_wakeup_fd(a.fileno()) == -1
        signal.setitimer(signal.ITIMER_REAL, 2.5)
        assert select.select([b], [], [], 10) == ([b], [], [])
        assert (time.monotonic(), b.recv(10)) == (pytest.approx(2.5), bytes([signal.SIGALRM]))
        assert signal.set_wakeup_fd(-1) == a.fileno()
        a.close()
        b.close()
    assert len(calls) == 2


def test_asyncio_signal_handlers_can_be_added_and_a_signal_to_self_is_refused_by_name() -> None:
    """``loop.add_signal_handler`` sets a simulated socket as the wakeup fd (before, that was
    ``NotImplementedError``); a real signal could not reach it, so sending one to this process
    is refused by name."""
    import asyncio

    async def main() -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGUSR1, lambda: None)
        try:
            os.kill(os.getpid(), signal.SIGUSR1)
        finally:
            loop.remove_signal_handler(signal.SIGUSR1)

    with patched("linux"), pytest.raises(NotImplementedError, match=r"os\.kill\(\) to this process"):
        asyncio.run(main())


def _signal_callbacks() -> list[str]:
    """An event loop's signal handler, for a signal its main thread raises and one a thread raises."""
    import asyncio

    seen: list[str] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        got = asyncio.Event()
        loop.add_signal_handler(signal.SIGUSR1, lambda: (seen.append("callback"), got.set()))
        try:
            signal.raise_signal(signal.SIGUSR1)
            seen.append("raised")
            await asyncio.wait_for(got.wait(), 5)
            got.clear()
            thread = threading.Thread(target=signal.raise_signal, args=(signal.SIGUSR1,))
            thread.start()
            await asyncio.wait_for(got.wait(), 5)
            seen.append("from a thread")
            thread.join()
        finally:
            loop.remove_signal_handler(signal.SIGUSR1)

    asyncio.run(main())
    return seen


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="asyncio's signal handlers are Unix-only")
def test_raise_signal_reaches_an_event_loop_through_its_simulated_wakeup_socket() -> None:
    """trio's and asyncio's loops wait on a socket CPython writes each signal's number to: with
    a simulated one, ``signal.raise_signal`` is modelled (``signals._raising``)."""
    with patched("linux"):
        simulated = _signal_callbacks()
    assert simulated == ["raised", "callback", "callback", "from a thread"]
    assert _signal_callbacks() == simulated


def test_set_wakeup_fd_with_simulated_sockets_as_cpython_checks_them() -> None:
    real, other = socket.socketpair()  # the real stack's check, for comparison
    with real, other, pytest.raises(ValueError, match=f"the fd {real.fileno()} must be in non-blocking mode"):
        signal.set_wakeup_fd(real.fileno())
    for profile, checks_mode in (("linux", True), ("windows", False)):
        with patched(profile):
            a, b = socket.socketpair()
            a.setblocking(checks_mode)
            if checks_mode:
                with pytest.raises(ValueError, match=f"the fd {a.fileno()} must be in non-blocking mode"):
                    signal.set_wakeup_fd(a.fileno())
                a.setblocking(False)
            assert signal.set_wakeup_fd(a.fileno()) == -1
            with pytest.raises(
                NotImplementedError, match=r"signal\.raise_signal\(SIGUSR1\) with the default disposition"
            ):
                signal.raise_signal(signal.SIGUSR1)  # it would end the process
            assert signal.set_wakeup_fd(-1) == a.fileno()
            a.close()
            b.close()
    assert signal.set_wakeup_fd(-1) == -1  # the real process's wakeup fd was never touched


def test_a_full_wakeup_socket_is_reported_as_cpython_reports_it(
    calls: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    reported: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)
    calls[0] = "return"
    with patched("linux"):
        srv = socket.create_server(("127.0.0.1", 0))  # a TCP pair: the model knows how much it holds
        a = socket.create_connection(srv.getsockname())
        b, _ = srv.accept()
        srv.close()
        a.setblocking(False)
        sent = sum(iter(lambda: _send_or_zero(a), 0))  # until the send buffer is full
        assert sent > 0
        signal.set_wakeup_fd(a.fileno())
        signal.setitimer(signal.ITIMER_REAL, 1.0)
        time.sleep(2)
        signal.set_wakeup_fd(-1)
        a.close()
        b.close()
    assert len(calls) == 2  # the handler ran
    assert [type(r.exc_value) for r in reported] == [BlockingIOError]
    assert reported[0].err_msg == "Exception ignored when trying to write to the signal wakeup fd"


def _send_or_zero(s: socket.socket) -> int:
    try:
        return s.send(b"x" * 65536)
    except BlockingIOError:
        return 0


def test_a_value_under_a_microsecond_still_arms_as_cpython_rounds_it_up(calls: list[Any]) -> None:
    with patched("linux"):
        signal.setitimer(signal.ITIMER_REAL, 1e-9)
        assert signal.getitimer(signal.ITIMER_REAL) == (1e-6, 0.0)
        with pytest.raises(Alarm):
            time.sleep(1)
    assert [t for t, _, _ in calls[1:]] == [1e-6]


def test_the_alarm_reaches_the_root_when_another_thread_moves_time(calls: list[Any]) -> None:
    ticks: list[float] = []

    def ticker() -> None:
        for _ in range(10):
            time.sleep(1)  # this thread's waits are what advance the clock past 3 s
            ticks.append(time.monotonic())

    with patched("linux"), _udp() as s:
        worker = threading.Thread(target=ticker, daemon=True)
        worker.start()
        signal.alarm(3)
        with pytest.raises(Alarm):
            s.recv(10)  # no timeout: nothing but the signal ends it
        assert time.monotonic() == pytest.approx(3.0, abs=1e-3)
        worker.join()
    assert ticks == [pytest.approx(float(t), abs=1e-3) for t in range(1, 11)]
    assert calls[1:] == [(3.0, threading.current_thread().name, True)]
