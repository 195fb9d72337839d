"""Killing a process a scenario started, with everything it started, and reaping it.

Owns: ``stop(proc)``. What works where (feature-detected, never chosen by platform name):

* Everywhere: ``Popen.kill()`` (SIGKILL on POSIX, ``TerminateProcess`` on Windows), then
  ``Popen.wait()`` to reap it.
* POSIX: if the child leads its own process group (``start_new_session=True``,
  ``process_group=0``), the whole group is killed first. A child left in sockbehave's own group
  is never killed by group: that would kill sockbehave.
* Where ``/proc/<pid>/stat`` exists (Linux): the child's descendants are found through their
  parent pids and killed before the child, so a shell's ``sleep 61`` dies with the shell.
  Elsewhere a grandchild outside the child's own process group can survive; so can, even on
  Linux, a grandchild whose parent had already exited (re-parented to init) before the scenario
  ended.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
from pathlib import Path
from typing import Any

__all__ = ["describe", "stop"]

_KILL = getattr(signal, "SIGKILL", signal.SIGTERM)
_PROC = Path("/proc")


def describe(proc: subprocess.Popen[Any]) -> str:
    """``sleep 61``: the command line, quoted as a shell would, at most 80 characters."""
    args = proc.args
    if isinstance(args, (list, tuple)):
        text = shlex.join(os.fsdecode(a) if isinstance(a, (bytes, os.PathLike)) else str(a) for a in args)
    else:
        text = os.fsdecode(args) if isinstance(args, (bytes, os.PathLike)) else str(args)
    text = text.encode("ascii", "backslashreplace").decode("ascii")
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= 80 else text[:77] + "..."


def _parents() -> dict[int, int]:
    """pid -> parent pid for every process, from ``/proc`` (empty where there is none)."""
    out: dict[int, int] = {}
    with contextlib.suppress(OSError):
        for entry in _PROC.iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = (entry / "stat").read_text()
                # "pid (comm) state ppid ...": comm may contain spaces and parentheses.
                out[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    return out


def _descendants(pid: int) -> list[int]:
    parents = _parents()
    found: list[int] = []
    frontier = [pid]
    while frontier:
        kids = [p for p, pp in parents.items() if pp in frontier and p not in found]
        found.extend(kids)
        frontier = kids
    return found


def _kill_group(pid: int) -> None:
    getpgid, killpg = getattr(os, "getpgid", None), getattr(os, "killpg", None)
    if getpgid is None or killpg is None:
        return
    with contextlib.suppress(OSError):
        if getpgid(pid) == pid != getpgid(0):
            killpg(pid, _KILL)


def stop(proc: subprocess.Popen[Any], timeout: float = 10.0) -> bool:
    """Kill ``proc`` (its group, its descendants) and reap it. True if it was still running."""
    if getattr(proc, "pid", None) is None or proc.poll() is not None:
        return False
    _kill_group(proc.pid)
    for _ in range(3):  # a descendant may fork while we look: look again
        pids = _descendants(proc.pid)
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, _KILL)
    with contextlib.suppress(OSError):
        proc.kill()
    proc.wait(timeout)
    return True
