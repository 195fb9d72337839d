"""Running scenarios on a backend: scenario x backend -> step records, in parallel, under a watchdog.

Owns: executing each scenario function with a fresh ``net`` on a worker thread, bounding every
backend by a wall-clock deadline, stopping a runaway (or naming the thread it could not stop),
turning escaped exceptions into a scenario error, and guaranteeing cleanup. It knows nothing
of tables.

How it runs. Worker threads (at most ``jobs`` at once) take the scenarios one after another and
start each one's deadline themselves: no thread per scenario and no hand-off on the fast path,
which matters because the simulator runs a scenario in well under a millisecond. The thread that
called ``run_many`` is the watchdog: it sleeps until a result arrives or the earliest deadline
passes. It never polls and adds no thread. A worker takes a finished scenario out of the
watchdog's sight itself; simulated results reach the watchdog in batches (at least every
``_BATCH_S``), because waking it for each costs two GIL hand-offs, about a fifth of a simple
simulated scenario.

When a scenario's deadline passes, the watchdog:

1. stops its step recorder (``Steps.stop``): the step running then and every later one are not
   recorded, and the error names that step. What a call returns once the net is aborted (a
   shut-down socket's ``b''``) is the watchdog's doing, not an observation;
2. calls ``net.abort()``, which wakes whatever the scenario is blocked in (the real backend shuts
   its sockets down, the simulator wakes its waiting tasks);
3. raises ``ScenarioStopped`` in the worker thread, every 10 ms while that thread is still inside
   the scenario (``interrupt.raise_in``: CPython's asynchronous exceptions). A pure CPU loop gets
   it at once; a loop that catches everything gets it when one lands outside its ``try``;
4. gives up after ``STOP_GRACE_S``: the error says the thread could not be stopped and names it,
   the watchdog closes the net itself and replaces the worker, and every later ``run_many`` in
   this process warns (``RuntimeWarning``) about it for as long as it runs.

A worker that was interrupted is retired, never reused. Why asynchronous exceptions, and only
after a deadline: they cost nothing until then, where a trace function would tax every line of
every scenario and a watchdog thread per scenario costs more than a simulated scenario does (see
docs/benchmarks.md). Their hazard is an exception landing *after* the scenario has returned, in
the worker's own code: the watchdog only raises while the thread is inside ``_body`` (checked on
its stack, under the job's lock), and the worker cancels any pending one under the same lock as
soon as it leaves (``_settle``), so at most two can land outside the scenario, and ``_run``
absorbs two. One can also land in a finalizer or weakref callback that the garbage collector runs
on that thread while it is in the scenario: Python prints "Exception ignored" and drops it (seen
about once in 2,000 interruptions under stress), and the next try 10 ms later stops the thread.
On a Python without asynchronous exceptions (PyPy, GraalPy) step 3 does nothing: a
scenario blocked in a socket call still ends at step 2, a CPU-bound one is reported at step 4.

Deadlines. ``DEADLINE_S`` (15 s) for backends whose calls block for real. ``SIM_DEADLINE_S``
(5 s) for the simulator (``net.inline``): it bounds every wait itself (deadlock detection, the
virtual-time limit), so only CPU-bound code can reach this one. A ``slow=True`` scenario gets
``SLOW_DEADLINE_S`` (120 s) on a real backend: it waits out a TIME_WAIT on purpose. The slowest catalog scenario
takes about 10 ms there; 5 s leaves a factor of 500 for loaded machines, coverage tracing and
bigger user scenarios, while a runaway costs 5 s per simulated OS instead of 15.
"""

from __future__ import annotations

import queue
import threading
import time
import traceback
import warnings
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from .backends.protocol import ManagedNet
from .errors import ScenarioError
from .interrupt import can_raise_in_threads, inside, raise_in
from .scenario import Scenario, ScenarioStopped, StepNotModelled, StepRecord, Steps

__all__ = ["DEADLINE_S", "SIM_DEADLINE_S", "SLOW_DEADLINE_S", "NetFactory", "ScenarioRun", "run_many", "run_scenario"]

#: No scenario may run longer than this on a backend whose calls block for real.
DEADLINE_S = 15.0
#: The same for a ``slow=True`` scenario (tcp.time-wait-duration polls a bind for up to 75 s).
SLOW_DEADLINE_S = 120.0
#: The simulator's deadline (``net.inline``): see the module docstring for the choice.
SIM_DEADLINE_S = 5.0
#: After the deadline, how long the watchdog tries to stop a thread before it gives up.
STOP_GRACE_S = 5.0
#: How often the watchdog raises in a thread that has not stopped yet.
_RETRY_S = 0.01
#: A worker running simulated scenarios hands their results to the watchdog at least this often.
_BATCH_S = 0.05

NetFactory = Callable[[str], ManagedNet]


@dataclass(frozen=True)
class ScenarioRun:
    scenario_id: str
    steps: tuple[StepRecord, ...]
    error: Optional[str]
    duration: float


def run_scenario(sc: Scenario, make_net: NetFactory, deadline: Optional[float] = None) -> ScenarioRun:
    """Run one scenario on a fresh net under the watchdog. Never raises for anything the scenario
    does. ``deadline`` in seconds; ``None``: the backend's (``DEADLINE_S``, ``SIM_DEADLINE_S``)."""
    [run] = run_many([sc], make_net, 1, deadline=deadline)
    return run


def run_many(
    scenarios: Sequence[Scenario],
    make_net: NetFactory,
    jobs: int,
    on_done: Optional[Callable[[ScenarioRun], None]] = None,
    deadline: Optional[float] = None,
) -> list[ScenarioRun]:
    """Run scenarios ``jobs`` at a time, then the exclusive ones one by one; results come
    back in catalog order. ``on_done`` is called in the calling thread as each one ends."""
    _warn_about_leftovers()
    order = {sc.id: i for i, sc in enumerate(scenarios)}
    runs: list[ScenarioRun] = []

    def done(run: ScenarioRun) -> None:
        runs.append(run)
        if on_done is not None:
            on_done(run)

    pool = _Pool(make_net, deadline, done)
    try:
        pool.run([sc for sc in scenarios if not sc.exclusive], max(1, jobs))
        pool.run([sc for sc in scenarios if sc.exclusive], 1)
    finally:
        pool.close()
    runs.sort(key=lambda r: order[r.scenario_id])
    return runs


# -- one scenario on a worker thread -----------------------------------------------------


@dataclass(eq=False)
class _Job:
    sc: Scenario
    net: ManagedNet
    steps: Steps
    deadline: float
    #: ``time.monotonic()`` when the watchdog must act next: the deadline, then each retry.
    due: float
    start: float
    failure: list[str] = field(default_factory=list)
    duration: float = 0.0
    #: Held by the watchdog while it raises in the thread, and by the worker while it settles.
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: The watchdog's message, once the deadline has passed.
    stopped: Optional[str] = None
    stopped_at: float = 0.0
    #: An asynchronous ``ScenarioStopped`` was raised in the worker thread.
    interrupted: bool = False
    #: The worker has left the scenario: nothing may be raised in it any more.
    settled: bool = False
    #: The watchdog gave up on the worker thread and cleaned up itself.
    abandoned: bool = False


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f" (at {Path(last.filename).name}:{last.lineno})"


def _body(job: _Job) -> None:
    """The scenario itself: the only code the watchdog ever raises in."""
    try:
        job.net.enter()
        job.sc.func(job.net, job.steps)
    except ScenarioStopped:
        pass  # the watchdog's message says why
    except StepNotModelled:
        pass  # recorded as its step's outcome; the checker marks the rest not reached
    except BaseException as exc:
        if not job.steps.stopped:  # after the deadline, what escapes is the abort's doing
            job.failure.append(f"{type(exc).__name__}: {exc}{_where(exc)}")


def _settle(job: _Job) -> None:
    """The worker has left ``_body``: forbid further interruptions and cancel a pending one."""
    with job.lock:
        job.settled = True
        if job.interrupted:
            raise_in(threading.get_ident(), None)


def _run(job: _Job) -> None:
    """Run a job on the worker thread; never raises."""
    try:
        _body(job)
        _settle(job)
    except ScenarioStopped:
        # Landed after the scenario ended: the one pending as it ended, or one raised by a watchdog
        # round that saw the thread in ``_body`` just before it left (that round holds the lock,
        # so it finishes before any ``_settle``). Each can land once: two more tries settle.
        try:
            _settle(job)
        except ScenarioStopped:
            _settle(job)
    if not job.abandoned:  # stable once settled: the watchdog abandons only unsettled jobs
        _close(job)


def _close(job: _Job) -> None:
    try:
        job.net.close()
    except ScenarioError as exc:  # a harness rule (the loopback guard) says it in its own words
        job.failure.append(str(exc))
    except Exception as exc:
        job.failure.append(f"cleanup: {exc}")
    job.duration = job.net.clock() - job.start


def _result(job: _Job) -> ScenarioRun:
    failure = ([job.stopped] if job.stopped else []) + job.failure
    return ScenarioRun(job.sc.id, tuple(job.steps.records), "; ".join(failure) or None, job.duration)


class _Worker:
    """A thread that takes scenarios from its pool until none is left, then waits to be woken
    (``True``: more work) or dismissed (``None``). One that was interrupted is retired."""

    def __init__(self, pool: _Pool, number: int) -> None:
        self.inbox: queue.SimpleQueue[Optional[bool]] = queue.SimpleQueue()
        self._pool = pool
        self.abandoned = False
        self.thread = threading.Thread(target=self._main, name=f"sockbehave-runner-{number}", daemon=True)
        self.thread.start()

    def _main(self) -> None:
        ended: list[_Job | ScenarioRun] = []  # results not yet handed to the watchdog
        posted = time.monotonic()
        while True:
            job = self._pool.take(self)
            if job is None:
                self._post(ended)
                if self.inbox.get() is None:
                    return
                continue
            if isinstance(job, _Job):
                _run(job)
            if self._pool.finished(job):
                ended.append(job)
            retiring = isinstance(job, _Job) and (job.interrupted or job.abandoned)  # both final once settled
            # Simulated scenarios take well under a millisecond: waking the watchdog for each
            # costs two GIL hand-offs, so their results go in batches (at least every
            # _BATCH_S, for progress output). A real scenario's result goes at once.
            if retiring or not (isinstance(job, _Job) and job.net.inline) or time.monotonic() - posted >= _BATCH_S:
                self._post(ended)
                posted = time.monotonic()
            if retiring:
                return

    def _post(self, ended: list[_Job | ScenarioRun]) -> None:
        if ended:
            self._pool.outbox.put(ended[:])
            ended.clear()


# -- the watchdog ------------------------------------------------------------------------


class _Pool:
    """Workers, and the watchdog loop that runs in the thread that called ``run_many``.

    Workers take scenarios themselves and start their deadlines themselves, so a simulated
    scenario never waits for the watchdog. The watchdog sleeps until a result arrives, the
    earliest deadline it knows of, or at most the smallest possible deadline (a scenario that
    started while it slept cannot be due earlier than that)."""

    def __init__(self, make_net: NetFactory, deadline: Optional[float], done: Callable[[ScenarioRun], None]) -> None:
        self._make_net = make_net
        self._deadline = deadline
        self._nap = deadline if deadline is not None else min(DEADLINE_S, SIM_DEADLINE_S)
        self._done = done
        #: Results from the workers, a batch at a time (``_Worker._main``).
        self.outbox: queue.SimpleQueue[list[_Job | ScenarioRun]] = queue.SimpleQueue()
        self._lock = threading.Lock()  # guards the seven below
        self._stopping = False
        self._todo: deque[Scenario] = deque()
        self._limit = 1  # at most this many scenarios at once (the phase's ``jobs``) ...
        self._running = 0  # ... counted here
        self._busy: dict[_Job, _Worker] = {}
        self._idle: list[_Worker] = []
        self._working = 0
        self._workers: list[_Worker] = []

    # -- called on worker threads --
    def take(self, worker: _Worker) -> _Job | ScenarioRun | None:
        """The next scenario, started on a fresh net; None (and the worker parked) when there is
        none, or when the phase's limit is reached (an exclusive scenario must run alone)."""
        with self._lock:
            if not self._todo or self._running >= self._limit:
                self._idle.append(worker)
                self._working -= 1
                return None
            sc = self._todo.popleft()
            self._running += 1
        try:
            net = self._make_net(sc.id)
        except Exception as exc:
            return ScenarioRun(sc.id, (), f"could not create its net: {type(exc).__name__}: {exc}", 0.0)
        deadline = self._deadline
        if deadline is None:
            deadline = SIM_DEADLINE_S if net.inline else (SLOW_DEADLINE_S if sc.slow else DEADLINE_S)
        worker.thread.name = f"sockbehave-{sc.id}"
        steps = Steps(sc.id, net.clock, net.errno_name)
        job = _Job(sc, net, steps, deadline, time.monotonic() + deadline, net.clock())
        with self._lock:
            if not self._stopping:
                self._busy[job] = worker
                return job
        _close(job)  # the run is being stopped: never start a scenario nobody watches
        return ScenarioRun(sc.id, (), "not run: the run was stopped", 0.0)

    def finished(self, job: _Job | ScenarioRun) -> bool:
        """Its scenario is over: free its place, and say whether its result is still to be
        reported (one given up on was freed and reported by ``_give_up``)."""
        with self._lock:
            if not isinstance(job, _Job):
                self._running -= 1
                return True
            if job.abandoned:  # stable once settled
                return False
            self._running -= 1
            if job.interrupted:  # its worker retires: _staff replaces it
                self._working -= 1
            # Out of the watchdog's sight from here: its deadline no longer applies.
            return self._busy.pop(job, None) is not None

    # -- called on the watchdog's thread --
    def run(self, scenarios: Sequence[Scenario], limit: int) -> None:
        with self._lock:
            self._todo.extend(scenarios)
            self._limit = limit
        try:
            left = len(scenarios)
            while left:
                self._staff(limit)
                left -= self._wait()
        except BaseException:  # KeyboardInterrupt, or on_done failed: stop what runs, then re-raise
            self._stop_all()
            raise

    def _staff(self, limit: int) -> None:
        """Wake parked workers, then start new ones, while scenarios wait and fewer than ``limit`` work.
        Starting a thread lets the others run: the simulator often drains the queue meanwhile."""
        while True:
            with self._lock:
                if not self._todo or self._working >= limit:
                    return
                self._working += 1
                parked = self._idle.pop() if self._idle else None
            if parked is not None:
                parked.inbox.put(True)
            else:
                self._workers.append(_Worker(self, len(self._workers)))

    def _wait(self) -> int:
        """Wait for one result, or act on every job whose deadline (or retry) is due; how many ended."""
        with self._lock:
            busy = list(self._busy.items())
        now = time.monotonic()
        wake = min([job.due for job, _ in busy], default=now + self._nap)
        try:
            items = self.outbox.get(timeout=max(0.0, min(wake, now + self._nap) - now))
        except queue.Empty:
            ended = 0
            now = time.monotonic()
            for job, worker in busy:
                if job.due <= now and self._enforce(worker, job, now):
                    self._done(_result(job))
                    ended += 1
            return ended
        for item in items:  # a ScenarioRun: its net could not be created
            self._done(item if isinstance(item, ScenarioRun) else _result(item))
        return len(items)

    def _enforce(self, worker: _Worker, job: _Job, now: float) -> bool:
        """Deadline passed: stop, abort, interrupt; True once the watchdog has given up."""
        if job.stopped is None:
            self._expire(job, now)
        elif now >= job.stopped_at + STOP_GRACE_S and self._give_up(worker, job):
            return True
        self._interrupt(worker, job)
        job.due = now + _RETRY_S
        return False

    @staticmethod
    def _expire(job: _Job, now: float) -> None:
        running = job.steps.stop()
        if running is not None:
            where = f"in step {running!r}"
        elif job.steps.records:
            where = f"after step {job.steps.records[-1].name!r}, outside any step"
        else:
            where = "before its first step"
        job.stopped = f"exceeded the {job.deadline:g} s deadline {where}; the watchdog aborted it"
        job.stopped_at = now
        try:
            job.net.abort()
        except Exception as exc:
            job.stopped += f" (abort failed: {type(exc).__name__}: {exc})"

    @staticmethod
    def _interrupt(worker: _Worker, job: _Job) -> None:
        ident = worker.thread.ident
        with job.lock:
            if job.settled or ident is None or not inside(ident, _body.__code__):
                return
            if raise_in(ident, ScenarioStopped):
                job.interrupted = True

    def _give_up(self, worker: _Worker, job: _Job) -> bool:
        with job.lock:
            if job.settled:
                return False  # it left the scenario just now: its result is on the way
            job.abandoned = worker.abandoned = True
        with self._lock:
            if self._busy.pop(job, None) is None:
                return True  # given up on already (an interrupted _give_up, resumed by _stop_all)
            self._working -= 1  # _staff replaces it
            self._running -= 1
        name = worker.thread.name
        why = "" if can_raise_in_threads() else " (this Python cannot raise in another thread)"
        job.stopped = f"{job.stopped}; its thread {name} could not be stopped{why} and is still running"
        _close(job)
        _remember_leftover(worker.thread, job.sc.id)
        return True

    def _stop_all(self) -> None:
        """Stop every running scenario without reporting it (the run itself is failing)."""
        with self._lock:
            self._stopping = True
            self._todo.clear()
            busy = list(self._busy.items())
        for job, _ in busy:
            if job.stopped is None:
                self._expire(job, time.monotonic())
        give_up_at = time.monotonic() + STOP_GRACE_S
        for job, worker in busy:
            while not job.settled and time.monotonic() < give_up_at:
                self._interrupt(worker, job)
                worker.thread.join(_RETRY_S)
            if not job.settled:
                self._give_up(worker, job)

    def close(self) -> None:
        """Dismiss every worker this pool started and wait for them (the ones given up on are
        reported instead)."""
        for worker in self._workers:
            worker.inbox.put(None)  # a retired worker never reads it
        for worker in self._workers:
            if not worker.abandoned:
                worker.thread.join(STOP_GRACE_S)


# -- threads that could not be stopped ----------------------------------------------------

_leftovers_lock = threading.Lock()
_leftovers: list[tuple[threading.Thread, str]] = []


def _remember_leftover(thread: threading.Thread, scenario_id: str) -> None:
    with _leftovers_lock:
        _leftovers.append((thread, scenario_id))


def _warn_about_leftovers() -> None:
    with _leftovers_lock:
        _leftovers[:] = [(t, sid) for t, sid in _leftovers if t.is_alive()]
        names = [f"{t.name} (scenario {sid})" for t, sid in _leftovers]
    if names:
        warnings.warn(
            f"sockbehave: {len(names)} scenario thread(s) from an earlier run could not be stopped and are "
            f"still running: {', '.join(names)}",
            RuntimeWarning,
            stacklevel=3,
        )
