"""The report's JSON form: writing it atomically, and reading it back as untrusted input.

Owns: schema version 2 (``schema/report-v2.schema.json``: version 1 plus the platform
variant) and reading version 1 (whose variant is its os), conversion both ways, and every
check on a file that comes back from disk (size, JSON syntax, duplicate keys, the schema).
Any problem is one ``InputError`` line that starts with the file name.
"""

from __future__ import annotations

import json
import os
import stat
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..display import path_text, printable
from ..errors import InputError
from ..files import atomic_write
from ..platforms import base_os
from ..verdict import Result
from .model import Report

__all__ = [
    "MAX_REPORT_BYTES",
    "MAX_RESULTS",
    "MAX_SCENARIOS",
    "SCHEMA_VERSION",
    "NotAReportError",
    "load_report",
    "read_bounded",
    "report_to_json",
    "result_to_json",
    "schema",
    "write_report",
]

SCHEMA_VERSION = 2
#: The versions this tool reads (a version 1 report has no variant: it is its os).
READS = (1, 2)
#: What an untrusted report may cost: a real one is about 100 KB with ~100 results.
MAX_REPORT_BYTES = 16 * 1024 * 1024
MAX_RESULTS = 20_000
MAX_SCENARIOS = 2_000


@cache
def schema(version: int = SCHEMA_VERSION) -> dict[str, Any]:
    path = f"schema/report-v{version}.schema.json"
    text = resources.files("sockbehave.report").joinpath(path).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def result_to_json(r: Result) -> dict[str, Any]:
    """One result row as the schema has it."""
    return {
        "scenario": r.scenario,
        "step": r.step,
        "observed": r.observed,
        "expected": list(r.expected) if r.expected is not None else None,
        "evidence": r.evidence,
        "source": r.source,
        "verdict": r.verdict,
        "detail": dict(r.detail),
    }


def report_to_json(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "sockbehave", "version": report.tool_version},
        "catalog_version": report.catalog_version,
        "created": report.created,
        "os": report.os,
        "variant": report.column,
        "backend": report.backend,
        "platform": dict(report.platform),
        "summary": report.summary,
        "results": [result_to_json(r) for r in report.results],
    }


def write_report(report: Report, path: Path) -> None:
    """Write atomically: a reader sees the old file or the whole new one, never half of it."""
    atomic_write(path, json.dumps(report_to_json(report), indent=2, sort_keys=False, ensure_ascii=False) + "\n")


def _one_line(text: str, limit: int = 160) -> str:
    flat = " ".join(printable(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class NotAReportError(InputError):
    """Valid JSON, but not a run report at all (``matrix.json`` beside the reports, say): a
    command given a directory or a glob skips such files with a note."""


def read_bounded(path: Path, limit: int, what: str) -> bytes:
    """Read a regular file of at most ``limit`` bytes: whatever ``path`` turns out to be (a
    FIFO, ``/dev/zero``, a directory, a file growing under us), never more than ``limit`` + 1
    bytes are read and nothing blocks. ``InputError`` naming the file otherwise."""
    name = path_text(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"{name}: not a regular file; a {what} is a file")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size > limit:
        raise InputError(f"{name}: larger than the {limit} byte limit for a {what}")
    return b"".join(chunks)


def _bad_string(value: Any) -> bool:
    """True if any string in ``value`` cannot be encoded as UTF-8 (a lone surrogate)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_bad_string(k) or _bad_string(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_bad_string(v) for v in value)
    return False


def _check_bounds(data: dict[str, Any], name: str) -> None:
    """Cheap checks before schema validation, so a huge hostile report costs little."""
    results = data.get("results")
    if not isinstance(results, list):
        return  # the schema says what is wrong
    if len(results) > MAX_RESULTS:
        raise InputError(f"{name}: {len(results)} results is more than the {MAX_RESULTS} a report may hold")
    ids = {r.get("scenario") for r in results if isinstance(r, dict) and isinstance(r.get("scenario"), str)}
    if len(ids) > MAX_SCENARIOS:
        raise InputError(f"{name}: {len(ids)} distinct scenarios is more than the {MAX_SCENARIOS} a report may name")


def load_report(path: Path) -> Report:
    """Read and validate a report file; ``InputError`` (one line, naming the file) on any problem."""
    name = path_text(path)
    raw = read_bounded(path, MAX_REPORT_BYTES, "report")
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise InputError(f"{name}: not UTF-8 text") from None
    except RecursionError:
        raise InputError(f"{name}: JSON nested too deeply") from None
    except ValueError as exc:
        raise InputError(f"{name}: not valid JSON: {_one_line(str(exc))}") from None
    if not isinstance(data, dict):
        raise InputError(f"{name}: a report is a JSON object, got {type(data).__name__}")
    if "schema_version" not in data:
        raise NotAReportError(f"{name}: not a run report (a JSON object with no schema_version)")
    version = data.get("schema_version")
    if version not in READS or isinstance(version, bool):
        raise InputError(
            f"{name}: unsupported schema_version {_one_line(repr(version), 40)} "
            f"(this tool reads {' and '.join(map(str, READS))})"
        )
    _check_bounds(data, name)
    import jsonschema  # here, not at the top: commands that read no report start faster

    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema(version)).iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        raise InputError(
            f"{name}: does not match report schema v{version} at {_one_line(where, 80)}: {_one_line(error.message)}"
        )
    variant = str(data.get("variant", data["os"]))
    if base_os(variant) != data["os"]:
        raise InputError(f"{name}: variant {_one_line(variant, 80)} is not a variant of os {data['os']}")
    if _bad_string(data):
        raise InputError(f"{name}: a string holds a lone surrogate (\\ud800-\\udfff), which is not text")
    seen: set[tuple[str, str]] = set()
    for i, r in enumerate(data["results"]):
        key = (r["scenario"], r["step"])
        if key in seen:
            raise InputError(
                f"{name}: results/{i} repeats scenario {_one_line(key[0], 80)} step {_one_line(key[1], 80)}; "
                "a report holds each step once"
            )
        seen.add(key)
    results = tuple(
        Result(
            r["scenario"],
            r["step"],
            r["observed"],
            tuple(r["expected"]) if r["expected"] is not None else None,
            r["evidence"],
            r["source"],
            r["verdict"],
            r["detail"],
        )
        for r in data["results"]
    )
    return Report(
        data["tool"]["version"],
        data["catalog_version"],
        data["created"],
        data["os"],
        data["backend"],
        data["platform"],
        results,
        variant,
    )
