"""The plugin's fixtures for users' own tests (issue 9, section 2): ``sim_net``, ``sim_patched``,
the ``sockbehave_os`` marker and ``--sockbehave-os``, with complete cleanup."""

from __future__ import annotations

import pytest

TESTS = """
import socket
import threading
import pytest


@pytest.mark.sockbehave_os("linux", "windows")
def test_refused_connect(sim_patched):
    s = socket.socket()
    s.settimeout(10)
    start = sim_patched.clock()
    with pytest.raises(ConnectionRefusedError) as info:
        s.connect(("127.0.0.1", 9))
    took = sim_patched.clock() - start
    if sim_patched.os == "windows":
        assert info.value.errno == 10061 and took >= 1.9
    else:
        assert info.value.errno == 111 and took < 0.1


def test_sim_net(sim_net, sockbehave_profile):
    assert sim_net.os == sockbehave_profile
    s = sim_net.socket()
    s.bind(("127.0.0.1", 0))
    assert s.getsockname()[1] > 0


def test_plain_test_is_not_parametrized():
    assert isinstance(socket.socket(), socket.socket)
"""


def test_marker_parametrizes_and_option_sets_the_default(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=TESTS)
    result = pytester.runpytest("-v", "-p", "no:cacheprovider", "--sockbehave-os=darwin,freebsd")
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(
        [
            "*test_refused_connect?linux? PASSED*",
            "*test_refused_connect?windows? PASSED*",
            "*test_sim_net?darwin? PASSED*",
            "*test_sim_net?freebsd? PASSED*",
            "*test_plain_test_is_not_parametrized PASSED*",
        ]
    )


def test_all_four_profiles_by_default(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-k", "sim_net")
    result.assert_outcomes(passed=4)


def test_a_bad_os_name_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "--sockbehave-os=plan9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*sockbehave: --sockbehave-os: unknown OS name plan9*"])


CLEANUP = """
import socket
import threading
import time
import pytest

BEFORE = set(threading.enumerate())


@pytest.mark.sockbehave_os("linux")
def test_fails_with_a_thread_blocked(sim_patched):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    threading.Thread(target=server.accept, daemon=True).start()
    time.sleep(1)
    assert False, "the body fails"


@pytest.mark.sockbehave_os("linux")
def test_deadlock(sim_patched):
    threading.Event().wait()


@pytest.mark.sockbehave_os("linux")
def test_leaves_a_blocked_thread(sim_patched):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    threading.Thread(target=server.accept).start()


def test_after_them_nothing_is_left():
    assert socket.socket is socket.socket.__mro__[0]
    assert type(socket.socket()).__module__ == "socket"
    assert set(threading.enumerate()) <= BEFORE
    start = time.monotonic()
    time.sleep(0.01)
    assert time.monotonic() - start >= 0.01  # real time again
"""


def test_fixtures_clean_up_after_failures_and_deadlocks(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_cleanup=CLEANUP)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=3)
    text = result.stdout.str()
    assert "the body fails" in text
    assert "SimDeadlock" in text
    assert ": accept() on <socket.socket fd=" in text  # the thread left blocked, named with its wait
