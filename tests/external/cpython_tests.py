"""Opt-in: CPython's own loopback TCP/UDP tests inside ``patched("linux")`` (or ``--os``).

Owns: running another project's socket tests against the simulator and counting what happens.
Not part of the suite (pytest does not collect this file) and nothing of CPython's is copied:
the test modules come from the interpreter's own ``test`` package (install it where a distro
splits it out). The suites: ``test_socket`` (its loopback TCP/UDP classes),
``test_socketserver``, ``test_selectors``, five of ``test_asyncio``'s, the HTTP and
XML-RPC servers and clients of ``test_httpservers``, ``test_urllib2_localnet``,
``test_httplib``, ``test_xmlrpc``, ``test_docxmlrpc`` and ``test_wsgiref``, the FTP, POP3,
SMTP, IMAP and telnet clients against their suites' loopback servers, and ``test_logging``'s
socket handlers (``SUITES``; a suite the interpreter lacks is skipped). Each test runs in its own ``patched("linux")``
block; each class runs in a child process with a wall-clock limit, and a test that hangs for
real is recorded as ``hang`` and the child is restarted after it, so nothing can hang the run.
``--os`` names another profile: the suites expect the host they were imported on, so there a
failed assertion may be that OS's difference, and only an error other than
``NotImplementedError``, a deadlock or a hang points at the simulator.

The one adaptation (``LATE_BOUND``): a module-level alias the suite takes of a function the
simulation swaps (``from time import monotonic as time``, ``_real_select = select.select``,
``socketpair = socket.socketpair``) is the real function for ever, and would read the real
clock or wait on real descriptors from inside the block. The child points each such alias at the module attribute, looked up when
called, which is what the suite's code would get had it written ``time.monotonic()``.

    python tests/external/cpython_tests.py [--os NAME] [--timeout S] [--json FILE] [--suite NAME] [Class ...]

Prints one line per class (pass / fail / error / not-modelled / deadlock / skip / hang) and a
total; ``--json`` writes every test's outcome. Exit status 0 unless a child could not run.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import subprocess
import sys
import unittest
from collections import Counter
from pathlib import Path
from typing import Any, Optional

from sockbehave.tables import OSES

SOCKET_CLASSES = (
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


#: The classes run per suite (module of the ``test`` package).
SUITES: dict[str, tuple[str, ...]] = {
    "test_socket": SOCKET_CLASSES,
    "test_socketserver": ("SocketServerTest", "ErrorHandlerTest", "SocketWriterTest", "MiscTestCase"),
    "test_selectors": (
        "DefaultSelectorTestCase",
        "SelectSelectorTestCase",
        "PollSelectorTestCase",
        "EpollSelectorTestCase",
    ),
    "test_asyncio.test_sock_lowlevel": ("EPollEventLoopTests", "PollEventLoopTests", "SelectEventLoopTests"),
    "test_asyncio.test_sendfile": ("EPollEventLoopTests", "PollEventLoopTests", "SelectEventLoopTests"),
    "test_asyncio.test_streams": ("StreamTests",),
    "test_asyncio.test_server": ("SelectorStartServerTests",),
    "test_asyncio.test_events": ("EPollEventLoopTests", "PollEventLoopTests", "SelectEventLoopTests"),
    "test_httpservers": ("BaseHTTPServerTestCase", "SimpleHTTPServerTestCase", "RequestHandlerLoggingTestCase"),
    "test_urllib2_localnet": ("TestUrlopen", "BasicAuthTests", "ProxyAuthTests"),
    "test_httplib": ("SourceAddressTest", "TimeoutTest"),
    "test_xmlrpc": (
        "SimpleServerTestCase",
        "SimpleServerEncodingTestCase",
        "KeepaliveServerTestCase1",
        "KeepaliveServerTestCase2",
        "GzipServerTestCase",
        "HeadersServerTestCase",
        "MultiPathServerTestCase",
        "FailingServerTestCase",
        "ServerProxyTestCase",
    ),
    # clients and servers of other protocols, over loopback (asyncore or socketserver servers)
    "test_ftplib": ("TestFTPClass", "TestIPv6Environment", "TestTLS_FTPClassMixin", "TestTimeouts"),
    "test_poplib": ("TestPOP3Class", "TestPOP3_SSLClass", "TestPOP3_TLSClass", "TestTimeouts"),
    "test_smtplib": (
        "DebuggingServerTests",
        "SMTPSimTests",
        "SMTPUTF8SimTests",
        "SMTPAUTHInitialResponseSimTests",
    ),
    "test_imaplib": ("NewIMAPTests", "NewIMAPSSLTests", "ThreadedNetworkedTests"),
    "test_logging": (
        "SocketHandlerTest",
        "DatagramHandlerTest",
        "SysLogHandlerTest",
        "IPv6SysLogHandlerTest",
        "HTTPHandlerTest",
        "UnixSocketHandlerTest",
        "UnixDatagramHandlerTest",
        "UnixSysLogHandlerTest",
    ),
    "test_telnetlib": ("GeneralTests",),  # (removed in 3.13)
    "test_wsgiref": ("IntegrationTests",),
    "test_docxmlrpc": ("DocXMLRPCHTTPGETServer",),
}

#: Per suite: module-level aliases of swapped functions, and the ``module.attribute`` each
#: names (see the module docstring).
LATE_BOUND: dict[str, dict[str, str]] = {
    "test_socketserver": {"_real_select": "select.select"},
    "test_selectors": {"time": "time.monotonic", "sleep": "time.sleep", "socketpair": "socket.socketpair"},
}


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


def child(suite: str, class_name: str, os_name: str, skip: set[str]) -> None:
    """Run one class's tests, each in its own ``patched(os_name)`` block; a line of JSON per test,
    and a ``start`` line before it (so the parent knows which one hung)."""
    module = importlib.import_module(f"test.{suite}")  # outside every block: test_socket probes at import
    for alias, target in LATE_BOUND.get(suite, {}).items():
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
        outcome, detail = "pass", ""
        try:
            with patched(os_name):
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


def run_class(suite: str, class_name: str, os_name: str, timeout: float) -> list[dict[str, Any]]:
    done: list[dict[str, Any]] = []
    while True:
        skip = [d["test"] for d in done]
        try:
            proc = subprocess.run(  # fixed argv, no shell
                [sys.executable, __file__, "--child", suite, class_name, os_name, *skip],
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
        child(args[1], args[2], args[3], set(args[4:]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("classes", nargs="*", help="classes of the chosen suite (default: the suite's list)")
    parser.add_argument("--suite", choices=sorted(SUITES), action="append", help="default: every suite")
    parser.add_argument("--timeout", type=float, default=60.0, help="wall-clock limit per child (s)")
    parser.add_argument("--json", type=Path, help="write every test's outcome here")
    parser.add_argument(
        "--os",
        default="linux",
        choices=OSES,
        help="the profile (default linux; the suites expect Linux, so elsewhere a failed assertion "
        "may be that OS's difference, while an error other than NotImplementedError is a bug)",
    )
    opts = parser.parse_args(args)
    suites = opts.suite or list(SUITES)
    if opts.classes and len(suites) != 1:
        parser.error("name one --suite to choose its classes")
    total: Counter[str] = Counter()
    everything: dict[str, list[dict[str, Any]]] = {}
    for suite in suites:
        if importlib.util.find_spec(f"test.{suite.split('.')[0]}") is None:
            print(f"{suite:50} not in this interpreter's test package", flush=True)
            continue
        for name in opts.classes or SUITES[suite]:
            records = run_class(suite, name, opts.os, opts.timeout)
            everything[f"{suite}.{name}"] = records
            counts = Counter(r["outcome"] for r in records)
            total.update(counts)
            print(f"{suite + '.' + name:50} " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), flush=True)
    print(f"{'total':50} " + ", ".join(f"{k} {v}" for k, v in sorted(total.items())))
    if opts.json:
        opts.json.write_text(json.dumps(everything, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
