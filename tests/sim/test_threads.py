"""Deterministic threads inside patched(): the standard library's blocking primitives wait in
virtual time, deadlocks name every waiting thread, and no simulated thread outlives the block.
(The same programs run on the real stack in tests/conformance/test_runtime_parity.py.)"""

from __future__ import annotations

import _thread
import contextlib
import datetime
import functools
import os
import queue
import select
import socket
import socketserver
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from sockbehave.errors import ScenarioError
from sockbehave.sim import SimDeadlock, patched
from sockbehave.sim.clock import current_task
from sockbehave.sim.clock import outside as threads_outside
from sockbehave.sim.patching import DAEMON_GRACE
from sockbehave.sim.threads import SimLock

pytest_plugins = ["pytester"]


def _join_a_thread_waiting_for_an_event_nobody_sets() -> None:
    with patched("linux"):
        never = threading.Event()
        worker = threading.Thread(target=never.wait, name="waiter")
        worker.start()
        worker.join()


def test_an_event_nobody_sets_is_a_deadlock_naming_each_thread_and_what_it_waits_on() -> None:
    with pytest.raises(SimDeadlock) as info:
        _join_a_thread_waiting_for_an_event_nobody_sets()
    message = str(info.value)
    assert "MainThread: Thread.join() of waiter" in message
    assert "waiter: Event.wait()" in message
    assert "no timer is due" in message


def test_a_lone_event_wait_is_a_deadlock_not_a_hang() -> None:
    with pytest.raises(SimDeadlock, match=r"Event.wait\(\) at test_threads.py:\d+ can never complete"), patched():
        threading.Event().wait()


def test_queue_get_with_a_timeout_waits_in_virtual_time() -> None:
    start = time.monotonic()
    with patched("linux") as net:
        with pytest.raises(queue.Empty):
            queue.Queue().get(timeout=5)
        virtual = net.clock()
    assert virtual == pytest.approx(5.0, abs=1e-3)  # and a microsecond per clock read (READ_COST)
    assert time.monotonic() - start < 4.0  # it used to wait 5 real seconds


EPOCH = 1_800_000_000.0  # 2027-01-15T08:00:00Z


def test_time_inside_the_block_is_virtual_and_deterministic() -> None:
    with patched("linux", epoch=EPOCH) as net:
        # each read moves virtual time on by READ_COST (a microsecond)
        assert (time.monotonic(), time.perf_counter(), time.time()) == (0.0, 1e-6, EPOCH + 2e-6)
        assert datetime.date.today() == datetime.date(2027, 1, 15)  # date.today() reads time.time()
        time.sleep(2.5)
        assert time.monotonic() == net.clock() - 1e-6 == pytest.approx(2.5, abs=1e-3)
        assert abs(time.monotonic_ns() - 2_500_000_000) < 10**6 and time.time() == pytest.approx(EPOCH + 2.5, abs=1e-3)
        with pytest.raises(ValueError, match="non-negative"):
            time.sleep(-1)


def test_locks_conditions_semaphores_and_barriers_wait_in_virtual_time() -> None:
    log: list[tuple[str, float]] = []
    with patched("darwin"):
        lock = threading.Lock()
        assert isinstance(lock, SimLock)
        lock.acquire()
        holder = threading.Thread(target=lambda: (time.sleep(3), lock.release()))
        holder.start()
        log.append(("timed-out acquire", float(lock.acquire(timeout=1))))  # False after 1 s
        assert lock.acquire(timeout=10)
        log.append(("acquired at", time.monotonic()))
        lock.release()
        holder.join()

        barrier = threading.Barrier(3)

        def arrive(delay: float) -> None:
            time.sleep(delay)
            barrier.wait()
            log.append(("through the barrier", time.monotonic()))

        runners = [threading.Thread(target=arrive, args=(d,)) for d in (1, 2, 4)]
        for t in runners:
            t.start()
        for t in runners:
            t.join()

        sem = threading.BoundedSemaphore(1)
        sem.acquire()
        log.append(("semaphore", float(sem.acquire(timeout=0.5))))
        sem.release()
        with pytest.raises(ValueError, match="released too many times"):
            sem.release()

        rlock = threading.RLock()
        with rlock, rlock:
            cond = threading.Condition(rlock)
            log.append(("condition timeout", float(cond.wait(0.25))))
    ms = functools.partial(pytest.approx, abs=1e-3)  # each clock read moves time on by a microsecond
    assert log == [
        ("timed-out acquire", 0.0),
        ("acquired at", ms(3.0)),
        ("through the barrier", ms(7.0)),
        ("through the barrier", ms(7.0)),
        ("through the barrier", ms(7.0)),
        ("semaphore", 0.0),
        ("condition timeout", 0.0),
    ]


def test_queues_of_every_kind_hand_items_between_threads() -> None:
    with patched("linux") as net:
        results: dict[str, list[Any]] = {}
        for kind in (queue.Queue, queue.LifoQueue, queue.PriorityQueue, queue.SimpleQueue):
            q: Any = kind()

            def produce(q: Any = q) -> None:
                for item in (3, 1, 2):
                    time.sleep(0.1)
                    q.put(item)

            producer = threading.Thread(target=produce)
            producer.start()
            producer.join()
            results[kind.__name__] = [q.get(timeout=1) for _ in range(3)]
        work: queue.Queue[Any] = queue.Queue()
        done: list[int] = []

        def consume() -> None:
            while True:
                item = work.get()
                work.task_done()
                if item is None:
                    return
                done.append(item)

        threading.Thread(target=consume).start()
        for i in range(3):
            work.put(i)
        work.put(None)
        work.join()
        clock = net.clock()
    assert results == {
        "Queue": [3, 1, 2],
        "LifoQueue": [2, 1, 3],
        "PriorityQueue": [1, 2, 3],
        "SimpleQueue": [3, 1, 2],
    }
    assert done == [0, 1, 2] and clock == pytest.approx(1.2, abs=1e-3)


def scan(ports: list[int]) -> list[tuple[int, int]]:
    """A thread-pool port scanner, as tutorials write it."""

    def probe(port: int) -> tuple[int, int]:
        with socket.socket() as s:
            s.settimeout(3.0)
            return port, s.connect_ex(("127.0.0.1", port))

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(probe, ports))


@pytest.mark.parametrize(("profile", "refused", "took"), [("linux", 111, 0.0), ("windows", 10061, 2.0)])
def test_a_thread_pool_port_scanner(profile: str, refused: int, took: float) -> None:
    with patched(profile) as net:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        found = scan([port, 9, 10, 11])
        clock = net.clock()
    assert found == [(port, 0), (9, refused), (10, refused), (11, refused)]
    assert clock == pytest.approx(took, abs=1e-3)  # the four probes ran concurrently, in virtual time


class _Upper(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        if isinstance(self.request, tuple):  # UDP: (data, socket)
            data, sock = self.request
            sock.sendto(data.upper(), self.client_address)
        else:
            self.request.sendall(self.request.recv(1024).upper())


@pytest.mark.parametrize("profile", ["linux", "darwin", "freebsd", "windows"])
def test_threading_socketservers_serve_and_shut_down(profile: str) -> None:
    replies = []
    with patched(profile) as net:
        tcp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Upper)
        udp = socketserver.ThreadingUDPServer(("127.0.0.1", 0), _Upper)
        servers = [threading.Thread(target=s.serve_forever) for s in (tcp, udp)]
        for t in servers:
            t.start()
        for i in range(3):
            with socket.create_connection(tcp.server_address) as c:
                c.sendall(b"tcp%d" % i)
                replies.append(c.recv(100))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.sendto(b"udp", udp.server_address)
            replies.append(u.recvfrom(100)[0])
        for s in (tcp, udp):
            s.shutdown()  # waits for serve_forever's next 0.5 s poll, in virtual time
            s.server_close()
        for t in servers:
            t.join()
            assert not t.is_alive()
        assert net.clock() == 1.0  # each shutdown() waits for its server's next 0.5 s poll
    assert replies == [b"TCP0", b"TCP1", b"TCP2", b"UDP"]


def test_start_new_thread_runs_a_simulated_thread() -> None:
    with patched("linux"):
        done = threading.Lock()
        done.acquire()
        seen = []

        def body(x: int) -> None:
            time.sleep(1)
            seen.append((x, time.monotonic()))
            done.release()

        _thread.start_new_thread(body, (7,))
        assert done.acquire(timeout=5)
    assert seen == [(7, 1.0)]


def _two_workers_taking_two_locks_in_opposite_orders() -> None:
    with patched("linux"):
        a, b = threading.Lock(), threading.Lock()

        def one() -> None:
            with a:
                time.sleep(1)
                with b:
                    pass

        def two() -> None:
            with b:
                time.sleep(1)
                with a:
                    pass

        workers = [threading.Thread(target=f, name=f.__name__) for f in (one, two)]
        for t in workers:
            t.start()
        for t in workers:
            t.join()


def test_a_deadlock_between_workers_is_raised_in_the_block_not_in_a_worker() -> None:
    with pytest.raises(SimDeadlock) as info:
        _two_workers_taking_two_locks_in_opposite_orders()
    assert "one: Lock.acquire()" in str(info.value) or "one: SimLock.acquire()" in str(info.value)
    assert "two:" in str(info.value)


def test_non_daemon_threads_are_waited_for_at_the_end_of_the_block() -> None:
    finished = []
    with patched("linux") as net:
        threading.Thread(target=lambda: (time.sleep(30), finished.append(time.monotonic()))).start()
    assert finished == [pytest.approx(30.0, abs=1e-3)] and net.clock() == pytest.approx(30.0, abs=1e-3)


def _leave_a_thread_blocked_in_accept() -> None:
    with patched():
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        threading.Thread(target=listener.accept, name="acceptor", daemon=True).start()


def test_a_thread_still_blocked_when_the_block_ends_is_an_error_naming_it_and_none_survives() -> None:
    before = set(threading.enumerate())
    with pytest.raises(
        ScenarioError, match=r"still blocked .*: acceptor \(accept\(\) on <socket.socket fd=\d+.*\(sim linux\)>"
    ):
        _leave_a_thread_blocked_in_accept()
    # none survives: no thread that was not there before (one of another test may have ended)
    assert set(threading.enumerate()) <= before


def test_daemon_threads_waiting_with_a_timeout_get_a_grace_to_end_as_idle_pool_workers_do() -> None:
    """trio's and anyio's idle worker threads wait 10 s for work, as daemons: the block's end
    lets them time out (DAEMON_GRACE, in virtual time) rather than naming them as blocked."""
    ended: list[float] = []

    def idle_worker() -> None:
        threading.Event().wait(10)
        ended.append(time.monotonic())

    with patched() as net:
        threading.Thread(target=idle_worker, daemon=True).start()
        time.sleep(1)
    assert ended == [pytest.approx(10.0, abs=1e-3)] and net.clock() == pytest.approx(10.0, abs=1e-3)

    def heartbeat() -> None:
        while True:
            time.sleep(1)

    with pytest.raises(ScenarioError, match=r"still blocked .*: heartbeat \(time\.sleep\(1\)\)"), patched() as net:
        threading.Thread(target=heartbeat, name="heartbeat", daemon=True).start()
    assert net.clock() == pytest.approx(DAEMON_GRACE, abs=1e-3)


def test_threads_outside_the_simulation_keep_the_real_socket_time_and_threading() -> None:
    go, answered = threading.Event(), threading.Event()
    seen: dict[str, Any] = {}

    def outsider() -> None:  # e.g. a logging handler's thread, or pytest's
        go.wait(10)
        s = socket.socket()
        seen["socket"] = type(s)
        s.close()
        seen["lock"] = type(threading.Lock())
        seen["time"] = time.time()
        start = time.monotonic()
        time.sleep(0.01)
        seen["slept"] = time.monotonic() - start
        answered.set()

    thread = threading.Thread(target=outsider)
    thread.start()  # before the block: a real thread
    with patched("linux", epoch=0.0):  # a simulated date of 1970
        go.set()  # a real Event made outside: set() from a simulated thread is fine
        with pytest.raises(SimDeadlock):  # waiting in the simulation for an outsider is not modelled
            answered.wait()
    thread.join(10)
    assert seen["socket"] is socket.socket
    assert seen["lock"] is not SimLock
    assert seen["time"] > 10**9  # the real wall clock, not the simulated date
    assert seen["slept"] >= 0.01


def test_a_pytest_run_parametrized_over_profiles_reports_each_leftover_thread(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import socket, threading
        import pytest
        from sockbehave.sim import patched

        BEFORE = set(threading.enumerate())  # the worker's own (an xdist worker may hold others)

        @pytest.mark.parametrize("profile", ["linux", "darwin", "freebsd", "windows"] * 3)
        def test_server(profile):
            with patched(profile):
                srv = socket.socket()
                srv.bind(("127.0.0.1", 0))
                srv.listen(5)
                def serve():
                    while True:
                        conn, _ = srv.accept()
                        conn.sendall(conn.recv(100))
                        conn.close()
                threading.Thread(target=serve, name="serve", daemon=True).start()
                c = socket.create_connection(srv.getsockname())
                c.sendall(b"x")
                assert c.recv(10) == b"x"

        def test_nothing_left():
            assert set(threading.enumerate()) <= BEFORE
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=12, passed=1)
    result.stdout.no_fnmatch_line("*INTERNALERROR*")
    assert result.stdout.str().count("still blocked when the patched() block ended: serve (accept()") == 12


def test_sleep_zero_gives_the_other_threads_a_turn() -> None:
    with patched("linux"):
        flag: list[bool] = []
        threading.Thread(target=lambda: (time.sleep(0), flag.append(True))).start()  # runs until its sleep(0)
        polls = 0
        while not flag and polls < 1000:  # a polling loop, bounded for the test
            time.sleep(0)
            polls += 1
    assert flag == [True] and polls == 1


def _retry_until_written(kind: str) -> tuple[bytes, int]:
    """One thread retries a non-blocking read of a socket or a pipe until another thread has
    written to it (bounded, so that a regression fails instead of hanging): (data, tries)."""
    if kind == "socket":
        ours, theirs = socket.socketpair()
        ours.setblocking(False)
        read, write, close = (lambda: ours.recv(1)), (lambda: theirs.sendall(b"x")), (ours.close, theirs.close)
    else:
        r, w = os.pipe()
        os.set_blocking(r, False)
        read, write, close = (
            (lambda: os.read(r, 1)),
            (lambda: os.write(w, b"x")),
            (lambda: os.close(r), lambda: os.close(w)),
        )
    go = threading.Event()
    writer = threading.Thread(target=lambda: (go.wait(), write()))
    writer.start()
    go.set()  # the writer can run now; on the simulator this thread keeps the baton
    data, tries = b"", 0
    while not data and tries < 200_000:
        tries += 1
        with contextlib.suppress(BlockingIOError):
            data = read()
    writer.join()
    for done in close:
        done()
    return data, tries


@pytest.mark.parametrize("kind", ["socket", "pipe"])
def test_a_retry_loop_on_eagain_gives_the_other_threads_a_turn(kind: str) -> None:
    """A non-blocking call that would block is a poll that found nothing: the other threads
    that can run get a turn first, as with ``sleep(0)``. Before, such a loop (asyncore's TLS
    handshake in CPython's test_poplib) spun for ever at one virtual instant: a real hang."""
    data, _ = _retry_until_written(kind)  # the real stack: the writer runs on another core
    assert data == b"x"
    with patched("linux"):
        assert _retry_until_written(kind) == (b"x", 2)


def test_a_thread_outside_the_simulation_cannot_use_a_simulated_socket() -> None:
    errors: list[str] = []
    with patched("linux"):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

        def outsider() -> None:
            try:
                s.bind(("127.0.0.1", 0))
            except NotImplementedError as exc:
                errors.append(str(exc))

        with threads_outside():
            t = threading.Thread(target=outsider, name="outsider")
            t.start()
            t.join()
        s.close()
    assert errors == [
        "sockbehave.sim doesn't (yet) model a simulated object used by thread 'outsider', which is outside the simulation"
    ]


def test_two_patched_blocks_in_two_real_threads_each_see_their_own_simulation() -> None:
    results: dict[str, Any] = {}

    def run(profile: str) -> None:
        with patched(profile) as net:
            found = scan([9])
            time.sleep(5)
            results[profile] = (found, net.clock(), time.monotonic())

    runners = [threading.Thread(target=run, args=(p,)) for p in ("linux", "windows")]
    for t in runners:
        t.start()
    for t in runners:
        t.join(30)
    ms = functools.partial(pytest.approx, abs=1e-3)
    assert results == {"linux": ([(9, 111)], ms(5.0), ms(5.0)), "windows": ([(9, 10061)], ms(7.0), ms(7.0))}


def test_a_started_thread_runs_until_it_waits_before_start_returns() -> None:
    """As CPython's ``Thread.start()``: it waits for the new thread to start, and the GIL's
    switch interval (5 ms) usually lets a short thread finish first. CPython's test_socketserver
    ``test_threads_reaped`` counts on it (ten handler threads, none joined, fewer than ten
    still listed); before, a started thread first ran when its starter waited."""
    with patched("linux"):
        events: list[str] = []
        gate = threading.Event()

        def body() -> None:
            events.append("thread runs")
            gate.wait()
            events.append("thread resumes")

        thread = threading.Thread(target=body)
        thread.start()
        events.append("start returned")
        gate.set()
        thread.join()
    assert events == ["thread runs", "start returned", "thread resumes"]


def test_socketserver_handle_request_times_out_in_virtual_time() -> None:
    """socketserver takes ``time.monotonic`` at import (``from time import monotonic as
    time``); with the real clock there, ``handle_request``'s timeout never ran out in virtual
    time and the block ended in a SimDeadlock after 3600 virtual seconds (CPython's
    test_xmlrpc MultiPathServerTestCase, whose server waits for a second request that never
    comes)."""
    import socketserver

    timed_out: list[float] = []

    class Server(socketserver.TCPServer):
        def handle_timeout(self) -> None:
            timed_out.append(time.monotonic())

    with patched("linux"):
        with Server(("127.0.0.1", 0), socketserver.BaseRequestHandler) as server:
            server.timeout = 3.0
            started = time.monotonic()
            server.handle_request()
        assert timed_out and timed_out[0] - started == pytest.approx(3.0)


def test_a_busy_wait_on_the_clock_or_on_empty_polls_ends() -> None:
    """Virtual time moves only when every task waits, so a loop that spins on the clock, or on
    zero-timeout polls, until a deadline would spin for ever at one instant (a real hang).
    Each clock read moves time on by ``READ_COST``; once a program has polled ``POLL_SPINS``
    times at one instant with nothing else to run, each further poll costs ``POLL_COST``. The
    loops here are bounded so that a regression fails instead of hanging."""
    import select

    from sockbehave.sim.clock import POLL_COST, POLL_SPINS, READ_COST, SPIN_READS

    with patched("linux"):
        end = time.monotonic() + 0.001
        reads = next((n for n in range(5 * SPIN_READS) if time.monotonic() >= end), None)
        assert reads is not None and abs(reads - round(0.001 / READ_COST)) <= 1
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            end = time.monotonic() + 0.001
            polls = next(
                (
                    n
                    for n in range(5 * POLL_SPINS + 5000)
                    if select.select([s], [], [], 0)[0] or time.monotonic() >= end
                ),
                None,
            )
        assert polls is not None and polls <= POLL_SPINS + round(0.001 / POLL_COST)


def test_a_deadlock_report_names_a_not_modelled_error_the_program_caught() -> None:
    """asyncio and socketserver catch exceptions in callbacks and handlers; a program that then
    waits for what the unmodelled call would have done deadlocks, and the report says why."""
    from sockbehave.sim import SimDeadlock

    def program() -> None:
        s = socket.socket()
        with contextlib.suppress(NotImplementedError):  # swallowed, as a framework's handler would
            s.setsockopt(socket.SOL_SOCKET, socket.SO_DONTROUTE, 1)
        threading.Event().wait()

    with (
        pytest.raises(SimDeadlock, match=r"earlier in this simulation: .*model socket option SO_DONTROUTE"),
        patched("linux"),
    ):
        program()


def test_a_wait_that_is_not_modelled_raises_in_the_waiting_thread_not_in_the_one_that_looked() -> None:
    """Another thread decides whether a waiting thread can run by evaluating its wait condition;
    when that condition is something the profile does not model (here: select() of a socket
    shut down for reading, on windows), the waiting thread raises it, where the program can
    catch it, and the thread that looked runs on. (Before: the thread that looked raised it,
    and the waiting one was stranded for 5 s of real time.)"""
    seen: list[str] = []

    def reader(sock: socket.socket) -> None:
        try:
            select.select([sock], [], [], 5)
            seen.append("woke")
        except NotImplementedError as exc:
            seen.append(f"raised: {exc}")

    with patched("windows"):
        srv = socket.create_server(("127.0.0.1", 0))
        client = socket.create_connection(srv.getsockname())
        server_side, _ = srv.accept()
        thread = threading.Thread(target=reader, args=(client,))
        thread.start()
        time.sleep(0.5)
        client.shutdown(socket.SHUT_RD)
        time.sleep(0.5)  # the reader's condition is looked at here, by this thread
        thread.join()
        for s in (client, server_side, srv):
            s.close()
    assert seen == [
        "raised: sockbehave.sim doesn't (yet) model select/poll of a TCP socket shut down for reading on windows"
    ]


def test_code_that_measures_a_duration_finds_one_as_on_a_real_host() -> None:
    """Each clock read moves virtual time on by ``READ_COST``: successive reads differ, a
    loopback request and response take time (requests' ``response.elapsed`` was 0, and its test
    that it is positive failed), and a 1 ms sleep measures more than 1 ms (websockets' tests).
    Only timers and waits moved time before, so all three came out exactly 0 or 1 ms."""
    with patched("linux"):
        reads = [time.monotonic() for _ in range(3)]
        assert reads[0] < reads[1] < reads[2]
        server = socket.create_server(("127.0.0.1", 0))
        start = time.perf_counter()
        with socket.create_connection(server.getsockname()) as client:
            conn, _ = server.accept()
            client.sendall(b"GET / HTTP/1.0\r\n\r\n")
            conn.sendall(conn.recv(100))
            assert client.recv(100).startswith(b"GET")
        elapsed = datetime.timedelta(seconds=time.perf_counter() - start)
        assert datetime.timedelta(0) < elapsed < datetime.timedelta(milliseconds=1)
        before = time.monotonic()
        time.sleep(0.001)
        assert 0.001 < time.monotonic() - before < 0.0011
        for s in (conn, server):
            s.close()


def test_a_loop_on_the_clock_lets_a_thread_due_meanwhile_run() -> None:
    """A program busy-waiting on the clock moves time by its reads; when that brings time to
    another thread's deadline, that thread runs, as a real scheduler would run it. Time stood
    still there for ever before (a real hang; the loop here is bounded, so it fails instead)."""
    seen: list[float] = []
    with patched("linux") as net:
        sleeper = threading.Thread(target=lambda: (time.sleep(0.0005), seen.append(net.clock())))
        sleeper.start()
        end = time.monotonic() + 0.001
        reads = next((n for n in range(100_000) if time.monotonic() >= end), None)
        sleeper.join()
    assert reads is not None and seen == [pytest.approx(0.0005, abs=1e-5)]


def test_time_time_starts_at_the_real_wall_clock_and_then_moves_in_virtual_time() -> None:
    """A fixed simulated date goes stale: urllib3 warns "System time is way off" before its
    RECENT_DATE, and a program comparing a certificate's dates with time.time() would judge a
    new one not yet valid. So the block starts at the wall clock and only then goes virtual."""
    before = time.time()
    with patched("linux") as net:
        start = time.time()
        time.sleep(1800)
        assert time.time() == pytest.approx(start + 1800, abs=1e-3) == net.epoch + 1800
        assert time.time_ns() // 10**9 == int(start + 1800)
    after = time.time()
    assert before <= start <= after < start + 1800


_MADE_AT_IMPORT = threading.Lock()  # a real lock, as a program's module-level lock is


@pytest.mark.usefixtures("quick_stall_checks")
def test_a_thread_blocked_on_a_lock_made_before_the_block_stops_the_simulation_by_name() -> None:
    """The simulator never hangs for real. A lock made at import is a real lock: a simulated
    thread that holds it across a virtual sleep makes the next one to take it block in real
    code, holding the baton, so the holder can never run to release it (on a real stack the
    second thread would just wait a second). That used to hang for ever; now the root gets a
    SimDeadlock naming the blocked thread and the line where it blocks, within bounded real time."""

    def holder() -> None:
        with _MADE_AT_IMPORT:
            time.sleep(1)

    def taker() -> None:
        with _MADE_AT_IMPORT:  # the line the report names
            pass

    started = time.perf_counter()
    with pytest.raises(SimDeadlock) as info, patched("linux"):  # noqa: PT012 (the block is the program)
        first = threading.Thread(target=holder, name="holder")
        first.start()
        second = threading.Thread(target=taker, name="taker")
        second.start()
        first.join()
        second.join()
    message = str(info.value)
    assert "simulated thread taker has been blocked in real code" in message
    assert f"{__file__}:" in message and "in taker (with _MADE_AT_IMPORT:" in message
    assert "holder: time.sleep(1)" in message  # what the others wait for
    assert "made before the simulation began" in message
    assert time.perf_counter() - started < 30  # bounded: it never waits for ever
    assert not _MADE_AT_IMPORT.locked()  # the holder was stopped, and let go of it


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="CPU time per thread is read from Linux's /proc")
@pytest.mark.usefixtures("quick_stall_checks")
def test_a_long_computation_in_c_is_not_taken_for_a_blocked_thread() -> None:
    """A holder that sits in one C call far longer than the stall window, but uses CPU time all
    along (key stretching, here), is computing, not waiting: the simulation goes on."""
    import hashlib

    done = []

    def stretch() -> None:
        start = time.perf_counter()  # virtual: it does not move while this thread computes
        hashlib.pbkdf2_hmac("sha256", b"secret", b"salt", 2_000_000)  # about 1 s of CPU, GIL released
        done.append(time.perf_counter() - start)

    with patched("linux"):
        other = threading.Thread(target=time.sleep, args=(0.5,), name="sleeper")
        other.start()
        worker = threading.Thread(target=stretch, name="stretcher")
        worker.start()
        worker.join()
        other.join()
    assert done == [pytest.approx(0.0, abs=1e-3)]  # a clock read's microsecond, not the real second


def test_a_swapped_builtin_stored_on_a_class_is_no_method() -> None:
    """``lock_class = threading.Lock`` (werkzeug's routing map) or ``clock = time.monotonic`` on a
    class, called through an instance: a builtin does not bind, so neither does its swap. Made
    a plain Python function, it received the instance as its first argument (werkzeug's
    import failed with ``allocate_lock() takes 0 positional arguments but 1 was given``)."""
    with patched("linux"):

        class Holder:
            lock_class = threading.Lock
            clock = time.monotonic
            sleep = time.sleep

        holder = Holder()
        with holder.lock_class():
            holder.sleep(2)
        assert holder.clock() == 2.0
        assert time.monotonic.__name__ == "monotonic" and time.monotonic.__module__ == "time"


def test_naming_a_wait_calls_nothing_a_blocking_call_detector_may_wrap(monkeypatch: pytest.MonkeyPatch) -> None:
    """blockbuster (anyio's suite turns it on for every test) wraps ``os.path.abspath`` and
    ``_thread.LockType.acquire`` once the simulator is imported; the simulator's bookkeeping
    (naming a wait for deadlock reports) must not reach the wrapped functions."""

    real_abspath = os.path.abspath

    def wrapped(path: str) -> str:
        if current_task() is not None:  # as blockbuster raises only where it looks
            raise AssertionError(f"os.path.abspath({path!r}) called in a simulated thread")
        return real_abspath(path)

    code = compile("ev.wait(1.0)\n", "<a program file never seen before>", "exec")
    monkeypatch.setattr(os.path, "abspath", wrapped)
    with patched("linux"):
        ev = threading.Event()
        threading.Timer(0.5, ev.set).start()
        exec(code, {"ev": ev})  # a wait made from a new file name
        assert ev.is_set()


@pytest.mark.usefixtures("quick_stall_checks")
def test_a_thread_that_spins_while_others_could_run_stops_the_simulation_as_not_modelled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One simulated thread runs at a time: a loop that spins until another thread acts would
    hang for real (found with cheroot's suite). After ``_BUSY_S`` of real time it is reported
    as not modelled (preemption), and the loop itself ends."""
    from sockbehave.sim import clock

    monkeypatch.setattr(clock, "_BUSY_S", 0.3)
    stop: list[int] = []
    spinner: list[int] = []

    def spin() -> None:
        spinner.append(threading.get_ident())
        while not stop:
            pass

    def program() -> None:
        with patched("linux"):
            threading.Thread(target=spin, name="spinner", daemon=True).start()
            time.sleep(1)  # virtual: it can end only when the spinner lets time move
            stop.append(1)

    started = time.monotonic()
    with pytest.raises(NotImplementedError, match="doesn't \\(yet\\) model preemption: simulated thread spinner"):
        program()
    # (a finally clause in the loop is no witness: CPython 3.11 and 3.12 may raise an
    # asynchronous exception at the loop's backward jump, outside its try block)
    while spinner[0] in sys._current_frames() and time.monotonic() - started < 30:
        time.sleep(0.01)  # real: outside the block
    assert spinner[0] not in sys._current_frames(), "the busy loop still runs"


def test_a_simulated_rlock_says_it_is_threads_signal_safe_c_lock() -> None:
    """trio asserts ``type(threading.RLock()).__module__ == "_thread"``: CPython's C lock, not
    the pure-Python ``threading._PyRLock``."""
    real = threading.RLock()
    with patched("linux"):
        simulated = threading.RLock()
        assert type(simulated).__module__ == type(real).__module__ == "_thread"
        assert not isinstance(simulated, type(real))  # a lock of its own, waiting in virtual time


def test_a_thread_waiting_for_its_turn_is_never_reported_as_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The busy-loop check samples the holder's frame: a holder parked in the scheduler's own
    wait for the baton (a hand-off under way, found by a loaded CI run: "MainThread has run
    for 0.3 s ... at clock.py in _sleep") is not spinning."""
    from sockbehave.sim import clock

    monkeypatch.setattr(clock, "_BUSY_S", 0.0)
    with patched("linux") as net:
        threading.Thread(target=time.sleep, args=(5,), name="parked", daemon=True).start()
        time.sleep(0)  # let it start and park in its wait
        parked = next(t for t in net.scheduler.tasks() if t.name == "parked")
        with net.scheduler._cond:
            assert net.scheduler._busy(parked) is None
            assert net.scheduler._busy(parked) is None  # the second look would report a spinner
