"""asyncio inside patched(): the loop's own machinery (self-pipe, call_soon_threadsafe from a
simulated thread, run_in_executor), loop.sock_* and protocol-based servers on every profile,
virtual time, deadlocks that end in SimDeadlock, the windows profile's loop warning, and a
library the project does not own (anyio on its asyncio backend).

The conformance programs (echo, datagram echo, timeouts, per-OS errors, real vs sim) are in
tests/conformance/test_asyncio_parity.py.
"""

from __future__ import annotations

import asyncio
import faulthandler
import functools
import gc
import os
import re
import socket
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from sockbehave.sim import SimDeadlock, patched
from sockbehave.sim.aio import EVENT_LOOP, SelectorLoopWarning
from sockbehave.sim.clock import outside as outside_simulation

PROFILES = ["linux", "darwin", "freebsd", "windows"]
#: The wall-clock bound for one simulated program: generous for two busy cores, and still
#: far below the virtual time the programs spend (an hour).
WALL_BOUND = 30.0


@pytest.fixture(autouse=True)
def _no_real_hang() -> Iterator[None]:
    """A simulator bug that hangs for real ends the run with every thread's traceback, not a stuck CI job."""
    faulthandler.dump_traceback_later(120, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


pytestmark = pytest.mark.filterwarnings("ignore::sockbehave.sim.aio.SelectorLoopWarning")


async def sock_methods() -> list[Any]:
    loop = asyncio.get_running_loop()
    log: list[Any] = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    client = socket.socket()
    client.setblocking(False)
    accepting = loop.create_task(loop.sock_accept(listener))
    await loop.sock_connect(client, listener.getsockname())
    conn, _ = await accepting
    conn.setblocking(False)
    big = bytes(range(256)) * 4096  # 1 MiB: more than any profile's buffers hold
    sending = loop.create_task(loop.sock_sendall(client, big))
    received = bytearray()
    buf = bytearray(65536)
    while len(received) < len(big):
        n = await loop.sock_recv_into(conn, buf)
        received += buf[:n]
    await sending
    log.append(("sendall/recv_into", bytes(received) == big))
    await loop.sock_sendall(conn, b"back")
    log.append(("recv", await loop.sock_recv(client, 10)))
    client.close()
    log.append(("eof", await loop.sock_recv(conn, 10)))
    conn.close()
    listener.close()
    return log


@pytest.mark.parametrize("profile", PROFILES)
def test_loop_sock_methods(profile: str) -> None:
    with patched(profile):
        log = asyncio.run(sock_methods())
    assert log == [("sendall/recv_into", True), ("recv", b"back"), ("eof", b"")]


@pytest.mark.parametrize("profile", ["linux", "windows"])
def test_socketpair_the_loops_self_pipe_is_a_connected_simulated_pair(profile: str) -> None:
    with patched(profile):
        a, b = socket.socketpair()
        with a, b:
            a.sendall(b"to b")
            b.sendall(b"to a")
            got = [b.recv(10), a.recv(10), a.getpeername() == b.getsockname()]
            a.close()
            got.append(b.recv(10))
            # Linux's socketpair(2) has no AF_INET pairs; Windows' CPython makes TCP pairs only
            refused = OSError if profile == "linux" else ValueError
            with pytest.raises(refused, match=r"Operation not supported|Only SOCK_STREAM"):
                socket.socketpair(socket.AF_INET, socket.SOCK_DGRAM)
    assert got == [b"to b", b"to a", True, b""]
    real_a, real_b = socket.socketpair()  # outside the block: the real one again
    with real_a, real_b:
        assert real_a.fileno() < 1 << 30


class _Upper(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: Any = transport

    def data_received(self, data: bytes) -> None:
        self.transport.write(data.upper())

    def eof_received(self) -> None:
        self.transport.close()


class _Collect(asyncio.Protocol):
    def __init__(self) -> None:
        self.data = b""
        self.lost: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def data_received(self, data: bytes) -> None:
        self.data += data

    def connection_lost(self, exc: Any) -> None:
        self.lost.set_result(exc)


async def protocols() -> list[Any]:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Upper, "127.0.0.1", 0)
    transport, protocol = await loop.create_connection(_Collect, *server.sockets[0].getsockname()[:2])
    transport.writelines([b"abc", b"d"])
    transport.write(b"e" * 1_000_000)  # more than the buffers hold: the rest waits for writability
    transport.write_eof()
    lost = await asyncio.wait_for(protocol.lost, 10)
    server.close()
    await server.wait_closed()
    return [protocol.data[:4], len(protocol.data), lost]


@pytest.mark.parametrize("profile", PROFILES)
def test_create_server_and_create_connection(profile: str) -> None:
    with patched(profile):
        assert asyncio.run(protocols()) == [b"ABCD", 1_000_004, None]


def test_half_an_hour_of_asyncio_sleep_costs_little_wall_time() -> None:
    async def main() -> float:
        start = time.monotonic()
        await asyncio.sleep(1800)  # well inside the 3600 s virtual time limit
        return time.monotonic() - start

    wall = time.perf_counter()
    with patched("linux") as net:
        slept = asyncio.run(main())
        virtual = net.clock()
    assert slept == pytest.approx(1800, abs=1e-3)
    assert virtual >= 1800
    assert time.perf_counter() - wall < WALL_BOUND


def test_call_soon_threadsafe_from_a_simulated_thread_wakes_the_loop() -> None:
    """The worker's call reaches the loop through the self-pipe while the loop waits in its selector."""

    async def main() -> list[Any]:
        loop = asyncio.get_running_loop()
        got: asyncio.Future[Any] = loop.create_future()

        def worker() -> None:
            time.sleep(5)  # the loop is idle in select() meanwhile
            loop.call_soon_threadsafe(got.set_result, ("from", threading.current_thread().name, time.monotonic()))

        thread = threading.Thread(target=worker, name="worker")
        thread.start()
        result = await asyncio.wait_for(got, 60)
        thread.join()
        return [result]

    with patched("windows"):
        assert asyncio.run(main()) == [("from", "worker", pytest.approx(5.0, abs=1e-3))]


def test_run_in_executor_uses_a_simulated_thread_pool() -> None:
    def blocking(n: int) -> tuple[int, float]:
        time.sleep(n)
        return n, time.monotonic()

    async def main() -> list[Any]:
        loop = asyncio.get_running_loop()
        results = await asyncio.gather(*(loop.run_in_executor(None, blocking, n) for n in (3, 1, 2)))
        return sorted(results)

    wall = time.perf_counter()
    with patched("darwin"):
        ms = functools.partial(pytest.approx, abs=1e-3)  # each clock read moves time on by a microsecond
        assert asyncio.run(main()) == [(1, ms(1.0)), (2, ms(2.0)), (3, ms(3.0))]  # in parallel, in virtual time
    assert time.perf_counter() - wall < WALL_BOUND


def cyclic_garbage_of_a_loop() -> list[str]:
    """The types of what ``asyncio.run`` of a small program left in reference cycles (gc's
    DEBUG_SAVEALL keeps them), as tornado's ``circlerefs_test`` checks."""

    async def main() -> None:
        await asyncio.get_running_loop().run_in_executor(None, lambda: None)
        await asyncio.sleep(0)

    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        asyncio.run(main())
        gc.collect()
        left = sorted({type(item).__name__ for item in gc.garbage})
        gc.garbage.clear()
    finally:
        gc.set_debug(0)
        gc.enable()
    return left


def test_the_simulations_loop_leaves_no_reference_cycles_as_the_real_one_leaves_none() -> None:
    with patched("linux"):
        assert cyclic_garbage_of_a_loop() == []
    assert cyclic_garbage_of_a_loop() == []


def test_a_deadlocked_asyncio_program_ends_in_sim_deadlock_naming_the_wait() -> None:
    peers: list[Any] = []  # kept, or 3.13 closes the peer's transport when its writer is collected

    async def main() -> None:
        listener = await asyncio.start_server(lambda *peer: peers.append(peer), "127.0.0.1", 0)
        reader, _writer = await asyncio.open_connection("127.0.0.1", listener.sockets[0].getsockname()[1])
        await reader.read(1)  # nobody ever writes, and no timeout

    wall = time.perf_counter()
    with pytest.raises(SimDeadlock) as caught, patched("linux"):
        asyncio.run(main())
    assert time.perf_counter() - wall < WALL_BOUND
    line = main.__code__.co_firstlineno + 3
    where = rf"main\(\) at {os.path.basename(__file__)}:{line}, awaiting StreamReader.read\(\)"
    assert re.search(rf"; the asyncio loop waits for its tasks: Task-\d+: {where}$", str(caught.value))
    # The program left its transports open: the garbage collector closes them after the
    # network is gone, quietly (as the sockets are gone with it).
    unraisable: list[Any] = []
    hook, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        del caught, peers[:]
        gc.collect()
    finally:
        sys.unraisablehook = hook
    assert [u.exc_value for u in unraisable] == []


@pytest.mark.filterwarnings("ignore::sockbehave.sim.aio.SelectorLoopWarning")
@pytest.mark.parametrize("profile", ["linux", "windows"])
def test_a_failed_sock_connects_error_does_not_keep_its_future_alive(profile: str) -> None:
    """CPython's ``_sock_connect_cb`` drops its future when it is done (gh-124859), so the error's
    traceback holds no cycle back to it (anyio's happy-eyeballs test counts on it)."""

    async def refused() -> BaseException:
        with socket.socket() as c:
            c.setblocking(False)
            try:
                await asyncio.get_running_loop().sock_connect(c, ("127.0.0.1", 9))
            except OSError as exc:
                return exc
        raise AssertionError("connected to a closed port")

    with patched(profile):
        exc = asyncio.run(refused())
    assert "Connect call failed" in str(exc)
    # The simulator's own frames the traceback keeps (each one raised through, and the frames
    # that called them) hold no future, nor arguments that do. (asyncio's own frames may hold
    # theirs: gh-124859 reached only some CPython releases.)
    tb, seen = exc.__traceback__, set()
    while tb is not None:
        frame: Any = tb.tb_frame
        while frame is not None and id(frame) not in seen:
            seen.add(id(frame))
            if os.sep + "sockbehave" + os.sep in frame.f_code.co_filename:
                held = [x for v in frame.f_locals.values() for x in (v if isinstance(v, tuple) else (v,))]
                assert not any(isinstance(x, asyncio.Future) for x in held), frame.f_code.co_name
            frame = frame.f_back
        tb = tb.tb_next


def test_the_windows_profile_says_it_runs_the_selector_loop() -> None:
    async def main() -> str:
        return type(asyncio.get_running_loop()).__name__

    assert EVENT_LOOP == "selector"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with patched("windows"):
            name = asyncio.run(main())
        with patched("linux"):
            asyncio.run(main())
    assert "Selector" in name
    [warning] = [w for w in caught if issubclass(w.category, SelectorLoopWarning)]
    assert "not the ProactorEventLoop" in str(warning.message)
    assert warning.filename == __file__  # it points at the user's asyncio.run()


def test_the_selector_loop_warning_as_an_error_leaves_no_half_made_loop() -> None:
    """Under ``filterwarnings = error`` (httpx's suite) the warning ends ``new_event_loop`` on
    the windows profile. It came before the loop made its self-pipe, and the half-made loop then
    raised ``AttributeError: ... '_ssock'`` when collected (an unraisable exception, which in
    httpx's suite ended the run with an INTERNALERROR)."""
    unraisable: list[Any] = []
    hook, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", SelectorLoopWarning)
            with patched("windows"):
                with pytest.raises(SelectorLoopWarning):
                    asyncio.new_event_loop()
                gc.collect()
    finally:
        sys.unraisablehook = hook
    assert [repr(u.exc_value) for u in unraisable if not issubclass(u.exc_type, ResourceWarning)] == []


def test_the_loop_outside_the_simulation_stays_real() -> None:
    """A thread outside the block (pytest's, another loop's) keeps the real socketpair and clock."""
    seen: list[Any] = []

    def outside() -> None:
        async def main() -> None:
            seen.append(type(asyncio.get_running_loop()._ssock))  # type: ignore[attr-defined]
            await asyncio.sleep(0.001)

        asyncio.run(main())

    with patched("linux"), outside_simulation():  # started as any thread outside the simulation is
        real = threading.Thread(target=outside)
        real.start()
        real.join(WALL_BOUND)
    assert seen == [socket.socket]


@pytest.mark.parametrize("profile", ["linux", "windows"])
def test_anyio_on_its_asyncio_backend(profile: str) -> None:
    anyio = pytest.importorskip("anyio")

    async def main() -> list[Any]:
        async def handle(stream: Any) -> None:
            async with stream:
                await stream.send((await stream.receive()).upper())

        listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
        port = listener.extra(anyio.abc.SocketAttribute.local_port)
        log: list[Any] = []
        async with anyio.create_task_group() as tg:
            tg.start_soon(listener.serve, handle)
            async with await anyio.connect_tcp("127.0.0.1", port) as client:
                await client.send(b"hi")
                log.append(await client.receive())
            with anyio.move_on_after(1800) as scope:  # well inside the 3600 s virtual time limit
                await anyio.sleep(7200)
            log.append(("moved on", scope.cancelled_caught))
            tg.cancel_scope.cancel()
        await listener.aclose()
        return log

    wall = time.perf_counter()
    with patched(profile):
        assert anyio.run(main, backend="asyncio") == [b"HI", ("moved on", True)]
    assert time.perf_counter() - wall < WALL_BOUND
