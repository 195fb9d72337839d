"""SIGALRM differential checks: the same program with a real ``ITIMER_REAL`` on real loopback
and inside ``patched("linux")`` (virtual time) gives the same answers.

Every real wait is bounded by a socket timeout or a short sleep; the fixture restores the
SIGALRM handler and disarms the timer whatever happens. The alarms are tens of milliseconds
ahead of bounds of seconds, so a busy machine delays them without changing the answers.
"""

from __future__ import annotations

import select
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sockbehave.platform_info import current_os
from sockbehave.sim import patched

pytestmark = [
    pytest.mark.skipif(current_os() != "linux", reason="the differential reference is the real Linux stack"),
    pytest.mark.skipif(
        threading.current_thread() is not threading.main_thread(), reason="signal.signal needs the main thread"
    ),
]


class Alarm(Exception):
    pass


@pytest.fixture
def restore_sigalrm() -> Iterator[None]:
    old = signal.getsignal(signal.SIGALRM)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def both(program: Callable[[], Any]) -> tuple[Any, Any]:
    """(real, simulated) results of ``program``; the timer is disarmed after each."""
    try:
        real = program()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    with patched("linux"):
        simulated = program()
    return real, simulated


def _raise(signum: int, frame: Any) -> None:
    raise Alarm


def _udp() -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    return s


@pytest.mark.usefixtures("restore_sigalrm")
@pytest.mark.parametrize("call", ["recv", "recvfrom", "recv_into", "recvmsg", "accept", "sleep"])
def test_a_raising_handler_interrupts_a_blocked_call_with_its_exception(call: str) -> None:
    def program() -> tuple[str, bool]:
        signal.signal(signal.SIGALRM, _raise)
        with _udp() as u, socket.create_server(("127.0.0.1", 0)) as srv:
            u.settimeout(10)
            srv.settimeout(10)
            calls: dict[str, Callable[[], Any]] = {
                "recv": lambda: u.recv(10),
                "recvfrom": lambda: u.recvfrom(10),
                "recv_into": lambda: u.recv_into(bytearray(10)),
                "recvmsg": lambda: u.recvmsg(10),
                "accept": srv.accept,
                "sleep": lambda: time.sleep(10),
            }
            start = time.monotonic()
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            try:
                calls[call]()
            except Alarm:
                outcome = "Alarm"
            except Exception as exc:
                outcome = type(exc).__name__
            else:
                outcome = "returned"
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            return outcome, time.monotonic() - start < 5

    real, simulated = both(program)
    assert real == simulated == ("Alarm", True)


@pytest.mark.usefixtures("restore_sigalrm")
def test_a_returning_handler_lets_recv_resume_and_still_time_out() -> None:
    def program() -> tuple[str, int, bool]:
        seen: list[int] = []
        signal.signal(signal.SIGALRM, lambda signum, frame: seen.append(signum))
        with _udp() as u:
            u.settimeout(0.5)
            start = time.monotonic()
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            try:
                u.recv(10)
                outcome = "returned"
            except socket.timeout as exc:
                outcome = f"timeout: {exc}"
            elapsed = time.monotonic() - start
        return outcome, len(seen), 0.5 <= elapsed < 5  # the remaining timeout, not a new one

    real, simulated = both(program)
    assert real == simulated == ("timeout: timed out", 1, True)


@pytest.mark.usefixtures("restore_sigalrm")
def test_a_returning_handler_that_sends_lets_the_blocked_recv_return_the_data() -> None:
    def program() -> bytes:
        with _udp() as u:

            def handler(signum: int, frame: Any) -> None:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as c:
                    c.sendto(b"tick", u.getsockname())

            signal.signal(signal.SIGALRM, handler)
            u.settimeout(10)
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            return u.recv(10)

    real, simulated = both(program)
    assert real == simulated == b"tick"


@pytest.mark.usefixtures("restore_sigalrm")
def test_an_ignored_alarm_leaves_the_timeout_to_end_the_call() -> None:
    def program() -> str:
        signal.signal(signal.SIGALRM, signal.SIG_IGN)
        with _udp() as u:
            u.settimeout(0.3)
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            try:
                u.recv(10)
            except socket.timeout:
                return "timeout"
            return "returned"

    real, simulated = both(program)
    assert real == simulated == "timeout"


@pytest.mark.usefixtures("restore_sigalrm")
def test_timer_values_and_errors() -> None:
    def program() -> list[Any]:
        signal.signal(signal.SIGALRM, _raise)
        out: list[Any] = [signal.setitimer(signal.ITIMER_REAL, 100, 30)]
        old = signal.setitimer(signal.ITIMER_REAL, 50.4)
        out += [round(old[0]), old[1], signal.alarm(20), signal.alarm(0), signal.getitimer(signal.ITIMER_REAL)]
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        out += [signal.alarm(0), signal.setitimer(signal.ITIMER_REAL, 0, 5), signal.getitimer(signal.ITIMER_REAL)]
        for bad in (lambda: signal.setitimer(signal.ITIMER_REAL, -1), lambda: signal.setitimer(99, 1)):
            try:
                bad()
            except signal.ItimerError as exc:
                out.append(("ItimerError", exc.errno))
        try:
            signal.alarm(1.5)  # type: ignore[arg-type]
        except TypeError as exc:
            out.append(str(exc))
        return out

    real, simulated = both(program)
    assert real == simulated
    assert real[:4] == [(0.0, 0.0), 100, 30.0, 50]


@pytest.mark.usefixtures("restore_sigalrm")
@pytest.mark.parametrize("call", ["blocking-recv", "recv-with-timeout", "select", "sleep"])
def test_sa_restart_holds_the_handler_back_only_in_a_restarted_call(call: str) -> None:
    """With ``siginterrupt(SIGALRM, False)`` (asyncio's add_signal_handler sets it), a blocking
    socket's recv is restarted and the handler runs when data ends it (at 1 s); a recv with a
    timeout, select and sleep are interrupted at the alarm (0.05 s), as signal(7) says."""

    def program() -> tuple[str, str]:
        start = time.monotonic()
        ran: list[float] = []
        signal.signal(signal.SIGALRM, lambda signum, frame: ran.append(time.monotonic() - start))
        signal.siginterrupt(signal.SIGALRM, False)
        a, b = socket.socketpair()
        with a, b:
            sender = threading.Timer(1.0, b.send, (b"x",))
            sender.start()
            a.settimeout(None if call == "blocking-recv" else 5.0)
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            if call == "select":
                select.select([a], [], [], 5.0)
            elif call == "sleep":
                time.sleep(1.5)
            else:
                a.recv(1)
            sender.join()
        return call, ("at the alarm" if ran and ran[0] < 0.5 else "when the call returned" if ran else "never")

    real, simulated = both(program)
    assert simulated == real
    assert real[1] == ("when the call returned" if call == "blocking-recv" else "at the alarm")
