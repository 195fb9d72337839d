"""The one path from catalog to judged report, shared by the CLI and the pytest plugin.

Owns: choosing a backend by name, turning scenario runs into observations, judging them
against the catalog's tables for an OS, and re-judging a saved report.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Callable, Optional

from .backends import BACKENDS
from .backends.real import RealNet
from .catalog import Catalog
from .errors import InputError
from .platform_info import current_os, fingerprint
from .report.model import Report, build_report
from .runner import NetFactory, ScenarioRun, run_many
from .scenario import Scenario
from .verdict import Observation, Result, judge

__all__ = ["check_scenario", "net_factory", "observations", "recheck", "run_and_judge", "run_catalog"]


def net_factory(backend: str, os_name: Optional[str] = None) -> NetFactory:
    """A fresh ``net`` per scenario: this machine's loopback, or a simulated ``os_name`` host."""
    if backend == "real":
        here = current_os()
        if os_name not in (None, here):
            raise InputError(f"--os: the real backend runs on this machine ({here}), not {os_name}; use --backend sim")
        return RealNet
    if backend == "sim":
        from .sim import get_profile
        from .sim.patching import ScenarioNetwork

        profile = get_profile(os_name or current_os())
        # Library code a scenario calls that uses socket.socket directly runs simulated too.
        return lambda scenario_id: ScenarioNetwork(profile, name=scenario_id)
    raise InputError(f"--backend: unknown backend {backend!r} (choose from {', '.join(BACKENDS)})")


def observations(runs: Iterable[ScenarioRun]) -> list[Observation]:
    out: list[Observation] = []
    for run in runs:
        out.extend(Observation(run.scenario_id, s.name, s.outcome.text, s.outcome.detail) for s in run.steps)
        if run.error is not None:
            out.append(Observation(run.scenario_id, "-", "error", {"error": run.error}))
    return out


def run_and_judge(
    catalog: Catalog,
    scenarios: Sequence[Scenario],
    make_net: NetFactory,
    os_name: str,
    *,
    simulated: bool,
    jobs: int = 8,
    on_done: Optional[Callable[[ScenarioRun], None]] = None,
) -> list[Result]:
    """Run ``scenarios`` on fresh nets from ``make_net`` and judge every step against
    ``os_name``'s column: the one path behind ``run_catalog``, ``check_scenario`` and
    ``sockbehave.testing.check_backend``."""
    runs = run_many(scenarios, make_net, jobs, on_done)
    return judge(observations(runs), catalog.table, os_name, simulated=simulated)


def _batch(simulated: bool) -> AbstractContextManager[None]:
    """On the simulator, the standard-library swaps stay installed for the whole batch."""
    if not simulated:
        return nullcontext()
    from .sim.patching import held

    return held()


def run_catalog(
    catalog: Catalog,
    scenarios: Sequence[Scenario],
    *,
    backend: str = "real",
    os_name: Optional[str] = None,
    jobs: int = 8,
    on_done: Optional[Callable[[ScenarioRun], None]] = None,
) -> Report:
    """Run ``scenarios`` on ``backend`` and judge them against ``os_name``'s column (for the
    real backend, always this machine's OS)."""
    here = current_os()
    os_name = os_name or here
    simulated = backend == "sim"
    platform = fingerprint(here, tunables=not simulated)
    if simulated:
        platform["simulated_os"] = os_name
    variant = os_name if simulated else str(platform.get("variant", os_name))  # its cells, else the OS's
    make_net = net_factory(backend, os_name)
    if simulated:
        # The simulator is CPU-bound in this interpreter and runs in virtual time: scenarios on
        # parallel threads only add GIL hand-offs (measured: 15 ms against 18 ms for the catalog).
        jobs = 1
    with _batch(simulated):
        results = run_and_judge(catalog, scenarios, make_net, variant, simulated=simulated, jobs=jobs, on_done=on_done)
    return build_report(
        results, catalog_version=catalog.version, os_name=os_name, backend=backend, platform=platform, variant=variant
    )


def recheck(report: Report, catalog: Catalog) -> Report:
    """Judge a saved report's observations again, against the current tables."""
    obs = [
        Observation(r.scenario, r.step, r.observed, r.detail if r.step != "-" else {"error": r.detail.get("error", "")})
        for r in report.results
    ]
    results = judge(obs, catalog.table, report.column, simulated=report.backend == "sim")
    return Report(
        report.tool_version,
        catalog.version,
        report.created,
        report.os,
        report.backend,
        report.platform,
        tuple(results),
        report.variant,
    )


def check_scenario(
    catalog: Catalog, sc: Scenario, *, backend: str = "real", os_name: Optional[str] = None
) -> list[Result]:
    """Run one scenario and judge it; the pytest plugin's whole job is to call this."""
    os_name = os_name or current_os()
    return run_and_judge(catalog, [sc], net_factory(backend, os_name), os_name, simulated=backend == "sim", jobs=1)
