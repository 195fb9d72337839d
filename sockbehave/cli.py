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
from typing import TYPE_CHECKING, NoReturn, Optional, TextIO

from . import __version__
from .backends import BACKENDS
from .display import path_text, printable
from .errors import InputError, OutputError
from .tables import OSES

if TYPE_CHECKING:  # the heavy modules are imported by the command that needs them (start-up time)
    from .catalog import Catalog
    from .report import Report
    from .report.matrix import Matrix
    from .runner import ScenarioRun

__all__ = ["main"]

EXIT_OK, EXIT_MISMATCH, EXIT_USAGE = 0, 1, 2
EXIT_SIGINT, EXIT_SIGPIPE, EXIT_SIGTERM = 128 + 2, 128 + 13, 128 + 15
#: How many report files one ``report``/``check`` may read (each is bounded by the reader).
MAX_INPUT_REPORTS = 256


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= 256:
        raise argparse.ArgumentTypeError(f"must be from 1 to 256, got {value}")
    return value


def _os_list(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in OSES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown OS name {', '.join(unknown) or repr(text)} (choose from {', '.join(OSES)})"
        )
    return list(dict.fromkeys(names))


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="sockbehave", description="Socket edge cases, run on this machine and checked against per-OS tables."
    )
    p.add_argument("--version", action="version", version=f"sockbehave {__version__}")
    p.add_argument("--catalog", type=Path, metavar="DIR", help="use the catalog in DIR instead of the installed one")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    ls = sub.add_parser("list", help="list the scenarios")
    ls.add_argument("--json", action="store_true", help="print a JSON array of {id, title, topic, claim, steps}")

    ex = sub.add_parser("explain", help="explain one scenario: the pitfall, the claim, the code, the per-OS table")
    ex.add_argument("id", help="scenario id, as shown by 'sockbehave list'")
    ex.add_argument("--format", choices=("text", "md"), default="text", help="md: a paste-ready Markdown block")

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
    run.add_argument("--jobs", "-j", type=_positive, default=None, metavar="N", help="scenarios at once (default: all)")
    run.add_argument(
        "--out",
        type=Path,
        default=Path("reports"),
        metavar="DIR",
        help="write DIR/<os>-<backend>.json (default: reports/)",
    )
    run.add_argument("--quiet", "-q", action="store_true", help="no progress lines")

    ck = sub.add_parser("check", help="check saved reports against the current tables")
    ck.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json")

    rp = sub.add_parser("report", help="merge reports (OSes, backends, Python versions) into one matrix")
    rp.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json")
    rp.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="OUT.md|OUT.html|OUT.json",
        help="the format follows the extension",
    )

    df = sub.add_parser("diff", help="what changed between two runs; exit 1 if anything did (a regression gate)")
    df.add_argument("before", type=Path, metavar="A.json")
    df.add_argument("after", type=Path, metavar="B.json")

    ev = sub.add_parser("evidence", help="how strong the tables' evidence is: counts per OS and level, and weak cells")
    ev.add_argument("--json", action="store_true", help="print {levels, counts, non_linux, weak} as JSON")

    rg = sub.add_parser("regenerate", help="rebuild reports/: the real run here, the simulated OSes, and the matrix")
    rg.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR", help="default: reports/")
    return p


def _catalog(args: argparse.Namespace) -> Catalog:
    from .catalog import load_catalog

    root: Optional[Path] = args.catalog
    return load_catalog(root)


def _cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    import json

    cat = _catalog(args)
    if args.json:
        rows = [
            {"id": s.id, "title": s.title, "topic": s.topic, "claim": s.claim, "steps": list(cat.steps(s.id))}
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
        out.write(f"  {s.id.ljust(width)}  {printable(s.title)}\n")
    return EXIT_OK


def _cmd_explain(args: argparse.Namespace, out: TextIO) -> int:
    import difflib

    from .outcome import MAX_LITERAL_BYTES
    from .report.explain_md import explain_markdown

    cat = _catalog(args)
    sc = cat.by_id.get(args.id)
    if sc is None:
        near = difflib.get_close_matches(args.id, list(cat.by_id), n=3)
        hint = f" (did you mean {', '.join(near)}?)" if near else " (see 'sockbehave list')"
        raise InputError(f"explain: no scenario {printable(repr(args.id))}{hint}")
    if args.format == "md":
        out.write(explain_markdown(sc, cat))
        return EXIT_OK

    def w(text: str) -> None:
        out.write(printable(text, keep_newlines=True))

    w(f"{sc.id}: {sc.title}\n")
    w(f"topic: {sc.topic}\n\n")
    w(f"The claim: {sc.claim}\n\n")
    w(sc.explanation + "\n\n")
    w("The code:\n\n")
    w("".join("    " + line if line.strip() else line for line in sc.code.splitlines(True)))
    w("\nWhat each OS does:\n")
    for step, cells in cat.steps(sc.id).items():
        w(f"\n  step {step}\n")
        for os_name in OSES:
            cell = cells[os_name]
            w(f"    {os_name:8} {' | '.join(cell.outcomes)}  [{cell.evidence}]\n")
            if cell.source:
                w(f"             source: {cell.source}\n")
            if cell.note:
                w(f"             note: {cell.note}\n")
    if sc.references:
        w("\nReferences:\n")
        for ref in sc.references:
            w(f"  - {ref}\n")
    w(f"\nBytes are shown literally up to {MAX_LITERAL_BYTES}; errno names are POSIX-style on every OS.\n")
    return EXIT_OK


def _cmd_run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .files import check_output_dir
    from .report import write_report
    from .session import net_factory, run_catalog

    cat = _catalog(args)
    chosen = cat.select(args.scenario)
    if not chosen:
        raise InputError(
            f"--scenario: {printable(', '.join(args.scenario))} matches no scenario (see 'sockbehave list')"
        )
    targets: list[Optional[str]] = list(args.os) if args.os else [None]
    for os_name in targets:  # refuse a bad --backend/--os pairing before running anything
        net_factory(args.backend, os_name)
    check_output_dir(args.out, "--out")  # fail in a second, not after the run
    status = EXIT_OK
    for os_name in targets:
        total, done = len(chosen), [0]
        label = f"{os_name or 'here'}/{args.backend}"

        def progress(run: ScenarioRun, label: str = label, total: int = total, done: list[int] = done) -> None:
            done[0] += 1
            if not args.quiet:
                state = "error" if run.error else "done"
                err.write(
                    f"[{label} {done[0]:>{len(str(total))}}/{total}] {run.scenario_id} {state} ({run.duration:.2f} s)\n"
                )
                err.flush()

        report = run_catalog(
            cat, chosen, backend=args.backend, os_name=os_name, jobs=args.jobs or total, on_done=progress
        )
        path = args.out / f"{report.os}-{report.backend}.json"
        _print_results(report, out)  # the results are shown before anything can fail to be written
        write_report(report, path)
        out.write(f"report: {path_text(path)}\n\n")
        if report.failing:
            status = EXIT_MISMATCH
    return status


def _print_results(report: Report, out: TextIO) -> None:
    from .report.text import failures, results_table, summary_line

    out.write(results_table(report.results) + "\n\n")
    out.write(summary_line(report) + "\n")
    for line in failures(report):
        out.write(f"  {line}\n")
    out.flush()


def _cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from .report.text import failures, summary_line
    from .session import recheck

    cat = _catalog(args)
    reports = [rep for _, rep in _load_all(args.reports)]  # all validated before any output
    for path, saved in zip(args.reports, reports):
        if not saved.results:
            raise InputError(f"{path_text(path)}: the report holds no results: nothing to check")
    status = EXIT_OK
    for path, saved in zip(args.reports, reports):
        fresh = recheck(saved, cat)
        stale = "" if saved.catalog_version == cat.version else f" (report made with catalog {saved.catalog_version})"
        out.write(f"{path_text(path)}: {summary_line(fresh)}{stale}\n")
        for line in failures(fresh):
            out.write(f"  {line}\n")
        if fresh.failing:
            status = EXIT_MISMATCH
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


def _load_all(paths: Sequence[Path]) -> list[tuple[str, Report]]:
    """Every file validated before anything is written; the merged rows are bounded too."""
    from .report import load_report
    from .report.jsonio import MAX_RESULTS

    if len(paths) > MAX_INPUT_REPORTS:
        raise InputError(f"{len(paths)} report files is more than the {MAX_INPUT_REPORTS} one command reads")
    loaded = [(path_text(p.name), load_report(p)) for p in paths]
    rows = {(r.scenario, r.step) for _, rep in loaded for r in rep.results}
    if len(rows) > MAX_RESULTS:
        raise InputError(f"the reports name {len(rows)} distinct steps together, more than the {MAX_RESULTS} allowed")
    return loaded


def _cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    from .files import atomic_write, check_output_file
    from .report.matrix import build_matrix

    suffix = args.output.suffix.lower()
    shown = path_text(args.output)
    if suffix not in _RENDERERS:
        raise InputError(
            f"-o {shown}: unknown format {printable(repr(suffix or '(no extension)'))} (use .md, .html or .json)"
        )
    reports = _load_all(args.reports)
    check_output_file(args.output, "-o")
    matrix = build_matrix(reports, _catalog(args), __version__)
    atomic_write(args.output, _render(matrix, suffix))
    counts = ", ".join(f"{n} {c}" for c, n in matrix.counts().items())
    out.write(f"{shown}: {len(matrix.rows)} rows from {len(reports)} reports ({counts})\n")
    for name in matrix.stale:
        out.write(f"  stale: {printable(name)} was made with another catalog version\n")
    return EXIT_OK


def _cmd_diff(args: argparse.Namespace, out: TextIO) -> int:
    (_, a), (_, b) = _load_all([args.before, args.after])
    before = {(r.scenario, r.step): r.observed for r in a.results}
    after = {(r.scenario, r.step): r.observed for r in b.results}
    for name, rep in (("A", a), ("B", b)):
        p = rep.platform
        out.write(
            printable(
                f"{name}: {rep.os}/{rep.backend}, CPython {p.get('python')}, {p.get('system')} {p.get('release')}, catalog {rep.catalog_version}"
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


def _cmd_regenerate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
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
    failing = [r for r in made if r.failing]
    names = [f"{r.os}-{r.backend}.json" for r in made]
    for report in made:
        out.write(summary_line(report) + "\n")
    for report in failing:
        for line in failures(report):
            err.write(f"  {line}\n")
    out.flush()
    matrix = build_matrix(list(zip(names, made)), cat, __version__)
    files = {args.out / name: _report_json(report_to_json(report)) for name, report in zip(names, made)}
    files.update({args.out / f"matrix{suffix}": _render(matrix, suffix) for suffix in (".md", ".html", ".json")})
    write_all(files)  # all of them or none: a half-regenerated reports/ would contradict itself
    out.write(f"wrote {', '.join(names)} and matrix.md, matrix.html, matrix.json in {path_text(args.out)}\n")
    return EXIT_MISMATCH if failing else EXIT_OK


def _report_json(data: object) -> str:
    import json

    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


class _Terminated(BaseException):
    """SIGTERM, turned into an exception so that temporaries are removed on the way out."""


def _on_sigterm(signum: int, frame: Optional[FrameType]) -> NoReturn:
    raise _Terminated


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While a command runs in the main thread, SIGTERM unwinds it like Ctrl-C does."""
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):  # not the main thread (an embedding program): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    with _sigterm_raises():
        try:
            args = _parser().parse_args(argv)
            commands: dict[str, Callable[[], int]] = {
                "list": lambda: _cmd_list(args, out),
                "explain": lambda: _cmd_explain(args, out),
                "run": lambda: _cmd_run(args, out, err),
                "check": lambda: _cmd_check(args, out),
                "report": lambda: _cmd_report(args, out),
                "diff": lambda: _cmd_diff(args, out),
                "regenerate": lambda: _cmd_regenerate(args, out, err),
                "evidence": lambda: _cmd_evidence(args, out),
            }
            status = commands[args.command]()
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
