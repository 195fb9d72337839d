"""Virtual time and the deterministic scheduler of simulated tasks.

Owns: the clock (a number that only moves when every task is waiting), the timer queue,
baton passing between tasks, a pool of parked OS threads that run task bodies
(``Scheduler.start``), and the registry that tells whether the calling thread is a
simulated task (``current_task``; the patches in ``patching`` dispatch on it). A task is a
thread that runs only while it holds the baton, so exactly one thread touches the simulated
kernel at a time and the interleaving is a function of the program alone: tasks run in
creation order, time advances to the earliest timer or deadline, and a state in which
nothing can ever happen again is reported, not waited out. That report goes to the *root*
task (the thread that entered the simulation first: the scenario, or the body of a
``patched()`` block), naming every waiting task and what it waits on; the other tasks stay
parked until the simulation is closed (``abort``), which wakes them with ``SimAborted``.
The root is also where signal handlers run (``interrupt_root``: Python runs them in the main
thread): queued by a timer, run where the root waits, before it looks at its condition again.
A task that blocks in real code while it holds the baton (on a lock or queue made outside
the simulation) would stop every other task for ever: waiting tasks notice that after a
bounded real time, and the simulation stops with a report that names it (``_blocked_for_real``).

Deviation from real kernels, by design: nothing runs in parallel, and no wall clock is read.
"""

from __future__ import annotations

import _thread
import contextlib
import ctypes  # (at import: an import inside a simulated thread waits on simulated locks)
import heapq
import linecache
import os
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Optional

from ..errors import ScenarioError

__all__ = ["Clock", "Scheduler", "SimAborted", "SimDeadlock", "Task", "current_task", "outside"]


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


_real_monotonic = time.monotonic  # bounds real waits while the time module may be patched
_real_allocate_lock = _thread.allocate_lock  # patched() swaps the module attribute for simulated threads
#: The lock method itself, taken at import: the hand-offs wait with it, so a tool that wraps
#: ``_thread.LockType.acquire`` later (blockbuster, which anyio's suite turns on for every test)
#: sees no wait of the simulator's own: a simulated wait is in virtual time (docs/simulator.md).
_acquire = _thread.LockType.acquire
_real_rlock = _thread.RLock
_get_ident = _thread.get_ident  # Scheduler.enter's fast path runs on every simulated call
try:
    _CLOCK_TICKS = os.sysconf("SC_CLK_TCK")  # the unit of /proc's CPU times
except (AttributeError, ValueError, OSError):  # not on Windows
    _CLOCK_TICKS = 0


def _thread_cpu_seconds(thread: threading.Thread) -> Optional[float]:
    """CPU seconds ``thread`` has used, where the OS says without risk (Linux's ``/proc``;
    ``time.pthread_getcpuclockid`` is undefined behaviour for a thread that just ended); else None."""
    native = getattr(thread, "native_id", None)
    if native is None or _CLOCK_TICKS <= 0:
        return None
    try:
        with open(f"/proc/self/task/{native}/stat", "rb") as f:
            fields = f.read().rpartition(b")")[2].split()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime (proc(5))
    except (OSError, ValueError, IndexError):  # no /proc, or the thread ended meanwhile
        return None


class _BatonCondition(threading.Condition):
    """The scheduler's own condition variable: the real one, even while ``patched()`` has
    swapped ``threading.Condition``'s methods for simulated threads (captured at import)."""

    wait = threading.Condition.wait
    wait_for = threading.Condition.wait_for
    notify = threading.Condition.notify
    notify_all = threading.Condition.notify_all


#: Every live simulated task by thread ident, across all schedulers: "is this thread simulated?"
_TASKS: dict[int, Task] = {}


def current_task() -> Optional[Task]:
    """The simulated task the calling thread runs, or None for a thread outside every simulation."""
    return _TASKS.get(threading.get_ident())


@contextlib.contextmanager
def outside() -> Iterator[None]:
    """Run a block as a thread outside the simulation (real primitives), e.g. the part of
    ``Thread.start`` that waits for the new OS thread to exist."""
    ident = threading.get_ident()
    task = _TASKS.pop(ident, None)
    try:
        yield
    finally:
        if task is not None:
            _TASKS[ident] = task


def note_not_modelled(message: str) -> None:
    """Keep ``message`` (a ``NotModelled`` just made in the calling task) on its scheduler, so a
    deadlock reported later can name it: asyncio, socketserver or the program itself may have
    caught the error and be waiting for what the unmodelled call would have done."""
    task = current_task()
    if task is not None and task.scheduler is not None:
        task.scheduler.not_modelled = message


def _run_interrupts(task: Task) -> None:
    """Run the signal handlers due in ``task``, in order (one that raises, raises from here)."""
    while task.interrupts:
        task.interrupts.pop(0)()


def _always() -> bool:
    return True


def _locked() -> Any:
    lock = _real_allocate_lock()
    lock.acquire()
    return lock


@dataclass(eq=False)
class Task:
    name: str
    order: int
    scheduler: Optional[Scheduler] = None
    thread: Optional[threading.Thread] = None
    predicate: Optional[Callable[[], bool]] = None
    deadline: Optional[float] = None
    done: bool = False
    result: Any = None
    error: Optional[BaseException] = None
    #: What the task waits on right now ("recv() on <sim ...>"), for deadlock reports.
    what: str = ""
    #: A daemon thread: the end of a ``patched()`` block does not wait for it to finish.
    daemon: bool = False
    #: Set when the scheduler found that this task can never be woken.
    deadlocked: Optional[str] = None
    #: Released to hand this task the baton (one lock per task: a hand-off wakes one thread).
    wake: Any = field(default_factory=_locked)
    #: Run by a pooled OS thread (``Scheduler.start``) that has not yet let go of it: for
    #: ``wait_ended``, that thread's "end" is the moment it is back in the pool.
    pooled: bool = False
    #: Signal handlers due in this task (the root only), run where it waits (``interrupt_root``).
    interrupts: list[Callable[[], None]] = field(default_factory=list)
    #: The wait is a system call the kernel restarts after a handler installed with
    #: SA_RESTART (a blocking socket's or pipe's read, write, accept, connect: signal(7)).
    restartable: bool = False
    #: The root stepped out of a long simulation between two spans, keeping the baton
    #: (``Scheduler.step_out``): its thread runs real code, and nobody waits for it to pass it.
    away: bool = False
    #: What this task's wait condition raised when another task looked at it (a readiness the
    #: simulation does not model, say): the task is woken and raises it itself, in its own
    #: thread, where the program waits, not in the thread that happened to look.
    raised: Optional[BaseException] = None
    #: The wait's outcome is not modelled past this instant (``wait_until``'s ``on_stall``):
    #: what it raises in this task when nothing else can run without time moving on.
    on_stall: Optional[Callable[[], BaseException]] = None

    def ready(self, now: float) -> bool:
        if self.done:
            return False
        if self.predicate is None or self.raised is not None:
            return True
        try:
            return self.predicate() or (self.deadline is not None and now >= self.deadline)
        except Exception as exc:  # handed to the waiting task, which raises it
            self.raised = exc
            return True


# -- reused OS threads ------------------------------------------------------------------------
#: Idle pool threads kept for the next ``Scheduler.start``; a thread finding the pool full ends.
_POOL_MAX = 4
#: An idle pool thread ends after this many real seconds without a job, so the pool outlives a
#: batch of simulated scenarios only briefly (no lingering threads for leak checkers).
_POOL_IDLE_S = 1.0
_POOL_IDLE_NAME = "sockbehave-sim-pool"
_pool_lock = _real_allocate_lock()
_idle: list[_PoolThread] = []


class _PoolThread:
    """A daemon OS thread that runs task bodies one after another, parked in between.

    Why a pool: starting an OS thread costs about 0.1 ms on an idle machine and, with every
    core busy, often milliseconds (the new thread waits for a core), while waking a parked one
    costs what a baton hand-off costs. Tasks of every scheduler share the pool, so a catalog run
    starts its peer threads once, not once per scenario."""

    __slots__ = ("_go", "_job", "thread")

    def __init__(self) -> None:
        self._go = _locked()  # released to give this thread a job
        self._job: Optional[tuple[Task, Callable[[], Any], str]] = None
        with outside():  # the real threading module even inside patched(): the pool is not the program's
            self.thread = threading.Thread(target=self._loop, name=_POOL_IDLE_NAME, daemon=True)
            self.thread.start()

    def give(self, task: Task, fn: Callable[[], Any], name: str) -> None:
        self._job = (task, fn, name)
        self._go.release()

    def _loop(self) -> None:
        while True:
            if not self._go.acquire(timeout=_POOL_IDLE_S):
                with _pool_lock:
                    if self in _idle:  # nobody took it meanwhile: end, leaving no thread behind
                        _idle.remove(self)
                        return
                self._go.acquire()  # taken from the pool just now: its job is on the way
            assert self._job is not None
            (task, fn, name), self._job = self._job, None
            sched = task.scheduler
            assert sched is not None
            self.thread.name = name  # threading.current_thread().name inside the body
            keep = False
            try:
                sched.run_task(task, fn)
                self.thread.name = _POOL_IDLE_NAME
                with _pool_lock:  # back in the pool first, so the next network finds this thread
                    keep = len(_idle) < _POOL_MAX
                    if keep:
                        _idle.append(self)
            finally:  # (if run_task itself failed, this thread ends with the error: never reused)
                with sched._cond:  # for wait_ended: this task's thread has now "ended"
                    task.pooled, task.thread = False, None
                    sched._cond.notify_all()
            if not keep:
                return


if hasattr(os, "register_at_fork"):  # a forked child has none of its parent's threads
    os.register_at_fork(after_in_child=_idle.clear)


#: How long (real seconds) a task waits for a hand-off before it checks whether the baton was
#: lost (see ``Scheduler._recover``). Far above any real hand-off, which takes microseconds.
_RECHECK_S = 5.0
#: Real seconds a baton holder may sit on one bytecode instruction without using CPU time,
#: while no other task runs and virtual time stands still, before it counts as blocked in real
#: code (see ``Scheduler._blocked_for_real``). Found at the ``_RECHECK_S`` checks, so a
#: stopped simulation is reported within about ``_STUCK_S + _RECHECK_S``.
_STUCK_S = 5.0
#: Real seconds a baton holder may run Python without waiting (no hand-off, no move of virtual
#: time) while another task is ready or has a deadline pending, before the simulation stops
#: as not modelled: a real OS would have preempted it (a busy loop that waits for another
#: thread never ends here, where one thread runs at a time). See ``Scheduler._busy``.
_BUSY_S = 20.0


#: Virtual seconds a poll that finds nothing costs when no other task can run (a real
#: zero-timeout ``select`` on Linux takes about a microsecond); also what each clock read of a
#: busy-waiting task costs (``Scheduler.read_clock``).
POLL_COST = 1e-6
#: Virtual seconds each clock read moves time on (``Scheduler.read_clock``; to the next timer or
#: deadline if that comes first). Code on a real host takes time between two reads, so a
#: duration it measures is never zero and a 1 ms sleep measures more than 1 ms; with time
#: standing still while a thread runs, requests' ``response.elapsed`` was 0 and websockets'
#: latency tests failed. A convention of the simulator, the same on every profile, not an OS
#: fact: 1 us is in the range of one loop iteration around a read (a bare read takes about 50
#: ns), and the smallest a ``datetime.timedelta`` shows. The catalog's scenarios time their
#: steps with ``net.clock()``, which costs nothing.
READ_COST = 1e-6
#: Empty zero-timeout polls, and clock reads, at one virtual instant after which the program
#: counts as busy-waiting (far more than any program that is not makes: asyncio reads the
#: clock a few times per loop iteration).
POLL_SPINS = 1_000
SPIN_READS = 1_000_000
#: Readiness calls (``select``, ``poll``, ``epoll``) that found something ready at once, at one
#: virtual instant, after which the caller counts as busy-polling (a loop on ``select`` whose
#: sockets are always writable): then it gives the other tasks a turn, as preemption would.
READY_SPINS = 1_000


class _SpinCounter:
    """Polls, clock reads or readiness calls at one virtual instant (``Scheduler._spin``,
    ``Scheduler.ready_at_once``)."""

    __slots__ = ("at", "count", "limit")

    def __init__(self, limit: int) -> None:
        self.at, self.count, self.limit = -1.0, 0, limit

    def tick(self, now: float) -> int:
        """Count one at virtual time ``now`` (a new instant starts a new count); the count."""
        if now != self.at:
            self.at, self.count = now, 0
        self.count += 1
        return self.count


class Scheduler:
    """Baton passing between tasks. Every simulated call runs inside ``enter()``."""

    def __init__(self, clock: Clock, max_virtual_time: float = 3600.0) -> None:
        self.clock = clock
        #: A program still waiting after this much virtual time is reported, like a deadlock.
        self.max_virtual_time = max_virtual_time
        #: Where the limit is counted from (``max_virtual_time`` is absolute): 0, or the start
        #: of a long simulation's span (``LongSimulation.span``).
        self.limit_start = 0.0
        #: What a program's ``time.time()`` shows at virtual time 0 (``Network`` sets it).
        self.epoch = 0.0
        self._cond = _BatonCondition(_real_rlock())
        self._tasks: list[Task] = []  # live tasks, in creation order
        self._count = 0
        self._by_thread: dict[int, Task] = {}
        self._current: Optional[Task] = None
        self._aborted = False
        #: The first task: deadlocks are reported to it (the scenario, or a patched() block's body).
        self.root: Optional[Task] = None
        #: True while ``patched()`` gives this scheduler's tasks simulated threading and time.
        self.patched = False
        #: The ``Network`` this scheduler runs (set by ``Network``): how a simulated thread
        #: finds its host when it calls ``socket.socket()`` inside ``patched()``.
        self.net: Any = None
        self._spawned: list[Task] = []  # every task made by new_task, for wait_ended
        self._reads = _SpinCounter(SPIN_READS)  # read_clock's busy-waiting count
        self._polls = _SpinCounter(POLL_SPINS)  # poll_point's
        self._ready_polls = _SpinCounter(READY_SPINS)  # ready_at_once's
        #: The last ``NotModelled`` message made in this simulation (``note_not_modelled``).
        self.not_modelled = ""
        #: Whether SIGALRM's handler has SA_RESTART now (set by ``signals``' ``siginterrupt``):
        #: then it does not interrupt a restartable wait; it runs when that call returns
        #: (``run_interrupts``).
        self.restart_sigalrm: Optional[Callable[[], bool]] = None
        self._moves = 0  # baton hand-offs so far: a holder that passed it on made progress
        #: (what the holder was doing, real time, its CPU seconds) when a waiting task first saw it
        self._stall: Optional[tuple[tuple[Any, ...], float, Optional[float]]] = None
        self._busy_since: Optional[tuple[tuple[Any, ...], float]] = None
        #: Set with ``stuck`` when the holder ran on where a real OS would have preempted it.
        self.preempt = False
        #: Why ``abort`` stopped this simulation when a task blocked in real code (else None).
        self.stuck: Optional[str] = None

    @property
    def closed(self) -> bool:
        """Whether ``abort`` ended this simulation."""
        return self._aborted

    # -- who holds the baton ----------------------------------------------------------
    def enter(self) -> Task:
        """Make sure the calling thread is a task holding the baton (registering it if new)."""
        me = self._by_thread.get(_get_ident())
        if me is self._current and me is not None and not self._aborted:
            return me  # only the baton holder moves the baton, so this read needs no lock
        with self._cond:
            if self._aborted:
                raise self._closed_error(me) if me is not None else SimAborted("the simulated network was closed")
            if me is None:
                if self.patched:  # a patched() simulation's threads are its block's and their children
                    raise NotImplementedError(
                        f"sockbehave.sim doesn't (yet) model a simulated object used by thread"
                        f" {threading.current_thread().name!r}, which is outside the simulation"
                    )
                me = self._register(threading.current_thread().name, threading.current_thread())
                if self._current is None or self._current.done:
                    self._current = me
        if self._current is not me:
            self._sleep(me)
        return me

    def _wake(self, task: Task) -> None:
        """Signal ``task`` that it may run (it checks ``_current`` and ``_aborted`` itself)."""
        # try, not contextlib.suppress: this is on every hand-off, and the suppress object costs
        # about 0.4 us of the ~8 us a hand-off takes
        try:  # noqa: SIM105
            task.wake.release()
        except RuntimeError:  # already signalled: a stale or abort signal
            pass

    def _sleep(self, me: Task) -> None:
        """Block the calling thread until the baton is handed to ``me`` (or the network closes)."""
        while True:
            if not _acquire(me.wake, True, _RECHECK_S) and self._recover(me):
                return
            if self._aborted:
                self._wake(me)  # stay signalled: every later wait of this task ends at once too
                raise self._closed_error(me)
            if self._current is me:
                return

    def _closed_error(self, me: Task) -> BaseException:
        """What a task waiting when the simulation closed raises: the root gets the report of a
        task blocked in real code, or busy where a real OS would preempt it (not modelled), if
        that is why it closed; the others end."""
        if self.stuck is not None and me is self.root:
            return NotImplementedError(self.stuck) if self.preempt else SimDeadlock(self.stuck)
        return SimAborted(self.stuck or "the simulated network was closed")

    def _recover(self, me: Task) -> bool:
        """No hand-off reached ``me`` for ``_RECHECK_S`` of real time. If the baton is ``me``'s
        (its signal was lost) or its holder can never pass it on (its thread has ended), take
        it, with a warning, instead of waiting for ever: the simulator must never hang for
        real. A holder that is merely busy in real code keeps it; one blocked in real code
        (``_blocked_for_real``), or busy where a real OS would preempt it (``_busy``), stops the
        simulation, and the root reports it."""
        with self._cond:
            holder = self._current
            if self._aborted or holder is None or self.stuck is not None:  # (another task is stopping it)
                return False
            lost = holder is me
            dead = holder.done or (holder.thread is not None and not holder.thread.is_alive())
            if lost or dead:
                self._current = me
            else:
                stuck, preempt = self._blocked_for_real(holder), False
                if stuck is None:
                    stuck = self._busy(holder)
                    preempt = stuck is not None
                if stuck is None:
                    return False
                self.stuck, self.preempt = stuck, preempt
        if self.stuck is not None:  # (abort takes the lock itself)
            if self.preempt:
                note_not_modelled(self.stuck)
            self.abort()  # before the busy loop ends: its thread must hand the baton to nobody
            if self.preempt:
                # the busy loop ends where it runs: a simulated thread quietly, the root with the report
                _interrupt(holder.thread, _preempted(self.stuck) if holder is self.root else SimAborted)
            return False  # _sleep sees the abort and raises
        warnings.warn(
            f"sockbehave.sim: {me.name} took the baton after {_RECHECK_S:g} s of real time: "
            + ("its hand-off signal was lost" if lost else f"its holder {holder.name} ended without passing it on"),
            RuntimeWarning,
            stacklevel=2,
        )
        return True

    def _busy(self, holder: Task) -> Optional[str]:
        """The report if ``holder`` has run for ``_BUSY_S`` real seconds without a hand-off or a
        move of virtual time while another task could run now or once time moved on (one is
        ready, or a timer or deadline is pending): where a real OS would have preempted it.
        A holder whose fellows all wait for it without a deadline may compute as long as it
        likes. Called with ``_cond`` held, at the waiting tasks' ``_RECHECK_S`` checks."""
        mark = (holder, self._moves, self.clock.now)
        now = _real_monotonic()
        frame = None if holder.thread is None else sys._current_frames().get(holder.thread.ident or 0)
        idle = holder.away or not (self.ready_besides(holder) or self._next_due() is not None)
        if idle or (frame is not None and frame.f_code is _SLEEP_CODE):  # waiting for its own turn: no loop
            self._busy_since = None
            return None
        if self._busy_since is None or self._busy_since[0] != mark:
            self._busy_since = (mark, now)
            return None
        if now - self._busy_since[1] < _BUSY_S:
            return None
        where = f" at {frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}" if frame else ""
        return (
            f"sockbehave.sim doesn't (yet) model preemption: simulated thread {holder.name} has run for"
            f" {now - self._busy_since[1]:.1f} s of real time{where} without waiting, while other simulated"
            f" threads could run ({self._waiting()}). One simulated thread runs at a time and gives way only when"
            " it waits; a real OS would have preempted this one (a loop that spins until another thread acts, say)."
            " The simulation was stopped"
        )

    def _blocked_for_real(self, holder: Task) -> Optional[str]:
        """The report if ``holder``, which has the baton, is blocked in real code: on a lock,
        queue, event or socket that the simulation does not own (one made before it began),
        so it can never pass the baton on while every other task waits for it. Seen as: since
        a waiting task first looked, ``_STUCK_S`` real seconds ago, no hand-off, no move of
        virtual time, the holder's thread on the same bytecode instruction of the same frame,
        and (where the OS can say) no CPU time used, which tells a wait from a long computation
        in C. Called with ``_cond`` held, by waiting tasks at their ``_RECHECK_S`` checks."""
        thread = holder.thread
        if holder.away:  # stepped out between spans: it runs real code and will come back
            self._stall = None
            return None
        frame = None if thread is None or thread.ident is None else sys._current_frames().get(thread.ident)
        if thread is None or frame is None:
            self._stall = None
            return None
        mark = (holder, self._moves, self.clock.now, frame, frame.f_lasti)
        now, cpu = _real_monotonic(), _thread_cpu_seconds(thread)
        if self._stall is None or self._stall[0] != mark:
            self._stall = (mark, now, cpu)
            return None
        _, since, cpu_then = self._stall
        if now - since < _STUCK_S:
            return None
        if cpu is not None and cpu_then is not None and cpu - cpu_then > 0.01 * (now - since):
            self._stall = (mark, now, cpu)  # computing in C, not waiting: it may yet finish
            return None
        code, line = frame.f_code, frame.f_lineno or 0
        text = linecache.getline(code.co_filename, line).strip()
        return (
            f"simulated thread {holder.name} has been blocked in real code for {now - since:.1f} s of real time,"
            f" at {code.co_filename}:{line} in {code.co_name}" + (f" ({text})" if text else "") + ","
            f" while the other simulated threads wait for it ({self._waiting()}). It waits for real on"
            " something the simulation cannot see: a lock, queue, event or socket made before the"
            " simulation began (at import time, say), or a lock inside C code held by a thread that waits"
            " in virtual time (buffered files over simulated descriptors are guarded against this: see"
            " sim/buffered.py). Simulated threads wait in virtual time"
            " only on what the simulation makes; the simulation was stopped"
        )

    def step_out(self) -> None:
        """The root (the calling thread) leaves the simulation until ``step_in``, keeping the
        baton, so every other task stays where it waits: between two spans of a
        ``LongSimulation``, the thread runs as one outside the simulation (real modules)."""
        root = self.root
        if root is None or root.thread is not threading.current_thread():
            raise RuntimeError("only the root task's thread steps out of a simulation")
        root.away = True
        _TASKS.pop(_get_ident(), None)

    def step_in(self) -> None:
        """The root's thread, out since ``step_out``, runs in the simulation again; if the
        simulation was stopped (its report was raised in the root already), it stays out."""
        root = self.root
        if root is None or root.thread is not threading.current_thread() or not root.away:
            raise RuntimeError("only the root task's thread, stepped out, steps in again")
        root.away = False
        if not self._aborted:  # (abort ended every task's simulated life, the root's too)
            _TASKS[_get_ident()] = root

    def _register(self, name: str, thread: Optional[threading.Thread]) -> Task:
        task = Task(name, self._count, self, thread)
        self._count += 1
        self._tasks.append(task)
        if self.root is None:
            self.root = task
        if thread is not None and thread.ident is not None:
            self._by_thread[thread.ident] = task
            _TASKS[thread.ident] = task
        return task

    def adopt(self, task: Task, thread: threading.Thread) -> None:
        """Bind a pre-registered task to the thread that now runs it."""
        task.thread = thread
        assert thread.ident is not None
        self._by_thread[thread.ident] = task
        _TASKS[thread.ident] = task

    def _forget(self, task: Task) -> None:
        """The task's thread is no longer simulated (its ident may be reused by the OS)."""
        if task.thread is not None and task.thread.ident is not None:
            ident = task.thread.ident
            if self._by_thread.get(ident) is task:
                del self._by_thread[ident]
            if _TASKS.get(ident) is task:
                del _TASKS[ident]

    def run_task(
        self, task: Task, fn: Callable[[], Any], on_error: Optional[Callable[[BaseException], None]] = None
    ) -> None:
        """The body of a task's thread: wait for the baton, run ``fn``, pass the baton on.
        An exception is stored for ``join`` to re-raise, or, with ``on_error``, handed to it
        (``threading.excepthook``) *before* the baton moves on: a ``join()`` that returns
        has seen the thread's whole life, its error report included, as on a real stack."""
        self.adopt(task, threading.current_thread())
        try:
            self.enter()
            task.result = fn()
        except SimAborted:
            pass
        except BaseException as exc:  # kept for join(), or reported by on_error
            if on_error is None:
                task.error = exc
            else:
                with contextlib.suppress(SimAborted):
                    on_error(exc)
        finally:
            self._forget(task)
            with contextlib.suppress(SimAborted):
                self.finish(task)

    def start(self, task: Task, fn: Callable[[], Any], thread_name: str) -> None:
        """Run ``fn`` as ``task`` (from ``new_task``) on a pooled daemon OS thread, named
        ``thread_name`` while it runs: ``run_task`` on a ``threading.Thread`` of its own,
        without the cost of starting one (see ``_PoolThread``). For bodies that need no thread
        object of their own (``Network.spawn``'s peers). Deviation: the thread is reused, so
        ``threading.local`` values an earlier body left on it are still there, and
        ``threading.current_thread()`` is the same object for successive bodies."""
        task.pooled = True
        with _pool_lock:
            thread = _idle.pop() if _idle else None
        (thread or _PoolThread()).give(task, fn, thread_name)

    def new_task(self, name: str, daemon: bool = False) -> Task:
        """A task that will run later, when the baton reaches it (spawned peers, threads)."""
        with self._cond:
            task = self._register(name, None)
            task.daemon = daemon
            self._spawned.append(task)
            return task

    def tasks(self) -> list[Task]:
        """The live tasks, in creation order."""
        return list(self._tasks)

    # -- waiting ------------------------------------------------------------------------
    def wait_until(
        self,
        predicate: Callable[[], bool],
        deadline: Optional[float],
        what: str,
        restartable: bool = False,
        on_stall: Optional[Callable[[], BaseException]] = None,
    ) -> bool:
        """Let other tasks and time run until ``predicate()`` or ``deadline``; False on deadline.
        A ``restartable`` wait is a system call SA_RESTART restarts (``restart_sigalrm``).
        With ``on_stall``, only other tasks may run: when none can without time moving on (or a
        deadlock being reported), the wait raises ``on_stall()`` instead (a wait the real OS
        might not have made: how long it lasts is not modelled)."""
        me = self.enter()
        restarted = restartable and self.restart_sigalrm is not None and self.restart_sigalrm()
        while True:
            if not restarted:  # a handler that raises ends the wait; one that returns resumes it
                _run_interrupts(me)
            if predicate():
                return True
            if deadline is not None and self.clock.now >= deadline:
                return False
            if me.deadlocked:
                report, me.deadlocked = me.deadlocked, None
                raise SimDeadlock(report)
            me.predicate, me.deadline, me.what, me.restartable = predicate, deadline, what, restarted
            me.on_stall = on_stall
            try:
                self._run_others_or_advance(me, what)
            finally:
                me.predicate, me.deadline, me.what, me.restartable, me.on_stall = None, None, "", False, None
                raised, me.raised = me.raised, None
            if raised is not None:
                raise raised

    def run_interrupts(self) -> None:
        """After a restarted call returned: the handlers that arrived meanwhile run now, as the
        interpreter runs them right after the call (one that raises, raises from here)."""
        _run_interrupts(self.enter())

    def interrupt_root(self, action: Callable[[], None]) -> None:
        """Run ``action`` in the root task (Python runs signal handlers in the main thread)
        where it waits, as if an interrupted system call ran the handler before retrying
        (PEP 475); a pending action is not queued twice. Called from a clock timer: time moves
        only while every task waits, so the root is waiting and now becomes ready."""
        root = self.root
        if root is not None and not root.done and action not in root.interrupts:
            root.interrupts.append(action)
            if root.predicate is not None and not root.restartable:
                root.deadline = self.clock.now  # ready now, without a check in Task.ready (hot)

    def poll_point(self, what: str) -> None:
        """The caller polled and found nothing (``sleep(0)``, a zero-timeout ``select``, a
        non-blocking call that would block): let every other ready task run first, so a polling
        loop cannot starve them. Time does not move (asyncio polls with a zero timeout while it
        has callbacks to run), unless no other task can run and this is the ``POLL_SPINS``-th
        empty poll at one instant: then each poll moves it by ``POLL_COST``, as real polls take
        time. A loop that polls until a deadline (``socketserver``'s ``handle_request``:
        ``select(deadline - now)``, then ``select(0)`` until ``now`` passes it) would otherwise
        spin for ever."""
        me = self.enter()
        nxt = self._pick(me)
        if nxt is not None:
            me.predicate, me.what = _always, what
            try:
                self._hand_to(me, nxt, wait=True)
            finally:
                me.predicate, me.what = None, ""
            return
        self._spin(self._polls)

    def ready_at_once(self, what: str) -> None:
        """A readiness call found something ready without waiting. Every ``READY_SPINS``-th at
        one virtual instant is a ``poll_point``: a loop of ``select`` calls that never wait
        (its sockets always writable) cannot starve the other tasks, as a real thread that
        never blocks is still preempted."""
        counter = self._ready_polls
        if counter.tick(self.clock.now) >= counter.limit:
            counter.count = 0
            self.poll_point(f"{what} (every {counter.limit}th that returns at once, a busy loop's turn)")

    def read_clock(self) -> float:
        """The virtual time, for a program's clock read (``time.monotonic`` and friends); the
        read then moves it on by ``READ_COST``, unless a timer or deadline is due sooner. A
        program that has read the clock ``SPIN_READS`` times at one virtual instant (a task
        due now keeps it there) is taken to be busy-waiting for it to move: each further read
        moves it by ``POLL_COST``, so such a loop ends instead of spinning for real. (Reads by
        every task count together; any other move of time starts a new count.)"""
        now = self.clock.now
        due = self._next_due()
        if due is not None and due <= now:
            # A timer or another thread is due at this very instant (this thread's own reads
            # brought time there) while this one runs on: a real scheduler would run it, so
            # it gets its turn. Without this, a loop on the clock stopped time there for ever.
            self.clock.advance_to(now)  # the timers due
            self.poll_point("time.monotonic() (a thread due now runs first)")
            now = self.clock.now
            due = self._next_due()
        if due is None or due > now:
            self._move_on(READ_COST, due)
        else:
            self._spin(self._reads)
        return now

    def _move_on(self, cost: float, due: Optional[float]) -> None:
        """Move virtual time on by ``cost``, but not past ``due`` (the next timer or deadline)."""
        target = self.clock.now + cost
        self.clock.advance_to(target if due is None else min(due, target))

    def _spin(self, counter: _SpinCounter) -> None:
        """Count one poll or clock read; past its limit at one instant, time moves by
        ``POLL_COST`` (to the next timer or deadline if that comes first), and the count goes
        on from the new instant: the busy-waiting program is still spinning."""
        now = self.clock.now
        if counter.tick(now) > counter.limit:
            self._move_on(POLL_COST, self._next_due())
            counter.at = self.clock.now

    def run_first(self, task: Task, what: str) -> None:
        """Hand the baton to ``task`` (just started) and wait until it waits: as CPython's
        ``Thread.start()`` does, which waits for the new thread to start and then, under the
        GIL's switch interval, usually lets it run on until it blocks."""
        me = self.enter()
        if task.done or not task.ready(self.clock.now):
            return
        me.predicate, me.what = _always, what
        try:
            self._hand_to(me, task, wait=True)
        finally:
            me.predicate, me.what = None, ""

    def ready_besides(self, task: Optional[Task]) -> bool:
        """Whether a task other than ``task`` could run now (for settling at the end)."""
        return any(t is not task and t.ready(self.clock.now) for t in self._tasks)

    def _pick(self, after: Task) -> Optional[Task]:
        """The next ready task after ``after`` in creation order, round robin."""
        now = self.clock.now
        for task in self._tasks:
            if task.order > after.order and task.ready(now):
                return task
        for task in self._tasks:
            if task.order < after.order and task.ready(now):
                return task
        return None

    def _waiting(self) -> str:
        return "; ".join(f"{t.name}: {t.what or 'running'}" for t in self._tasks if not t.done)

    def _run_others_or_advance(self, me: Task, what: str) -> None:
        nxt = self._pick(me)
        if nxt is not None:
            self._hand_to(me, nxt, wait=True)
            return
        if me.ready(self.clock.now):
            return
        stalled = self._stalled()
        if stalled is not None:
            if stalled is not me:
                self._hand_to(me, stalled, wait=True)
            return
        due = self._next_due()
        root = self.root
        if root is not None and root is not me and root.what:
            what = root.what  # the report goes to the root: say what *it* waits for
        if due is None:
            self._report(
                me,
                f"simulated {what} can never complete: every task is waiting ({self._waiting()}) and no timer is due",
            )
        elif due > self.max_virtual_time:
            self._report(
                me,
                f"simulated {what} still waiting after the {self.max_virtual_time - self.limit_start:g} s virtual time limit"
                f" (waiting: {self._waiting()})",
            )
        else:
            self.clock.advance_to(due)

    def _stalled(self) -> Optional[Task]:
        """Nothing can run now: the first task whose wait must not outlast this instant
        (``wait_until``'s ``on_stall``), made ready to raise, rather than time moving on."""
        for task in self._tasks:
            if task.on_stall is not None and task.raised is None and not task.done:
                task.raised = task.on_stall()
                return task
        return None

    def _report(self, me: Task, message: str) -> None:
        """A deadlock: raise it in the root task, which owns the simulation; ``me`` stays parked."""
        if self.not_modelled:
            message += f" (earlier in this simulation: {self.not_modelled}; the program may have caught it)"
        root = self.root
        if root is None or root is me or root.done:
            raise SimDeadlock(message)
        root.deadlocked = message
        self._hand_to(me, root, wait=True)

    def _hand_to(self, me: Optional[Task], nxt: Task, wait: bool) -> None:
        self._moves += 1
        self._current = nxt
        self._wake(nxt)
        if wait and me is not None:
            self._sleep(me)

    def _next_due(self) -> Optional[float]:
        """The earliest of the next timer and every waiting task's deadline; None if none.
        (One pass without building a list: every wait that advances time asks.)"""
        due = self.clock.next_due()
        for task in self._tasks:
            deadline = task.deadline
            if (
                deadline is not None
                and (due is None or deadline < due)
                and not task.done
                and task.predicate is not None
            ):
                due = deadline
        return due

    def finish(self, me: Task) -> None:
        """The calling task is done: pass the baton on (advancing time if needed) without waiting."""
        me.done = True
        with contextlib.suppress(ValueError):
            self._tasks.remove(me)
        if self._aborted:
            with self._cond:
                self._cond.notify_all()  # wait_ended counts the tasks that are done
            return
        while not self._aborted:
            nxt = self._pick(me) or self._stalled()
            if nxt is not None:
                self._hand_to(None, nxt, wait=False)
                return
            due = self._next_due()
            if due is not None and due <= self.max_virtual_time:
                self.clock.advance_to(due)
                continue
            if not self._tasks:
                with self._cond:
                    self._current = None
                    self._cond.notify_all()
                return
            # Nobody can ever wake the rest: the root (else the first of them) reports it.
            target = self.root if self.root in self._tasks else self._tasks[0]
            limit = (
                f"the {self.max_virtual_time - self.limit_start:g} s virtual time limit passed"
                if due is not None
                else "no timer is due"
            )
            target.deadlocked = (
                f"simulated {target.what or 'call'} in {target.name} can never complete: every other task has"
                f" finished or waits ({self._waiting()}) and {limit}"
            )
            self._hand_to(None, target, wait=False)
            return

    def abort(self) -> None:
        """Wake every waiting task with ``SimAborted`` (closing the network). The calling
        thread, and every task whose thread never started or has ended, stop being simulated."""
        with self._cond:
            self._aborted = True
            self._cond.notify_all()
        for task in list(self._tasks):
            self._wake(task)
        me = threading.get_ident()
        for ident, task in list(self._by_thread.items()):
            if ident == me or task.thread is None or not task.thread.is_alive():
                self._by_thread.pop(ident, None)
                if _TASKS.get(ident) is task:
                    del _TASKS[ident]

    def wait_ended(self, timeout: float) -> list[str]:
        """After ``abort``: wait (in real time, at most ``timeout`` s) until every task made by
        ``new_task`` has finished and its thread has ended; return the names of those that have not."""
        if not self._spawned:
            return []  # most networks never spawn: skip the condition variable
        deadline = _real_monotonic() + timeout
        with self._cond:  # a pooled task's thread "ends" when it is back in the pool (it drops task.thread)
            self._cond.wait_for(lambda: all(t.done and not t.pooled for t in self._spawned), timeout)
        for task in self._spawned:
            thread = task.thread
            if (
                task.done
                and not task.pooled
                and isinstance(thread, threading.Thread)
                and not isinstance(thread, threading._DummyThread)
            ):
                thread.join(max(0.0, deadline - _real_monotonic()))
        return [t.name for t in self._spawned if not t.done or t.pooled or (t.thread is not None and _alive(t.thread))]


def _preempted(report: str) -> type[BaseException]:
    """A ``NotImplementedError`` class whose instances, made with no arguments (as an
    asynchronous exception is), carry ``report``."""

    def init(self: BaseException) -> None:
        NotImplementedError.__init__(self, report)

    return type("SimPreemptionNotModelled", (NotImplementedError,), {"__init__": init})


def _interrupt(thread: Optional[threading.Thread], exc: type[BaseException]) -> None:
    """Raise ``exc`` in ``thread`` at its next bytecode (a busy loop never waits, so it would
    never see the simulation end otherwise)."""
    if thread is not None and thread.ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(exc))


def _alive(thread: threading.Thread) -> bool:
    return not isinstance(thread, threading._DummyThread) and thread.is_alive()


#: The code a thread runs while it waits for the baton (``Scheduler._busy`` never blames it).
_SLEEP_CODE = Scheduler._sleep.__code__
