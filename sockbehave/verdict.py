"""Judging observations against the tables: one result row per scenario step.

Owns: the verdict vocabulary and the rules. ``match``: the OS's cell accepts the observed
outcome. ``mismatch``: it does not (this contradicts the evidence). ``new``: the cell is
``unknown`` or there is no cell, so this is a first observation, not a failure. ``error``:
the scenario itself broke before it could be judged. ``known-gap``: a simulated outcome that
differs from a cell marked ``sim_gap`` (the simulator is known not to model it yet); a marked
cell the simulator now agrees with is a ``mismatch``, so the mark is removed when the gap closes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Optional

from .outcome import NOT_REACHED
from .tables import Cell, cell_for

__all__ = ["FAILING", "FAIL_ON", "VERDICTS", "Observation", "Result", "describe", "fails", "judge", "judge_one"]

VERDICTS = ("match", "mismatch", "new", "known-gap", "error")
FAILING = frozenset({"mismatch", "error"})
#: What makes a run fail (``--fail-on``): ``mismatch``, any mismatch or scenario error (the
#: default); ``contradiction``, only a mismatch with a cell backed by ``observed``, ``tested``
#: or ``documented`` evidence, or a scenario error (so a user's CI can observe without going
#: red over cells that are only inferred); ``never``, nothing (the report still says it all).
FAIL_ON = ("mismatch", "contradiction", "never")
_STRONG_EVIDENCE = frozenset({"observed", "tested", "documented"})


@dataclass(frozen=True)
class Observation:
    """What a backend saw for one step (or a scenario-level error, with ``step == '-'``)."""

    scenario: str
    step: str
    observed: str
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    scenario: str
    step: str
    observed: str
    expected: Optional[tuple[str, ...]]
    evidence: str
    source: str
    verdict: str
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def failing(self) -> bool:
        return self.verdict in FAILING


def fails(result: Result, fail_on: str = "mismatch") -> bool:
    """Whether ``result`` fails a run under the ``fail_on`` policy (see ``FAIL_ON``)."""
    if fail_on == "never" or not result.failing:
        return False
    if fail_on == "contradiction":
        return result.verdict == "error" or result.evidence in _STRONG_EVIDENCE
    return True


def judge_one(obs: Observation, cell: Optional[Cell], simulated: bool = False) -> Result:
    if obs.step == "-":
        return Result(obs.scenario, obs.step, obs.observed, None, "", "", "error", obs.detail)
    if cell is None:
        return Result(obs.scenario, obs.step, obs.observed, None, "", "", "new", obs.detail)
    detail = obs.detail
    if cell.is_unknown:
        verdict = "new"
    elif simulated and cell.sim_gap:
        verdict = "mismatch" if cell.accepts(obs.observed) else "known-gap"
        if verdict == "mismatch":
            detail = {**obs.detail, "stale_sim_gap": f"the simulator now agrees; remove sim_gap ({cell.sim_gap})"}
    else:
        verdict = "match" if cell.accepts(obs.observed) else "mismatch"
    return Result(obs.scenario, obs.step, obs.observed, cell.outcomes, cell.evidence, cell.source, verdict, detail)


def judge(
    observations: Iterable[Observation],
    table: Mapping[str, Mapping[str, Mapping[str, Cell]]],
    os_name: str,
    simulated: bool = False,
) -> list[Result]:
    """Judge a run's observations, scenario by scenario; a table step the run never reached
    (and the scenario did not error) is observed as ``not-reached``."""
    grouped: dict[str, list[Observation]] = {}
    for obs in observations:
        grouped.setdefault(obs.scenario, []).append(obs)
    results: list[Result] = []
    for sid, group in grouped.items():
        steps = table.get(sid, {})
        results.extend(judge_one(obs, cell_for(steps.get(obs.step, {}), os_name), simulated) for obs in group)
        if any(obs.step == "-" for obs in group):
            continue
        seen = {obs.step for obs in group}
        stopped_at = next((obs.step for obs in group if simulated and _not_modelled(obs.observed)), None)
        for step, cells in steps.items():
            if step not in seen:
                result = judge_one(Observation(sid, step, NOT_REACHED), cell_for(cells, os_name), simulated)
                if stopped_at is not None and result.verdict == "mismatch":
                    # the simulator stopped at a step it does not model: a gap, not a contradiction
                    result = replace(result, verdict="known-gap", detail={"after_not_modelled": stopped_at})
                results.append(result)
    return results


def _not_modelled(observed: str) -> bool:
    """A step that raised ``NotImplementedError`` (the simulator's ``NotModelled`` is one)."""
    return observed.startswith(("NotModelled", "NotImplementedError"))


def describe(result: Result, os_name: str) -> str:
    """One line naming the scenario, the step, the OS, what was expected and what was seen."""
    if result.verdict == "error":
        return f"{result.scenario}: scenario error on {os_name}: {result.detail.get('error', result.observed)}"
    expected = " | ".join(result.expected) if result.expected else "(no table entry)"
    evidence = f"{result.evidence}: {result.source}" if result.source else result.evidence or "none"
    extra = ", ".join(f"{k}={v}" for k, v in result.detail.items() if k != "elapsed_s")
    seen = f"{result.observed} [{extra}]" if extra else result.observed
    return f"{result.scenario} step {result.step!r} on {os_name}: expected {expected} ({evidence}); observed {seen}"
