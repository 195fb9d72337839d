"""Slow scenarios (``@scenario(slow=True)``) stay out of default runs: ``run --slow`` or the
exact id brings them in, ``list`` marks them, and the pytest plugin collects them only with
``--sockbehave-slow``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest

from sockbehave.catalog import load_catalog

CLI = Callable[..., "tuple[int, str, str]"]

SLOW = '''
from sockbehave.kit import tcp_pair
from sockbehave.scenario import scenario


@scenario(id="tcp.tiny-send", title="send returns its length", claim="A test claim.", slow=True)
def tiny(net, step):
    """A tiny scenario for the tests."""
    client, server = tcp_pair(net)
    step("send", client.send, b"abc")
    step("recv", server.recv, 10)
'''


def _slow_catalog(make_catalog: Callable[..., Path]) -> Path:
    root = make_catalog(scenario_text=SLOW)
    assert "slow=True" in (root / "partial-io" / "tiny.py").read_text()
    return root


def test_select_leaves_slow_scenarios_out_unless_asked(make_catalog: Callable[..., Path]) -> None:
    cat = load_catalog(extra=[_slow_catalog(make_catalog)], builtin=False)
    assert [s.slow for s in cat.scenarios] == [True]
    assert cat.select(None) == []
    assert cat.select(["partial-io"]) == []
    assert cat.select(["tcp.*"]) == []
    assert [s.id for s in cat.select(None, slow=True)] == ["tcp.tiny-send"]
    assert [s.id for s in cat.select(["tcp.tiny-send"])] == ["tcp.tiny-send"]  # named exactly


def test_run_needs_slow_flag(cli: CLI, make_catalog: Callable[..., Path], tmp_path: Path) -> None:
    root = _slow_catalog(make_catalog)
    base = ("--no-builtin", "--catalog", str(root), "run", "--out", str(tmp_path / "out"), "-q")
    code, _, err = cli(*base)
    assert code == 2 and "without --slow" in err
    code, out, err = cli(*base, "--slow", "--json")
    assert code == 0, err
    assert json.loads(out)[0]["scenarios"] == 1


def test_list_marks_slow(cli: CLI, make_catalog: Callable[..., Path]) -> None:
    root = _slow_catalog(make_catalog)
    code, out, _ = cli("--no-builtin", "--catalog", str(root), "list")
    assert code == 0 and "[slow] send returns its length" in out
    code, out, _ = cli("--no-builtin", "--catalog", str(root), "list", "--json")
    assert json.loads(out)[0]["slow"] is True


def test_plugin_collects_slow_only_when_asked(pytester: pytest.Pytester, make_catalog: Callable[..., Path]) -> None:
    root = _slow_catalog(make_catalog)
    base = ("--sockbehave", "--sockbehave-no-builtin", f"--sockbehave-catalog={root}")
    result = pytester.runpytest(*base, "--collect-only", "-q")
    assert "tcp.tiny-send" not in result.stdout.str()
    result = pytester.runpytest(*base, "--sockbehave-slow", "--collect-only", "-q")
    assert "tcp.tiny-send" in result.stdout.str()
