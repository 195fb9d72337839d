"""Conformance kit: let any backend prove itself against the catalog and its tables.

Owns: ``check_backend``, the one suite every backend runs (the real loopback, the simulator,
or a third party's). It runs the catalog on fresh nets from ``net_factory`` and judges every
step against ``os_name``'s column, exactly as ``sockbehave run`` does. And ``check_runtime``,
its sibling for whole programs: ordinary ``threading``/``queue``/``concurrent.futures`` and
``select``/``selectors`` code (``sockbehave._runtime_suite``) run inside a stack (the real
one, or ``sockbehave.sim.patched("linux")``), each required to give Linux's transcript.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any, Callable, Optional

from ._runtime_suite import PROGRAMS
from .catalog import Catalog, load_catalog
from .runner import NetFactory
from .session import run_and_judge
from .verdict import Result, describe

__all__ = ["RUNTIME_PROGRAMS", "check_backend", "check_runtime"]

#: The names of the runtime programs ``check_runtime`` runs.
RUNTIME_PROGRAMS = tuple(PROGRAMS)


def check_backend(
    net_factory: NetFactory,
    os_name: str = "linux",
    *,
    scenarios: Optional[Iterable[str]] = None,
    catalog: Optional[Catalog] = None,
    simulated: bool = True,
    jobs: int = 8,
) -> list[Result]:
    """Run the catalog (or the ``scenarios`` ids/globs) on ``net_factory`` and return every
    judged step; raise ``AssertionError`` naming each step that contradicts the table.

    ``net_factory(scenario_id)`` must return an object with the ``Net`` protocol plus
    ``abort()`` and ``close()`` (``sockbehave.backends.protocol.ManagedNet``).
    """
    cat = catalog or load_catalog()
    chosen = cat.select(list(scenarios) if scenarios is not None else None)
    results = run_and_judge(cat, chosen, net_factory, os_name, simulated=simulated, jobs=jobs)
    failing = [describe(r, os_name) for r in results if r.failing]
    if failing:
        raise AssertionError(f"{len(failing)} step(s) contradict the {os_name} table:\n" + "\n".join(failing))
    return results


def check_runtime(
    stack: Callable[[], contextlib.AbstractContextManager[Any]] = contextlib.nullcontext,
    programs: Optional[Iterable[str]] = None,
) -> dict[str, list[Any]]:
    """Run the runtime programs (all, or those named), each inside a fresh ``stack()``
    (``contextlib.nullcontext`` for the real stack, ``lambda: patched("linux")`` for the
    simulator), and return their transcripts; raise ``AssertionError`` naming every program
    whose transcript differs from Linux's, or that raised."""
    chosen = list(programs) if programs is not None else list(PROGRAMS)
    unknown = [name for name in chosen if name not in PROGRAMS]
    if unknown:
        raise ValueError(f"unknown runtime program(s): {', '.join(unknown)}; known: {', '.join(PROGRAMS)}")
    transcripts: dict[str, list[Any]] = {}
    failing = []
    for name in chosen:
        program, expected = PROGRAMS[name]
        try:
            with stack():
                transcripts[name] = program()
        except Exception as exc:
            failing.append(f"{name}: raised {type(exc).__name__}: {exc}")
            continue
        if transcripts[name] != expected:
            failing.append(f"{name}: expected {expected!r}, observed {transcripts[name]!r}")
    if failing:
        raise AssertionError(f"{len(failing)} runtime program(s) differ from Linux:\n" + "\n".join(failing))
    return transcripts
