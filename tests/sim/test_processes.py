"""Real processes from a simulated thread: what runs for real and what the simulation refuses.

A forked child would copy the simulation mid-step, and a real process's run time cannot be
measured against a virtual timeout: both raise ``NotImplementedError`` naming the call, where
before ``os.fork`` forked for real and ``subprocess.run(..., timeout=5)`` ended in a
``SimDeadlock`` that named ``time.sleep``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from sockbehave.sim import patched
from sockbehave.sim.patching import held

QUICK = [sys.executable, "-c", "pass"]
REAL_WAIT = subprocess.Popen.wait


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this host")
def test_fork_in_a_simulated_thread_is_not_modelled_and_forks_nothing() -> None:
    with patched("linux"), pytest.raises(NotImplementedError, match=r"os\.fork\(\) in a simulated thread"):
        _fork()


def _fork() -> int:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - only if the refusal is gone: never let the child run on
        os._exit(0)
    return pid


def test_waiting_for_a_real_process_with_a_timeout_is_not_modelled() -> None:
    with patched("linux"), pytest.raises(NotImplementedError, match=r"Popen\.wait\(\) with a timeout"):
        subprocess.run(QUICK, timeout=30, check=False)


def test_polling_a_running_real_process_is_not_modelled_and_an_ended_one_gives_its_code() -> None:
    """A loop of ``poll()`` and ``time.sleep(0.05)`` measures a real child in virtual seconds:
    tornado's import test gave up on a healthy child after "5 s" that took no real time."""
    with patched("linux"):
        running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        try:
            with pytest.raises(NotImplementedError, match=r"Popen\.poll\(\) of a running process"):
                running.poll()
        finally:
            running.kill()
            running.wait()
        ended = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
        assert ended.wait() == 3
        assert ended.poll() == 3


def test_a_real_process_waited_for_without_a_timeout_runs_for_real_and_is_noted() -> None:
    """It runs, but outside the simulation (a socket it opens reaches the real host): noted as
    not modelled, so a deadlock report and ``sockbehave simulate`` say it."""
    with patched("linux") as net:
        assert net.scheduler.not_modelled == ""
        process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(7)"])
        assert process.wait() == 7
        assert "a real process started from a simulated thread" in net.scheduler.not_modelled


def test_a_thread_outside_the_simulation_keeps_the_real_calls_while_they_are_swapped() -> None:
    with held():  # the swaps are installed; this thread is no simulated thread
        assert subprocess.Popen.wait is not REAL_WAIT
        assert subprocess.run(QUICK, timeout=30, check=False).returncode == 0


@pytest.mark.skipif(not hasattr(signal, "SIGCHLD"), reason="no SIGCHLD on this host")
def test_a_sigchld_handler_beside_a_running_real_child_is_not_modelled() -> None:
    """The child's exit would come as a real signal, at a real moment: tornado's ``Subprocess``
    waited for it with a 5 s timeout, which virtual time reached at once (a silent timeout)."""
    before = signal.getsignal(signal.SIGCHLD)
    try:
        with patched("linux"):
            child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
            try:
                with pytest.raises(NotImplementedError, match=r"SIGCHLD handler set .* \(pid \d+\) runs"):
                    signal.signal(signal.SIGCHLD, lambda *_: None)
                assert signal.getsignal(signal.SIGCHLD) == before  # nothing was set
            finally:
                child.kill()
                child.wait()
            signal.signal(signal.SIGCHLD, lambda *_: None)  # no child runs now: as on a real host
            with pytest.raises(NotImplementedError, match="started from a simulated thread while a SIGCHLD handler"):
                subprocess.Popen(QUICK)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            assert subprocess.Popen(QUICK).wait() == 0
    finally:
        signal.signal(signal.SIGCHLD, before)
