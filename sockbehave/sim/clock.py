"""Virtual time and the deterministic scheduler of simulated tasks.

Owns: the clock (a number that only moves when every task is waiting), the timer queue, and
baton passing between tasks. A task is a thread that runs only while it holds the baton, so
exactly one thread touches the simulated kernel at a time and the interleaving is a function
of the program alone: tasks run in creation order, time advances to the earliest timer or
deadline, and a state in which nothing can ever happen again is reported, not waited out.

Deviation from real kernels, by design: nothing runs in parallel, and no wall clock is read.
"""

from __future__ import annotations

import contextlib
import heapq
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Optional

from ..errors import ScenarioError

__all__ = ["Clock", "Scheduler", "SimAborted", "SimDeadlock", "Task"]


class SimDeadlock(ScenarioError):
    """Every simulated task is waiting for something that can never happen."""


class SimAborted(BaseException):
    """The simulated network was closed while this task was still waiting."""


@dataclass(order=True)
class _Timer:
    when: float
    seq: int
    action: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)


class Clock:
    """Virtual seconds since the network was created, and the timers due at later times."""

    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list[_Timer] = []
        self._seq = 0

    def call_at(self, when: float, action: Callable[[], None]) -> _Timer:
        self._seq += 1
        timer = _Timer(max(when, self.now), self._seq, action)
        heapq.heappush(self._timers, timer)
        return timer

    def next_due(self) -> Optional[float]:
        while self._timers and self._timers[0].cancelled:
            heapq.heappop(self._timers)
        return self._timers[0].when if self._timers else None

    def advance_to(self, when: float) -> None:
        """Move time forward, firing every timer due by ``when`` in order."""
        while True:
            due = self.next_due()
            if due is None or due > when:
                break
            timer = heapq.heappop(self._timers)
            self.now = max(self.now, timer.when)
            timer.action()
        self.now = max(self.now, when)


@dataclass(eq=False)
class Task:
    name: str
    order: int
    thread: Optional[threading.Thread] = None
    predicate: Optional[Callable[[], bool]] = None
    deadline: Optional[float] = None
    done: bool = False
    result: Any = None
    error: Optional[BaseException] = None
    #: Set when the scheduler found that this task can never be woken.
    deadlocked: Optional[str] = None

    def ready(self, now: float) -> bool:
        if self.done:
            return False
        if self.predicate is None:
            return True
        return self.predicate() or (self.deadline is not None and now >= self.deadline)


class Scheduler:
    """Baton passing between tasks. Every simulated call runs inside ``enter()``."""

    def __init__(self, clock: Clock, max_virtual_time: float = 3600.0) -> None:
        self.clock = clock
        #: A program still waiting after this much virtual time is reported, like a deadlock.
        self.max_virtual_time = max_virtual_time
        self._cond = threading.Condition()
        self._tasks: list[Task] = []
        self._by_thread: dict[int, Task] = {}
        self._current: Optional[Task] = None
        self._aborted = False

    # -- who holds the baton ----------------------------------------------------------
    def enter(self) -> Task:
        """Make sure the calling thread is a task holding the baton (registering it if new)."""
        me = self._by_thread.get(threading.get_ident())
        with self._cond:
            if self._aborted:
                raise SimAborted("the simulated network was closed")
            if me is None:
                me = self._register(f"thread-{len(self._tasks)}", threading.current_thread())
                if self._current is None or self._current.done:
                    self._current = me
            while self._current is not me:
                self._cond.wait()
                if self._aborted:
                    raise SimAborted("the simulated network was closed")
        return me

    def _register(self, name: str, thread: Optional[threading.Thread]) -> Task:
        task = Task(name, len(self._tasks), thread)
        self._tasks.append(task)
        if thread is not None and thread.ident is not None:
            self._by_thread[thread.ident] = task
        return task

    def adopt(self, task: Task, thread: threading.Thread) -> None:
        """Bind a pre-registered task to the thread that now runs it."""
        task.thread = thread
        assert thread.ident is not None
        self._by_thread[thread.ident] = task

    def run_task(self, task: Task, fn: Callable[[], Any], keep_error: bool) -> None:
        """The body of a task's thread: wait for the baton, run ``fn``, pass the baton on.
        ``keep_error`` stores an exception for ``join`` to re-raise; otherwise it propagates
        (to ``threading.excepthook``, as for any thread) after the baton has moved on."""
        self.adopt(task, threading.current_thread())
        error: Optional[BaseException] = None
        try:
            self.enter()
            task.result = fn()
        except SimAborted:
            return
        except BaseException as exc:  # kept for join(), or re-raised below
            error = exc
        with contextlib.suppress(SimAborted):
            self.finish(task)
        if error is not None:
            if not keep_error:
                raise error
            task.error = error

    def new_task(self, name: str) -> Task:
        """A task that will run later, when the baton reaches it (spawned peers)."""
        with self._cond:
            return self._register(name, None)

    # -- waiting ------------------------------------------------------------------------
    def wait_until(self, predicate: Callable[[], bool], deadline: Optional[float], what: str) -> bool:
        """Let other tasks and time run until ``predicate()`` or ``deadline``; False on deadline."""
        me = self.enter()
        while True:
            if predicate():
                return True
            if deadline is not None and self.clock.now >= deadline:
                return False
            if me.deadlocked:
                raise SimDeadlock(me.deadlocked)
            me.predicate, me.deadline = predicate, deadline
            try:
                self._run_others_or_advance(me, what)
            finally:
                me.predicate, me.deadline = None, None

    def _pick(self, after: Task) -> Optional[Task]:
        """The next ready task after ``after`` in creation order, round robin."""
        n = len(self._tasks)
        for i in range(1, n + 1):
            task = self._tasks[(after.order + i) % n]
            if task is not after and task.ready(self.clock.now):
                return task
        return None

    def _run_others_or_advance(self, me: Task, what: str) -> None:
        nxt = self._pick(me)
        if nxt is not None:
            self._hand_to(me, nxt, wait=True)
            return
        if me.ready(self.clock.now):
            return
        due = self._due()
        if not due:
            waiting = ", ".join(t.name for t in self._tasks if not t.done)
            raise SimDeadlock(
                f"simulated {what} can never complete: every task is waiting ({waiting}) and no timer is due"
            )
        if min(due) > self.max_virtual_time:
            raise SimDeadlock(
                f"simulated {what} still waiting after the {self.max_virtual_time:g} s virtual time limit"
            )
        self.clock.advance_to(min(due))

    def _hand_to(self, me: Optional[Task], nxt: Task, wait: bool) -> None:
        with self._cond:
            self._current = nxt
            self._cond.notify_all()
            if wait and me is not None:
                while self._current is not me:
                    self._cond.wait()
                    if self._aborted:
                        raise SimAborted("the simulated network was closed")

    def _due(self) -> list[float]:
        deadlines = (t.deadline for t in self._tasks if not t.done and t.predicate is not None)
        return [t for t in (self.clock.next_due(), *deadlines) if t is not None]

    def finish(self, me: Task) -> None:
        """The calling task is done: pass the baton on (advancing time if needed) without waiting."""
        me.done = True
        while not self._aborted:
            nxt = self._pick(me)
            if nxt is not None:
                self._hand_to(None, nxt, wait=False)
                return
            due = self._due()
            if not due:
                stuck = [t for t in self._tasks if not t.done]
                if stuck:  # nobody can ever wake them: let the first one report it
                    stuck[0].deadlocked = (
                        f"simulated call in {stuck[0].name} can never complete: "
                        f"every other task has finished and no timer is due"
                    )
                    self._hand_to(None, stuck[0], wait=False)
                    return
                with self._cond:
                    self._current = None
                    self._cond.notify_all()
                return
            self.clock.advance_to(min(due))

    def abort(self) -> None:
        """Wake every waiting task with ``SimAborted`` (closing the network)."""
        with self._cond:
            self._aborted = True
            self._cond.notify_all()
