"""What a scenario is: a plain function of socket code, its metadata, and the step recorder.

Owns: the ``@scenario`` decorator that scenario modules use, the ``Scenario`` record the
catalog builds from it, and ``Steps``, which turns each observed call into a named outcome.

A scenario function takes ``(net, step)``. It makes sockets only through ``net.socket`` and
waits only through ``net.sleep``, so the same function runs on the real loopback and on the
simulator. Each behaviour it wants to show is wrapped in ``step(name, callable, *args)``:
the call is made, its result or exception is normalised (``sockbehave.outcome``), and the
raw return value is handed back so the scenario can go on (``None`` if it raised).

When the runner's deadline passes it calls ``Steps.stop()``: the step running at that moment and
every later one raise ``ScenarioStopped`` instead of being recorded, since what a call returns
after the watchdog has aborted the net (a shut-down socket's ``b''``) is not an observation.
"""

from __future__ import annotations

import inspect
import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

from . import outcome
from .errors import ScenarioError, SockbehaveError

if TYPE_CHECKING:
    from .backends.protocol import Net

__all__ = ["Scenario", "ScenarioFunc", "ScenarioStopped", "StepRecord", "Steps", "scenario"]

ScenarioFunc = Callable[["Net", "Steps"], None]
F = TypeVar("F", bound=Callable[..., None])

_ID = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)+$")
_STEP = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ATTR = "__sockbehave_scenario__"


@dataclass(frozen=True)
class Scenario:
    """A catalog entry. ``topic`` and ``source_file`` are filled in by the catalog."""

    id: str
    title: str
    claim: str
    explanation: str
    references: tuple[str, ...]
    func: ScenarioFunc
    topic: str = ""
    source_file: str = ""
    #: Runs alone, after the others: it relies on a released port staying unused, which a
    #: concurrent scenario's ephemeral bind could otherwise take.
    exclusive: bool = False
    #: Takes seconds of real time (a 60 s TIME_WAIT, a SYN retry schedule): left out of a
    #: run unless asked for (``run --slow``, or named by its exact id).
    slow: bool = False

    @property
    def code(self) -> str:
        """The scenario's own source, for ``sockbehave explain``."""
        return inspect.getsource(self.func)


def scenario(
    *,
    id: str,
    title: str,
    claim: str,
    references: tuple[str, ...] = (),
    exclusive: bool = False,
    slow: bool = False,
) -> Callable[[F], F]:
    """Mark a function as a catalog scenario. Its docstring is the explanation for learners.

    ``exclusive=True`` for a scenario that needs a port to stay unused (``kit.closed_port``);
    ``slow=True`` for one that takes seconds of real time, which default runs leave out.
    """
    if not _ID.match(id):
        raise ScenarioError(f"scenario id {id!r} must look like 'tcp.send-empty' (lowercase, dotted)")

    def mark(func: F) -> F:
        doc = inspect.cleandoc(func.__doc__ or "")
        if not doc:
            raise ScenarioError(f"scenario {id}: the function needs a docstring explaining the pitfall")
        setattr(func, _ATTR, Scenario(id, title, claim, doc, tuple(references), func, exclusive=exclusive, slow=slow))
        return func

    return mark


def scenario_of(obj: object) -> Scenario | None:
    found = getattr(obj, _ATTR, None)
    return found if isinstance(found, Scenario) else None


class ScenarioStopped(BaseException):
    """Raised in a scenario's thread once the runner has stopped it (its deadline passed): by
    the step recorder, or asynchronously by the watchdog. A ``BaseException``, so a scenario's
    ``except Exception`` does not swallow it; the runner's error message says what happened."""


class StepNotModelled(BaseException):
    """Raised by the step recorder right after it records a step that raised
    ``NotImplementedError`` (the simulator does not model it): every later step would run on a
    state the simulator did not model, so the scenario ends there, and the checker reports the
    rest as not reached. A ``BaseException``, like ``ScenarioStopped``."""


@dataclass(frozen=True)
class StepRecord:
    name: str
    outcome: outcome.Outcome
    elapsed: float


@dataclass
class Steps:
    """The recorder a scenario calls as ``step(name, fn, *args, timed=False)``."""

    scenario_id: str
    clock: Callable[[], float]
    name_errno: Callable[[int], str] = outcome.errno_name
    records: list[StepRecord] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)
    _running: Optional[str] = field(default=None, init=False, repr=False, compare=False)
    _stopped: bool = field(default=False, init=False, repr=False, compare=False)

    @property
    def stopped(self) -> bool:
        return self._stopped

    def stop(self) -> Optional[str]:
        """Record nothing more (the runner's deadline passed); return the step running now, if any."""
        with self._lock:
            self._stopped = True
            return self._running

    def _begin(self, name: str) -> None:
        with self._lock:
            if self._stopped:
                raise ScenarioStopped(
                    f"scenario {self.scenario_id}: step {name!r} not started: the scenario was stopped"
                )
            self._running = name

    def _add(self, name: str, result: outcome.Outcome, elapsed: float) -> None:
        if not _STEP.match(name):
            raise ScenarioError(f"scenario {self.scenario_id}: step name {name!r} must be lowercase-with-dashes")
        with self._lock:
            self._running = None
            if self._stopped:
                raise ScenarioStopped(f"scenario {self.scenario_id}: step {name!r} was interrupted, not observed")
            if any(r.name == name for r in self.records):
                raise ScenarioError(f"scenario {self.scenario_id}: step {name!r} recorded twice")
            self.records.append(StepRecord(name, result, elapsed))

    def __call__(self, name: str, fn: Callable[..., Any], *args: Any, timed: bool = False) -> Any:
        self._begin(name)
        start = self.clock()
        try:
            value = fn(*args)
        except SockbehaveError:
            self._running = None
            raise  # a harness rule was broken: not an observation
        except NotImplementedError as exc:
            elapsed = self.clock() - start
            self._add(name, _timed(outcome.from_exception(exc, self.name_errno), elapsed, timed), elapsed)
            raise StepNotModelled(name) from None
        except Exception as exc:
            elapsed = self.clock() - start
            self._add(name, _timed(outcome.from_exception(exc, self.name_errno), elapsed, timed), elapsed)
            return None
        elapsed = self.clock() - start
        self._add(name, _timed(outcome.from_value(value), elapsed, timed), elapsed)
        return value

    def observe(self, name: str, value: Any) -> None:
        """Record a value the scenario derived itself (a count, a comparison)."""
        self._add(name, outcome.from_value(value), 0.0)


def _timed(result: outcome.Outcome, elapsed: float, timed: bool) -> outcome.Outcome:
    detail = dict(result.detail)
    detail["elapsed_s"] = round(elapsed, 4)
    if not timed or result.text == outcome.TIMEOUT:
        # How long a timeout took is the scenario's own bound, not an observation.
        return outcome.Outcome(result.text, detail)
    return outcome.Outcome(f"{result.text} @{outcome.time_class(elapsed)}", detail)
