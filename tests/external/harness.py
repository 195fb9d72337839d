"""Running another project's unittest suites inside ``patched()``, one test per block.

Owns: the machinery the opt-in scripts beside it share (``cpython_tests.py``,
``tornado_tests.py``): each class runs in a child process with a wall-clock limit, each test in
its own ``patched(os_name)`` block; a test that hangs for real is recorded as ``hang`` and the
child is restarted after it, so nothing can hang the run. Outcomes: pass, fail, error,
not-modelled (``NotImplementedError``, also one the test's own code caught before it failed or
timed out: the scheduler keeps the last one raised), deadlock (``SimDeadlock``), skip, hang.

A ``Project`` says where the suites are and what each needs: the module of a suite, the
classes to run, module-level aliases to late-bind (see ``cpython_tests.py``'s docstring), and
a set-up the project's own test runner makes before any test (tornado's silences its access
log). Nothing of the other project is copied: its tests are imported from where it is
installed.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.util
import json
import subprocess
import sys
import unittest
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from sockbehave.tables import OSES


@dataclass(frozen=True)
class Project:
    """Another project's socket tests, as the harness runs them."""

    name: str
    script: str  #: the script that runs them (the child process runs it again)
    package: str  #: the package the suites are modules of ("test", "tornado.test")
    suites: dict[str, tuple[str, ...]]  #: module (under ``package``) -> classes (none: every one)
    late_bound: dict[str, dict[str, str]] = field(default_factory=dict)
    prepare: Callable[[], None] = lambda: None  #: what the project's runner sets up first

    def module(self, suite: str) -> str:
        return f"{self.package}.{suite}"


def classes_of(project: Project, suite: str) -> tuple[str, ...]:
    """The classes to run of ``suite``: those the project names, or every ``TestCase`` the
    module defines that has tests, in the module's order."""
    if project.suites[suite]:
        return project.suites[suite]
    module = importlib.import_module(project.module(suite))
    return tuple(
        name
        for name, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, unittest.TestCase)
        and value.__module__ == module.__name__
        and unittest.defaultTestLoader.getTestCaseNames(value)
    )


def late_bound(target: str) -> Any:
    module_name, name = target.rsplit(".", 1)
    module = importlib.import_module(module_name)

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(module, name)(*args, **kwargs)

    return call


def classify(exc: BaseException) -> str:
    from sockbehave.sim.clock import SimDeadlock

    if isinstance(exc, NotImplementedError):
        return "not-modelled"
    if isinstance(exc, SimDeadlock):
        return "deadlock"
    return "error"


def child(project: Project, suite: str, class_name: str, os_name: str, skip: set[str]) -> None:
    """Run one class's tests, each in its own ``patched(os_name)`` block; a line of JSON per test,
    and a ``start`` line before it (so the parent knows which one hung)."""
    project.prepare()
    module = importlib.import_module(project.module(suite))  # outside every block: suites probe at import
    for alias, target in project.late_bound.get(suite, {}).items():
        setattr(module, alias, late_bound(target))

    from sockbehave.sim import patched

    cls = getattr(module, class_name)
    cls.setUpClass()  # outside the blocks, as unittest's suite would (files, shared state)
    for case in unittest.defaultTestLoader.loadTestsFromTestCase(cls):
        name = case.id().rsplit(".", 1)[-1]
        if name in skip:
            continue
        print(json.dumps({"start": name}), flush=True)
        result = unittest.TestResult()
        outcome, detail, noted = "pass", "", ""
        try:
            with patched(os_name) as net:
                case.run(result)
                gc.collect()  # what the test left behind is finalized here, not inside the next test
                noted = net.scheduler.not_modelled
        except BaseException as exc:  # the block's exit: a thread left blocked, a deadlock
            outcome, detail = classify(exc), f"block exit: {type(exc).__name__}: {exc}"
        problems = result.errors + result.failures
        if result.skipped:
            outcome, detail = "skip", result.skipped[0][1]
        elif result.failures and outcome == "pass":
            outcome, detail = "fail", result.failures[0][1].strip().splitlines()[-1]
        elif problems and outcome == "pass":
            last = problems[0][1].strip().splitlines()[-1]
            outcome = (
                "not-modelled"
                if "NotImplementedError" in last or "NotModelled" in last
                else "deadlock"
                if "SimDeadlock" in last
                else "error"
            )
            detail = last
        elif result.unexpectedSuccesses:
            outcome = "fail"
        if outcome in ("fail", "error", "deadlock") and noted:  # a NotImplementedError the program caught
            outcome, detail = "not-modelled", f"{noted} (caught inside the test, which then saw: {detail})"
        print(json.dumps({"test": name, "outcome": outcome, "detail": detail[:300]}), flush=True)
    cls.tearDownClass()


def run_class(project: Project, suite: str, class_name: str, os_name: str, timeout: float) -> list[dict[str, Any]]:
    done: list[dict[str, Any]] = []
    while True:
        skip = [d["test"] for d in done]
        try:
            proc = subprocess.run(  # fixed argv, no shell
                [sys.executable, project.script, "--child", suite, class_name, os_name, *skip],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
            out, finished = proc.stdout, True
        except subprocess.TimeoutExpired as exc:
            raw = exc.stdout or b""
            out, finished = raw.decode() if isinstance(raw, bytes) else raw, False
        started: Optional[str] = None
        for line in out.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if "start" in record:
                started = record["start"]
            elif "test" in record:
                done.append(record)
                started = None
        if finished:
            if started is not None:  # the child died inside a test
                done.append({"test": started, "outcome": "error", "detail": proc.stderr.strip()[-300:]})
                continue
            return done
        if started is None:
            return [*done, {"test": "(class set-up)", "outcome": "hang", "detail": f"over {timeout} s"}]
        done.append({"test": started, "outcome": "hang", "detail": f"over {timeout} s of wall time"})


def main(project: Project, description: str, argv: Optional[list[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--child"]:
        child(project, args[1], args[2], args[3], set(args[4:]))
        return 0
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("classes", nargs="*", help="classes of the chosen suite (default: the suite's list)")
    parser.add_argument("--suite", choices=sorted(project.suites), action="append", help="default: every suite")
    parser.add_argument("--timeout", type=float, default=60.0, help="wall-clock limit per child (s)")
    parser.add_argument("--json", type=Path, help="write every test's outcome here")
    parser.add_argument(
        "--os",
        default="linux",
        choices=OSES,
        help="the profile (default linux; the suites expect the host they run on, so elsewhere a failed "
        "assertion may be that OS's difference, while an error other than NotImplementedError is a bug)",
    )
    opts = parser.parse_args(args)
    suites = opts.suite or list(project.suites)
    if opts.classes and len(suites) != 1:
        parser.error("name one --suite to choose its classes")
    total: Counter[str] = Counter()
    everything: dict[str, list[dict[str, Any]]] = {}
    for suite in suites:
        root, module = project.package.split(".")[0], project.module(suite.split(".")[0])
        if importlib.util.find_spec(root) is None or importlib.util.find_spec(module) is None:
            print(f"{suite:50} not installed here ({project.name})", flush=True)
            continue
        for name in opts.classes or classes_of(project, suite):
            records = run_class(project, suite, name, opts.os, opts.timeout)
            everything[f"{suite}.{name}"] = records
            counts = Counter(r["outcome"] for r in records)
            total.update(counts)
            print(f"{suite + '.' + name:50} " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), flush=True)
    print(f"{'total':50} " + ", ".join(f"{k} {v}" for k, v in sorted(total.items())))
    if opts.json:
        opts.json.write_text(json.dumps(everything, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0
