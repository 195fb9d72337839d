"""Report JSON: round trip, atomic writes, and one-line rejection of malformed or hostile files."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from sockbehave.errors import InputError
from sockbehave.report import build_report, load_report, report_to_json, write_report
from sockbehave.verdict import Result


def _report() -> Any:
    results = [Result("tcp.x", "send", "0", ("0",), "observed", "here", "match", {"elapsed_s": 0.0})]
    return build_report(
        results,
        catalog_version="0123456789abcdef",
        os_name="linux",
        backend="real",
        platform={
            "os": "linux",
            "system": "Linux",
            "release": "6",
            "machine": "x86_64",
            "python": "3.11.7",
            "sysctls": {"net.core.somaxconn": "4096"},
        },
    )


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    write_report(_report(), path)
    back = load_report(path)
    assert back.results == _report().results
    assert back.platform["sysctls"] == {"net.core.somaxconn": "4096"}


def test_write_replaces_atomically_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.json"
    path.write_text("old", encoding="utf-8")

    def fail(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_report(_report(), path)
    assert path.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [path]


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "hostile.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def _valid() -> dict[str, Any]:
    return report_to_json(_report())


def _with(**changes: Any) -> dict[str, Any]:
    data = _valid()
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "not valid JSON"),
        ("{", "not valid JSON"),
        ("[1, 2]", "a report is a JSON object"),
        ('{"schema_version": 3}', "unsupported schema_version 3"),
        ('{"schema_version": 1, "schema_version": 1}', "duplicate key"),
        ('{"schema_version": NaN}', "not valid JSON"),
        ("[" * 100000 + "]" * 100000, "nested too deeply"),
        (_with(os="plan9"), "at os"),
        (_with(results=[{"scenario": "x"}]), "at results/0"),
        (_with(extra="field"), "Additional properties"),
        (_with(results=[dict(_valid()["results"][0], verdict="pass")]), "at results/0/verdict"),
        (_with(results=[dict(_valid()["results"][0], observed="x" * 5000)]), "at results/0/observed"),
    ],
)
def test_malformed_reports_get_one_line_naming_the_file(tmp_path: Path, content: object, message: str) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(InputError) as info:
        load_report(path)
    text = str(info.value)
    assert text.startswith(str(path))
    assert message in text
    assert "\n" not in text
    assert len(text) < 400 + len(str(path))


def test_binary_garbage_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bin.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match="not UTF-8"):
        load_report(path)


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_report(tmp_path / "nope.json")


def test_control_characters_in_values_never_reach_the_message(tmp_path: Path) -> None:
    path = _write(tmp_path, _with(os="\x1b[31mlinux\nFAKE"))
    with pytest.raises(InputError) as info:
        load_report(path)
    assert "\x1b" not in str(info.value)
    assert "\n" not in str(info.value)
