"""The report's JSON form: writing it atomically, and reading it back as untrusted input.

Owns: schema version 1 (``schema/report-v1.schema.json``), conversion both ways, and every
check on a file that comes back from disk (size, JSON syntax, duplicate keys, the schema).
Any problem is one ``InputError`` line that starts with the file name.
"""

from __future__ import annotations

import json
import os
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from ..errors import InputError
from ..verdict import Result
from .model import Report

__all__ = [
    "MAX_REPORT_BYTES",
    "SCHEMA_VERSION",
    "atomic_write",
    "load_report",
    "report_to_json",
    "schema",
    "write_report",
]

SCHEMA_VERSION = 1
MAX_REPORT_BYTES = 64 * 1024 * 1024


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    text = resources.files("sockbehave.report").joinpath("schema/report-v1.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def report_to_json(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "sockbehave", "version": report.tool_version},
        "catalog_version": report.catalog_version,
        "created": report.created,
        "os": report.os,
        "backend": report.backend,
        "platform": dict(report.platform),
        "summary": report.summary,
        "results": [
            {
                "scenario": r.scenario,
                "step": r.step,
                "observed": r.observed,
                "expected": list(r.expected) if r.expected is not None else None,
                "evidence": r.evidence,
                "source": r.source,
                "verdict": r.verdict,
                "detail": dict(r.detail),
            }
            for r in report.results
        ],
    }


def write_report(report: Report, path: Path) -> None:
    """Write atomically: a reader sees the old file or the whole new one, never half of it."""
    atomic_write(path, json.dumps(report_to_json(report), indent=2, sort_keys=False, ensure_ascii=False) + "\n")


def atomic_write(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step (a temporary file beside it, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is an ordinary file
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _one_line(text: str, limit: int = 160) -> str:
    flat = " ".join(repr(text)[1:-1].split())
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


def load_report(path: Path) -> Report:
    """Read and validate a report file; ``InputError`` (one line, naming the file) on any problem."""
    try:
        size = path.stat().st_size
        if size > MAX_REPORT_BYTES:
            raise InputError(f"{path}: {size} bytes is larger than the {MAX_REPORT_BYTES} byte limit for a report")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply") from None
    except ValueError as exc:
        raise InputError(f"{path}: not valid JSON: {_one_line(str(exc))}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: a report is a JSON object, got {type(data).__name__}")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise InputError(
            f"{path}: unsupported schema_version {_one_line(repr(version), 40)} (this tool reads {SCHEMA_VERSION})"
        )
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema()).iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        raise InputError(
            f"{path}: does not match report schema v{SCHEMA_VERSION} at {_one_line(where, 80)}: {_one_line(error.message)}"
        )
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
    )
