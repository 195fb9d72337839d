"""The tutorials' claims and what the catalog says about each: true, false, partly, or unknown.

Owns: ``claims.toml`` (beside the topic folders: every claim the four tutorials in
``../shared/seeds/`` make about socket behaviour, paraphrased in English and Chinese), its
validation against the catalog, and the verdict of each claim per OS and per platform variant.
Rendering is ``sockbehave.report.claims_doc``'s.

A claim is one TOML table::

    ["recv-empty-after-peer-disconnects"]
    en = "..."                      # our words, never the tutorial's
    zh = "..."
    seen_in = [{ seed = "000_e9471c8571714a48.txt", where = "a heading or a description" }]
    about = ["linux", "darwin"]     # optional: the OSes or variants it speaks of (default: all OSes)
    combine = "all"                 # or "any": how the conditions combine
    holds = [{ scenario = "tcp.orderly-close-reads-empty", step = "recv", outcome = "b''" }]
    pending = ["tcp.not-written-yet"]   # scenarios being added (an error once they exist)
    note = "..."                    # required when nothing tests the claim yet
    note_zh = "..."                 # the note in Chinese; required with a note

A condition's ``outcome`` is a string or a list (any of them); ``*`` matches any run of
characters, everything else literally. ``negate = true``: the condition holds where the
outcome is *not* one of those. ``may = true``: it holds where the outcome can happen (a cell
that lists it among others); otherwise such a cell makes the condition hold only sometimes.

Where a condition's evidence comes from: for an OS, the catalog's cell with its evidence level
(a simulated outcome is never evidence); for a variant (``linux+gvisor``), the real reports
of that variant (``observed``), else a cell the table gives that variant, else nothing.
A variant is judged on a claim only when its reports ran one of the claim's scenarios, or
the claim names it in ``about``.

One condition, on one column, is ``true``, ``false``, ``partly`` (the cell lists outcomes that
do and do not satisfy it) or ``unknown``. A claim's verdict per column, with ``all``:

* ``true``: every condition holds;
* ``false``: at least one fails and none holds, even partly;
* ``partly`` (true only in part): some hold, at least partly, and some do not;
* ``unknown``: nothing fails, but not every condition is known to hold.

With ``any``: ``true`` if one holds, ``false`` if all fail, ``partly`` if the best holds only
partly, else ``unknown``. A verdict rests on an evidence level: the weakest link of the
strongest argument for it. An ``unknown`` cell never makes a claim true or false.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Optional

from ._toml import read_toml
from .catalog import Catalog, default_root
from .display import path_text, printable
from .errors import CatalogError
from .evidence import STRENGTH
from .platforms import base_os, is_variant
from .report.model import Report
from .tables import OSES, UNKNOWN

__all__ = [
    "CLAIMS_FILE",
    "VERDICTS",
    "Claim",
    "ClaimVerdict",
    "Condition",
    "Judged",
    "Where",
    "judge_claim",
    "judge_claims",
    "load_claims",
    "observations",
    "variant_columns",
]

CLAIMS_FILE = "claims.toml"
VERDICTS = ("true", "false", "partly", "unknown")
_KEYS = {"en", "zh", "seen_in", "about", "combine", "holds", "pending", "note", "note_zh"}
_CONDITION_KEYS = {"scenario", "step", "outcome", "negate", "may"}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,79}$")
_SEED = re.compile(r"^[0-9]{3}_[0-9a-f]{16}\.txt$")
_SCENARIO_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,119}$")


@dataclass(frozen=True)
class Where:
    """Where a tutorial makes the claim: the seed file and a locator (never a quotation)."""

    seed: str
    where: str


@dataclass(frozen=True)
class Condition:
    scenario: str
    step: str
    outcomes: tuple[str, ...]
    negate: bool = False
    may: bool = False

    def matches(self, outcome: str) -> bool:
        hit = any(_pattern(p).fullmatch(outcome) for p in self.outcomes)
        return hit != self.negate


@dataclass(frozen=True)
class Claim:
    id: str
    en: str
    zh: str
    seen_in: tuple[Where, ...]
    holds: tuple[Condition, ...]
    about: tuple[str, ...] = ()
    combine: str = "all"
    pending: tuple[str, ...] = ()
    note: str = ""
    note_zh: str = ""

    @property
    def scenarios(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.scenario for c in self.holds))

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def note_text(self, lang: str) -> str:
        return self.note_zh if lang == "zh" else self.note

    def columns(self, variants: Sequence[str]) -> tuple[str, ...]:
        """The OSes and variants this claim is judged on: those it names, else every OS; with
        the variants (from reports) of each OS it is about, after that OS."""
        named = self.about or OSES
        oses = [c for c in named if not is_variant(c)]
        out: list[str] = []
        for os_name in OSES:
            if os_name in oses:
                out.append(os_name)
            out += [v for v in variants if base_os(v) == os_name and os_name in oses and v not in out]
            out += [v for v in named if is_variant(v) and base_os(v) == os_name and v not in out]
        return tuple(out)


@dataclass(frozen=True)
class Judged:
    """One condition on one column: its value, the evidence, and what was seen."""

    condition: Condition
    value: str  # true | false | partly | unknown
    evidence: str
    outcomes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClaimVerdict:
    column: str
    verdict: str
    evidence: str
    parts: tuple[Judged, ...] = field(default_factory=tuple)


@cache
def _pattern(text: str) -> re.Pattern[str]:
    """An outcome pattern: ``*`` matches any run of characters, everything else itself."""
    return re.compile(".*".join(re.escape(p) for p in text.split("*")), re.DOTALL)


def _str(where: str, raw: Mapping[str, Any], key: str, *, required: bool = True) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise CatalogError(f"{where}: {key!r} must be a non-empty string")
    return value.strip()


def _str_list(where: str, raw: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CatalogError(f"{where}: {key!r} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _table(where: str, raw: object, keys: set[str], shape: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise CatalogError(f"{where}: {shape}")
    extra = set(raw) - keys
    if extra:
        raise CatalogError(f"{where}: unknown key(s) {printable(', '.join(sorted(map(str, extra))))}")
    return raw


def _condition(where: str, raw: object, catalog: Catalog) -> Condition:
    raw = _table(where, raw, _CONDITION_KEYS, "a condition is a table { scenario, step, outcome }")
    scenario = _str(where, raw, "scenario")
    step = _str(where, raw, "step")
    if scenario not in catalog.by_id:
        raise CatalogError(f"{where}: no scenario {scenario!r} in the catalog (one being added goes in 'pending')")
    if step not in catalog.steps(scenario):
        known = ", ".join(catalog.steps(scenario))
        raise CatalogError(f"{where}: scenario {scenario} has no step {step!r} (its steps: {known})")
    outcome = raw.get("outcome")
    outcomes = (outcome,) if isinstance(outcome, str) else tuple(outcome) if isinstance(outcome, list) else ()
    if not outcomes or not all(isinstance(o, str) and o for o in outcomes):
        raise CatalogError(f"{where}: 'outcome' must be a string or a non-empty list of strings")
    flags = {k: raw.get(k, False) for k in ("negate", "may")}
    if not all(isinstance(v, bool) for v in flags.values()):
        raise CatalogError(f"{where}: 'negate' and 'may' must be true or false")
    return Condition(scenario, step, outcomes, flags["negate"], flags["may"])


def _claim(path: Path, claim_id: str, raw: object, catalog: Catalog) -> Claim:
    where = f"{path_text(path)}: claim {printable(claim_id)}"
    if not _ID.match(claim_id):
        raise CatalogError(f"{where}: an id is 3-80 lowercase letters, digits and dashes")
    raw = _table(where, raw, _KEYS, "expected a table")
    seen = raw.get("seen_in")
    if not isinstance(seen, list) or not seen:
        raise CatalogError(f"{where}: 'seen_in' must list where the tutorials make it: [{{ seed, where }}]")
    places = []
    for item in seen:
        if not isinstance(item, dict) or set(item) != {"seed", "where"}:
            raise CatalogError(f"{where}: each 'seen_in' entry is {{ seed = FILE, where = LOCATOR }}")
        seed, locator = _str(where, item, "seed"), _str(where, item, "where")
        if not _SEED.match(seed):
            raise CatalogError(f"{where}: seed {printable(repr(seed))} is not a seed file name like 000_<16 hex>.txt")
        places.append(Where(seed, locator))
    about = _str_list(where, raw, "about")
    bad = [a for a in about if a not in OSES and not is_variant(a)]
    if bad:
        raise CatalogError(f"{where}: 'about' names {printable(', '.join(bad))}, neither an OS nor a variant")
    combine = raw.get("combine", "all")
    if combine not in ("all", "any"):
        raise CatalogError(f"{where}: 'combine' must be 'all' or 'any'")
    holds = raw.get("holds")
    if not isinstance(holds, list):
        raise CatalogError(f"{where}: 'holds' must be a list of conditions (empty if nothing tests it yet)")
    conditions = tuple(_condition(f"{where} holds[{i}]", c, catalog) for i, c in enumerate(holds))
    pending = _str_list(where, raw, "pending")
    bad = [p for p in pending if not _SCENARIO_ID.match(p)]
    if bad:
        raise CatalogError(f"{where}: 'pending' names {printable(', '.join(bad))}, not a scenario id")
    landed = [p for p in pending if p in catalog.by_id]
    if landed:  # a pending entry must not outlive the scenario's arrival unnoticed
        raise CatalogError(
            f"{where}: pending scenario {', '.join(landed)} is in the catalog now; name its steps in 'holds'"
        )
    note = _str(where, raw, "note", required=False)
    note_zh = _str(where, raw, "note_zh", required=False)
    if not conditions and not note:
        raise CatalogError(f"{where}: nothing tests it yet, so 'note' must say what would")
    if bool(note) != bool(note_zh):
        raise CatalogError(f"{where}: 'note' and 'note_zh' (the same in Chinese) go together")
    return Claim(
        claim_id,
        _str(where, raw, "en"),
        _str(where, raw, "zh"),
        tuple(places),
        conditions,
        about,
        str(combine),
        pending,
        note,
        note_zh,
    )


def load_claims(catalog: Catalog, path: Optional[Path] = None) -> list[Claim]:
    """Load and validate ``claims.toml`` (default: beside the built-in catalog's topics);
    ``CatalogError`` naming the file and the claim on any problem."""
    path = path or default_root() / CLAIMS_FILE
    raw = read_toml(path)
    if not raw:
        raise CatalogError(f"{path_text(path)}: holds no claims")
    return [_claim(path, cid, body, catalog) for cid, body in raw.items()]


#: (variant column, scenario, step) -> the outcomes real reports of that variant observed
Observed = Mapping[tuple[str, str, str], tuple[str, ...]]


def observations(reports: Sequence[tuple[str, Report]]) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """What the real reports of platform variants observed (OS reports are left to the tables)."""
    seen: dict[tuple[str, str, str], dict[str, None]] = {}
    for _, rep in reports:
        if rep.backend != "real" or not is_variant(rep.column):
            continue
        for r in rep.results:
            seen.setdefault((rep.column, r.scenario, r.step), {})[r.observed] = None
    return {k: tuple(v) for k, v in seen.items()}


def variant_columns(reports: Sequence[tuple[str, Report]]) -> list[str]:
    return sorted({rep.column for _, rep in reports if rep.backend == "real" and is_variant(rep.column)})


def _judge_condition(cond: Condition, column: str, catalog: Catalog, observed: Observed) -> Judged:
    cells = catalog.steps(cond.scenario).get(cond.step, {})
    seen = observed.get((column, cond.scenario, cond.step))
    if seen:
        outcomes, evidence = seen, "observed"
    else:
        cell = cells.get(column)  # a variant's own cell only: its OS's cell is not about it
        if cell is None or cell.is_unknown:
            return Judged(cond, UNKNOWN, UNKNOWN)
        outcomes, evidence = cell.outcomes, cell.evidence
    hits = [cond.matches(o) for o in outcomes]
    if all(hits):
        value = "true"
    elif not any(hits):
        value = "false"
    else:
        value = "true" if cond.may else "partly"
    return Judged(cond, value, evidence, tuple(outcomes))


def _weakest(parts: Sequence[Judged]) -> str:
    return min((p.evidence for p in parts), key=STRENGTH.__getitem__)


def _strongest(parts: Sequence[Judged]) -> str:
    return max((p.evidence for p in parts), key=STRENGTH.__getitem__)


def _combine(parts: Sequence[Judged], combine: str) -> tuple[str, str]:
    by = {v: [p for p in parts if p.value == v] for v in VERDICTS}
    if combine == "any":
        if by["true"]:
            return "true", _strongest(by["true"])
        if len(by["false"]) == len(parts):
            return "false", _weakest(parts)
        if by["partly"]:
            return "partly", _strongest(by["partly"])
        return UNKNOWN, UNKNOWN
    holding, failing = by["true"] + by["partly"], by["false"] + by["partly"]
    if len(by["true"]) == len(parts):
        return "true", _weakest(parts)
    if failing and not holding:
        return "false", _strongest(failing)
    if failing and holding:
        # the strongest part that holds and the strongest that fails: the weaker of the two
        pair = [max(holding, key=lambda p: STRENGTH[p.evidence]), max(failing, key=lambda p: STRENGTH[p.evidence])]
        return "partly", _weakest(pair)
    return UNKNOWN, UNKNOWN


def judge_claim(claim: Claim, column: str, catalog: Catalog, observed: Observed) -> ClaimVerdict:
    """The verdict of ``claim`` on one OS or variant column."""
    parts = tuple(_judge_condition(c, column, catalog, observed) for c in claim.holds)
    if not parts:
        return ClaimVerdict(column, UNKNOWN, UNKNOWN)
    verdict, evidence = _combine(parts, claim.combine)
    return ClaimVerdict(column, verdict, evidence, parts)


def judge_claims(
    claims: Sequence[Claim], catalog: Catalog, reports: Sequence[tuple[str, Report]] = ()
) -> list[tuple[Claim, list[ClaimVerdict]]]:
    """Every claim with its verdict on each column it is about: its OSes, and the variants whose
    ``reports`` ran at least one of its scenarios (a variant run on other topics says nothing)."""
    observed = observations(reports)
    ran = {(column, scenario) for column, scenario, _ in observed}
    variants = variant_columns(reports)
    judged = []
    for c in claims:
        relevant = [v for v in variants if any((v, s) in ran for s in c.scenarios)]
        judged.append((c, [judge_claim(c, col, catalog, observed) for col in c.columns(relevant)]))
    return judged
