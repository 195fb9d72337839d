"""Opt-in: CPython's own ``test.test_socket`` loopback TCP/UDP classes inside ``patched("linux")``.

Owns: running another project's socket tests against the simulator and counting what happens.
Not part of the suite (pytest does not collect this file) and nothing of CPython's is copied:
the test module comes from the interpreter's own ``test`` package (install it where a distro
splits it out). Each test runs in its own ``patched("linux")`` block; each class runs in a child
process with a wall-clock limit, and a test that hangs for real is recorded as ``hang`` and the
child is restarted after it, so nothing can hang the run.

    python tests/external/cpython_socket.py [--timeout S] [--json FILE] [Class ...]

Prints one line per class (pass / fail / error / not-modelled / deadlock / skip / hang) and a
total; ``--json`` writes every test's outcome. Exit status 0 unless a child could not run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import unittest
from collections import Counter
from pathlib import Path
from typing import Any, Optional

CLASSES = (
    "BasicTCPTest",
    "BasicTCPTest2",
    "BasicUDPTest",
    "NonBlockingTCPTests",
    "FileObjectClassTestCase",
    "UnbufferedFileObjectClassTestCase",
    "LineBufferedFileObjectClassTestCase",
    "SmallBufferedFileObjectClassTestCase",
    "NetworkConnectionNoServer",
    "NetworkConnectionAttributesTest",
    "NetworkConnectionBehaviourTest",
    "BasicSocketPairTest",
    "TCPTimeoutTest",
    "UDPTimeoutTest",
    "TestSocketSharing",
    "ContextManagersTest",
    "InheritanceTest",
    "SendfileUsingSendTest",
    "CreateServerTest",
    "CreateServerFunctionalTest",
    "TCPCloserTest",
    "UnicodeReadFileObjectClassTestCase",
    "UnicodeWriteFileObjectClassTestCase",
    "UnicodeReadWriteFileObjectClassTestCase",
    "SendmsgTCPTest",
    "SendmsgUDPTest",
    "SendmsgUDP6Test",
    "RecvmsgTCPTest",
    "RecvmsgUDPTest",
    "RecvmsgUDP6Test",
    "RecvmsgIntoTCPTest",
    "RecvmsgIntoUDPTest",
    "InterruptedRecvTimeoutTest",
    "InterruptedSendTimeoutTest",
)


def classify(exc: BaseException) -> str:
    from sockbehave.sim.clock import SimDeadlock

    if isinstance(exc, NotImplementedError):
        return "not-modelled"
    if isinstance(exc, SimDeadlock):
        return "deadlock"
    return "error"


def child(class_name: str, skip: set[str]) -> None:
    """Run one class's tests, each in its own patched("linux") block; a line of JSON per test,
    and a ``start`` line before it (so the parent knows which one hung)."""
    import test.test_socket as cpython  # imported outside every block: it probes at import

    from sockbehave.sim import patched

    cls = getattr(cpython, class_name)
    cls.setUpClass()  # outside the blocks, as unittest's suite would (files, shared state)
    for case in unittest.defaultTestLoader.loadTestsFromTestCase(cls):
        name = case.id().rsplit(".", 1)[-1]
        if name in skip:
            continue
        print(json.dumps({"start": name}), flush=True)
        result = unittest.TestResult()
        outcome, detail = "pass", ""
        try:
            with patched("linux"):
                case.run(result)
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
        print(json.dumps({"test": name, "outcome": outcome, "detail": detail[:300]}), flush=True)
    cls.tearDownClass()


def run_class(class_name: str, timeout: float) -> list[dict[str, Any]]:
    done: list[dict[str, Any]] = []
    while True:
        skip = [d["test"] for d in done]
        try:
            proc = subprocess.run(  # fixed argv, no shell
                [sys.executable, __file__, "--child", class_name, *skip],
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


def main(argv: Optional[list[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--child"]:
        child(args[1], set(args[2:]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("classes", nargs="*", default=list(CLASSES))
    parser.add_argument("--timeout", type=float, default=60.0, help="wall-clock limit per child (s)")
    parser.add_argument("--json", type=Path, help="write every test's outcome here")
    opts = parser.parse_args(args)
    total: Counter[str] = Counter()
    everything: dict[str, list[dict[str, Any]]] = {}
    for name in opts.classes:
        records = run_class(name, opts.timeout)
        everything[name] = records
        counts = Counter(r["outcome"] for r in records)
        total.update(counts)
        print(f"{name:40} " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), flush=True)
    print(f"{'total':40} " + ", ".join(f"{k} {v}" for k, v in sorted(total.items())))
    if opts.json:
        opts.json.write_text(json.dumps(everything, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
