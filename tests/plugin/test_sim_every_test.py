"""``--sockbehave-sim=OS``: a whole unmodified suite on one simulated OS, each test (its
function-scoped fixtures, body and teardown) in a ``patched()`` block of its own."""

from __future__ import annotations

import re
import time

import pytest

SUITE = '''
import errno
import socket
import threading
import time

import time

import pytest


@pytest.fixture(scope="module")
def module_clock():
    return type(threading.Lock()).__module__  # set up outside any block: the real lock


class TestServerStartedInTheBodyJoinedInTeardown:
    """urllib3's pattern: the test starts a server thread, teardown_method stops it."""

    def teardown_method(self):
        self.quit.set()
        self.thread.join(5)
        assert not self.thread.is_alive()

    def test_refused_then_served(self, module_clock):
        self.quit = threading.Event()
        srv = socket.create_server(("127.0.0.1", 0))
        srv.settimeout(0.5)

        def serve():
            while not self.quit.is_set():
                try:
                    conn, _ = srv.accept()
                except socket.timeout:
                    continue
                conn.sendall(b"hi")
                conn.close()
            srv.close()

        self.thread = threading.Thread(target=serve)
        self.thread.start()
        start = time.monotonic()
        with pytest.raises(ConnectionRefusedError) as info:
            socket.create_connection(("127.0.0.1", 9), timeout=10)
        took = time.monotonic() - start
        print("PROFILE", errno.ECONNREFUSED, info.value.errno, round(took, 1), module_clock)
        with socket.create_connection(srv.getsockname()) as c:
            assert c.recv(10) == b"hi"


@pytest.mark.sockbehave_os("darwin")
def test_a_sim_fixture_keeps_its_own_profile(sim_patched):
    print("FIXTURE", sim_patched.os, errno.ECONNREFUSED)


def test_a_thread_left_blocked_fails_the_teardown():
    srv = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=srv.accept, name="forgotten").start()
'''


def test_every_test_runs_on_the_named_profile(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_suite=SUITE)
    result = pytester.runpytest("-s", "-p", "no:cacheprovider", "-p", "no:randomly", "--sockbehave-sim=windows")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        [
            "sockbehave: every test runs on the simulated windows (--sockbehave-sim)",
            # Windows' numbers, its 2 s of SYN retries before a refusal (virtual), the module
            # fixture's lock a real one (set up outside the block)
            "*PROFILE 10061 10061 2.0 _thread*",
            "*FIXTURE darwin 61*",  # macOS: ECONNREFUSED is 61
            "*ERROR at teardown of test_a_thread_left_blocked_fails_the_teardown*",
            "*forgotten: accept() on <socket.socket*",
        ]
    )


def test_without_the_option_nothing_is_simulated(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_plain="""
        import socket
        def test_real():
            assert type(socket.socket()).__module__ == "socket"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "--sockbehave-sim" not in result.stdout.str()


@pytest.mark.parametrize("value", ["plan9", "linux,windows", "all"])
def test_one_known_os_or_a_usage_error(pytester: pytest.Pytester, value: str) -> None:
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest("-p", "no:cacheprovider", f"--sockbehave-sim={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*sockbehave: --sockbehave-sim: *"])


def test_a_server_a_broader_fixture_starts_is_named_not_refused(pytester: pytest.Pytester) -> None:
    """The class-scoped fixture runs on the real stack (before the block): the simulated client
    cannot reach its server, and says so rather than give a refusal the real run would not."""
    pytester.makepyfile(
        test_broad="""
        import socket
        import pytest

        @pytest.fixture(scope="class")
        def server():
            with socket.create_server(("127.0.0.1", 0)) as srv:
                yield srv.getsockname()

        class TestIt:
            def test_connect(self, server):
                with pytest.raises(NotImplementedError, match="where a real socket of this process listens"):
                    socket.create_connection(server, timeout=5)
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--sockbehave-sim=linux")
    result.assert_outcomes(passed=1)


SESSION_SUITE = '''
import errno
import socket
import socketserver
import threading
import time

import time

import pytest


class Upper(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.sendall(self.request.recv(100).upper())


@pytest.fixture(scope="session")
def server():
    """A threading server for the whole run, as pytest-httpbin's is: simulated too."""
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Upper)
    thread = threading.Thread(target=srv.serve_forever, name="session-server")
    thread.start()
    yield srv.server_address
    srv.shutdown()
    srv.server_close()
    thread.join()


@pytest.fixture(scope="class")
def started():
    return time.monotonic()


class TestAgainstTheSessionServer:
    def test_first(self, server, started):
        with socket.create_connection(server) as c:
            c.sendall(b"one")
            assert c.recv(100) == b"ONE"
            print("SIMULATED", errno.ECONNREFUSED, started)

    def test_second_sees_virtual_time_go_on(self, server, started):
        time.sleep(30)  # virtual: the run does not wait
        with socket.create_connection(server) as c:
            c.sendall(b"two")
            assert c.recv(100) == b"TWO"
        assert time.monotonic() - started >= 30


def test_refused_on_the_simulated_os():
    with pytest.raises(ConnectionRefusedError) as info:
        socket.create_connection(("127.0.0.1", 9), timeout=10)
    assert info.value.errno == 10061


@pytest.mark.sockbehave_os("darwin")
def test_a_sim_fixture_keeps_its_own_profile(sim_patched):
    print("FIXTURE", sim_patched.os, errno.ECONNREFUSED)
'''


def test_session_scope_simulates_servers_of_every_fixture_scope(pytester: pytest.Pytester) -> None:
    """--sockbehave-sim-scope=session: one simulated host for the whole run, so the
    session-scoped server (a real one, unreachable, in the default scope) serves the tests,
    its shutdown in the last teardown runs in virtual time, and a 30 s sleep costs nothing."""
    pytester.makepyfile(test_session=SESSION_SUITE)
    started = time.perf_counter()
    result = pytester.runpytest(
        "-s",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        "--sockbehave-sim=windows",
        "--sockbehave-sim-scope=session",
    )
    result.assert_outcomes(passed=4)
    assert time.perf_counter() - started < 25  # (the 30 s sleep is virtual)
    result.stdout.fnmatch_lines(
        [
            "sockbehave: every test and fixture runs on one simulated windows host*",
            "*SIMULATED 10061 0.0",  # the windows numbers, virtual time from 0
            "*FIXTURE darwin 61*",
        ]
    )
    result.stdout.no_fnmatch_line("*did not end cleanly*")
    # the default scope: the same session server is a real one, and the client says so
    default = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly", "--sockbehave-sim=windows")
    default.assert_outcomes(passed=2, failed=2)
    default.stdout.fnmatch_lines(
        ["*NotModelled*where a real socket of this process listens*--sockbehave-sim-scope=session*"]
    )


def test_session_scope_names_a_thread_the_interpreter_would_wait_for_at_exit(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_forgotten="""
        import socket, threading

        def test_leaves_a_server_behind():
            srv = socket.create_server(("127.0.0.1", 0))
            threading.Thread(target=srv.accept, name="forgotten").start()
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--sockbehave-sim=linux", "--sockbehave-sim-scope=session")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        ["*sockbehave: the simulated session did not end cleanly*", "*forgotten: accept() on <socket.socket*"]
    )


OVERRIDE_CONFTEST = """
import socket
import threading

import pytest


@pytest.fixture(scope="session")
def server():
    srv = socket.create_server(("127.0.0.1", 0))

    def serve():
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            with conn:
                conn.sendall(b"hi")

    threading.Thread(target=serve, daemon=True).start()
    yield srv.getsockname()
    srv.close()
"""

OVERRIDE_SUITE = """
import socket

import pytest


@pytest.fixture
def server(server):  # requests' conftest wraps pytest-httpbin's session server this way
    return server


@pytest.mark.parametrize("n", [1, 2])
def test_fetch(server, n):
    with socket.create_connection(server, timeout=5) as c:
        assert c.recv(10) == b"hi"
"""


def test_a_broader_fixture_behind_a_function_scoped_one_is_set_up_outside_the_test_block(
    pytester: pytest.Pytester,
) -> None:
    """pytest sets up such a session fixture after the test's block opened. It used to start
    its server inside the first test's block, where it died with the block, and every later
    test got a refusal the real run never gives. Now it is set up on the real stack, as every
    broader fixture is in scope test (and the client says its server is real); in scope
    session it is simulated and serves every test."""
    pytester.makeconftest(OVERRIDE_CONFTEST)  # (pytest-httpbin's plugin, in requests' suite)
    pytester.makepyfile(test_override=OVERRIDE_SUITE)
    test_scope = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly", "--sockbehave-sim=linux")
    test_scope.assert_outcomes(failed=2)
    assert test_scope.stdout.str().count("where a real socket of this process listens") >= 2
    assert "ConnectionRefusedError" not in test_scope.stdout.str()
    session = pytester.runpytest(
        "-p", "no:cacheprovider", "-p", "no:randomly", "--sockbehave-sim=linux", "--sockbehave-sim-scope=session"
    )
    session.assert_outcomes(passed=2)


def test_what_a_library_took_at_import_is_simulated_in_the_test(pytester: pytest.Pytester) -> None:
    """The swaps go in before conftest files are imported: a clock taken with ``from time import
    ...`` and a queue class taken as a factory (trio's ``attrs.field(factory=queue.SimpleQueue)``)
    at import work in virtual time inside the test. Before, the clock read real time (a 30 s
    virtual sleep measured about 0 s), and the queue was the C one, which blocks for real."""
    pytester.makeconftest(
        """
        import queue
        from time import monotonic as taken_clock

        MAKE_QUEUE = queue.SimpleQueue
        """
    )
    pytester.makepyfile(
        test_taken="""
        import threading, time
        from conftest import MAKE_QUEUE, taken_clock

        def test_taken_clock_and_queue():
            start = taken_clock()
            time.sleep(30)
            assert abs(taken_clock() - start - 30.0) < 1e-3  # and a microsecond per clock read
            q = MAKE_QUEUE()
            threading.Thread(target=lambda: (time.sleep(5), q.put("late"))).start()
            assert q.get() == "late"
            assert abs(taken_clock() - start - 35.0) < 1e-3
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--sockbehave-sim=linux")
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize("scope", ["test", "session"])
def test_a_plugin_that_puts_the_real_socket_class_back_before_each_test_does_not_win(
    pytester: pytest.Pytester, scope: str
) -> None:
    """pytest-socket sets ``socket.socket`` back to the class it took at import before every
    test. With the swaps held for the whole run, that made the test's sockets real (urllib3's
    socket-level suite: real listeners in simulated threads, blocked for real)."""
    pytester.makeconftest(
        """
        import socket
        import pytest

        with socket.socket() as made_here:  # the real class (pytest-socket's import comes before the swaps)
            TAKEN = type(made_here)

        @pytest.hookimpl(tryfirst=True)
        def pytest_runtest_setup(item):
            socket.socket = TAKEN  # as pytest-socket's enable_socket() does
        """
    )
    pytester.makepyfile(
        test_put_back="""
        import socket
        import pytest

        @pytest.mark.parametrize("n", [1, 2])
        def test_simulated(n):
            with pytest.raises(ConnectionRefusedError) as info:
                socket.create_connection(("127.0.0.1", 9), timeout=5)
            assert info.value.errno == 10061  # the simulated windows, not this host
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--sockbehave-sim=windows", f"--sockbehave-sim-scope={scope}")
    result.assert_outcomes(passed=2)


def test_pytests_own_hooks_between_a_tests_phases_run_on_the_real_host(pytester: pytest.Pytester) -> None:
    """A test's block spans its setup, body and teardown, but the hooks pytest calls between
    those phases are pytest's and its plugins' code: they see the real host. pytest-timeout
    cancels its timer with ``signal.setitimer`` when a test fails (``pytest_exception_interact``);
    on the windows profile that name was hidden and the first failing test ended the session
    with an INTERNALERROR."""
    pytester.makeconftest(
        """
        import signal
        import threading

        def _seen(hook):
            print("HOOK", hook, hasattr(signal, "setitimer"), type(threading.Lock()).__module__)

        def pytest_runtest_makereport(item, call):
            _seen(f"makereport-{call.when}")

        def pytest_exception_interact(node, call, report):
            signal.setitimer(signal.ITIMER_REAL, 0)  # what pytest-timeout does
            _seen("exception_interact")

        def pytest_runtest_logreport(report):
            _seen(f"logreport-{report.when}")
        """
    )
    pytester.makepyfile(
        test_fails="""
        import signal

        def test_fails():
            assert not hasattr(signal, "setitimer")  # the body is on windows
            assert 1 == 2

        def test_after():
            pass
        """
    )
    result = pytester.runpytest("-s", "-p", "no:cacheprovider", "-p", "no:randomly", "--sockbehave-sim=windows")
    result.assert_outcomes(failed=1, passed=1)
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    hooks = [list(m) for m in re.findall(r"HOOK (\S+) (\S+) (\S+)", result.stdout.str())]
    assert ["exception_interact", "True", "_thread"] in hooks
    assert all(seen == "True" and lock == "_thread" for _, seen, lock in hooks), hooks
    assert len(hooks) == 13, hooks  # three phases of two tests, each reported and logged, and the failure
