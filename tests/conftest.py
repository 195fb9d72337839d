"""Shared fixtures: small throw-away catalogs for tests that need one to break, the CLI in-process,
and ``netns``: running code inside a private network namespace (``unshare -n``: loopback only).
Without root or ``unshare`` the tests using ``netns`` skip, unless ``SOCKBEHAVE_REQUIRE_NETNS=1``
(set by ``.ci/run``) makes them fail instead."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

#: ``cli("check", "r.json")`` -> (exit status, stdout, stderr), running the command in-process.
CLI = Callable[..., tuple[int, str, str]]

SCENARIO = '''
from sockbehave.kit import tcp_pair
from sockbehave.scenario import scenario


@scenario(id="tcp.tiny-send", title="send returns its length", claim="A test claim.")
def tiny(net, step):
    """A tiny scenario for the tests."""
    client, server = tcp_pair(net)
    step("send", client.send, b"abc")
    step("recv", server.recv, 10)
'''

CELL = '{{ outcome = "{o}", evidence = "observed", source = "test" }}'


def table(send: str = "3", recv: str = "b'abc'") -> str:
    rows = []
    for step, outcome in (("send", send), ("recv", recv)):
        rows.append(f'["tcp.tiny-send".{step}]')
        for os_name in ("linux", "darwin", "freebsd", "windows"):
            rows.append(f"{os_name} = " + CELL.format(o=outcome))
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="session", autouse=True)
def _own_table_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The tests (and the commands they start) keep their table cache to themselves."""
    os.environ["SOCKBEHAVE_CACHE_DIR"] = str(tmp_path_factory.mktemp("table-cache"))


@pytest.fixture
def tiny_table() -> Callable[..., str]:
    """``tiny_table(send="3", recv="b'abc'")`` -> the text of a valid table for the tiny scenario."""
    return table


@pytest.fixture
def make_catalog(tmp_path: Path) -> Callable[..., Path]:
    """``make_catalog(table_text=..., scenario_text=...)`` -> the catalog root."""

    def make(table_text: str | None = None, scenario_text: str = SCENARIO, topic: str = "partial-io") -> Path:
        root = tmp_path / "catalog"
        folder = root / topic
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "tiny.py").write_text(textwrap.dedent(scenario_text), encoding="utf-8")
        (folder / "expected.toml").write_text(table() if table_text is None else table_text, encoding="utf-8")
        return root

    return make


@pytest.fixture
def cli() -> CLI:
    """The ``sockbehave`` command in-process: ``cli(*argv)`` -> (exit status, stdout, stderr)."""
    from sockbehave.cli import main

    def run(*argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        try:
            code = main(list(argv), out=out, err=err)
        except SystemExit as exc:  # argparse exits itself on usage errors
            code = int(exc.code or 0)
        return code, out.getvalue(), err.getvalue()

    return run


#: Brings loopback up inside the namespace, then becomes ``python ARGS...``.
PRELUDE = (
    "import os, subprocess, sys; "
    "subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True); "
    "os.execv(sys.executable, [sys.executable] + sys.argv[1:])"
)


def _why_no_netns() -> Optional[str]:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root for unshare -n"
    for tool in ("unshare", "ip"):
        if shutil.which(tool) is None:
            return f"needs {tool}"
    probe = subprocess.run(["unshare", "-n", "--", "ip", "link", "set", "lo", "up"], capture_output=True, check=False)
    if probe.returncode != 0:
        return f"unshare -n failed: {probe.stderr.decode(errors='replace').strip()}"
    return None


@pytest.fixture(scope="session")
def netns() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``netns(*args)`` -> the finished ``python args...``, run in a fresh namespace."""
    why = _why_no_netns()
    if why is not None:
        if os.environ.get("SOCKBEHAVE_REQUIRE_NETNS") == "1":
            pytest.fail(f"SOCKBEHAVE_REQUIRE_NETNS=1 but no private network namespace: {why}")
        pytest.skip(why)

    def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        cmd = ["unshare", "-n", "--", sys.executable, "-c", PRELUDE, *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)

    return run


#: ``netns_call``'s child: the caller's ``sys.path``, the ``ip`` commands, then the function.
_CALL = """
import json, subprocess, sys
sys.path[:0] = {paths!r}
for command in {ip!r}:
    subprocess.run(["ip", *command], check=True)
from {module} import {function}
print(json.dumps({function}()))
"""


@pytest.fixture(scope="session")
def netns_call(netns: Callable[..., subprocess.CompletedProcess[str]]) -> Callable[..., Any]:
    """``netns_call("tests.x.module:function", ip=[[...], ...])`` -> what ``function()`` returns
    (through JSON), called in a fresh namespace after the ``ip`` commands (a LAN, say) have run."""

    def call(target: str, ip: Sequence[Sequence[str]] = (), timeout: float = 120) -> Any:
        module, function = target.split(":")
        code = _CALL.format(paths=sys.path, ip=[list(c) for c in ip], module=module, function=function)
        done = netns("-c", code, timeout=timeout)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    return call
