"""The pytest plugin: every catalog scenario as a test item, named by its id.

Owns: nothing but adaptation. Switched off by default so installing sockbehave never adds
tests to someone's suite; ``--sockbehave`` (or ``sockbehave = true`` in the ini file) turns it
on, ``--no-sockbehave`` off. Items are ``sockbehave::<scenario id>``; they work under
pytest-xdist because every worker builds the same list from the same catalog.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union

import pytest

if TYPE_CHECKING:
    from .catalog import Catalog
    from .scenario import Scenario
    from .verdict import Result

_KEY: pytest.StashKey[Catalog] = pytest.StashKey()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sockbehave", "sockbehave: socket edge cases as tests")
    group.addoption(
        "--sockbehave",
        action="store_true",
        dest="sockbehave",
        default=None,
        help="collect every sockbehave scenario as a test, checked against this OS's table",
    )
    group.addoption(
        "--no-sockbehave",
        action="store_false",
        dest="sockbehave",
        help="do not collect sockbehave scenarios, whatever the ini file says",
    )
    group.addoption(
        "--sockbehave-catalog",
        metavar="DIR",
        action="append",
        default=[],
        help="add the scenarios in DIR (your own catalog) to the built-in ones; repeatable",
    )
    group.addoption(
        "--sockbehave-no-builtin",
        action="store_true",
        default=False,
        help="leave the built-in catalog out: only the --sockbehave-catalog directories",
    )
    parser.addini("sockbehave", type="bool", default=False, help="collect sockbehave scenarios as tests")


def _enabled(config: pytest.Config) -> bool:
    option: Optional[bool] = config.getoption("sockbehave")
    return bool(config.getini("sockbehave")) if option is None else option


class ScenarioMismatch(Exception):
    """A scenario's observations contradict this OS's table (or the scenario broke)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class CatalogCollector(pytest.Collector):
    def collect(self) -> Iterator[Union[pytest.Item, pytest.Collector]]:
        catalog = self.config.stash[_KEY]
        for sc in catalog.scenarios:
            yield ScenarioItem.from_parent(self, name=sc.id, scenario=sc)


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.add_marker(pytest.mark.sockbehave)
        self.add_marker(getattr(pytest.mark, scenario.topic.replace("-", "_")))

    def runtest(self) -> None:
        from .platform_info import current_os
        from .session import check_scenario
        from .verdict import describe

        os_name = current_os()
        results: list[Result] = check_scenario(self.config.stash[_KEY], self.scenario, os_name=os_name)
        for r in results:
            self.user_properties.append((f"{r.step}", f"{r.verdict}: {r.observed}"))
        failing = [describe(r, os_name) for r in results if r.failing]
        if failing:
            raise ScenarioMismatch(failing)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioMismatch):
            return "\n".join(excinfo.value.lines)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, Optional[int], str]:
        return Path(self.scenario.source_file), None, f"sockbehave {self.scenario.id}"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sockbehave: a sockbehave catalog scenario")
    from .catalog import TOPICS

    for topic in TOPICS:
        config.addinivalue_line("markers", f"{topic.replace('-', '_')}: sockbehave scenarios of topic {topic}")
    if not _enabled(config):
        return
    from .catalog import load_catalog
    from .errors import InputError

    extra = [Path(d) for d in config.getoption("sockbehave_catalog")]
    no_builtin = bool(config.getoption("sockbehave_no_builtin"))
    try:
        if no_builtin and not extra:
            raise InputError("--sockbehave-no-builtin: name your catalog with --sockbehave-catalog DIR")
        catalog = load_catalog(extra=extra, builtin=not no_builtin)
    except InputError as exc:
        raise pytest.UsageError(f"sockbehave: {exc}") from None
    config.stash[_KEY] = catalog
    for topic in sorted({s.topic for s in catalog.scenarios} - set(TOPICS)):  # users' own topics
        config.addinivalue_line("markers", f"{topic.replace('-', '_')}: sockbehave scenarios of topic {topic}")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _enabled(config):
        return
    collector = CatalogCollector.from_parent(session, name="sockbehave", nodeid="sockbehave")
    items.extend(item for item in collector.collect() if isinstance(item, pytest.Item))
