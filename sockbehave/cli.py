"""The ``sockbehave`` command: argument parsing and printing only.

Owns: sub-commands, flags, exit statuses (0 all as expected, 1 a mismatch or scenario error,
2 bad usage or bad input) and the promise that bad input never ends in a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn, Optional, TextIO, TypeVar

from . import __version__
from .backends import BACKENDS
from .display import path_text, printable
from .errors import InputError, OutputError
from .tables import OSES, parse_os_names

if TYPE_CHECKING:  # the heavy modules are imported by the command that needs them (start-up time)
    from .catalog import Catalog
    from .report import Report
    from .report.matrix import Matrix
    from .runner import ScenarioRun
    from .sim.programs import Ending, Program

__all__ = ["main"]

EXIT_OK, EXIT_MISMATCH, EXIT_USAGE = 0, 1, 2
EXIT_SIGINT, EXIT_SIGPIPE, EXIT_SIGTERM = 128 + 2, 128 + 13, 128 + 15
#: How many report files one ``report``/``check`` may read (each is bounded by the reader).
MAX_INPUT_REPORTS = 256


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


N = TypeVar("N", int, float)


def _ranged(convert: Callable[[str], N], low: N, high: N, expected: str, unit: str = "") -> Callable[[str], N]:
    """An argparse type: ``convert`` the text, which must then lie in ``[low, high]``."""

    def parse(text: str) -> N:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low:g} to {high:g}{unit}, got {text}")
        return value

    return parse


_positive = _ranged(int, 1, 256, "a whole number")
_seconds = _ranged(float, 0.0, 3600.0, "a number of seconds", " seconds")


def _os_names(allow_all: bool) -> Callable[[str], list[str]]:
    """An argparse type: OS names (``linux,windows``; ``all`` too with ``allow_all``)."""

    def parse(text: str) -> list[str]:
        try:
            return parse_os_names(text, allow_all=allow_all)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


_os_list, _os_list_or_all = _os_names(False), _os_names(True)


_REPORTS_HELP = "run reports, or directories of them; other JSON files there (matrix.json) are skipped with a note"


def _fail_on(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fail-on",
        choices=("mismatch", "contradiction", "never"),
        default="mismatch",
        help="exit 1 on any mismatch or scenario error (default); only on a contradiction of observed, "
        "tested or documented evidence; or never",
    )


def _catalog_options(parser: argparse.ArgumentParser, catalog: str, no_builtin: str) -> None:
    """``--catalog``/``--no-builtin``, accepted before the sub-command and after it (each place
    keeps its own list; ``_catalog`` joins them)."""
    sub_level = catalog != "catalog"
    parser.add_argument(
        "--catalog",
        dest=catalog,
        type=Path,
        action="append",
        metavar="DIR",
        default=argparse.SUPPRESS if sub_level else [],
        help="add the scenarios in DIR (your own catalog) to the built-in ones; repeatable",
    )
    parser.add_argument(
        "--no-builtin",
        dest=no_builtin,
        action="store_true",
        default=argparse.SUPPRESS if sub_level else False,
        help="leave the built-in catalog out: only the --catalog directories",
    )


def _lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=("en", "zh"), default="en", help="zh: the title, claim and explanation in Chinese (zh-CN)"
    )


def _base_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url",
        default=None,
        metavar="URL",
        help="where the site ('sockbehave site') is published, for the link to the matrix "
        "(default: $SOCKBEHAVE_BASE_URL, else a placeholder)",
    )


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="sockbehave", description="Socket edge cases, run on this machine and checked against per-OS tables."
    )
    p.add_argument("--version", action="version", version=f"sockbehave {__version__}")
    _catalog_options(p, "catalog", "no_builtin")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    ls = sub.add_parser("list", help="list the scenarios")
    ls.add_argument("--json", action="store_true", help="print a JSON array of {id, title, topic, claim, slow, steps}")

    se = sub.add_parser("search", help="find scenarios by words (id, title, claim, explanation), best first")
    se.add_argument("words", nargs="+", help="words that must all occur, e.g. recv empty disconnect")
    se.add_argument("--json", action="store_true", help="print [{id, title, topic, score}]")
    se.add_argument(
        "--lang", choices=("en", "zh"), default="en", help="zh: show the Chinese titles (words match either language)"
    )

    ex = sub.add_parser("explain", help="explain one scenario: the pitfall, the claim, the code, the per-OS table")
    ex.add_argument("id", help="scenario id, as shown by 'sockbehave list'")
    ex.add_argument("--format", choices=("text", "md"), default="text", help="md: a paste-ready Markdown block")
    _lang(ex)
    _base_url(ex)

    st = sub.add_parser("site", help="write the static site: the matrix, a page per scenario, the claims, in en and zh")
    st.add_argument(
        "reports",
        nargs="*",
        type=Path,
        metavar="REPORT.json|DIR",
        help=_REPORTS_HELP + " (default: the reports/ committed beside the catalog, if any)",
    )
    st.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="DIR",
        help="a new or empty directory, or a site written before (replaced as a whole)",
    )

    run = sub.add_parser("run", help="run scenarios here (or on the simulator) and check them against the OS's table")
    run.add_argument("--backend", default="real", choices=BACKENDS, help="where to run (default: real)")
    run.add_argument(
        "--os",
        type=_os_list,
        default=None,
        metavar="OS[,OS...]",
        help=f"with --backend sim: the simulated OSes ({', '.join(OSES)}); default: this machine's",
    )
    run.add_argument(
        "--scenario",
        action="append",
        metavar="PATTERN",
        help="glob on scenario ids, or a topic name; repeatable (default: all)",
    )
    run.add_argument(
        "--slow",
        action="store_true",
        help="include the slow scenarios (marked [slow] by 'list'), which take seconds of real time each",
    )
    run.add_argument(
        "--jobs",
        "-j",
        type=_positive,
        default=None,
        metavar="N",
        help="scenarios at once on the real backend (default: all; the simulator runs one at a time)",
    )
    run.add_argument(
        "--out",
        type=Path,
        default=Path("reports"),
        metavar="DIR",
        help="write DIR/<variant>-<backend>.json (default: reports/)",
    )
    run.add_argument(
        "--sandbox",
        choices=("gvisor",),
        default=None,
        help="re-run under gVisor's runsc (root); the report is linux+gvisor-real.json",
    )
    run.add_argument(
        "--sysctl",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="re-run in a private network namespace with this per-namespace networking sysctl set "
        "(root; repeatable); the report is e.g. linux+net.core.somaxconn=4-real.json",
    )
    run.add_argument("--quiet", "-q", action="store_true", help="print only the summary and what failed")
    run.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    _fail_on(run)

    ck = sub.add_parser("check", help="check saved reports against the current tables")
    ck.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json|DIR", help=_REPORTS_HELP)
    ck.add_argument("--json", action="store_true", help="print the results as JSON")
    _fail_on(ck)

    rp = sub.add_parser("report", help="merge reports (OSes, backends, Python versions) into one matrix")
    rp.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json|DIR", help=_REPORTS_HELP)
    rp.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="OUT.md|OUT.html|OUT.json|-",
        help="the format follows the extension; '-' writes Markdown to standard output",
    )

    df = sub.add_parser("diff", help="what changed between two runs; exit 1 if anything did (a regression gate)")
    df.add_argument("before", type=Path, metavar="A.json")
    df.add_argument("after", type=Path, metavar="B.json")
    df.add_argument("--json", action="store_true", help="print {a, b, changes, steps} as JSON")

    ev = sub.add_parser("evidence", help="how strong the tables' evidence is: counts per OS and level, and weak cells")
    ev.add_argument("--json", action="store_true", help="print {levels, counts, non_linux, weak} as JSON")

    cl = sub.add_parser("claims", help="the tutorials' claims and whether each holds, per OS and variant")
    cl.add_argument(
        "reports",
        nargs="*",
        type=Path,
        metavar="REPORT.json|DIR",
        help="real reports of platform variants (linux+gvisor, ...) to judge the claims on too; "
        "other JSON files there are skipped with a note",
    )
    cl.add_argument(
        "-o", "--output", type=Path, default=Path("-"), metavar="OUT.md|OUT.json|-", help="default: standard output"
    )
    cl.add_argument("--lang", choices=("en", "zh"), default="en", help="the page's language (zh: zh-CN)")
    cl.add_argument(
        "--json",
        action="store_true",
        help="write {claims: [{id, en, zh, verdicts, ...}]} as JSON (also for -o OUT.json)",
    )
    cl.add_argument("--claims-file", type=Path, default=None, metavar="FILE", help="default: the catalog's claims.toml")

    sm = sub.add_parser(
        "simulate",
        help="run your own Python programs, unmodified, on one simulated host of another OS, in virtual time",
        description="Run Python programs (a server, then its clients) unmodified on one simulated host of OS, in "
        "virtual time, the same way every run. Exit status: 0 every program finished; 1 a program raised; "
        "3 the programs were left waiting for ever (the real ones would hang: a server waiting for its next "
        "client ends so); 4 the simulator met something it does not model; 2 bad usage or input.",
    )
    sm.add_argument("programs", nargs="+", type=Path, metavar="PROGRAM.py", help="started in this order")
    sm.add_argument(
        "--os",
        type=_os_list_or_all,
        default=None,
        metavar="OS[,OS...]",
        help=f"the simulated OS ({', '.join(OSES)}), several, or all: each runs the programs afresh, and each "
        "output after the first is shown as its difference from the first; default: this machine's",
    )
    sm.add_argument(
        "--input",
        action="append",
        default=[],
        metavar="[PROGRAM=]FILE",
        help="the lines input() returns in PROGRAM (its file name; the name may be left out when only one program "
        "runs); without it, input() is not modelled",
    )
    sm.add_argument(
        "--gap",
        type=_seconds,
        default=0.1,
        metavar="SECONDS",
        help="virtual seconds between starting one program and the next (default: 0.1)",
    )
    sm.add_argument("--seed", type=int, default=0, help="the seed of the simulated host's port choices (default: 0)")
    sm.add_argument(
        "--trace",
        type=Path,
        default=None,
        metavar="OUT.svg",
        help="also draw the segments the programs exchanged (SYN, data, FIN, RST, UDP...) as a packet timeline",
    )
    sm.add_argument(
        "--platform",
        action="store_true",
        help="also show sys.platform and os.name as that OS (other libraries then change what they do)",
    )

    rg = sub.add_parser(
        "regenerate",
        help="rebuild reports/: the real run here, the simulated OSes, the matrix (and, in a checkout, docs/claims*.md)",
    )
    rg.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR", help="default: reports/")
    for command in sub.choices.values():
        _catalog_options(command, "catalog_after", "no_builtin_after")
    return p


def _catalog(args: argparse.Namespace) -> Catalog:
    from .catalog import load_catalog

    extra: list[Path] = [*args.catalog, *getattr(args, "catalog_after", [])]
    no_builtin = args.no_builtin or getattr(args, "no_builtin_after", False)
    if no_builtin and not extra:
        raise InputError("--no-builtin: name your catalog with --catalog DIR")
    return load_catalog(extra=extra, builtin=not no_builtin)


def _cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    import json

    cat = _catalog(args)
    if args.json:
        rows = [
            {
                "id": s.id,
                "title": s.title,
                "topic": s.topic,
                "claim": s.claim,
                "slow": s.slow,
                "steps": list(cat.steps(s.id)),
            }
            for s in cat.scenarios
        ]
        json.dump(rows, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return EXIT_OK
    width = max(len(s.id) for s in cat.scenarios)
    topic = ""
    for s in cat.scenarios:
        if s.topic != topic:
            out.write(f"{'' if not topic else chr(10)}{s.topic}\n")
            topic = s.topic
        out.write(f"  {s.id.ljust(width)}  {'[slow] ' if s.slow else ''}{printable(s.title)}\n")
    return EXIT_OK


def _cmd_search(args: argparse.Namespace, out: TextIO) -> int:
    from .lang import load_zh, text_of
    from .search import search

    cat = _catalog(args)
    zh = load_zh(cat)
    hits = search(cat, " ".join(args.words), zh)
    if args.json:
        rows = [
            {
                "id": h.scenario.id,
                "title": text_of(h.scenario, args.lang, zh).title,
                "topic": h.scenario.topic,
                "score": h.score,
            }
            for h in hits
        ]
        _dump_json(rows, out)
        return EXIT_OK
    if not hits:
        out.write(f"no scenario mentions all of: {printable(' '.join(args.words))}\n")
        return EXIT_MISMATCH
    width = max(len(h.scenario.id) for h in hits)
    for h in hits:
        out.write(f"{h.scenario.id.ljust(width)}  {printable(text_of(h.scenario, args.lang, zh).title)}\n")
    out.write(f"\n{len(hits)} scenario(s); 'sockbehave explain ID' tells the whole story\n")
    return EXIT_OK


def _cmd_explain(args: argparse.Namespace, out: TextIO) -> int:
    import difflib

    cat = _catalog(args)
    sc = cat.by_id.get(args.id)
    if sc is None:
        near = difflib.get_close_matches(args.id, list(cat.by_id), n=3)
        hint = f" (did you mean {', '.join(near)}?)" if near else " (see 'sockbehave list')"
        raise InputError(f"explain: no scenario {printable(repr(args.id))}{hint}")
    from .lang import load_zh, text_of
    from .links import base_url, example_of

    base = base_url(args.base_url)
    words = text_of(sc, args.lang, load_zh(cat) if args.lang == "zh" else {})
    extras = {"lang": args.lang, "words": words, "example": example_of(sc), "base": base}
    if args.format == "md":  # each renderer imported only when asked for (start-up time)
        from .report.explain_md import explain_markdown

        out.write(explain_markdown(sc, cat, **extras))
        return EXIT_OK
    from .report.explain_text import explain_text

    out.write(printable(explain_text(sc, cat, **extras), keep_newlines=True))
    return EXIT_OK


def _cmd_site(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .catalog import default_root
    from .files import replace_tree
    from .lang import load_zh
    from .report.matrix import build_matrix
    from .report.site import MARKER, render_site

    cat = _catalog(args)
    zh = load_zh(cat)
    given: list[Path] = args.reports
    committed = default_root().parent / "reports"
    if not given and committed.is_dir():
        given = [committed]
    reports = _load_all(given, err) if given else []
    if not reports:
        err.write("sockbehave: note: no reports: the matrix shows the tables' expectations alone\n")
    matrix = build_matrix(reports, cat, __version__)
    files = render_site(matrix, reports, cat, zh)
    replace_tree(args.output, files, MARKER, "-o")
    pages = sum(1 for name in files if name.endswith(".html"))
    out.write(f"{path_text(args.output)}: {pages} pages from {len(reports)} reports; open index.html\n")
    return EXIT_OK


def _cmd_run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .files import check_output_dir
    from .platforms import file_stem
    from .report import write_report
    from .session import net_factory, run_catalog

    cat = _catalog(args)
    chosen = cat.select(args.scenario, slow=args.slow)
    if not chosen:
        if not args.scenario:
            raise InputError("the catalog has no scenario to run without --slow (see 'sockbehave list')")
        raise InputError(
            f"--scenario: {printable(', '.join(args.scenario))} matches no scenario (see 'sockbehave list')"
        )
    if args.sandbox or args.sysctl:
        return _run_variant(args, out, err)
    _enter_variant()
    targets: list[Optional[str]] = list(args.os) if args.os else [None]
    for os_name in targets:  # refuse a bad --backend/--os pairing before running anything
        net_factory(args.backend, os_name)
    check_output_dir(args.out, "--out")  # fail in a second, not after the run
    if args.backend == "real":
        from .platform_info import time_wait_pressure

        pressure = time_wait_pressure()
        if pressure is not None:
            err.write(f"sockbehave run: warning: {pressure}\n")
    status = EXIT_OK
    summaries: list[dict[str, object]] = []
    for os_name in targets:
        progress = _Progress(f"{os_name or 'here'}/{args.backend}", len(chosen), err, enabled=not args.quiet)
        report = run_catalog(
            cat, chosen, backend=args.backend, os_name=os_name, jobs=args.jobs or len(chosen), on_done=progress
        )
        progress.finish()
        path = args.out / f"{file_stem(report.column)}-{report.backend}.json"
        if args.json:
            summaries.append(_report_summary(report, args.fail_on, file=path_text(path)))
        else:  # the results are shown before anything can fail to be written
            _print_results(report, out, quiet=args.quiet, fail_on=args.fail_on)
        write_report(report, path)
        if not args.json:
            out.write(f"report: {path_text(path)}\n\n")
        if _run_fails(report, args.fail_on):
            status = EXIT_MISMATCH
    if args.json:
        _dump_json(summaries, out)
    return status


def _run_variant(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``run --sandbox``/``--sysctl``: re-run this command as that variant, in a child. Its
    output is passed on through pipes (gVisor writes a regular file at its own offset)."""
    import time

    from .files import check_output_dir
    from .platform_info import current_os
    from .platforms import Variant, parse_sysctl, preflight, run_child

    if args.backend != "real" or args.os:
        raise InputError("--sandbox/--sysctl: only with the real backend (they choose the stack it runs on)")
    if args.sandbox and args.sysctl:
        raise InputError("--sandbox gvisor: gVisor's netstack has its own settings; --sysctl cannot set them")
    variant = Variant(current_os(), args.sandbox, tuple(parse_sysctl(t) for t in args.sysctl))
    launcher = preflight(variant)
    check_output_dir(args.out, "--out")
    inner = ["--out", str(args.out.resolve()), "--fail-on", args.fail_on]
    inner += [f"--scenario={p}" for p in args.scenario or ()]
    inner += ["--slow"] if args.slow else []
    inner += _catalog_args(args)
    inner += [f"--jobs={args.jobs}"] * bool(args.jobs) + ["--quiet"] * args.quiet + ["--json"] * args.json
    report = args.out / f"{variant.file_stem}-real.json"
    started = time.time()
    done = run_child(variant, launcher, inner)
    out.write(done.stdout)
    err.write(done.stderr)
    if done.returncode != EXIT_USAGE and not _written_since(report, started):
        why = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        raise InputError(f"{variant.name}: {printable(launcher)} did not run sockbehave: {printable(why)}")
    return done.returncode


def _catalog_args(args: argparse.Namespace) -> list[str]:
    """The ``--catalog``/``--no-builtin`` flags a re-run child needs to load the same catalog."""
    flags = [f"--catalog={c.resolve()}" for c in [*args.catalog, *getattr(args, "catalog_after", [])]]
    return flags + ["--no-builtin"] * bool(args.no_builtin or getattr(args, "no_builtin_after", False))


def _regenerate_variants(
    args: argparse.Namespace, err: TextIO, catalog: Optional[Catalog] = None
) -> list[tuple[str, Report, Optional[str]]]:
    """Re-run the committed variants (``platforms.REGENERATED``) where this machine can: (file
    name, report, new JSON text). Where it cannot, a report already in ``--out`` is kept (text
    ``None``), with a note saying why; elsewhere than Linux there are none. A variant limited to
    some topics (``REGENERATED_SCENARIOS``) is left out when ``catalog`` has none of them."""
    import tempfile
    from concurrent.futures import ThreadPoolExecutor

    from .platform_info import current_os
    from .platforms import REGENERATED, REGENERATED_SCENARIOS, Variant, preflight, run_child
    from .report import load_report

    found: list[tuple[str, Report, Optional[str]]] = []
    if current_os() != "linux":  # the variants are Linux's
        return found
    with tempfile.TemporaryDirectory(prefix="sockbehave-variants-") as tmp:
        runs: list[tuple[str, Variant, str, Path, list[str]]] = []
        for sandbox, sysctls in REGENERATED:
            variant = Variant("linux", sandbox, sysctls)
            name = f"{variant.file_stem}-real.json"
            patterns = REGENERATED_SCENARIOS.get(sysctls, ())
            if catalog is not None:
                patterns = tuple(p for p in patterns if catalog.select([p], slow=True))
                if not patterns and sysctls in REGENERATED_SCENARIOS:
                    continue  # a user's catalog without those topics: nothing for this variant to show
            try:
                launcher = preflight(variant)
            except InputError as exc:
                kept = args.out / name
                if kept.is_file():  # it may be stale now: say why it was not re-run
                    found.append((name, load_report(kept), None))
                    err.write(f"sockbehave: note: kept {name}: {printable(exc)}\n")
                continue
            only = [f"--scenario={pattern}" for pattern in patterns]
            out_dir = Path(tmp) / str(len(runs))  # one folder each: the runs go side by side
            out_dir.mkdir()
            # --slow: a committed report holds the slow facts too (TIME_WAIT under tcp_fin_timeout)
            run_args = ["--out", str(out_dir), "--quiet", "--fail-on", "never", "--slow", *only, *_catalog_args(args)]
            runs.append((name, variant, launcher, out_dir, run_args))

        def one(
            name: str, variant: Variant, launcher: str, out_dir: Path, run_args: list[str]
        ) -> tuple[str, Report, Optional[str]]:
            done = run_child(variant, launcher, run_args)
            made = out_dir / name
            if done.returncode != EXIT_OK or not made.is_file():
                why = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
                raise InputError(f"regenerate: the {variant.name} run failed: {printable(why)}")
            return name, load_report(made), made.read_text(encoding="utf-8")

        # Each variant is its own namespace or sandbox and mostly waits (the slow scenarios'
        # timers), so three at a time: the whole regenerate takes about as long as its slowest run.
        with ThreadPoolExecutor(max_workers=3) as pool:
            futures = [pool.submit(one, *run) for run in runs]
            found += [f.result() for f in futures]
    return found


def _written_since(path: Path, started: float) -> bool:
    try:
        return path.stat().st_mtime >= started - 2  # coarse file-system clocks
    except OSError:
        return False


def _enter_variant() -> None:
    """In a child re-run by ``_run_variant``: check where it runs, and set the namespace up."""
    from .platforms import current_variant, enter

    info = current_variant()
    if info is not None:
        enter(info)


class _Progress:
    """Progress on standard error, only for runs that last over a second: one line rewritten
    in place on a terminal, a line per finished scenario in a log."""

    def __init__(self, label: str, total: int, err: TextIO, enabled: bool) -> None:
        import time

        self._clock = time.monotonic
        self._start = self._clock()
        self._label, self._total, self._err, self._enabled = label, total, err, enabled
        self._tty = _isatty(err)
        self._done = 0
        self._shown = False

    def __call__(self, run: ScenarioRun) -> None:
        _check_signalled()  # called as each scenario ends: a swallowed Ctrl-C stops the run here
        self._done += 1
        if not self._enabled or self._clock() - self._start < 1.0:
            return
        state = "error" if run.error else "done"
        line = f"[{self._label} {self._done:>{len(str(self._total))}}/{self._total}] {run.scenario_id} {state}"
        if self._tty:
            self._err.write(f"\r\x1b[K{line}")
        else:
            self._err.write(f"{line} ({run.duration:.2f} s)\n")
        self._shown = True
        self._err.flush()

    def finish(self) -> None:
        if self._shown and self._tty:
            self._err.write("\r\x1b[K")
            self._err.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _colour(out: TextIO) -> bool:
    """Colour on a terminal, unless NO_COLOR is set (https://no-color.org) or TERM is dumb."""
    return _isatty(out) and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _run_fails(report: Report, fail_on: str) -> bool:
    from .verdict import fails

    return any(fails(r, fail_on) for r in report.results)


def _dump_json(data: object, out: TextIO) -> None:
    import json

    json.dump(data, out, indent=2, ensure_ascii=True)  # ASCII: escapes reach no terminal raw
    out.write("\n")


def _report_summary(report: Report, fail_on: str, **extra: object) -> dict[str, object]:
    from .report.jsonio import result_to_json
    from .verdict import fails

    failing = [{**result_to_json(r), "fails_run": fails(r, fail_on)} for r in report.failing]
    return {
        **extra,
        "os": report.os,
        "variant": report.column,
        "backend": report.backend,
        "catalog_version": report.catalog_version,
        "scenarios": len({r.scenario for r in report.results}),
        "steps": len(report.results),
        "summary": report.summary,
        "fail_on": fail_on,
        "failed": _run_fails(report, fail_on),
        "failing": failing,
    }


def _print_results(report: Report, out: TextIO, *, quiet: bool = False, fail_on: str = "mismatch") -> None:
    from .report.text import failures, results_table, summary_line

    if not quiet:
        out.write(results_table(report.results, color=_colour(out)) + "\n\n")
    out.write(summary_line(report) + "\n")
    for line in failures(report, fail_on):
        out.write(f"  {line}\n")
    out.flush()


def _cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .report.text import failures, summary_line
    from .session import recheck

    cat = _catalog(args)
    loaded = _load_all(args.reports, err)  # all validated before any output
    for name, saved in loaded:
        if not saved.results:
            raise InputError(f"{name}: the report holds no results: nothing to check")
    status = EXIT_OK
    summaries: list[dict[str, object]] = []
    for name, saved in loaded:
        fresh = recheck(saved, cat)
        stale = saved.catalog_version != cat.version
        if args.json:
            summaries.append(_report_summary(fresh, args.fail_on, file=name, stale=stale))
        else:
            note = f" (report made with catalog {saved.catalog_version})" if stale else ""
            out.write(f"{name}: {summary_line(fresh)}{note}\n")
            for line in failures(fresh, args.fail_on):
                out.write(f"  {line}\n")
        if _run_fails(fresh, args.fail_on):
            status = EXIT_MISMATCH
    if args.json:
        _dump_json(summaries, out)
    return status


_RENDERERS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".json": "json"}


def _render(matrix: Matrix, suffix: str) -> str:
    import json

    from .report.html import render_html
    from .report.markdown import render_markdown
    from .report.matrix import matrix_to_json

    kind = _RENDERERS[suffix]
    if kind == "markdown":
        return render_markdown(matrix)
    if kind == "html":
        return render_html(matrix)
    return json.dumps(matrix_to_json(matrix), indent=2, ensure_ascii=False) + "\n"


def _expand(paths: Sequence[Path]) -> list[Path]:
    """Directories stand for the ``*.json`` files directly in them, in name order."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found += sorted(
                f for f in p.iterdir() if f.suffix == ".json" and not f.name.startswith(".") and f.is_file()
            )
        else:
            found.append(p)
    return found


def _load_all(paths: Sequence[Path], err: Optional[TextIO] = None) -> list[tuple[str, Report]]:
    """Every file validated before anything is written; the merged rows are bounded too. With
    ``err``, directories are expanded and JSON files that are not run reports (``matrix.json``)
    are skipped with a note there; without it, every file must be a run report."""
    from .report import load_report
    from .report.jsonio import MAX_RESULTS, NotAReportError

    files = _expand(paths) if err is not None else list(paths)
    if len(files) > MAX_INPUT_REPORTS:
        raise InputError(f"{len(files)} report files is more than the {MAX_INPUT_REPORTS} one command reads")
    loaded: list[tuple[str, Report]] = []
    skipped: list[str] = []
    for p in files:
        try:
            loaded.append((path_text(p), load_report(p)))
        except NotAReportError as exc:
            if err is None:
                raise
            skipped.append(str(exc))
    if not loaded:
        raise InputError(skipped[0] if skipped else f"{', '.join(path_text(p) for p in paths)}: no report files there")
    for reason in skipped:
        err.write(f"sockbehave: note: skipped {reason}\n")  # type: ignore[union-attr]
    rows = {(r.scenario, r.step) for _, rep in loaded for r in rep.results}
    if len(rows) > MAX_RESULTS:
        raise InputError(f"the reports name {len(rows)} distinct steps together, more than the {MAX_RESULTS} allowed")
    return loaded


def _cmd_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .files import atomic_write, check_output_file
    from .report.matrix import build_matrix

    to_stdout = str(args.output) == "-"
    suffix = ".md" if to_stdout else args.output.suffix.lower()
    shown = path_text(args.output)
    if suffix not in _RENDERERS:
        raise InputError(
            f"-o {shown}: unknown format {printable(repr(suffix or '(no extension)'))} (use .md, .html or .json)"
        )
    reports = _load_all(args.reports, err)
    if not to_stdout:
        check_output_file(args.output, "-o")
    matrix = build_matrix(reports, _catalog(args), __version__)
    counts = ", ".join(f"{n} {c}" for c, n in matrix.counts().items())
    if to_stdout:  # the matrix is the output; what would be said about it goes to standard error
        out.write(_render(matrix, suffix))
        say = err
    else:
        atomic_write(args.output, _render(matrix, suffix))
        say = out
    say.write(f"{shown}: {len(matrix.rows)} rows from {len(reports)} reports ({counts})\n")
    for name in matrix.stale:
        say.write(f"  stale: {printable(name)} was made with another catalog version\n")
    return EXIT_OK


def _cmd_diff(args: argparse.Namespace, out: TextIO) -> int:
    (_, a), (_, b) = _load_all([args.before, args.after])
    before = {(r.scenario, r.step): r.observed for r in a.results}
    after = {(r.scenario, r.step): r.observed for r in b.results}
    if args.json:
        return _diff_json(a, b, before, after, out)
    for name, rep in (("A", a), ("B", b)):
        p = rep.platform
        out.write(
            printable(
                f"{name}: {rep.column}/{rep.backend}, CPython {p.get('python')}, {p.get('system')} {p.get('release')}, catalog {rep.catalog_version}"
            )
            + "\n"
        )
    changes = 0
    for key in list(dict.fromkeys([*before, *after])):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        changes += 1
        scenario, step = key
        if old is None:
            line = f"+ {scenario} {step}: {new} (only in B)"
        elif new is None:
            line = f"- {scenario} {step}: {old} (only in A)"
        else:
            line = f"~ {scenario} {step}: {old} -> {new}"
        out.write(printable(line) + "\n")
    out.write(f"{changes} difference(s) in {len(set(before) | set(after))} steps\n")
    return EXIT_MISMATCH if changes else EXIT_OK


def _diff_json(
    a: Report, b: Report, before: dict[tuple[str, str], str], after: dict[tuple[str, str], str], out: TextIO
) -> int:
    def side(rep: Report) -> dict[str, object]:
        p = rep.platform
        return {
            "os": rep.os,
            "variant": rep.column,
            "backend": rep.backend,
            "python": p.get("python"),
            "system": p.get("system"),
            "release": p.get("release"),
            "catalog_version": rep.catalog_version,
        }

    changes = [
        {"scenario": key[0], "step": key[1], "before": before.get(key), "after": after.get(key)}
        for key in dict.fromkeys([*before, *after])
        if before.get(key) != after.get(key)
    ]
    _dump_json({"a": side(a), "b": side(b), "changes": changes, "steps": len(set(before) | set(after))}, out)
    return EXIT_MISMATCH if changes else EXIT_OK


def _cmd_evidence(args: argparse.Namespace, out: TextIO) -> int:
    import json

    from .evidence import render_text, summarise

    summary = summarise(_catalog(args).table)
    if args.json:
        json.dump(summary.to_json(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(render_text(summary))
    return EXIT_OK


def _cmd_claims(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import json

    from .claims import judge_claims, load_claims
    from .files import atomic_write, check_output_file
    from .report.claims_doc import claims_json, claims_markdown

    to_stdout = str(args.output) == "-"
    if not to_stdout:
        check_output_file(args.output, "-o")
    cat = _catalog(args)
    claims = load_claims(cat, args.claims_file)
    reports = _load_all(args.reports, err) if args.reports else []
    judged = judge_claims(claims, cat, reports)
    if args.json or args.output.suffix.lower() == ".json":  # ASCII: escapes reach no terminal raw
        page = json.dumps(claims_json(judged, reports), indent=2, ensure_ascii=True) + "\n"
    else:
        page = claims_markdown(judged, args.lang, reports)
    if to_stdout:
        out.write(page)
    else:
        atomic_write(args.output, page)
        out.write(f"{path_text(args.output)}: {len(claims)} claims\n")
    return EXIT_OK


def _claims_pages(
    args: argparse.Namespace, cat: Catalog, reports: Sequence[tuple[str, Report]], repo: Path
) -> dict[Path, str]:
    """The claims pages ``regenerate`` rewrites with its reports: ``docs/claims.md`` and
    ``docs/claims.zh.md`` of the repository ``repo`` whose ``reports/`` is ``--out``, those of
    them that exist there; none for an ``--out`` elsewhere or a catalog without the built-in one."""
    from .claims import judge_claims, load_claims
    from .report.claims_doc import claims_markdown

    builtin = not (args.no_builtin or getattr(args, "no_builtin_after", False))
    if not builtin or args.out.resolve() != (repo / "reports").resolve():
        return {}
    pages = {lang: repo / "docs" / name for lang, name in (("en", "claims.md"), ("zh", "claims.zh.md"))}
    pages = {lang: page for lang, page in pages.items() if page.is_file()}
    if not pages:
        return {}
    ordered = sorted(reports, key=lambda pair: pair[0])  # as `sockbehave claims reports/` reads them
    judged = judge_claims(load_claims(cat), cat, ordered)
    return {page: claims_markdown(judged, lang, ordered) for lang, page in pages.items()}


def _cmd_simulate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .files import atomic_write, check_output_file
    from .platform_info import current_os
    from .sim import programs

    paths: list[Path] = args.programs
    names = programs.program_names(paths)
    inputs: dict[str, Path] = {}
    for given in args.input:
        name, sep, file = given.rpartition("=")
        if not sep:
            if len(paths) != 1:
                raise InputError(f"--input {given}: say which program reads it (PROGRAM=FILE): {len(paths)} run")
            name, file = names[0], given
        if name not in names:
            raise InputError(f"--input {given}: no program is called {name!r} (programs: {', '.join(names)})")
        if name in inputs:
            raise InputError(f"--input {given}: {name} has its input already")
        inputs[name] = Path(file)
    loaded = [programs.load(path, name, inputs.get(name)) for path, name in zip(paths, names)]
    os_names: list[str] = args.os or [current_os()]
    if len(os_names) > 1:
        if args.trace is not None:
            raise InputError("--trace: draws the run on one OS only (give --os one OS)")
        return _simulate_each(loaded, os_names, args, out)
    if args.trace is not None:
        check_output_file(args.trace, "--trace")  # fail now, not after the run
    os_name = os_names[0]
    ending = programs.run(
        loaded,
        os_name,
        gap=args.gap,
        seed=args.seed,
        platform=args.platform,
        trace=args.trace is not None,
        out=out,
        err=err,
    )
    out.flush()
    if args.trace is not None:
        from .report.timeline import trace_svg

        title = f"{', '.join(names)} on simulated {os_name}: packet timeline"
        atomic_write(args.trace, trace_svg(ending.trace, "simulate", title) + "\n")
    err.write(f"sockbehave: {_ended(os_name, ending)}\n")
    return ending.status


def _ended(os_name: str, ending: Ending) -> str:
    said = printable(ending.message) if ending.message else "every program finished"
    # To the millisecond: each clock read the programs made moved it on by a microsecond
    # (sim.clock.READ_COST), which says nothing about the OS.
    return f"simulated {os_name} (virtual clock at {round(ending.clock, 3):g} s): {said}"


def _simulate_each(loaded: list[Program], os_names: list[str], args: argparse.Namespace, out: TextIO) -> int:
    """The programs on each OS afresh: the first OS's output whole, each other's as its
    difference from the first (or that it is the same); the status is the worst of the runs."""
    import difflib
    import io

    from .sim import programs

    first: list[str] = []
    statuses = []
    for os_name in os_names:
        captured = io.StringIO()  # the programs' output and errors, in the order they came
        ending = programs.run(
            loaded, os_name, gap=args.gap, seed=args.seed, platform=args.platform, out=captured, err=captured
        )
        statuses.append(ending.status)
        lines = captured.getvalue().splitlines()
        if os_name == os_names[0]:
            first = lines
            out.write(f"== {_ended(os_name, ending)}\n")
            out.writelines(f"{line}\n" for line in lines)
        elif lines == first:
            out.write(f"== {_ended(os_name, ending)}\n   the same output as {os_names[0]}\n")
        else:
            out.write(f"== {_ended(os_name, ending)}\n   its output, as a difference from {os_names[0]}'s:\n")
            diff = difflib.unified_diff(first, lines, os_names[0], os_name, n=1, lineterm="")
            out.writelines(f"{line}\n" for line in diff)
        out.flush()
    return programs.worst(statuses)


def _cmd_regenerate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .catalog import default_root
    from .files import check_output_dir, write_all
    from .platform_info import current_os
    from .report.jsonio import report_to_json
    from .report.matrix import build_matrix
    from .report.text import failures, summary_line
    from .session import run_catalog

    cat = _catalog(args)
    check_output_dir(args.out, "--out")
    here = current_os()
    made = [run_catalog(cat, cat.scenarios, backend="real", jobs=len(cat.scenarios))]
    made += [run_catalog(cat, cat.scenarios, backend="sim", os_name=o, jobs=4) for o in OSES if o != here]
    failing = [r for r in made if r.failing]  # a variant's mismatches are findings, not failures
    names = [f"{r.os}-{r.backend}.json" for r in made]
    variants = _regenerate_variants(args, err, cat)
    for report in [*made, *(v for _, v, _ in variants)]:
        out.write(summary_line(report) + "\n")
    for report in failing:
        for line in failures(report):
            err.write(f"  {line}\n")
    out.flush()
    matrix = build_matrix([*zip(names, made), *((n, v) for n, v, _ in variants)], cat, __version__)
    files = {args.out / name: _report_json(report_to_json(report)) for name, report in zip(names, made)}
    files.update({args.out / name: text for name, _, text in variants if text is not None})
    names += [name for name, _, text in variants if text is not None]
    files.update({args.out / f"matrix{suffix}": _render(matrix, suffix) for suffix in (".md", ".html", ".json")})
    pages = _claims_pages(args, cat, [*zip(names, made), *((n, v) for n, v, _ in variants)], default_root().parent)
    files.update(pages)
    write_all(files)  # all of them or none: a half-regenerated reports/ would contradict itself
    also = "".join(f" and {path_text(p)}" for p in pages)
    out.write(f"wrote {', '.join(names)} and matrix.md, matrix.html, matrix.json in {path_text(args.out)}{also}\n")
    return EXIT_MISMATCH if failing else EXIT_OK


def _report_json(data: object) -> str:
    import json

    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


class _Terminated(BaseException):
    """SIGTERM, turned into an exception so that temporaries are removed on the way out."""


#: The signals that arrived while the command ran. The exception a handler raises is lost when
#: it lands in code that cannot pass it on (CPython prints and drops one raised inside a
#: ``__del__`` or a weakref callback, which the garbage collector runs anywhere), and a run
#: went on to its end and exited 0 after Ctrl-C; ``_check_signalled`` raises it again.
_SIGNALLED: list[int] = []


def _on_signal(signum: int, frame: Optional[FrameType]) -> NoReturn:
    _SIGNALLED.append(signum)
    if signum == signal.SIGTERM:
        raise _Terminated
    raise KeyboardInterrupt


def _check_signalled() -> None:
    """Raise again an interruption that arrived but was swallowed on its way (see ``_SIGNALLED``)."""
    if _SIGNALLED:
        if _SIGNALLED[-1] == signal.SIGTERM:
            raise _Terminated
        raise KeyboardInterrupt


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """While a command runs in the main thread, SIGTERM unwinds it like Ctrl-C does, and both
    are remembered (``_SIGNALLED``). A SIGINT the process was started ignoring stays ignored."""
    _SIGNALLED.clear()
    try:
        previous = {signal.SIGTERM: signal.signal(signal.SIGTERM, _on_signal)}
    except (ValueError, OSError):  # not the main thread (an embedding program): leave signals alone
        yield
        return
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        previous[signal.SIGINT] = signal.signal(signal.SIGINT, _on_signal)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _quiet_broken_pipe(out: TextIO) -> int:
    """The reader went away (``sockbehave list | head``): stop quietly, as Unix tools do."""
    with contextlib.suppress(OSError, ValueError):
        fd = out.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)  # so the interpreter's final flush of stdout cannot fail again
        os.close(devnull)
    return EXIT_SIGPIPE


def main(argv: Optional[Sequence[str]] = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Run the ``sockbehave`` command; returns its exit status, never raises for bad input,
    an unwritable output, a closed pipe or an interruption."""
    with _signals_raise():
        try:
            args = _parser().parse_args(argv)
            commands: dict[str, Callable[[], int]] = {
                "list": lambda: _cmd_list(args, out),
                "explain": lambda: _cmd_explain(args, out),
                "search": lambda: _cmd_search(args, out),
                "run": lambda: _cmd_run(args, out, err),
                "check": lambda: _cmd_check(args, out, err),
                "report": lambda: _cmd_report(args, out, err),
                "diff": lambda: _cmd_diff(args, out),
                "regenerate": lambda: _cmd_regenerate(args, out, err),
                "simulate": lambda: _cmd_simulate(args, out, err),
                "evidence": lambda: _cmd_evidence(args, out),
                "claims": lambda: _cmd_claims(args, out, err),
                "site": lambda: _cmd_site(args, out, err),
            }
            status = commands[args.command]()
            _check_signalled()
            out.flush()
            return status
        except (InputError, OutputError) as exc:
            err.write(f"sockbehave: error: {printable(exc)}\n")
            return EXIT_USAGE
        except BrokenPipeError:
            return _quiet_broken_pipe(out)
        except KeyboardInterrupt:
            err.write("sockbehave: interrupted\n")
            return EXIT_SIGINT
        except _Terminated:
            err.write("sockbehave: terminated\n")
            return EXIT_SIGTERM
