"""``--sockbehave-sim=OS``: a whole unmodified suite on one simulated OS, each test (its
function-scoped fixtures, body and teardown) in a ``patched()`` block of its own."""

from __future__ import annotations

import pytest

SUITE = '''
import errno
import socket
import threading
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
