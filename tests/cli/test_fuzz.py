"""Fuzzing every command with mutated reports and catalogs (hypothesis).

Whatever the input, a command ends with exit status 0, 1 or 2, never a traceback (an exception
escaping ``main``), never leaves a partial or temporary file, and stays within bounded time and
memory. Reports are mutated both as bytes (flips, insertions, truncation) and as JSON (a value
anywhere replaced by a hostile one); catalogs as table text and as scenario module source.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
import textwrap
import tracemalloc
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sockbehave.report import build_report, report_to_json
from sockbehave.verdict import Result

CLI = Callable[..., tuple[int, str, str]]  # the ``cli`` fixture (tests/conftest.py)

#: Bounds every example must keep (generous: the machine is shared and loaded).
PEAK_BYTES = 150 * 1024 * 1024
FUZZ = settings(
    max_examples=int(os.environ.get("SOCKBEHAVE_FUZZ_EXAMPLES", "40")),
    deadline=20_000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE_VALUES = st.sampled_from(
    [
        None,
        True,
        -1,
        10**40,
        1.5,
        "",
        "\ud800",
        "\x1b[2J\x07\x00",
        "\u202eevil",
        "x" * 5000,
        [],
        {},
        [[[[[]]]]],
        {"scenario": "a"},
        "tcp.send-empty",
        "linux",
        "observed",
        "match",
    ]
)


def _report() -> dict[str, Any]:
    results = [
        Result("tcp.send-empty", "send-empty", "0", ("0",), "observed", "here", "match", {"errno": 0}),
        Result("tcp.send-empty", "peer-recv", "timeout", ("timeout",), "observed", "here", "match", {}),
        Result("x.unknown", "-", "error", None, "", "", "error", {"error": "boom"}),
    ]
    platform = {"os": "linux", "system": "Linux", "release": "6", "machine": "x", "python": "3", "sysctls": {}}
    return report_to_json(
        build_report(results, catalog_version="0" * 16, os_name="linux", backend="real", platform=platform)
    )


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, (*prefix, i))
    return found


def _replace(data: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, *rest = path
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[head] = _replace(data[head], tuple(rest), new)
    return copy


@st.composite
def mutated_reports(draw: st.DrawFn) -> bytes:
    data = _report()
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(data)
        path = paths[draw(st.integers(0, len(paths) - 1))]
        data = _replace(data, path, copy.deepcopy(draw(HOSTILE_VALUES)))  # never mutate the shared samples
    if draw(st.booleans()):  # a duplicated or reordered row
        rows = data.get("results") if isinstance(data, dict) else None
        if isinstance(rows, list) and rows:
            rows.insert(draw(st.integers(0, len(rows))), rows[draw(st.integers(0, len(rows) - 1))])
    raw = json.dumps(data, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    for _ in range(draw(st.integers(0, 3))):  # byte-level damage
        at = draw(st.integers(0, max(0, len(raw) - 1)))
        kind = draw(st.sampled_from(["flip", "insert", "truncate"]))
        if kind == "flip" and raw:
            raw = raw[:at] + bytes([raw[at] ^ draw(st.integers(1, 255))]) + raw[at + 1 :]
        elif kind == "insert":
            raw = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
        else:
            raw = raw[:at]
    return raw


def _bounded(run: Callable[[], tuple[int, str, str]]) -> tuple[int, str, str]:
    tracemalloc.start()
    try:
        result = run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < PEAK_BYTES, f"peak memory {peak} bytes"
    return result


def _no_litter(folder: Path, allowed: set[str]) -> None:
    names = {p.name for p in folder.iterdir()}
    assert names <= allowed, names - allowed


@FUZZ
@given(raw=mutated_reports(), fmt=st.sampled_from([".md", ".html", ".json"]))
def test_every_report_command_survives_a_mutated_report(cli: CLI, raw: bytes, fmt: str) -> None:
    work = Path(tempfile.mkdtemp(prefix="sockbehave-fuzz-"))
    try:
        good, bad, out = work / "good.json", work / "bad.json", work / f"matrix{fmt}"
        good.write_text(json.dumps(_report()), encoding="utf-8")
        bad.write_bytes(raw)
        for argv in (
            ["check", str(bad)],
            ["diff", str(good), str(bad)],
            ["diff", str(bad), str(good)],
            ["report", str(good), str(bad), "-o", str(out)],
        ):
            code, stdout, err = _bounded(lambda argv=argv: cli(*argv))  # type: ignore[misc]
            assert code in (0, 1, 2), (argv, code, err)
            assert "Traceback" not in stdout + err
            (stdout + err).encode("utf-8")  # printable: no lone surrogate reaches the terminal
            if code == 2:
                assert err.count("\n") == 1 and err.startswith("sockbehave: error: "), err
                assert not out.exists(), "an output file after a refused input"
        _no_litter(work, {"good.json", "bad.json", out.name})
    finally:
        shutil.rmtree(work)


SCENARIO = textwrap.dedent(
    '''
    from sockbehave.kit import tcp_pair
    from sockbehave.scenario import scenario


    @scenario(id="tcp.tiny-send", title="send returns its length", claim="A test claim.")
    def tiny(net, step):
        """A tiny scenario for the fuzz test."""
        client, server = tcp_pair(net)
        step("send", client.send, b"abc")
        step("recv", server.recv, 10)
    '''
)
TABLE = "\n".join(
    f'["tcp.tiny-send".{step}]\n'
    + "\n".join(f'{o} = {{ outcome = "{out}", evidence = "observed", source = "test" }}' for o in ("linux", "darwin"))
    + "\n"
    + "\n".join(f'{o} = {{ outcome = "unknown", evidence = "unknown", note = "test" }}' for o in ("freebsd", "windows"))
    for step, out in (("send", "3"), ("recv", "b'abc'"))
)
HOSTILE_LINES = [
    "import sys; sys.exit(0)",
    "import sys; sys.exit('bye')",
    "raise SystemExit(3)",
    "raise GeneratorExit",
    "raise RecursionError('deep')",
    "1/0",
    "import nonexistent_module_xyz",
    "def (",
    "scenario = None",
    "x = '\x1b[2J'",
]


@st.composite
def mutated_catalogs(draw: st.DrawFn) -> tuple[str, str]:
    module, table = SCENARIO, TABLE
    if draw(st.booleans()):
        lines = module.split("\n")
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(st.sampled_from(HOSTILE_LINES)))
        module = "\n".join(lines)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(table)))
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.text(alphabet='[]{}="\n ,.\\x\ud7ff\x00abc-', max_size=6))
        if kind == "insert":
            table = table[:at] + piece + table[at:]
        elif kind == "delete":
            table = table[:at] + table[at + len(piece) + 1 :]
        else:
            table = table[:at] + piece + table[at + len(piece) :]
    return module, table


@FUZZ
@given(catalog=mutated_catalogs())
def test_every_catalog_command_survives_a_mutated_catalog(cli: CLI, catalog: tuple[str, str]) -> None:
    module, table = catalog
    work = Path(tempfile.mkdtemp(prefix="sockbehave-fuzz-"))
    try:
        folder = work / "catalog" / "partial-io"
        folder.mkdir(parents=True)
        (folder / "tiny.py").write_text(module, encoding="utf-8")
        (folder / "expected.toml").write_text(table, encoding="utf-8", errors="surrogatepass")
        out = work / "out"
        root = str(work / "catalog")
        for argv in (
            ["--catalog", root, "--no-builtin", "list"],
            ["--catalog", root, "--no-builtin", "list", "--json"],
            ["--catalog", root, "--no-builtin", "explain", "tcp.tiny-send"],
            [
                "--catalog",
                root,
                "--no-builtin",
                "run",
                "--backend",
                "sim",
                "--os",
                "linux,windows",
                "--out",
                str(out),
                "-q",
            ],
        ):
            code, stdout, err = _bounded(lambda argv=argv: cli(*argv))  # type: ignore[misc]
            assert code in (0, 1, 2), (argv, code, err)
            assert "Traceback" not in stdout + err
            (stdout + err).encode("utf-8")
            if code == 2:
                assert err.count("\n") == 1 and err.startswith("sockbehave: error: "), err
        if out.exists():
            _no_litter(out, {"linux-sim.json", "windows-sim.json"})
    finally:
        shutil.rmtree(work)


@pytest.mark.parametrize("mode", ["bytes", "json"])
def test_the_fuzzer_does_produce_refusals(cli: CLI, mode: str, tmp_path: Path) -> None:
    """Guard against a fuzzer that only ever makes valid reports: these mutations must be refused."""
    bad = tmp_path / "bad.json"
    if mode == "bytes":
        bad.write_bytes(json.dumps(_report()).encode()[:-5])
    else:
        bad.write_text(json.dumps(_replace(_report(), ("results", 0, "step"), 10**40)), encoding="utf-8")
    code, _, err = cli("check", str(bad))
    assert code == 2 and "bad.json" in err
