"""Expected-behaviour tables: per scenario, per step, per OS, what the OS does and why we think so.

Owns: the table format, its validation, and the lookup of one cell. Tables are TOML files
named ``expected.toml`` beside the scenarios of a topic. Shape::

    ["tcp.send-empty".send]                  # scenario id, then step name
    linux   = { outcome = "0", evidence = "observed", source = "..." }
    windows = { outcome = "0", evidence = "documented", source = "https://learn.microsoft.com/..." }
    darwin  = { outcome = ["0", "timeout"], evidence = "inferred", source = "...", note = "..." }
    freebsd = { outcome = "unknown", evidence = "unknown" }

``outcome`` is one canonical outcome (``sockbehave.outcome``) or a list of acceptable ones.
``evidence`` is ``observed`` (this suite ran there; ``source`` says where), ``documented``
(``source`` is a primary document), ``inferred`` (``source`` says from what), or ``unknown``.
``sim_gap`` (optional) says why the simulator knowingly disagrees with the cell. A simulated
outcome is never evidence for a cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._toml import toml
from .errors import CatalogError

__all__ = ["EVIDENCE", "OSES", "Cell", "Table", "load_table"]

#: The OS columns every table has, in display order.
OSES = ("linux", "darwin", "freebsd", "windows")
EVIDENCE = ("observed", "tested", "documented", "inferred", "unknown")
UNKNOWN = "unknown"
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
    return Cell(outcomes, str(evidence), source.strip(), note.strip(), sim_gap.strip())


def load_table(path: Path, known_ids: Mapping[str, str] | None = None) -> dict[str, dict[str, dict[str, Cell]]]:
    """Load and validate one ``expected.toml``.

    ``known_ids`` maps the scenario ids defined beside the table to their source file; when
    given, the table may only describe those scenarios.
    """
    try:
        raw: dict[str, Any] = toml.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path}: cannot read: {exc}") from None
    except toml.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: not valid TOML: {exc}") from None
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
            unknown_os = set(cells) - set(OSES)
            if unknown_os:
                raise CatalogError(
                    f"{swhere}: unknown OS name(s) {', '.join(sorted(unknown_os))} (know {', '.join(OSES)})"
                )
            missing = [o for o in OSES if o not in cells]
            if missing:
                raise CatalogError(
                    f"{swhere}: missing OS {', '.join(missing)} (write evidence = 'unknown' if nothing supports it)"
                )
            table[scenario_id][step] = {o: _cell(f"{swhere} os {o!r}", cells[o]) for o in OSES}
    return table
