"""Issue 8's acceptance: every program of the four tutorials, unmodified, under ``patched()``
on all four profiles, and on the linux profile the same transcript as on the real stack.

The programs are not copied here: ``conftest.py`` reads them from the seed files at test time
and ``harness.py`` runs them with the two allowed changes (scripted ``input()`` lines and a
bound on each ``while True:``). ``CASES`` names each run by seed file and block index
(``"000:5"`` is block 5 of ``000_*.txt``; ``"002:2/1"`` the second program of block 2). The
pitfall stories are runs of the same programs; what they show per OS is checked against the
catalog's tables (``sockbehave explain <id>``). ``NOT_RUN`` lists every other block and why.
The real runs happen in one child process inside ``unshare -n`` (the tutorials' fixed ports).
"""

from __future__ import annotations

import faulthandler
import ipaddress
import json
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import pytest
from harness import Program, run_phases, sim_ready

from sockbehave.catalog import load_catalog
from sockbehave.errors import ScenarioError
from sockbehave.sim import patched

#: The ``netns`` fixture (tests/conftest.py): ``python ARGS...`` in a fresh namespace, ``lo`` up.
NetNs = Callable[..., "subprocess.CompletedProcess[str]"]
PROFILES = ("linux", "darwin", "freebsd", "windows")
HERE = Path(__file__).parent

#: A client of our own, for the one tutorial server that has no client in the tutorials.
OURS = {
    "ours:udp-5006": (
        "import socket\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "s.sendto(b'hello', ('127.0.0.1', 5006))\n"
        "print(s.recvfrom(1024)[0])\n"
        "s.close()\n"
    ),
}


@dataclass(frozen=True)
class P:
    """One program of a run: which block, loop bounds, scripted input lines."""

    ref: str
    loops: tuple[int, ...] = ()
    inputs: tuple[str, ...] = ()
    stop: Optional[str] = None

    def make(self, seeds: dict[str, str]) -> Program:
        source = OURS[self.ref] if self.ref in OURS else seeds[self.ref]
        return Program(source, self.loops, self.inputs, self.stop)


@dataclass(frozen=True)
class Case:
    """Phases run one after another (a restart is two); each is a server and its clients."""

    port: Optional[int]
    proto: str
    phases: tuple[tuple[Optional[P], tuple[P, ...]], ...]
    together: bool = False
    #: compared with the real stack; False where the real run is a race or leaves the machine
    real: bool = True


def one(server: Optional[P], *clients: P, port: Optional[int], proto: str = "tcp", real: bool = True) -> Case:
    return Case(port, proto, ((server, clients),), real=real)


LONG = "x" * 1500  # longer than the UDP server's 1024-byte buffer

CASES: dict[str, Case] = {
    # programs, each as the tutorial pairs them
    "000:3+4": one(P("000:3"), P("000:4"), port=8080),
    "000:5+6": one(P("000:5", (1, 5)), P("000:6", (2,), ("hello", "world")), port=8081),
    "000:9+10": one(P("000:9", (2,)), P("000:10", (2,), ("hello", "world")), port=9000, proto="udp"),
    "000:13+14": one(P("000:13", (1,), ("收到",)), P("000:14", (1, 2), ("TOM", "hi", "quit")), port=8081, proto="udp"),
    "001:3+4": one(P("001:3", (1,)), P("001:4"), port=9999),
    # the timeout example connects off the machine: simulator only
    "001:5": one(None, P("001:5"), port=None, real=False),
    "001:6+7": one(P("001:6", (2,), ("s1", "s2")), P("001:7", (2,), ("c1", "c2")), port=12345, proto="udp"),
    "002:0+1": one(P("002:0", (1, 5)), P("002:1", (3,), ("hello", "", "world")), port=5002),
    "002:2": one(P("002:2/0", (2,)), P("002:2/1", (3,), ("hello", "world", "q")), port=5002, proto="udp"),
    "002:4+1": one(P("002:4", (5,), stop="sk"), P("002:1", (3,), ("hello", "", "world")), port=5002),
    "002:5": one(P("002:5", stop="sk"), P("ours:udp-5006"), port=5006, proto="udp"),
    # the pitfall stories
    "story:abrupt-disconnect": one(P("000:5", (1, 5)), P("000:6", (3,), ("hello",)), port=8081),
    "story:udp-buffer-smaller": one(P("002:2/0", (1,)), P("002:2/1", (2,), (LONG, "q")), port=5002, proto="udp"),
    # who closes first (and so keeps TIME_WAIT) is a race between two real threads: the
    # simulator lets the server close first, as the tutorial's two processes usually do
    "story:restart": Case(8080, "tcp", ((P("000:3"), (P("000:4"),)),) * 2, real=False),
    "story:ten-clients-listen-5": Case(8080, "tcp", ((P("000:3"), (P("000:4"),) * 10),), together=True, real=False),
}

#: Blocks that are not programs, and why they are not run.
NOT_RUN = {
    "000:0": "a usage listing (names socket_family, which it never defines)",
    "000:1": "pseudocode (inf_loop:)",
    "000:2": "pseudocode (comm_loop:)",
    "000:7": "pseudocode",
    "000:8": "pseudocode",
    "000:11": "the remote-command client; its server (000:12) runs what the client sends in a shell",
    "000:12": "the remote-command server: subprocess.Popen(shell=True) on received text",
    "000:15": "a fragment (socket() without an import)",
    "001:0": "a signature, not code",
    "001:1": "a fragment",
    "001:2": "a fragment",
    "002:2": "two programs in one block: run as 002:2/0 and 002:2/1",
    "002:3": "a fragment (names conn, data, json it never defines)",
}


def programs(case: Case, seeds: dict[str, str]) -> list[tuple[Optional[Program], list[Program]]]:
    return [
        (server.make(seeds) if server else None, [c.make(seeds) for c in clients]) for server, clients in case.phases
    ]


def simulate(name: str, profile: str, seeds: dict[str, str]) -> list[list[str]]:
    """One case on one profile; a real hang ends the process with every thread's stack."""
    faulthandler.dump_traceback_later(60, exit=True)  # the wall-clock guard (SimDeadlock comes first)
    try:
        with patched(profile):
            return run_phases(programs(CASES[name], seeds), sim_ready, together=CASES[name].together)
    finally:
        faulthandler.cancel_dump_traceback_later()


def host_address(profile: str) -> str:
    with patched(profile):
        return socket.gethostbyname(socket.gethostname())


def outcomes(scenario: str, step: str, os_name: str) -> tuple[str, ...]:
    return load_catalog().table[scenario][step][os_name].outcomes


def refs(case: Case) -> set[str]:
    return {p.ref for server, clients in case.phases for p in ((server,) if server else ()) + clients}


def test_every_python_block_is_run_or_said_why_not(seeds: dict[str, str]) -> None:
    run = set().union(*map(refs, CASES.values())) - set(OURS)
    assert run.isdisjoint(NOT_RUN)
    assert run | set(NOT_RUN) == set(seeds)


PROGRAMS = [name for name in CASES if not name.startswith("story:")]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", PROGRAMS)
def test_a_tutorial_program_runs_to_completion_alike_on_every_profile(
    name: str, profile: str, seeds: dict[str, str]
) -> None:
    """The programs touch nothing the profiles disagree on, except where the host name
    resolves (001:3+4 binds gethostname()): profile data, with its source."""
    transcripts = simulate(name, profile, seeds)
    assert all(transcripts), f"{name} on {profile}: a program printed nothing: {transcripts}"
    assert not any("still blocked" in line or line.startswith("raised") for t in transcripts for line in t), (
        f"{name} on {profile}: {transcripts}"
    )
    if profile != "linux":
        expected = simulate(name, "linux", seeds)
        if name == "001:3+4":
            expected = [[line.replace("127.0.0.1", host_address(profile)) for line in t] for t in expected]
        assert transcripts == expected


def test_the_timeout_example_prints_timeout_on_every_profile(seeds: dict[str, str]) -> None:
    assert {p: simulate("001:5", p, seeds) for p in PROFILES} == {p: [["timeout"]] for p in PROFILES}


@pytest.mark.parametrize("profile", PROFILES)
def test_restart_right_after_serving_a_client(profile: str, seeds: dict[str, str]) -> None:
    """000:3 closes first (TIME_WAIT on its port), then runs again at once, no SO_REUSEADDR."""
    first_server, first_client, server, client = simulate("story:restart", profile, seeds)
    assert first_client == ["b'HELLO'"]
    (rebind,) = outcomes("tcp.restart-time-wait-no-reuseaddr", "rebind", profile)
    if rebind == "None":
        assert (server, client) == (first_server, first_client)
    else:
        assert rebind == "OSError(EADDRINUSE)"
        assert server == ["raised OSError(EADDRINUSE)"]
        assert client == ["raised ConnectionRefusedError(ECONNREFUSED)"]


@pytest.mark.parametrize("profile", PROFILES)
def test_a_udp_buffer_smaller_than_the_datagram(profile: str, seeds: dict[str, str]) -> None:
    """002:2's server reads 1024 bytes; the client sends 1500."""
    (small,) = outcomes("udp.recv-buffer-smaller-than-datagram", "recv-4", profile)
    if small == "OSError(EMSGSIZE)":  # the server dies; the client waits for an answer for ever
        with pytest.raises(ScenarioError, match=r"client-0.*recvfrom"):
            simulate("story:udp-buffer-smaller", profile, seeds)
        return
    assert small == "b'0123'"  # truncated, the rest discarded
    server, client = simulate("story:udp-buffer-smaller", profile, seeds)
    assert server == ["客户端发过来的数据： b'" + "x" * 1024 + "'"]
    assert client == ["b'" + "X" * 1024 + "'"]


@pytest.mark.parametrize("profile", PROFILES)
def test_a_client_that_disconnects_abruptly(profile: str, seeds: dict[str, str]) -> None:
    """000:6 dies (its input ends) with its socket open; the process's exit closes it."""
    (after,) = outcomes("tcp.peer-process-killed", "recv-after-kill", profile)
    server, client = simulate("story:abrupt-disconnect", profile, seeds)
    assert client == ["HELLO", "raised EOFError"]
    if after == "b''":  # the server's recv loop ends on b'' and the server finishes
        assert server == ["接到来自127.0.0.1的电话", "b'hello' <class 'bytes'>"]
    else:  # the table does not know: the simulator shows an orderly close
        assert after == "unknown"
        assert server[-1] == "b'hello' <class 'bytes'>"


@pytest.mark.parametrize("profile", PROFILES)
def test_ten_clients_on_listen_5(profile: str, seeds: dict[str, str]) -> None:
    """Ten 000:4 clients at once on 000:3 (listen(5), one accept, then it closes)."""
    server, *clients = simulate("story:ten-clients-listen-5", profile, seeds)
    assert server[-1] == "client msg: b'hello'"
    served = [c for c in clients if c == ["b'HELLO'"]]
    refused = [c for c in clients if c == ["raised ConnectionRefusedError(ECONNREFUSED)"]]
    assert len(served) == 1
    (completed,) = outcomes("tcp.backlog-5", "completed-before-accept", profile)
    if completed != "unknown":  # the others were queued, and reset when the listener closed
        assert len(clients) - len(refused) == int(completed)


def run_real(case: Case, seeds: dict[str, str], netns: NetNs) -> list[list[str]]:
    """The case on the real stack, in a private network namespace of its own (a fresh one per
    case: a restart's TIME_WAIT must not leak into the next case)."""

    def spec(p: Optional[Program]) -> Optional[list[object]]:
        return None if p is None else [p.source, list(p.loops), list(p.inputs), p.stop]

    phases = [[spec(server), [spec(c) for c in clients]] for server, clients in programs(case, seeds)]
    done = netns(str(HERE / "real_child.py"), json.dumps([case.port, case.proto, case.together, phases]), timeout=60)
    assert done.returncode == 0, done.stderr
    result: list[list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("name", [name for name, case in CASES.items() if case.real])
def test_on_the_linux_profile_the_transcript_is_the_real_stacks(name: str, seeds: dict[str, str], netns: NetNs) -> None:
    """The namespace shares this machine's /etc/hosts, so 001:3+4's gethostname() works there
    when the name resolves to a loopback address (Debian's 127.0.1.1 or 127.0.0.1: the client's
    source address, which is what the server prints, is 127.0.0.1 either way)."""
    if name == "001:3+4" and not ipaddress.ip_address(socket.gethostbyname(socket.gethostname())).is_loopback:
        pytest.skip("this machine's host name does not resolve to loopback: 001:3+4 compared on the simulator only")
    assert simulate(name, "linux", seeds) == run_real(CASES[name], seeds, netns)
