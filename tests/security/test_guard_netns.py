"""Bypass attempts against the loopback guard, each inside a private network namespace.

Each test runs scenario bodies from ``hostile.py`` (concurrently, through the runner) in a fresh
``unshare -n`` namespace whose only interface is loopback, and asserts that the guard itself
refused the call (the scenario error names it: inside the namespace the kernel would only have
said ENETUNREACH), that a process the scenario left behind was killed and reaped, and that a
well-behaved scenario running beside them is unaffected.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

Hostile = Callable[..., dict[str, Any]]
OSES = ("linux", "darwin", "freebsd", "windows")


def _error(result: dict[str, Any], name: str) -> str:
    error = result[name]["error"]
    assert error is not None, f"{name}: no scenario error, steps {result[name]['steps']}"
    return str(error)


@pytest.mark.parametrize(
    ("name", "refused"),
    [
        ("net-sendmsg", "refused sendmsg to ('8.8.8.8', 53)"),
        ("raw-connect-ex", "refused socket.connect to ('8.8.8.8', 53)"),
        ("raw-udp-sendto", "refused socket.sendto to ('8.8.8.8', 53)"),
        ("raw-wildcard-listener", "refused socket.bind to ('0.0.0.0', 0)"),
        ("name-lookup", "refused socket.getaddrinfo('example.com')"),
        ("os-system", "refused os.system('sleep 64 &')"),
        ("os-fork", "refused os.fork()"),
        ("thread-sendto", "refused socket.sendto to ('8.8.8.8', 53)"),
    ],
)
def test_a_swallowed_refusal_is_still_the_scenarios_error(hostile: Hostile, name: str, refused: str) -> None:
    result = hostile(name, "tcp-echo")
    error = _error(result, name)
    assert refused in error
    assert "ENETUNREACH" not in error and "unreachable" not in error
    assert result[name]["steps"] == {}  # the refused call never produced an observation
    assert result["tcp-echo"] == {"error": None, "steps": {"send": "3", "recv": "b'abc'"}}


def test_a_thread_started_by_the_scenario_is_attributed_to_it(hostile: Hostile) -> None:
    error = _error(hostile("thread-sendto"), "thread-sendto")
    assert "no scenario started" not in error


def test_a_thread_nobody_can_attribute_is_refused_and_says_so(hostile: Hostile) -> None:
    error = _error(hostile("bare-thread-sendto"), "bare-thread-sendto")
    assert "refused socket.sendto to ('8.8.8.8', 53) (from thread" in error
    assert "which no scenario started through net" in error


@pytest.mark.parametrize("name", ["net-listen-autobind", "raw-listen-autobind", "raw-udp-autobind"])
def test_an_implicit_bind_lands_on_loopback_not_the_wildcard(hostile: Hostile, name: str) -> None:
    result = hostile(name)[name]
    assert result["error"] is None
    assert set(result["steps"].values()) == {"True"}


def _running(pid: int) -> bool:
    """True if ``pid`` is a live (not zombie) ``sleep`` process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return cmdline.startswith(b"sleep\0") and stat[stat.rindex(")") + 2] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("popen-sleep", "sleep 61"),
        ("popen-new-session", "sleep 63"),
        ("popen-shell-grandchild", "sh -c 'sleep 62 & echo $!; wait'"),
    ],
)
def test_a_process_the_scenario_left_running_is_killed_and_named(hostile: Hostile, name: str, command: str) -> None:
    result = hostile(name, "tcp-echo")
    error = _error(result, name)
    found = re.search(rf"left a child process running: {re.escape(command)} \(pid (\d+)\); killed it", error)
    assert found, error
    assert not _running(int(found.group(1)))
    grandchild = result[name]["steps"].get("grandchild")
    if grandchild is not None:
        assert not _running(int(grandchild))
    assert result["tcp-echo"]["error"] is None


@pytest.mark.parametrize("name", ["raw-socket-hog", "net-socket-hog"])
def test_a_socket_hog_fails_on_its_own_budget(hostile: Hostile, name: str) -> None:
    result = hostile(name, "tcp-echo")
    assert "descriptor budget of" in _error(result, name)
    assert int(result[name]["steps"]["held"]) < 2000
    assert result["tcp-echo"] == {"error": None, "steps": {"send": "3", "recv": "b'abc'"}}


def test_the_driver_refuses_to_run_outside_a_namespace() -> None:
    """The safety catch itself: hostile.py must not run where a packet could leave."""
    if [name for _, name in socket.if_nameindex()] == ["lo"]:
        pytest.skip("this test process is itself in a loopback-only namespace")
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("hostile.py")), "tcp-echo"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0 and "refusing to run outside a private network namespace" in done.stderr


EVIL = '''
import contextlib, socket, subprocess
from sockbehave.scenario import scenario


@scenario(id="udp.evil", title="sends off the machine, leaves a process", claim="A test claim.")
def evil(net, step):
    """Hostile."""
    with contextlib.suppress(OSError):
        net.socket(socket.AF_INET, socket.SOCK_DGRAM).sendmsg([b"x"], [], 0, ("8.8.8.8", 53))
    subprocess.Popen(["sleep", "61"])
    step.observe("done", True)
'''


def test_sockbehave_run_reports_a_hostile_catalog_scenario_as_an_error(
    netns: Callable[..., subprocess.CompletedProcess[str]], make_catalog: Callable[..., Path], tmp_path: Path
) -> None:
    cells = "\n".join(f'{os_name} = {{ outcome = "True", evidence = "observed", source = "test" }}' for os_name in OSES)
    root = make_catalog(table_text=f'["udp.evil".done]\n{cells}\n', scenario_text=EVIL)
    done = netns("-m", "sockbehave", "--catalog", str(root), "run", "--out", str(tmp_path / "out"))
    assert done.returncode == 1, done.stdout + done.stderr
    [line] = [line for line in done.stdout.splitlines() if "udp.evil: scenario error" in line]
    assert "refused sendmsg to ('8.8.8.8', 53): the real backend touches loopback only" in line
    assert "left a child process running: sleep 61" in line
