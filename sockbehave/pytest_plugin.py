"""The pytest plugin: every catalog scenario as a test item, and fixtures that run a user's
own tests on the simulated stacks.

Owns: nothing but adaptation. Catalog items are switched off by default so installing
sockbehave never adds tests to someone's suite; ``--sockbehave`` (or ``sockbehave = true`` in
the ini file) turns them on, ``--no-sockbehave`` off. Items are ``sockbehave::<scenario id>``;
they work under pytest-xdist because every worker builds the same list from the same catalog.

For users' tests, always available: ``sim_net`` (a ``sockbehave.sim.Network`` for the test's
profile), ``sim_patched`` (the test body runs inside ``sockbehave.sim.patched`` for the test's
profile; the fixture's value is that block's ``Network``; an ``async def`` body runs in
``asyncio.run`` inside the block), the marker
``@pytest.mark.sockbehave_os("linux", "windows")`` that parametrizes such a test over profiles
(node ids ``test_x[windows]``), and ``--sockbehave-os=all|linux,darwin,...``, the profiles for
tests that use the fixtures without the marker (default: all four).

For a whole suite, unmodified: ``--sockbehave-sim=OS`` runs every test on that simulated OS.
Each test's function-scoped fixtures, body and teardown run in a ``patched(OS)`` block of
their own (an autouse fixture set up before every other function-scoped one); fixtures of
class, module or session scope stay on the real stack, so a server they start cannot be
reached from the simulated test (its connect raises ``NotImplementedError`` naming that real
server: ``sockbehave/sim/real_listeners.py``). With ``--sockbehave-sim-scope=session`` the
whole run is one simulated host instead: fixtures of every scope and every test run on it.
"""

from __future__ import annotations

import inspect
from collections.abc import Generator, Iterable, Iterator
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
    group.addoption(
        "--sockbehave-os",
        metavar="all|OS[,OS...]",
        default="all",
        help="the simulated OSes for tests that use sim_net or sim_patched without a sockbehave_os marker "
        "(default: all)",
    )
    group.addoption(
        "--sockbehave-backend",
        choices=("real", "sim"),
        default="real",
        help="run the catalog's scenarios on this machine (real, default) or on the simulated OSes of "
        "--sockbehave-os (sim: one item per scenario and OS, sockbehave::<id>[<os>])",
    )
    group.addoption(
        "--sockbehave-slow",
        action="store_true",
        default=False,
        help="also collect the slow scenarios (seconds of real time each; 'sockbehave list' marks them)",
    )
    group.addoption(
        "--sockbehave-sim",
        metavar="OS",
        default=None,
        help="run every test on this simulated OS: each test's function-scoped fixtures, body and teardown "
        "in a sockbehave.sim.patched(OS) block of its own (fixtures of broader scope stay on the real stack; "
        "see --sockbehave-sim-scope)",
    )
    group.addoption(
        "--sockbehave-sim-scope",
        choices=("test", "session"),
        default="test",
        help="with --sockbehave-sim: 'test' (default) gives each test a fresh simulated host; 'session' runs "
        "fixtures of every scope and every test on one simulated host, so a server a class-, module- or "
        "session-scoped fixture starts is simulated too",
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
        chosen = catalog.select(None, slow=self.config.getoption("sockbehave_slow"))
        if self.config.getoption("sockbehave_backend") == "real":
            for sc in chosen:
                yield ScenarioItem.from_parent(self, name=sc.id, scenario=sc, os_name=None)
            return
        for sc in chosen:
            for os_name in _profiles(self.config.getoption("sockbehave_os"), "--sockbehave-os"):
                yield ScenarioItem.from_parent(self, name=f"{sc.id}[{os_name}]", scenario=sc, os_name=os_name)


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Scenario, os_name: Optional[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.os_name = os_name  # None: the real backend, on this machine's OS
        self.add_marker(pytest.mark.sockbehave)
        self.add_marker(getattr(pytest.mark, scenario.topic.replace("-", "_")))

    def runtest(self) -> None:
        from .platform_info import current_os
        from .session import check_scenario
        from .verdict import describe

        backend = "real" if self.os_name is None else "sim"
        os_name = self.os_name or current_os()
        results: list[Result] = check_scenario(self.config.stash[_KEY], self.scenario, backend=backend, os_name=os_name)
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


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """With ``--sockbehave-sim``: the simulator's swaps go in before any conftest or test module
    is imported, and stay for the whole run (as ``sockbehave run --backend sim`` holds them),
    so what a library takes from the standard library at import (``from time import
    monotonic``, ``factory=queue.SimpleQueue``, ``from socket import socket``) is the swap,
    which gives a simulated thread the simulated thing and every other thread the real one.
    Objects made at import (a module-level lock, say) stay real (``docs/simulator.md``)."""
    if getattr(early_config.known_args_namespace, "sockbehave_sim", None) is None:
        return
    import contextlib

    from .sim.patching import held

    stack = contextlib.ExitStack()
    stack.enter_context(held())
    early_config.add_cleanup(stack.close)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sockbehave: a sockbehave catalog scenario")
    config.addinivalue_line(
        "markers",
        "sockbehave_os(*names): run this test's sim_net/sim_patched on these simulated OSes "
        "(linux, darwin, freebsd, windows)",
    )
    _profiles(config.getoption("sockbehave_os"), "--sockbehave-os")  # a bad value is a usage error now
    every: Optional[str] = config.getoption("sockbehave_sim")
    if every is not None:
        names = _profiles(every, "--sockbehave-sim")
        if len(names) != 1:
            raise pytest.UsageError(f"sockbehave: --sockbehave-sim: name one OS, not {every!r}")
        scope: str = config.getoption("sockbehave_sim_scope")
        config.pluginmanager.register(EveryTestSimulated(names[0], scope), "sockbehave-sim-every-test")
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
    _take_node_ids(config)
    for topic in sorted({s.topic for s in catalog.scenarios} - set(TOPICS)):  # users' own topics
        config.addinivalue_line("markers", f"{topic.replace('-', '_')}: sockbehave scenarios of topic {topic}")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _enabled(config):
        return
    from _pytest.runner import collect_one_node

    collector = CatalogCollector.from_parent(session, name="sockbehave", nodeid="sockbehave")
    report = collect_one_node(collector)
    config.hook.pytest_collectreport(report=report)  # so "collected N items" counts them
    catalog_items = [item for item in report.result if isinstance(item, pytest.Item)]
    wanted = config.stash.get(_SELECTED, None)
    if wanted is not None:  # node ids on the command line: those, and only those, run
        chosen = [i for i in catalog_items if i.nodeid in wanted or i.nodeid.split("[", 1)[0] in wanted]
        unknown = sorted(wanted - {i.nodeid for i in chosen} - {i.nodeid.split("[", 1)[0] for i in chosen})
        if unknown:
            raise pytest.UsageError(f"sockbehave: no such scenario: {', '.join(unknown)} (see 'sockbehave list')")
        dropped = [i for i in catalog_items if i not in chosen]
        if config.stash.get(_ONLY_SELECTED, False):
            dropped += list(items)
            items.clear()
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        catalog_items = chosen
    items.extend(catalog_items)


_SELECTED: pytest.StashKey[set[str]] = pytest.StashKey()
_ONLY_SELECTED: pytest.StashKey[bool] = pytest.StashKey()


def _take_node_ids(config: pytest.Config) -> None:
    """``pytest sockbehave::tcp.send-empty`` selects catalog items by node id: pytest would look
    for a file named ``sockbehave``, so such arguments are taken out of its list here."""
    ours = [a for a in config.args if a.startswith("sockbehave::")]
    if not ours:
        return
    config.args[:] = [a for a in config.args if not a.startswith("sockbehave::")]
    config.stash[_SELECTED] = set(ours)
    config.stash[_ONLY_SELECTED] = not config.args  # nothing else named: run only these


# -- fixtures for users' own tests ------------------------------------------------------------

_SIM_FIXTURES = ("sim_net", "sim_patched")


def _profiles(text: str, where: str) -> list[str]:
    from .tables import parse_os_names

    try:
        return parse_os_names(text, allow_all=True)
    except ValueError as exc:
        raise pytest.UsageError(f"sockbehave: {where}: {exc}") from None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if not _uses_sim_fixtures(metafunc.fixturenames):
        return
    marker = metafunc.definition.get_closest_marker("sockbehave_os")
    if marker is not None:
        names = _profiles(",".join(map(str, marker.args)), f"{metafunc.definition.nodeid}: sockbehave_os")
    else:
        names = _profiles(metafunc.config.getoption("sockbehave_os"), "--sockbehave-os")
    metafunc.parametrize("sockbehave_profile", names, ids=names, indirect=True)


@pytest.fixture
def sockbehave_profile(request: pytest.FixtureRequest) -> str:
    """The simulated OS this test runs on (set by the ``sockbehave_os`` marker or ``--sockbehave-os``)."""
    return str(getattr(request, "param", "linux"))


@pytest.fixture
def sim_net(sockbehave_profile: str) -> Iterator[Any]:
    """A ``sockbehave.sim.Network`` for the test's profile, closed (every task ended) afterwards."""
    from .sim import Network

    net = Network(sockbehave_profile, name=f"sim_net-{sockbehave_profile}")
    try:
        yield net
    finally:
        net.close()


@pytest.fixture
def sim_patched(sockbehave_profile: str) -> Any:
    """The ``Network`` of the ``patched()`` block the test body runs in (see ``pytest_pyfunc_call``)."""
    return _PatchedSlot(sockbehave_profile)


class EveryTestSimulated:
    """``--sockbehave-sim=OS``, registered as a plugin of its own.

    Scope ``test``: an autouse fixture that opens a ``patched(OS)`` block before the test's
    other function-scoped fixtures and closes it after their teardown (a plugin's autouse
    fixtures come first among those of one scope). The hooks pytest calls between the phases
    (``pytest_runtest_makereport``, ``pytest_exception_interact``, ``pytest_runtest_logreport``)
    and the set-up of a broader fixture run outside that block, on the real host.

    Scope ``session``: one ``LongSimulation`` for the whole run (each xdist worker its own).
    Each phase of each test (setup, call, teardown) is a span of it, opened inside every other
    plugin's wrapper of that phase, so fixtures of every scope are set up and torn down on
    the simulated host, and pytest's own work between phases runs on the real one. The
    session's end waits, in virtual time, for the simulated threads that are not daemons.

    Either way, a test that uses ``sim_net`` or ``sim_patched`` keeps the profile those give it
    (in scope ``session``, its body runs outside the long simulation, its fixtures in it)."""

    def __init__(self, os_name: str, scope: str = "test") -> None:
        from .sim import real_listeners
        from .sim.patching import LongSimulation, real_socket_class

        self.os_name = os_name
        self.long = LongSimulation(os_name) if scope == "session" else None
        real_listeners.watch(real_socket_class())  # so a server a broader fixture starts is known
        self._ended: Optional[str] = None
        self._block: Any = None  # scope test: the Network of the block open now

    def pytest_report_header(self) -> str:
        if self.long is not None:
            return (
                f"sockbehave: every test and fixture runs on one simulated {self.os_name} host"
                " (--sockbehave-sim, --sockbehave-sim-scope=session)"
            )
        return f"sockbehave: every test runs on the simulated {self.os_name} (--sockbehave-sim)"

    @pytest.fixture(autouse=True)
    def _sockbehave_sim_every_test(self, request: pytest.FixtureRequest) -> Iterator[None]:
        if self.long is not None or _uses_sim_fixtures(request.fixturenames):
            yield
            return
        from .sim import patched

        with patched(self.os_name) as net:
            self._block = net
            try:
                yield
            finally:
                self._block = None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef: Any) -> Generator[None, Any, None]:
        """Scope ``test``: a fixture of broader scope that pytest sets up after the test's block
        opened (one requested through a function-scoped fixture of the same name, as requests'
        suite wraps pytest-httpbin's server) is set up outside the block, on the real stack, as
        every broader fixture is: set up inside, it would outlive its network, and later tests
        would see a silent refusal instead of being told its server is real."""
        if fixturedef.scope == "function":
            yield
            return
        yield from self._outside_the_block()

    def _outside_the_block(self) -> Generator[None, Any, None]:
        """Scope ``test``: run a hook on the real host, although the test's block is open (it
        spans setup to teardown). Those pytest calls between a test's phases are
        pytest's and other plugins' code, not the test's: on the windows profile,
        pytest-timeout's ``pytest_exception_interact`` found ``signal.setitimer`` hidden, and
        the first failing test ended the session with an INTERNALERROR."""
        block = self._block
        if block is None:
            yield
            return
        from .sim.patching import stepped_out

        with stepped_out(block):
            yield

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self) -> Generator[None, Any, None]:
        yield from self._outside_the_block()

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_exception_interact(self) -> Generator[None, Any, None]:
        yield from self._outside_the_block()

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_runtest_logreport(self) -> Generator[None, Any, None]:
        yield from self._outside_the_block()

    def _span(self, item: pytest.Item, simulate: bool = True) -> Generator[None, Any, None]:
        if self.long is None or not isinstance(item, pytest.Function) or not simulate:
            yield
            return
        with self.long.span():
            yield

    @pytest.hookimpl(hookwrapper=True, trylast=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Generator[None, Any, None]:
        yield from self._span(item)

    @pytest.hookimpl(hookwrapper=True, trylast=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, Any, None]:
        # a body that uses sim_net or sim_patched runs on that network, outside the long one;
        # its fixtures (broader ones included) are set up and torn down in it, as any test's
        yield from self._span(item, simulate=not _uses_sim_fixtures(getattr(item, "fixturenames", ())))

    @pytest.hookimpl(hookwrapper=True, trylast=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> Generator[None, Any, None]:
        yield from self._span(item)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.long is None:
            return
        from .errors import ScenarioError

        try:
            self.long.close()
        except ScenarioError as exc:  # SimDeadlock too: threads a real interpreter would wait for at exit
            self._ended = str(exc)
            if session.exitstatus == 0:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self._ended is not None:
            terminalreporter.write_sep("=", "sockbehave: the simulated session did not end cleanly", red=True)
            terminalreporter.write_line(self._ended)


def _uses_sim_fixtures(fixturenames: Iterable[str]) -> bool:
    return any(name in fixturenames for name in _SIM_FIXTURES)


class _PatchedSlot:
    """Stands in for the fixture's value until the body runs inside the block."""

    def __init__(self, profile: str) -> None:
        self.profile = profile


@pytest.hookimpl(hookwrapper=True)  # old style: works with every pytest/pluggy pytest>=7 allows
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Generator[None, Any, None]:
    slot = getattr(pyfuncitem, "funcargs", {}).get("sim_patched")
    if not isinstance(slot, _PatchedSlot):
        yield
        return
    from .sim import patched

    # Only the test body runs inside the block: fixtures and pytest itself stay on the real stack.
    test = pyfuncitem.obj
    if inspect.iscoroutinefunction(test):  # an ``async def`` body: its own loop, inside the block
        import asyncio

        pyfuncitem.obj = lambda **kwargs: asyncio.run(test(**kwargs))
    block = patched(slot.profile)
    pyfuncitem.funcargs["sim_patched"] = block.__enter__()
    outcome: Any = yield
    pyfuncitem.funcargs["sim_patched"] = slot
    pyfuncitem.obj = test
    excinfo = outcome.excinfo
    try:
        block.__exit__(*(excinfo or (None, None, None)))
    except BaseException as exc:  # the block's own verdict: a thread left blocked, a deadlock
        if excinfo is None:  # a failing body's own exception matters more
            outcome.force_exception(exc)
