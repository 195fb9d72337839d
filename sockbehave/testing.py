"""Conformance kit: let any backend prove itself against the catalog and its tables.

Owns: ``check_backend``, the one suite every backend runs (the real loopback, the simulator,
or a third party's). It runs the catalog on fresh nets from ``net_factory`` and judges every
step against ``os_name``'s column, exactly as ``sockbehave run`` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Optional

from .catalog import Catalog, load_catalog
from .runner import NetFactory
from .session import run_and_judge
from .verdict import Result, describe

__all__ = ["check_backend"]


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
