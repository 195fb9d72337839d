"""A user's own catalog next to the built-in one (issue 9, section 3): ``--catalog`` adds,
``--no-builtin`` leaves the built-in scenarios out, topics of one's own, either position."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest

from sockbehave.catalog import load_catalog

CLI = Callable[..., tuple[int, str, str]]  # the ``cli`` fixture (tests/conftest.py)


def _ids(out: str) -> list[str]:
    return [row["id"] for row in json.loads(out)]


def test_catalog_adds_to_the_builtin_one_before_or_after_the_command(cli: CLI, make_catalog) -> None:  # type: ignore[no-untyped-def]
    builtin = len(load_catalog().scenarios)
    root = str(make_catalog())
    for argv in (["--catalog", root, "list", "--json"], ["list", "--json", "--catalog", root]):
        code, out, err = cli(*argv)
        assert code == 0, err
        ids = _ids(out)
        assert len(ids) == builtin + 1
        assert "tcp.tiny-send" in ids and "tcp.send-empty" in ids


def test_no_builtin_runs_only_ones_own(cli: CLI, make_catalog) -> None:  # type: ignore[no-untyped-def]
    root = str(make_catalog())
    for argv in (
        ["--no-builtin", "--catalog", root, "list", "--json"],
        ["list", "--json", "--catalog", root, "--no-builtin"],
    ):
        code, out, _ = cli(*argv)
        assert code == 0 and _ids(out) == ["tcp.tiny-send"]
    code, _, err = cli("--no-builtin", "list")
    assert code == 2 and err == "sockbehave: error: --no-builtin: name your catalog with --catalog DIR\n"


def test_two_catalogs_given_before_and_after_the_command_are_both_used(cli: CLI, make_catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = make_catalog()
    second = tmp_path / "second"
    (second / "other").mkdir(parents=True)
    module = (first / "partial-io" / "tiny.py").read_text(encoding="utf-8").replace("tcp.tiny-send", "tcp.other-send")
    (second / "other" / "tiny.py").write_text(module, encoding="utf-8")
    table = (
        (first / "partial-io" / "expected.toml").read_text(encoding="utf-8").replace("tcp.tiny-send", "tcp.other-send")
    )
    (second / "other" / "expected.toml").write_text(table, encoding="utf-8")
    code, out, err = cli("--catalog", str(first), "--no-builtin", "list", "--json", "--catalog", str(second))
    assert code == 0, err
    assert _ids(out) == ["tcp.tiny-send", "tcp.other-send"]  # built-in topics first, then users' by name


def test_a_user_catalog_may_have_topics_of_its_own(cli: CLI, make_catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_catalog(topic="my-protocol")
    code, out, err = cli("--catalog", str(root), "list", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows[-1] == {**rows[-1], "id": "tcp.tiny-send", "topic": "my-protocol"}  # after the built-in topics
    code, out, err = cli(
        "--catalog", str(root), "run", "--backend", "sim", "--scenario", "my-protocol", "--out", str(tmp_path / "o")
    )
    assert code == 0, out + err
    assert "linux/sim: 1 scenarios" in out


def test_the_builtin_catalog_keeps_its_six_topics(make_catalog) -> None:  # type: ignore[no-untyped-def]
    from sockbehave.errors import CatalogError

    root = make_catalog(topic="my-protocol")
    with pytest.raises(CatalogError, match="unknown topic folder"):
        load_catalog(root)  # read with the built-in rules
    bad = make_catalog(topic="Bad Topic")
    with pytest.raises(CatalogError, match="named like 'my-topic'"):
        load_catalog(extra=[bad], builtin=False)


def test_a_user_scenario_may_not_reuse_a_builtin_id(cli: CLI, make_catalog) -> None:  # type: ignore[no-untyped-def]
    root = make_catalog()
    module = root / "partial-io" / "tiny.py"
    module.write_text(module.read_text(encoding="utf-8").replace("tcp.tiny-send", "tcp.send-empty"), encoding="utf-8")
    code, _, err = cli("--catalog", str(root), "list")
    assert code == 2
    assert err.startswith(f"sockbehave: error: {module}: scenario id tcp.send-empty is defined twice (also in ")
    assert err.count("\n") == 1


def test_the_plugin_adds_a_users_catalog(pytester: pytest.Pytester, make_catalog) -> None:  # type: ignore[no-untyped-def]
    root = make_catalog(topic="my-protocol")
    result = pytester.runpytest(
        "--sockbehave",
        "--sockbehave-catalog",
        str(root),
        "-m",
        "my_protocol",
        "-p",
        "no:cacheprovider",
        "--strict-markers",
    )
    result.assert_outcomes(passed=1)
    result = pytester.runpytest(
        "--sockbehave", "--sockbehave-catalog", str(root), "--co", "-q", "-p", "no:cacheprovider"
    )
    assert (
        sum(1 for line in result.stdout.lines if line.startswith("sockbehave::"))
        == len(load_catalog().select(None)) + 1  # the plugin leaves slow scenarios out
    )


RAW = '''
import socket

from sockbehave.scenario import scenario


def library_connect(port):
    """Library code that knows nothing of sockbehave: it uses the socket module directly."""
    s = socket.socket()
    s.settimeout(10)
    try:
        s.connect(("127.0.0.1", port))
    finally:
        s.close()


@scenario(id="lib.raw-socket-refused", title="t", claim="c")
def raw(net, step):
    """A scenario whose library code makes its own sockets."""
    closed = net.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    step("connect", library_connect, port)
'''


def test_library_code_a_simulated_scenario_calls_runs_on_the_simulated_stack(
    cli: CLI, make_catalog, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    cell = 'outcome = "ConnectionRefusedError(ECONNREFUSED){}", evidence = "inferred", source = "inferred from a test fixture"'
    table = '["lib.raw-socket-refused".connect]\n' + "\n".join(
        f"{o} = {{ {cell.format('')} }}" for o in ("linux", "darwin", "freebsd", "windows")
    )
    root = make_catalog(table_text=table + "\n", scenario_text=RAW, topic="lib")
    code, out, err = cli(
        "--catalog",
        str(root),
        "--no-builtin",
        "run",
        "--backend",
        "sim",
        "--os",
        "linux,windows",
        "--out",
        str(tmp_path / "o"),
    )
    assert code == 0, out + err
    assert "linux/sim: 1 scenarios, 1 steps: 1 match" in out, out + err
    # windows: the refusal comes from the simulated Winsock, with its retries (not the real Linux stack)
    data = json.loads((tmp_path / "o" / "windows-sim.json").read_text(encoding="utf-8"))
    [result] = data["results"]
    assert result["detail"].get("errno") == 10061, result
