"""Expected-behaviour tables: per scenario, per step, per OS, what the OS does and why we think so.

Owns: the table format, its validation, and the lookup of one cell. Tables are TOML files
named ``expected.toml`` beside the scenarios of a topic. Shape::

    ["tcp.send-empty".send]                  # scenario id, then step name
    linux   = { outcome = "0", evidence = "observed", source = "..." }
    windows = { outcome = "0", evidence = "documented", source = "https://learn.microsoft.com/..." }
    darwin  = { outcome = ["0", "timeout"], evidence = "inferred", source = "...", note = "..." }
    freebsd = { outcome = "unknown", evidence = "unknown" }

``outcome`` is one canonical outcome (``sockbehave.outcome``) or a list of acceptable ones.
``evidence`` is, strongest first:

* ``observed``: this suite ran there; ``source`` says where.
* ``tested``: an assertion in an upstream test suite that is run on that OS (Wine's
  ``dlls/ws2_32/tests/sock.c`` on Windows, FreeBSD's ``tests/sys/``, CPython's
  ``Lib/test/test_socket.py``, Go's ``src/net``, xnu's ``tests/``, libuv's ``test/``).
  ``source`` is ``OWNER/REPO@VERSION PATH:LINE (what the assertion checks)``, VERSION a
  release tag or a commit (7-40 hex digits), LINE a line or a range ``12-19``.
* ``documented``: a primary document: a URL (``https://...``), a man page reference
  (``FreeBSD 14.1 listen(2) section DESCRIPTION``), or a source file at a version
  (``OWNER/REPO@VERSION PATH`` or ``PATH:LINE``), each optionally followed by what it says.
* ``inferred``: ``source`` says what the outcome is inferred from (never "research notes").
* ``unknown``: nothing supports the cell yet; ``note`` says what would settle it.

Several sources are joined with ``; `` (a ``;`` inside parentheses does not split). Each
tested or documented source must have its form; a cell that breaks a rule is a one-line
``CatalogError`` naming the file, scenario, step and OS. ``sim_gap`` (optional) says why the
simulator knowingly disagrees with the cell. A simulated outcome is never evidence for a cell.

A step may also give cells for platform variants (``"linux+gvisor" = {...}``,
``"linux[net.core.somaxconn=4]" = {...}``: see ``sockbehave.platforms``); a variant without a
cell of its own is judged against its OS's cell (``cell_for``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import _cache
from .errors import CatalogError
from .platforms import base_os, is_variant

__all__ = [
    "EVIDENCE",
    "OSES",
    "Cell",
    "Table",
    "load_table",
    "parse_os_names",
    "source_problem",
    "split_sources",
]

#: The OS columns every table has, in display order.
OSES = ("linux", "darwin", "freebsd", "windows")
EVIDENCE = ("observed", "tested", "documented", "inferred", "unknown")
UNKNOWN = "unknown"
#: (EVIDENCE lists the levels strongest first.) Names that are branches, not versions:
_BRANCHES = {"main", "master", "head", "trunk", "develop", "devel", "current", "latest"}
#: OWNER/REPO@VERSION PATH: a file at a fixed version of a public repository.
_REPO_FILE = r"(?P<repo>[A-Za-z0-9][\w.-]*/[\w.-]+)@(?P<version>[\w][\w.+/-]*) (?P<path>[\w.+/-]+)"
_TESTED = re.compile(_REPO_FILE + r":(?P<line>[1-9]\d*(?:-[1-9]\d*)?) \((?P<what>[^()]*(?:\([^()]*\)[^()]*)*)\)")
_DOCUMENTED = (
    re.compile(r"https?://[^\s/]+\.[^\s/]+/\S*"),
    re.compile(r"[A-Za-z][\w-]* \d[\w.-]* [\w.-]+\([1-9][a-z]*\) section [A-Z][A-Z0-9 /-]*[A-Z0-9]"),
    re.compile(_REPO_FILE + r"(?::[1-9]\d*(?:-[1-9]\d*)?)?"),
)
_FOLLOWS = re.compile(r"$|[ :,]")  # what may come right after a reference: nothing, or the gloss
_NOT_A_SOURCE = re.compile(r"research\s+notes?", re.IGNORECASE)
_CELL_KEYS = {"outcome", "evidence", "source", "note", "sim_gap"}


@dataclass(frozen=True)
class Cell:
    """One OS's expectation for one step."""

    outcomes: tuple[str, ...]
    evidence: str
    source: str = ""
    note: str = ""
    #: Why the simulator knowingly disagrees with this cell. While set, a simulated run that
    #: disagrees is a "known-gap"; one that agrees fails, so a stale mark cannot hide.
    sim_gap: str = ""

    @property
    def is_unknown(self) -> bool:
        return self.evidence == UNKNOWN

    def accepts(self, observed: str) -> bool:
        return observed in self.outcomes

    def describe(self) -> str:
        shown = " | ".join(self.outcomes)
        return f"{shown} ({self.evidence}{': ' + self.source if self.source else ''})"


#: scenario id -> step name -> os -> cell
Table = Mapping[str, Mapping[str, Mapping[str, Cell]]]


def cell_for(cells: Mapping[str, Cell], column: str) -> Cell | None:
    """The cell that judges ``column`` (an OS or a variant): its own, else its OS's."""
    return cells.get(column) or cells.get(base_os(column))


def parse_os_names(text: str, *, allow_all: bool = False) -> list[str]:
    """``"linux,windows"`` -> ``["linux", "windows"]`` (``"all"``: every OS, where allowed);
    ``ValueError`` naming what is wrong."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    if allow_all and names == ["all"]:
        return list(OSES)
    unknown = [n for n in names if n not in OSES]
    if unknown or not names:
        choices = ", ".join(("all", *OSES) if allow_all else OSES)
        raise ValueError(f"unknown OS name {', '.join(unknown) or repr(text)} (choose from {choices})")
    return list(dict.fromkeys(names))


def split_sources(source: str) -> Iterator[str]:
    """The parts of a source joined with ``; ``; a ``;`` inside parentheses does not split."""
    if ";" not in source:  # the common case, and the loop below is per character
        yield source.strip()
        return
    depth, start = 0, 0
    for i, ch in enumerate(source):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == ";" and depth <= 0 and source[i + 1 : i + 2] in (" ", ""):
            yield source[start:i].strip()
            start = i + 1
    yield source[start:].strip()


def _version_problem(m: re.Match[str]) -> str:
    version = m.group("version")
    if version.lower() in _BRANCHES or not any(c.isdigit() for c in version):
        return f"version {version!r} of {m.group('repo')} is a branch, not a release tag or a commit"
    return ""


def source_problem(evidence: str, source: str) -> str:
    """Why ``source`` is not a valid source for ``evidence`` (empty if it is)."""
    if _NOT_A_SOURCE.search(source):
        return "cites research notes, which a reader cannot follow; cite the primary source or upstream test"
    for part in split_sources(source):
        if evidence == "tested":
            m = _TESTED.fullmatch(part)
            if m is None or not m.group("what").strip():
                return f"tested source {part!r} is not 'OWNER/REPO@VERSION PATH:LINE (what the assertion checks)'"
            if _version_problem(m):
                return _version_problem(m)
        elif evidence == "documented":
            m = next((m for rx in _DOCUMENTED if (m := rx.match(part)) and _FOLLOWS.match(part, m.end())), None)
            if m is None:
                return (
                    f"documented source {part!r} is not a URL, a man page reference ('FreeBSD 14.1 listen(2) "
                    "section DESCRIPTION') or a file at a version ('OWNER/REPO@VERSION PATH[:LINE]')"
                )
            if "version" in m.groupdict() and _version_problem(m):
                return _version_problem(m)
        elif not part:
            return "an empty source between '; '"
    return ""


def _cell(where: str, raw: object) -> Cell:
    if not isinstance(raw, dict):
        raise CatalogError(f"{where}: expected a table with outcome/evidence/source, got {type(raw).__name__}")
    extra = set(raw) - _CELL_KEYS
    if extra:
        raise CatalogError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
    outcome = raw.get("outcome")
    if isinstance(outcome, str):
        outcomes: tuple[str, ...] = (outcome,)
    elif isinstance(outcome, list) and outcome and all(isinstance(o, str) and o for o in outcome):
        outcomes = tuple(outcome)
    else:
        raise CatalogError(f"{where}: 'outcome' must be a string or a non-empty list of strings")
    evidence = raw.get("evidence")
    if evidence not in EVIDENCE:
        raise CatalogError(f"{where}: 'evidence' must be one of {', '.join(EVIDENCE)}, got {evidence!r}")
    source = raw.get("source", "")
    note = raw.get("note", "")
    sim_gap = raw.get("sim_gap", "")
    if not isinstance(source, str) or not isinstance(note, str) or not isinstance(sim_gap, str):
        raise CatalogError(f"{where}: 'source', 'note' and 'sim_gap' must be strings")
    if (UNKNOWN in outcomes) != (evidence == UNKNOWN):
        raise CatalogError(f"{where}: outcome 'unknown' goes with evidence 'unknown', and only with it")
    if evidence != UNKNOWN and not source.strip():
        raise CatalogError(f"{where}: evidence {evidence!r} needs a 'source' a reader can follow")
    if evidence == UNKNOWN and not note.strip():
        raise CatalogError(f"{where}: evidence 'unknown' needs a 'note' saying what would settle it")
    problem = source_problem(str(evidence), source.strip()) if source.strip() else ""
    if problem:
        raise CatalogError(f"{where}: {problem}")
    return Cell(outcomes, str(evidence), source.strip(), note.strip(), sim_gap.strip())


def load_table(path: Path, known_ids: Mapping[str, str] | None = None) -> dict[str, dict[str, dict[str, Cell]]]:
    """Load and validate one ``expected.toml``.

    ``known_ids`` maps the scenario ids defined beside the table to their source file; when
    given, the table may only describe those scenarios. A table that validated before, with
    the same bytes, ids and validating code, comes from ``_cache`` instead of being parsed again.
    """
    from ._toml import read_toml  # tomllib only on a cache miss: start-up time

    try:
        data = path.read_bytes()
    except OSError:
        data = None  # read_toml says what is wrong
    if data is None:
        return _validate(path, read_toml(path), known_ids)
    ids = "\0".join(sorted(known_ids)) if known_ids is not None else "\0*"
    name = "table-" + _cache.key([data, ids.encode(), *_validator_sources()])
    hit = _from_json(_cache.get(name))
    if hit is not None:
        return hit
    table = _validate(path, read_toml(path, data), known_ids)
    _cache.put(name, _to_json(table))
    return table


@functools.lru_cache(maxsize=1)
def _validator_sources() -> tuple[bytes, ...]:
    """The code that decides whether a table is valid and what its cells hold: a change to it
    misses every cached table."""
    here = Path(__file__).parent
    return tuple((here / name).read_bytes() for name in ("tables.py", "platforms.py", "_toml.py", "_cache.py"))


def _to_json(table: Mapping[str, Mapping[str, Mapping[str, Cell]]]) -> dict[str, Any]:
    return {
        sid: {
            step: {o: [list(c.outcomes), c.evidence, c.source, c.note, c.sim_gap] for o, c in cells.items()}
            for step, cells in steps.items()
        }
        for sid, steps in table.items()
    }


def _from_json(value: Any) -> dict[str, dict[str, dict[str, Cell]]] | None:
    """A cached table back, or ``None`` for anything that is not exactly what ``_to_json`` wrote."""
    if not isinstance(value, dict):
        return None
    table: dict[str, dict[str, dict[str, Cell]]] = {}
    try:
        for sid, steps in value.items():
            table[sid] = {}
            for step, cells in steps.items():
                row = table[sid][step] = {}
                for os_name, (outcomes, evidence, source, note, sim_gap) in cells.items():
                    fields = (evidence, source, note, sim_gap)
                    if (
                        not isinstance(outcomes, list)
                        or not outcomes
                        or not all(isinstance(x, str) for x in (*outcomes, *fields))
                    ):
                        return None
                    row[os_name] = Cell(tuple(outcomes), evidence, source, note, sim_gap)
    except (AttributeError, TypeError, ValueError):
        return None
    return table


def _validate(
    path: Path, raw: Mapping[str, Any], known_ids: Mapping[str, str] | None
) -> dict[str, dict[str, dict[str, Cell]]]:
    table: dict[str, dict[str, dict[str, Cell]]] = {}
    for scenario_id, steps in raw.items():
        where = f"{path}: {scenario_id}"
        if known_ids is not None and scenario_id not in known_ids:
            raise CatalogError(f"{where}: no scenario with this id in {path.parent}")
        if not isinstance(steps, dict) or not steps:
            raise CatalogError(f"{where}: expected one table per step")
        table[scenario_id] = {}
        for step, cells in steps.items():
            swhere = f"{where} step {step!r}"
            if not isinstance(cells, dict):
                raise CatalogError(f"{swhere}: expected one entry per OS")
            unknown_os = {c for c in cells if c not in OSES and not is_variant(c)}
            if unknown_os:
                raise CatalogError(
                    f"{swhere}: unknown OS name(s) {', '.join(sorted(unknown_os))} (know {', '.join(OSES)})"
                )
            missing = [o for o in OSES if o not in cells]
            if missing:
                raise CatalogError(
                    f"{swhere}: missing OS {', '.join(missing)} (write evidence = 'unknown' if nothing supports it)"
                )
            order = [*OSES, *sorted(c for c in cells if c not in OSES)]
            table[scenario_id][step] = {o: _cell(f"{swhere} os {o!r}", cells[o]) for o in order}
    return table
