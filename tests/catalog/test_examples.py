"""The standalone examples: every scenario has one, and each runs on its own.

An example is ``<topic>/examples/<id with '.' and '-' as '_'>.py`` beside its scenario: plain
standard-library Python a teacher can paste into a lesson, with no ``net``, ``step`` or
sockbehave. Here each one is checked statically (imports, loopback addresses with port 0,
a docstring naming its scenario), then run with this interpreter in ``-X dev`` with
``ResourceWarning`` as an error, inside a private network namespace when one can be made
(so reaching off the machine fails), and its output compared with this OS's column.

An example prints a step's result as ``STEP -> repr(value)`` (``STEP`` a step name from the
scenario's table). Every such line must agree with this OS's cell for that step; ``KEY_STEPS``
names the step each built-in example must print: the one its lesson is about.

Each example also runs unmodified on every simulated OS, as ``sockbehave simulate --os OS
EXAMPLE.py`` runs it (``sim/programs.py``): what it prints there must agree with that OS's
cells too, except where a cell names a known simulator gap (``sim_gap``); what the simulator
cannot model must end the run as not modelled rather than print a wrong answer.
``SIM_DEVIATIONS`` and ``SIM_RAISES`` list the documented exceptions, each with its reason.
"""

from __future__ import annotations

import ast
import io
import ipaddress
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Callable, Optional

import pytest

from sockbehave.catalog import load_catalog
from sockbehave.outcome import TIMEOUT, errno_name
from sockbehave.platform_info import current_os
from sockbehave.scenario import Scenario
from sockbehave.sim import get_profile, programs
from sockbehave.sim.network import _errno_names
from sockbehave.tables import OSES

CATALOG = load_catalog()
#: Generous: an example takes well under 2 s, but two busy cores can slow a start-up a lot.
RUN_TIMEOUT_S = 20.0
#: 127.0.0.1 and ::1, and IPv4 loopback as an IPv6 socket writes it (v4-mapped: the V6ONLY example)
LOOPBACK = frozenset({"127.0.0.1", "::1", "::ffff:127.0.0.1", "::ffff:7f00:1"})  # the last: how ipaddress writes it
#: Addresses named by attribute rather than by a literal.
WILDCARD_NAMES = frozenset({"INADDR_ANY", "INADDR_BROADCAST", "IN6ADDR_ANY_INIT"})
#: The standard library's top-level modules where ``sys.stdlib_module_names`` (3.10+) is missing.
STDLIB_39 = frozenset(
    [
        "__future__",
        "array",
        "collections",
        "contextlib",
        "errno",
        "ipaddress",
        "os",
        "select",
        "selectors",
        "signal",
        "socket",
        "socketserver",
        "struct",
        "subprocess",
        "sys",
        "threading",
        "time",
        "typing",
    ]
)
STDLIB = frozenset(getattr(sys, "stdlib_module_names", STDLIB_39))

#: For each built-in scenario, the step its example must print (the lesson).
KEY_STEPS = {
    "tcp.recv-zero-bytes": "recv-zero",
    "tcp.send-empty": "peer-recv",
    "udp.sendto-empty": "recvfrom",
    "tcp.close-with-unread-data-sends-rst": "peer-recv-after-rst",
    "tcp.connect-closed-port-refused": "connect",
    "tcp.half-close-shutdown-wr": "recv-reply",
    "tcp.getpeername-after-shutdown": "after-shutdown-rdwr",
    "tcp.shutdown-rd-then-data": "recv-later",
    "tcp.linger-zero-close-sends-rst": "peer-recv",
    "tcp.orderly-close-reads-empty": "recv-again",
    "tcp.peer-process-killed": "recv-after-kill",
    "tcp.peer-process-killed-with-unread-data": "recv-after-kill",
    "tcp.send-after-peer-closed": "first-send",
    "udp.connected-port-unreachable": "recv",
    "udp.unconnected-port-unreachable": "recvfrom",
    "udp.1472-is-not-a-limit": "recv-1473",
    "udp.largest-datagram-ipv4": "sendto-65508",
    "udp.largest-datagram-ipv6": "sendto-65527",
    "udp.recv-buffer-smaller-than-datagram": "recv-rest",
    "tcp.bind-while-listening": "second-bind",
    "tcp.bind-while-listening-reuseaddr-both": "second-bind",
    "tcp.restart-after-client-closed-first": "rebind",
    "tcp.restart-time-wait-no-reuseaddr": "rebind",
    "tcp.restart-time-wait-reuseaddr-both": "rebind",
    "tcp.restart-time-wait-reuseaddr-new-only": "rebind",
    "tcp.restart-time-wait-reuseaddr-old-only": "rebind",
    "tcp.reuseport-two-listeners": "second-bind",
    "tcp.backlog-0": "completed-before-accept",
    "tcp.backlog-1": "completed-before-accept",
    "tcp.backlog-5": "completed-before-accept",
    "tcp.listen-backlog-above-somaxconn": "listen-1000000",
    "tcp.length-prefix-framing": "framed-recv",
    "tcp.nonblocking-send-partial": "first-send-was-partial",
    "tcp.recv-fewer-than-asked": "recv-1024",
    "tcp.sendall-delivers-everything": "peer-received",
    "tcp.sendall-timeout-nonreading-peer": "sendall",
    "tcp.two-sends-one-recv": "recv",
    "tcp.close-while-accept-blocked": "accept-after-close",
    "tcp.close-while-recv-blocked": "recv-after-close",
    "tcp.nagle-delayed-ack": "round-trip-without-nodelay",
    "tcp.send-short-count": "send-returned-short",
    "tcp.shutdown-rd-listener-wakes-accept": "accept-after-shutdown",
    "tcp.shutdown-while-recv-blocked": "recv-after-shutdown",
    "udp.shutdown-wakes-recvfrom": "recvfrom-after-shutdown",
    "tcp.buffer-defaults": "sndbuf-connected",
    "tcp.buffer-minimums": "rcvbuf-set-1",
    "tcp.ipv6-v6only-default": "v6only-default",
    "tcp.listen-large-backlog": "completed-before-accept",
    "tcp.nonblocking-send-capacity": "one-send-accepts",
    "tcp.self-connect-tiny-port-range": "connect-to-closed-port",
    "tcp.syn-retry-schedule-full-queue": "accept-at-1500ms",
    "socketserver.forking-server-exists": "forking-tcp-server",
    "tcp.bind-gethostname": "connect-127-0-0-1",
    "tcp.setdefaulttimeout-new-sockets": "existing-gettimeout",
    "tcp.getsockopt-flag-value": "reuseaddr-after-set-1",
    "tcp.accept-from-nonblocking-listener": "recv-before-data-arrives",
    "tcp.time-wait-duration": "bind-succeeds",
    "tcp.tw-reuse-outgoing-connect": "rebind-plain",
}


def example_path(sc: Scenario, root: Path = CATALOG.root) -> Path:
    return root / sc.topic / "examples" / (re.sub(r"[.-]", "_", sc.id) + ".py")


def example_problems(source: str, scenario_id: str) -> Iterator[str]:
    """What makes ``source`` unfit as the standalone example of ``scenario_id``."""
    tree = ast.parse(source)
    doc = ast.get_docstring(tree) or ""
    if not doc.startswith(f"{scenario_id}:"):
        yield f"the docstring's first line must start with '{scenario_id}:'"
    for node in ast.walk(tree):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = ["." * node.level + (node.module or "")]
        for module in modules:
            if module.split(".")[0] not in STDLIB:
                yield f"imports {module}, which is not in the standard library"
        if isinstance(node, ast.Attribute) and node.attr in WILDCARD_NAMES:
            yield f"uses socket.{node.attr}, not a loopback address"
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                address = ipaddress.ip_address(node.value)
            except ValueError:
                continue
            if address not in map(ipaddress.ip_address, LOOPBACK):  # 3.9-3.12 print v4-mapped as ::ffff:7f00:1
                yield f"names the address {node.value!r}; use 127.0.0.1 or ::1"
        if (
            isinstance(node, ast.Tuple)
            and len(node.elts) in (2, 4)
            and isinstance(node.elts[0], ast.Constant)
            and isinstance(node.elts[0].value, str)
            and isinstance(node.elts[1], ast.Constant)
            and isinstance(node.elts[1].value, int)
        ):
            host, port = node.elts[0].value, node.elts[1].value
            named_host = host in ("", "localhost", "<broadcast>") or "." in host or ":" in host
            if (host in LOOPBACK and port != 0) or (named_host and host not in LOOPBACK):
                yield f"uses the address ({host!r}, {port}); use ('127.0.0.1', 0) or ('::1', 0)"


def canonical(printed: str, name_errno: Callable[[int], str] = errno_name) -> str:
    """A printed ``repr`` in the tables' outcome vocabulary (``sockbehave.outcome``); errno
    numbers named as ``name_errno`` names them (this OS's, by default)."""
    if re.fullmatch(r"(TimeoutError|timeout)\('timed out'\)", printed):
        return TIMEOUT
    error = re.fullmatch(r"(\w+)\((\d+), .*\)", printed)
    if error:
        return f"{error[1]}({name_errno(int(error[2]))})"
    printed = re.sub(r"<socket\.socket [^>]*>", "<socket>", printed)
    return re.sub(r"\('[0-9a-fA-F.:]+', \d+(, \d+, \d+)?\)", "<addr>", printed)


def disagreements(
    scenario_id: str, stdout: str, column: str, name_errno: Callable[[int], str] = errno_name, key_step: bool = True
) -> Iterator[str]:
    """Each ``STEP -> value`` line of ``stdout`` that this OS's cell for STEP does not accept
    (cells saying ``unknown`` accept anything); with ``key_step``, a missing key step is one too."""
    cells = CATALOG.steps(scenario_id)
    printed = {}
    for line in stdout.splitlines():
        label, arrow, value = line.partition(" -> ")
        if arrow and label in cells:
            printed[label] = value.strip()
    key = KEY_STEPS.get(scenario_id)
    if key_step and key is not None and key not in printed:
        yield f"does not print its key step as '{key} -> ...'"
    for step, value in printed.items():
        cell = cells[step].get(column)
        if cell is None or cell.is_unknown:
            continue
        expected = sorted({re.sub(r" @\S+$", "", o) for o in cell.outcomes})
        if canonical(value, name_errno) not in expected:
            shown = canonical(value, name_errno)
            yield f"printed '{step} -> {value}' ({shown}), but the {column} cell says {' | '.join(expected)}"


Runner = Callable[[Path], "subprocess.CompletedProcess[str]"]


@pytest.fixture(scope="session")
def run_example(request: pytest.FixtureRequest) -> Runner:
    """Run an example with this interpreter: in a private network namespace when the ``netns``
    fixture can make one (so an example reaching off the machine fails), plainly otherwise."""
    flags = ("-X", "dev", "-W", "error::ResourceWarning")
    netns: Optional[Callable[..., subprocess.CompletedProcess[str]]]
    try:
        netns = request.getfixturevalue("netns")
    except pytest.skip.Exception:
        netns = None

    def run(path: Path) -> subprocess.CompletedProcess[str]:
        if netns is not None:
            return netns(*flags, str(path), timeout=RUN_TIMEOUT_S)
        return subprocess.run(
            [sys.executable, *flags, str(path)], capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
        )

    return run


SCENARIOS = [pytest.param(sc, id=sc.id) for sc in CATALOG.scenarios]
#: A slow scenario's example may take longer than RUN_TIMEOUT_S (and says so): checked statically only.
RUNNABLE = [pytest.param(sc, id=sc.id) for sc in CATALOG.scenarios if not sc.slow]


def test_every_scenario_has_an_example_and_none_is_orphaned() -> None:
    wanted = {example_path(sc) for sc in CATALOG.scenarios}
    present = set(CATALOG.root.glob("*/examples/*.py"))
    assert sorted(map(str, wanted - present)) == [], "scenarios without an example"
    assert sorted(map(str, present - wanted)) == [], "examples without a scenario (in their topic folder)"


def test_key_steps_name_real_steps() -> None:
    for scenario_id, step in KEY_STEPS.items():
        assert step in CATALOG.steps(scenario_id), f"KEY_STEPS: {scenario_id} has no step {step}"


def test_every_built_in_scenario_has_a_key_step() -> None:
    assert sorted(sc.id for sc in CATALOG.scenarios if sc.id not in KEY_STEPS) == []


@pytest.mark.parametrize("sc", [pytest.param(sc, id=sc.id) for sc in CATALOG.scenarios if sc.slow])
def test_a_slow_example_names_its_key_step(sc: Scenario) -> None:
    """A slow example is not run here, so at least its source must spell its key step."""
    assert f'"{KEY_STEPS[sc.id]}' in example_path(sc).read_text(encoding="utf-8")


@pytest.mark.parametrize("sc", SCENARIOS)
def test_example_is_plain_standard_library_code_on_loopback(sc: Scenario) -> None:
    path = example_path(sc)
    problems = list(example_problems(path.read_text(encoding="utf-8"), sc.id))
    assert problems == [], f"{path}: " + "; ".join(problems)


@pytest.mark.parametrize("sc", RUNNABLE)
def test_example_runs_cleanly_and_agrees_with_this_os(sc: Scenario, run_example: Runner) -> None:
    path = example_path(sc)
    done = run_example(path)
    assert done.returncode == 0, f"{path} exited {done.returncode}:\n{done.stderr}"
    assert done.stdout.strip(), f"{path} printed nothing"
    # Nothing on stderr: an unclosed socket's ResourceWarning is only printed, not an exit status.
    assert done.stderr == "", f"{path} wrote to stderr:\n{done.stderr}"
    problems = list(disagreements(sc.id, done.stdout, current_os()))
    assert problems == [], f"{path}:\n" + "\n".join(problems) + f"\n--- its output:\n{done.stdout}"


# The checks themselves: each catches what it is for.

GOOD = '''
"""tcp.tiny: a tiny example."""
import socket
with socket.create_server(("127.0.0.1", 0)) as s:
    print("port ->", s.getsockname()[1])
'''


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("import socket", "import requests"), "imports requests"),
        (("import socket", "import socket\nfrom sockbehave.kit import tcp_pair"), "imports sockbehave.kit"),
        (("import socket", "import socket\nfrom . import helper"), "imports ."),
        (('"127.0.0.1", 0', '"0.0.0.0", 0'), "'0.0.0.0'"),
        (('"127.0.0.1", 0', '"", 0'), "('', 0)"),
        (('"127.0.0.1", 0', '"127.0.0.1", 8080'), "('127.0.0.1', 8080)"),
        (('"127.0.0.1", 0', "socket.INADDR_ANY, 0"), "INADDR_ANY"),
        (('print("port ->"', 'print("8.8.8.8", "port ->"'), "'8.8.8.8'"),
        (('"127.0.0.1", 0', '"localhost", 0'), "('localhost', 0)"),
        (('"127.0.0.1", 0', '"example.com", 80'), "('example.com', 80)"),
        (("tcp.tiny:", "tcp.other:"), "docstring"),
    ],
)
def test_the_static_check_catches(change: tuple[str, str], problem: str) -> None:
    assert list(example_problems(GOOD, "tcp.tiny")) == []
    bad = GOOD.replace(*change)
    assert bad != GOOD
    assert any(problem in p for p in example_problems(bad, "tcp.tiny"))


@pytest.mark.parametrize(
    ("printed", "outcome"),
    [
        ("TimeoutError('timed out')", "timeout"),
        ("timeout('timed out')", "timeout"),
        ("ConnectionResetError(104, 'Connection reset by peer')", "ConnectionResetError(ECONNRESET)"),
        ("OSError(90, 'Message too long')", "OSError(EMSGSIZE)"),
        ("(b'', ('127.0.0.1', 36883))", "(b'', <addr>)"),
        ("(b'x', ('::1', 5, 0, 0))", "(b'x', <addr>)"),
        ("(<socket.socket fd=7, family=2, laddr=('127.0.0.1', 1)>, ('127.0.0.1', 2))", "(<socket>, <addr>)"),
        ("b'0123'", "b'0123'"),
        ("None", "None"),
    ],
)
def test_printed_values_read_as_table_outcomes(printed: str, outcome: str) -> None:
    assert canonical(printed) == outcome


def test_the_agreement_check_catches_a_wrong_or_missing_key_step() -> None:
    right = "recv-zero -> b''\nrecv-after -> b'data'\n"
    assert list(disagreements("tcp.recv-zero-bytes", right, "linux")) == []
    wrong = right.replace("recv-zero -> b''", "recv-zero -> TimeoutError('timed out')")
    assert list(disagreements("tcp.recv-zero-bytes", wrong, "linux")) == [
        "printed 'recv-zero -> TimeoutError('timed out')' (timeout), but the linux cell says b''"
    ]
    assert list(disagreements("tcp.recv-zero-bytes", "recv-after -> b'data'\n", "linux")) == [
        "does not print its key step as 'recv-zero -> ...'"
    ]
    wrong_error = "connect -> ConnectionResetError(104, 'Connection reset by peer')\n"
    assert len(list(disagreements("tcp.connect-closed-port-refused", wrong_error, "linux"))) == 1
    assert (
        list(disagreements("tcp.connect-closed-port-refused", "connect -> ConnectionRefusedError(111, 'x')\n", "linux"))
        == []
    )


def test_an_example_reaching_off_the_machine_fails_in_the_namespace(
    tmp_path: Path, netns: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    reach = tmp_path / "reach.py"
    reach.write_text(
        textwrap.dedent("""
            import socket
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect(("192.0.2.1", 9))
        """),
        encoding="utf-8",
    )
    done = netns(str(reach), timeout=RUN_TIMEOUT_S)
    assert done.returncode != 0
    assert "Network is unreachable" in done.stderr


def test_the_catalog_loader_never_imports_examples(make_catalog: Callable[..., Path]) -> None:
    root = make_catalog()
    examples = next(root.iterdir()) / "examples"
    examples.mkdir()
    (examples / "tcp_tiny_send.py").write_text('raise SystemExit("imported an example")\n', encoding="utf-8")
    catalog = load_catalog(root)
    assert [sc.id for sc in catalog.scenarios] == ["tcp.tiny-send"]


def test_an_unclosed_socket_is_caught(tmp_path: Path, run_example: Runner) -> None:
    leak = tmp_path / "leak.py"
    leak.write_text('import socket\ns = socket.socket()\nprint("made ->", s.family)\n', encoding="utf-8")
    done = run_example(leak)
    assert "ResourceWarning: unclosed" in done.stderr


# On the simulator: what `sockbehave simulate --os OS EXAMPLE.py` shows.

#: (OS, scenario) -> why its example does not show that OS's cell on the simulator.
SIM_DEVIATIONS: dict[tuple[str, str], str] = {}  # (none since names an OS lacks vanish there, 2026-11-23)

#: (OS, scenario) -> why its example raises there, as it would on that OS.
SIM_RAISES = {
    ("windows", "tcp.length-prefix-framing"): "framed-recv may time out on Windows (its cell allows it: Nagle "
    "and a 200 ms delayed ACK), and the example does not catch the timeout",
}


@pytest.mark.parametrize("os_name", OSES)
@pytest.mark.parametrize("sc", RUNNABLE)
def test_an_example_on_the_simulator_shows_that_oss_cells(sc: Scenario, os_name: str) -> None:
    path = example_path(sc)
    captured = io.StringIO()
    ending = programs.run([programs.load(path, path.name)], os_name, out=captured, err=captured)
    gaps = {step for step, cells in CATALOG.steps(sc.id).items() if os_name in cells and cells[os_name].sim_gap}
    names = _errno_names(get_profile(os_name)).get
    problems = [
        problem
        for problem in disagreements(sc.id, captured.getvalue(), os_name, lambda n: names(n, str(n)), key_step=False)
        if not any(f"'{step} ->" in problem for step in gaps)
    ]
    excepted = (os_name, sc.id) in SIM_RAISES or (os_name, sc.id) in SIM_DEVIATIONS
    allowed = {programs.DONE, programs.NOT_MODELLED} | ({programs.RAISED} if excepted else set())
    assert ending.status in allowed, f"{path} on {os_name}: {ending.message}\n{captured.getvalue()}"
    if (os_name, sc.id) in SIM_DEVIATIONS:
        assert problems, f"the deviation of {sc.id} on {os_name} is gone: remove it from SIM_DEVIATIONS"
    else:
        assert problems == [], f"{path} on simulated {os_name}:\n" + "\n".join(problems)


def test_the_simulator_exceptions_name_real_scenarios() -> None:
    for os_name, scenario_id in (*SIM_DEVIATIONS, *SIM_RAISES):
        assert os_name in OSES and scenario_id in CATALOG.by_id
