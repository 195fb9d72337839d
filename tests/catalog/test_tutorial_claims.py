"""The tutorial-claims topic: what its scenarios need from the backends (host names, the standard
library, connect over TIME_WAIT, a longer deadline for slow scenarios), the removed sysctl the
tutorials recommend, and the standalone examples."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sockbehave import runner
from sockbehave._toml import toml
from sockbehave.backends.real import RealNet
from sockbehave.catalog import default_root, load_catalog
from sockbehave.errors import InputError, LoopbackOnlyError, ScenarioError
from sockbehave.platforms import REGENERATED, REGENERATED_SCENARIOS, parse_sysctl
from sockbehave.runner import DEADLINE_S, SLOW_DEADLINE_S, run_many
from sockbehave.scenario import Scenario, Steps
from sockbehave.sim import Network
from sockbehave.sim.kernel import NotModelled
from sockbehave.sim.profiles import PROFILES
from sockbehave.testing import check_backend

TOPIC = default_root() / "tutorial-claims"
EXAMPLES = TOPIC / "examples"


def _time_wait_pair(net: Network) -> tuple[socket.socket, tuple[str, int], socket.socket]:
    """A client that closed first (its port in TIME_WAIT), a new socket bound to that port
    with SO_REUSEADDR, and the listener it talked to."""
    srv = net.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(2)
    client = net.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    client.connect(srv.getsockname())
    conn, _ = srv.accept()
    local = client.getsockname()
    client.close()
    net.sleep(0.05)
    conn.close()
    net.sleep(0.05)
    again = net.socket()
    again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    again.bind(local)
    return again, srv.getsockname(), srv


@pytest.mark.parametrize("profile", ["darwin", "freebsd"])
def test_bsd_connect_over_a_time_wait_pair_is_in_use(profile: str) -> None:
    with Network(profile) as net:
        again, server, _ = _time_wait_pair(net)
        with pytest.raises(OSError) as info:
            again.connect(server)
        assert info.value.errno == PROFILES[profile].errnos["EADDRINUSE"][0]


def test_linux_connect_over_a_time_wait_pair_takes_it_over() -> None:
    with Network("linux") as net:
        again, server, srv = _time_wait_pair(net)
        again.connect(server)
        conn, peer = srv.accept()
        assert peer == again.getsockname()
        conn.close()


def test_windows_connect_over_a_time_wait_pair_is_not_pretended() -> None:
    with Network("windows") as net:
        again, server, _ = _time_wait_pair(net)
        with pytest.raises(NotModelled, match="connect\\(\\) over a TIME_WAIT connection on windows"):
            again.connect(server)


def test_the_standard_library_per_simulated_os() -> None:
    assert Network("linux").stdlib_has("socketserver.ForkingTCPServer") is True
    windows = Network("windows")
    assert windows.stdlib_has("os.fork") is False
    assert windows.stdlib_has("socketserver.ForkingMixIn") is False
    assert windows.stdlib_has("socketserver.ThreadingTCPServer") is True
    with pytest.raises(NotImplementedError, match=r"os\.spawnv"):
        windows.stdlib_has("os.spawnv")
    assert RealNet().stdlib_has("socketserver.ThreadingTCPServer") is True


def test_host_names_per_simulated_os() -> None:
    assert Network("linux").resolve(Network("linux").gethostname()) == ["127.0.1.1"]
    darwin = Network("darwin")
    assert darwin.resolve(darwin.gethostname()) == ["192.0.2.10"]
    with pytest.raises(socket.gaierror):
        darwin.resolve("nothing.invalid")


def test_the_real_backend_resolves_only_its_own_name_and_loopback() -> None:
    with RealNet("x.resolve") as net:
        assert net.resolve("localhost", socket.AF_INET) == ["127.0.0.1"]
        with pytest.raises(LoopbackOnlyError, match="resolves only this host's own name"):
            net.resolve("example.org")
        with pytest.raises(ScenarioError, match=r"refused resolving 'example\.org'"):
            net.close()


def test_the_real_backend_resolves_the_host_name_while_the_guard_watches() -> None:
    """The lookup is the harness's: the audit layer, which refuses a scenario's own lookups of
    names that are not loopback, lets it through (the scenario is not an error)."""

    def body(net: RealNet, step: Steps) -> None:
        try:
            found = net.resolve(net.gethostname())
        except socket.gaierror:
            found = []
        step.observe("looked-up", isinstance(found, list))

    sc = Scenario("x.hostname", "t", "c", "e", (), body)  # type: ignore[arg-type]
    [run] = run_many([sc], RealNet, 1)
    assert run.error is None
    assert [s.outcome.text for s in run.steps] == ["True"]


def test_a_removed_sysctl_is_one_line_naming_the_removal() -> None:
    with pytest.raises(InputError) as info:
        parse_sysctl("net.ipv4.tcp_tw_recycle=1")
    text = str(info.value)
    assert "\n" not in text
    assert "does not exist on this kernel" in text and "Linux 4.12" in text and "4396e46187ca" in text


def test_the_cli_says_so_with_exit_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sockbehave", "run", "--sysctl", "net.ipv4.tcp_tw_recycle=1", "--out", "/nonexistent"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "removed in Linux 4.12" in done.stderr and "Traceback" not in done.stderr


def test_the_sysctl_fixes_are_regenerated_on_their_topics_only() -> None:
    fixes = [
        (("net.ipv4.tcp_tw_reuse", "1"),),
        (("net.ipv4.tcp_fin_timeout", "30"),),
        (("net.ipv4.tcp_syncookies", "1"),),
    ]
    assert all((None, fix) in REGENERATED for fix in fixes)
    topics = {s.topic for s in load_catalog().scenarios}
    for fix in fixes:
        assert set(REGENERATED_SCENARIOS[fix]) <= topics
    assert set(REGENERATED_SCENARIOS) <= {sysctls for _, sysctls in REGENERATED}


def test_a_slow_scenario_gets_the_longer_real_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    assert SLOW_DEADLINE_S > 75 > DEADLINE_S  # tcp.time-wait-duration polls for up to 75 s
    monkeypatch.setattr(runner, "DEADLINE_S", 0.3)
    monkeypatch.setattr(runner, "SLOW_DEADLINE_S", 20.0)

    def naps(net: RealNet, step: Steps) -> None:
        net.sleep(0.8)
        step.observe("woke", True)

    fast = Scenario("x.naps", "t", "c", "e", (), naps)  # type: ignore[arg-type]
    slow = Scenario("x.naps-slow", "t", "c", "e", (), naps, slow=True)  # type: ignore[arg-type]
    quick, patient = run_many([fast, slow], RealNet, 2)
    assert quick.error is not None and "deadline" in quick.error
    assert patient.error is None and [s.outcome.text for s in patient.steps] == ["True"]
    ids = {s.id: s for s in load_catalog().scenarios}
    assert ids["tcp.time-wait-duration"].slow and ids["tcp.time-wait-duration"].exclusive
    assert ids["tcp.setdefaulttimeout-new-sockets"].exclusive


def test_every_scenario_has_an_example_and_chinese_text() -> None:
    chinese = toml.loads((TOPIC / "zh.toml").read_text(encoding="utf-8"))
    mine = [s.id for s in load_catalog().scenarios if s.topic == "tutorial-claims"]
    assert sorted(chinese) == sorted(mine)
    for sid in mine:
        assert set(chinese[sid]) == {"title", "claim", "explanation"}
        example = EXAMPLES / (sid.replace(".", "_").replace("-", "_") + ".py")
        assert example.read_text(encoding="utf-8").startswith(f'"""{sid}: ')


FAST_EXAMPLES = sorted(p for p in EXAMPLES.glob("*.py") if p.name != "tcp_time_wait_duration.py")


@pytest.mark.parametrize("path", FAST_EXAMPLES, ids=[p.stem for p in FAST_EXAMPLES])
def test_the_fast_examples_run_and_exit_0(path: Path) -> None:
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() and not done.stderr


@pytest.mark.parametrize("os_name", sorted(PROFILES))
def test_the_slow_scenario_is_modelled_on_every_profile(os_name: str) -> None:
    """Default selections leave slow scenarios out, so the conformance kit is asked by id."""
    results = check_backend(lambda sid: Network(os_name, name=sid), os_name, scenarios=["tcp.time-wait-duration"])
    assert [r.verdict for r in results] == ["match"]
