"""The plugin runs an ``async def`` test body that uses ``sim_patched`` in ``asyncio.run``
inside the block, so a maintainer's asyncio tests run on every simulated OS."""

from __future__ import annotations

import pytest

TESTS = """
import asyncio
import socket
import time
import pytest

pytestmark = pytest.mark.filterwarnings("ignore::sockbehave.sim.aio.SelectorLoopWarning")


async def handle(reader, writer):
    writer.write((await reader.read(100)).upper())
    await writer.drain()
    writer.close()


@pytest.mark.sockbehave_os("linux", "windows")
async def test_echo_and_refusal(sim_patched):
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"hi")
    assert await reader.read(100) == b"HI"
    writer.close()
    server.close()
    await server.wait_closed()
    start = time.monotonic()
    with pytest.raises(ConnectionRefusedError) as info:
        await asyncio.open_connection("127.0.0.1", port)
    took = time.monotonic() - start
    if sim_patched.os == "windows":
        assert info.value.errno == 10061 and took >= 1.9
    else:
        assert info.value.errno == 111 and took < 0.1
    await asyncio.sleep(3000)  # virtual: the simulation allows an hour in all


@pytest.mark.sockbehave_os("darwin")
async def test_deadlock(sim_patched):
    await asyncio.get_running_loop().create_future()


def test_after_them_the_stack_is_real():
    assert type(socket.socket()).__module__ == "socket"
    start = time.monotonic()
    time.sleep(0.01)
    assert time.monotonic() - start >= 0.01
"""


def test_an_async_def_body_runs_inside_the_block(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user_async=TESTS)
    result = pytester.runpytest("-v", "-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test_echo_and_refusal?linux? PASSED*",
            "*test_echo_and_refusal?windows? PASSED*",
            "*test_deadlock?darwin? FAILED*",
            "*test_after_them_the_stack_is_real PASSED*",
        ]
    )
    assert "SimDeadlock" in result.stdout.str()
    result.stdout.re_match_lines(
        [
            r".*the asyncio loop waits for its tasks: Task-\d+: test_deadlock\(\) at test_user_async.py:\d+, awaiting a Future"
        ]
    )


def test_an_async_def_test_without_sim_patched_is_left_to_pytest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain_async="async def test_plain():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret != 0 or "skipped" in result.stdout.str()  # pytest's own "not natively supported"
    assert "async def functions are not natively supported" in result.stdout.str()
