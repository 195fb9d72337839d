"""Discovering and validating the catalog: scenario modules and their tables, topic by topic.

Owns: where the catalog lives (inside the installed package, or ``scenarios/`` in a checkout,
or a directory the user names), loading scenario modules by path, the fixed topic names,
cross-checking scenarios against tables, and the catalog version (a hash of its files).
"""

from __future__ import annotations

import fnmatch
import hashlib
import importlib.util
import re
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .display import path_text, printable
from .errors import CatalogError, SockbehaveError
from .interrupt import stop_thread
from .scenario import Scenario, scenario_of
from .tables import Cell, load_table

__all__ = ["TOPICS", "Catalog", "default_root", "load_catalog"]

#: The topic folders. Fixed: tools and reports read these names.
TOPICS = (
    "empty-send",
    "peer-disconnect",
    "udp-oversize",
    "reuseaddr-restart",
    "backlog",
    "partial-io",
    "cross-thread",
    "tutorial-claims",
    "stack-limits",
)
TABLE_FILE = "expected.toml"
#: What a topic folder of a user's catalog may be called.
_TOPIC = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: How long importing one scenario module may take (a real one takes milliseconds).
IMPORT_DEADLINE_S = 10.0


def default_root() -> Path:
    """The installed catalog (wheel), else the checkout's ``scenarios/`` (editable install)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_catalog", here.parent / "scenarios"):
        if candidate.is_dir():
            return candidate
    raise CatalogError(f"{here}: no catalog found (neither _catalog/ in the package nor scenarios/ beside it)")


@dataclass(frozen=True)
class Catalog:
    root: Path
    scenarios: tuple[Scenario, ...]
    table: Mapping[str, Mapping[str, Mapping[str, Cell]]]
    version: str
    by_id: Mapping[str, Scenario] = field(default_factory=dict)

    def select(self, patterns: Iterable[str] | None, *, slow: bool = False) -> list[Scenario]:
        """Scenarios whose id or topic matches any glob pattern (all of them for none).

        A slow scenario is chosen only with ``slow=True`` or when a pattern is its exact id."""
        pats = [p for p in (patterns or []) if p]
        return [
            s
            for s in self.scenarios
            if (not pats or any(fnmatch.fnmatchcase(s.id, p) or s.topic == p for p in pats))
            and (slow or not s.slow or s.id in pats)
        ]

    def steps(self, scenario_id: str) -> Mapping[str, Mapping[str, Cell]]:
        return self.table.get(scenario_id, {})


def _exec_bounded(path: Path, run: Callable[[], None], deadline: float) -> None:
    """Run a module's top level in a thread bounded by ``deadline`` seconds. Whatever it does
    (raise, ``sys.exit``, loop for ever) becomes one ``CatalogError`` naming the file."""
    failure: list[BaseException] = []

    def body() -> None:
        try:
            run()
        except BaseException as exc:  # SystemExit too: a catalog module must not end the program
            failure.append(exc)

    worker = threading.Thread(target=body, name=f"sockbehave-import-{path.stem}", daemon=True)
    worker.start()
    worker.join(deadline)
    if worker.is_alive():
        stopped = stop_thread(worker)
        still = "" if stopped else "; it is still running"
        raise CatalogError(f"{path_text(path)}: importing it did not finish within {deadline:g} s{still}")
    if not failure:
        return
    exc = failure[0]
    if isinstance(exc, SockbehaveError):
        raise CatalogError(f"{path_text(path)}: {printable(exc)}") from None
    if isinstance(exc, SystemExit):
        raise CatalogError(f"{path_text(path)}: called sys.exit({printable(repr(exc.code))}) while being imported")
    raise CatalogError(f"{path_text(path)}: failed to import: {type(exc).__name__}: {printable(exc)}") from None


def _load_module(path: Path, topic: str, deadline: float, namespace: str = "sockbehave_catalog") -> list[Scenario]:
    name = f"{namespace}.{topic.replace('-', '_')}.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise CatalogError(f"{path_text(path)}: cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # inspect.getsource and dataclasses look modules up here
    loader = spec.loader
    try:
        _exec_bounded(path, lambda: loader.exec_module(module), deadline)
    except CatalogError:
        sys.modules.pop(name, None)
        raise
    found = []
    for value in vars(module).values():
        sc = scenario_of(value)
        if sc is not None and getattr(value, "__module__", None) == name:
            found.append(replace(sc, topic=topic, source_file=str(path)))
    return found


def _hash(files: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for f in sorted(files):
        digest.update(f.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(f.read_bytes().replace(b"\r\n", b"\n"))
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def _load_root(
    root: Path, builtin: bool, import_deadline: float, seen: dict[str, str], namespace: str
) -> tuple[list[Scenario], dict[str, dict[str, dict[str, Cell]]], list[Path]]:
    """One catalog directory: its scenarios, its tables, and the files its version hashes.
    ``seen`` maps every scenario id loaded so far (from any root) to its file."""
    if not root.is_dir():
        raise CatalogError(f"{path_text(root)}: catalog directory does not exist")
    scenarios: list[Scenario] = []
    table: dict[str, dict[str, dict[str, Cell]]] = {}
    hashed: list[Path] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
        if builtin and folder.name not in TOPICS:
            raise CatalogError(f"{path_text(folder)}: unknown topic folder (topics are {', '.join(TOPICS)})")
        if not builtin and not _TOPIC.match(folder.name):
            raise CatalogError(
                f"{path_text(folder)}: a topic folder is named like 'my-topic' (lowercase, digits, dashes)"
            )
        modules = sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
        defined: dict[str, str] = {}
        for path in modules:
            hashed.append(path)
            for sc in _load_module(path, folder.name, import_deadline, namespace):
                if sc.id in seen:
                    raise CatalogError(
                        f"{path_text(path)}: scenario id {sc.id} is defined twice (also in {path_text(seen[sc.id])})"
                    )
                seen[sc.id] = defined[sc.id] = str(path)
                scenarios.append(sc)
        table_path = folder / TABLE_FILE
        if not table_path.is_file():
            if defined:
                raise CatalogError(f"{path_text(table_path)}: missing; every scenario needs expected outcomes")
            continue
        hashed.append(table_path)
        table.update(load_table(table_path, defined))
        for sid, src in defined.items():
            if sid not in table:
                raise CatalogError(
                    f"{path_text(table_path)}: no entry for scenario {sid} (defined in {Path(src).name})"
                )
    if not scenarios:
        raise CatalogError(f"{path_text(root)}: no scenarios found")
    return scenarios, table, hashed


def load_catalog(
    root: Path | None = None,
    import_deadline: float = IMPORT_DEADLINE_S,
    *,
    extra: Sequence[Path] = (),
    builtin: bool | None = None,
) -> Catalog:
    """Load a catalog; raise ``CatalogError`` naming the file on any problem. Each module's
    import is bounded by ``import_deadline`` seconds.

    ``load_catalog()`` is the built-in catalog; ``load_catalog(extra=[DIR, ...])`` adds users'
    catalogs to it (``builtin=False``: theirs alone); ``load_catalog(DIR)`` is DIR alone, read
    with the built-in rules (the six fixed topics), as the built-in one is. Users' catalogs may
    have topics of their own; a scenario id may be defined only once across all of them.
    """
    roots: list[tuple[Path, bool]] = []
    if root is not None:
        roots.append((root.resolve(), True))
    elif builtin is None or builtin:
        roots.append((default_root().resolve(), True))
    roots += [(r.resolve(), False) for r in extra]
    if not roots:
        raise CatalogError("no catalog: the built-in one is left out and no other was given")
    scenarios: list[Scenario] = []
    table: dict[str, dict[str, dict[str, Cell]]] = {}
    digests: list[str] = []
    seen: dict[str, str] = {}
    for i, (where, is_builtin) in enumerate(roots):
        # Each root gets its own module namespace: two catalogs may both have backlog/backlog.py.
        namespace = "sockbehave_catalog" if i == 0 else f"sockbehave_catalog_{i}"
        found, tables, hashed = _load_root(where, is_builtin, import_deadline, seen, namespace)
        scenarios += found
        table.update(tables)
        digests.append(_hash(hashed, where))
    # Built-in topics first, in their fixed order; users' own topics after them, by name.
    scenarios.sort(key=lambda s: (TOPICS.index(s.topic) if s.topic in TOPICS else len(TOPICS), s.topic, s.id))
    version = digests[0] if len(digests) == 1 else hashlib.sha256("+".join(digests).encode()).hexdigest()[:16]
    return Catalog(roots[0][0], tuple(scenarios), table, version, {s.id: s for s in scenarios})
