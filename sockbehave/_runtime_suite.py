"""The runtime conformance programs: ordinary threading, queue, concurrent.futures, select and
selectors code, each with the transcript it must give on any faithful stack.

Owns: the programs ``testing.check_runtime`` runs and their expected transcripts. Each program
is plain standard-library code (nothing here knows about sockbehave): loopback only,
ephemeral ports only, every socket and thread closed or joined before it returns, every wait
bounded and short (they also run on the real stack). A transcript records outcomes, never
timings, so the real stack gives the same one under load.
"""

from __future__ import annotations

import _thread
import errno
import queue
import select
import selectors
import socket
import socketserver
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

__all__ = ["PROGRAMS"]

Transcript = list[Any]
#: A short real wait: long enough to be a timeout, short enough to keep the real run fast.
SHORT = 0.05


def _listener(kind: int = socket.SOCK_STREAM) -> socket.socket:
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    if kind == socket.SOCK_STREAM:
        s.listen(8)
    return s


def _closed_port() -> int:
    with _listener() as s:
        return int(s.getsockname()[1])


# -- threading ------------------------------------------------------------------------------------
def event_handoff() -> Transcript:
    log: Transcript = []
    ready, go = threading.Event(), threading.Event()

    def worker() -> None:
        ready.set()
        log.append(("waited", go.wait(10)))

    t = threading.Thread(target=worker)
    t.start()
    log.append(("ready", ready.wait(10)))
    log.append(("unset wait", go.wait(SHORT)))
    go.set()
    t.join()
    log.append(("alive after join", t.is_alive()))
    fired: list[str] = []
    timers = [threading.Timer(SHORT, fired.append, args=(name,)) for name in ("kept", "cancelled")]
    for timer in timers:
        timer.start()
    timers[1].cancel()
    for timer in timers:
        timer.join()
    log.append(("timers fired", fired))
    return log


def locks_and_timeouts() -> Transcript:
    log: Transcript = []
    lock, held, release = threading.Lock(), threading.Event(), threading.Event()

    def holder() -> None:
        with lock:
            held.set()
            release.wait(10)

    t = threading.Thread(target=holder)
    t.start()
    held.wait(10)
    log.append(("acquire while held", lock.acquire(timeout=SHORT)))
    log.append(("non-blocking", lock.acquire(blocking=False)))
    release.set()
    log.append(("acquire after release", lock.acquire(timeout=10)))
    lock.release()
    t.join()
    try:
        lock.release()
    except RuntimeError as exc:
        log.append(("release unlocked", str(exc)))
    rlock = threading.RLock()
    with rlock, rlock:
        log.append(("rlock reentered", True))
    sem = threading.BoundedSemaphore(1)
    log.append(("semaphore", sem.acquire(timeout=SHORT), sem.acquire(timeout=SHORT)))
    sem.release()
    try:
        sem.release()
    except ValueError as exc:
        log.append(("over-release", str(exc)))
    return log


def condition_producer_consumer() -> Transcript:
    cond = threading.Condition()
    items: list[int] = []
    got: Transcript = []

    def consumer() -> None:
        with cond:
            while len(got) < 3:
                cond.wait_for(lambda: bool(items), timeout=10)
                got.append(items.pop(0))

    t = threading.Thread(target=consumer)
    t.start()
    for i in range(3):
        with cond:
            items.append(i)
            cond.notify()
    t.join()
    with cond:
        timed_out = cond.wait(SHORT)
    return [("consumed", got), ("wait without notify", timed_out)]


def barrier_parties() -> Transcript:
    barrier = threading.Barrier(3)
    indexes: list[int] = []
    lock = threading.Lock()

    def party() -> None:
        index = barrier.wait(10)
        with lock:
            indexes.append(index)

    threads = [threading.Thread(target=party) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lone = threading.Barrier(2)
    try:
        lone.wait(SHORT)
        broken = "passed"
    except threading.BrokenBarrierError:
        broken = "BrokenBarrierError"
    return [("indexes", sorted(indexes)), ("alone at a barrier", broken)]


def queues() -> Transcript:
    log: Transcript = []
    try:
        queue.Queue().get(timeout=SHORT)
    except queue.Empty:
        log.append("Queue.get timed out")
    for kind in (queue.Queue, queue.LifoQueue, queue.PriorityQueue, queue.SimpleQueue):
        q: Any = kind()
        producer = threading.Thread(target=lambda q=q: [q.put(x) for x in (3, 1, 2)])
        producer.start()
        producer.join()
        log.append((kind.__name__, [q.get(timeout=10) for _ in range(3)]))
    work: queue.Queue[Any] = queue.Queue(maxsize=1)
    done: list[int] = []

    def consume() -> None:
        while (item := work.get()) is not None:
            done.append(item)
            work.task_done()
        work.task_done()

    t = threading.Thread(target=consume)
    t.start()
    for i in range(4):
        work.put(i, timeout=10)
    work.put(None)
    work.join()
    t.join()
    try:
        full: queue.Queue[int] = queue.Queue(maxsize=1)
        full.put(1)
        full.put(2, timeout=SHORT)
    except queue.Full:
        log.append("Queue.put timed out")
    log.append(("consumed", done))
    return log


def thread_errors_and_start_new_thread() -> Transcript:
    log: Transcript = []
    real_hook = threading.excepthook
    threading.excepthook = lambda args: log.append(("excepthook", type(args.exc_value).__name__))
    try:
        t = threading.Thread(target=lambda: 1 / 0)
        t.start()
        t.join()
        log.append(("joined", t.is_alive()))
    finally:
        threading.excepthook = real_hook
    done = threading.Lock()
    done.acquire()

    def body(x: int) -> None:
        log.append(("start_new_thread", x))
        done.release()

    _thread.start_new_thread(body, (42,))
    log.append(("released", done.acquire(timeout=10)))
    try:
        t.start()
    except RuntimeError as exc:
        log.append(("second start", str(exc)))
    return log


def thread_pool_port_scan() -> Transcript:
    with _listener() as open_listener:
        ports = [open_listener.getsockname()[1], _closed_port()]

        def probe(port: int) -> str:
            with socket.socket() as s:
                s.settimeout(10)
                return errno.errorcode.get(s.connect_ex(("127.0.0.1", port)), "0")

        with ThreadPoolExecutor(max_workers=4) as pool:
            scanned = list(pool.map(probe, ports))
            futures = [pool.submit(lambda x: 10 // x, x) for x in (5, 0)]
            outcomes = sorted(
                type(f.exception()).__name__ if f.exception() else str(f.result()) for f in as_completed(futures)
            )
    return [("scan", scanned), ("futures", outcomes)]


class _Upper(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        if isinstance(self.request, tuple):
            data, sock = self.request
            sock.sendto(data.upper(), self.client_address)
        else:
            self.request.sendall(self.request.recv(1024).upper())


def threading_socketservers() -> Transcript:
    replies: Transcript = []
    tcp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Upper)
    udp = socketserver.ThreadingUDPServer(("127.0.0.1", 0), _Upper)
    servers = [threading.Thread(target=s.serve_forever, args=(SHORT,)) for s in (tcp, udp)]
    for t in servers:
        t.start()
    for i in range(3):
        with socket.create_connection(tcp.server_address[:2], timeout=10) as c:  # type: ignore[arg-type]
            c.sendall(b"tcp%d" % i)
            replies.append(c.recv(100))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.settimeout(10)
        u.sendto(b"udp", udp.server_address)
        replies.append(u.recvfrom(100)[0])
    for s in (tcp, udp):
        s.shutdown()
        s.server_close()
    for t in servers:
        t.join()
    return replies


# -- select, poll, selectors --------------------------------------------------------------------------------
def select_readiness() -> Transcript:
    log: Transcript = []
    with _listener() as listener:
        log.append(("idle listener", select.select([listener], [], [], SHORT) == ([], [], [])))
        with socket.create_connection(listener.getsockname(), timeout=10) as client:
            log.append(("pending connection", select.select([listener], [], [], 10)[0] == [listener]))
            conn, _ = listener.accept()
            with conn:
                r, w, x = select.select([conn, client], [conn, client], [conn, client], 0)
                log.append(("connected", [s is conn for s in r], len(w), x))
                client.sendall(b"ping")
                log.append(("data waiting", select.select([conn], [], [], 10)[0] == [conn]))
                log.append(("recv", conn.recv(10)))
                client.close()
                log.append(("peer closed: readable", select.select([conn], [], [], 10)[0] == [conn]))
                log.append(("recv after close", conn.recv(10)))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        log.append(("udp", select.select([u], [u], [], 0) == ([], [u], [])))
    return log


def _poll_names(events: list[tuple[int, int]]) -> list[list[str]]:
    names = ("POLLIN", "POLLPRI", "POLLOUT", "POLLERR", "POLLHUP", "POLLNVAL", "POLLRDHUP")
    return [[n for n in names if getattr(select, n, 0) & mask] for _, mask in events]


def poll_events() -> Transcript:
    if not hasattr(select, "poll"):
        return ["no poll on this platform"]
    log: Transcript = []
    with _listener() as listener:
        poller = select.poll()
        poller.register(listener, select.POLLIN)
        log.append(("idle listener", poller.poll(SHORT * 1000)))
        client = socket.create_connection(listener.getsockname(), timeout=10)
        log.append(("pending connection", _poll_names(poller.poll(10_000))))
        conn, _ = listener.accept()
        mask = select.POLLIN | select.POLLOUT | getattr(select, "POLLRDHUP", 0)
        poller.register(conn, mask)
        poller.unregister(listener)
        log.append(("connected", _poll_names(poller.poll(0))))
        client.sendall(b"data")
        client.shutdown(socket.SHUT_WR)
        log.append(("data and FIN", _poll_names(poller.poll(10_000))))
        conn.shutdown(socket.SHUT_WR)
        log.append(("both shut", _poll_names(poller.poll(0))))
        poller.unregister(conn)
        client.close()
        conn.close()
        fresh = socket.socket()
        poller.register(fresh, mask)
        log.append(("fresh socket", _poll_names(poller.poll(0))))
        fresh.close()
    return log


def selector_echo() -> Transcript:
    log: Transcript = []
    for name in ("SelectSelector", "PollSelector", "EpollSelector", "DefaultSelector"):
        selector_class = getattr(selectors, name, None)
        if selector_class is None:
            continue
        sel = selector_class()
        listener = _listener()
        listener.setblocking(False)
        sel.register(listener, selectors.EVENT_READ, data=None)
        clients = [socket.create_connection(listener.getsockname(), timeout=10) for _ in range(3)]
        for i, c in enumerate(clients):
            c.sendall(b"msg%d" % i)
        echoed = 0
        while echoed < 3:
            for key, _ in sel.select(timeout=10):
                sock: Any = key.fileobj
                if key.data is None:
                    conn, _ = sock.accept()
                    conn.setblocking(False)
                    sel.register(conn, selectors.EVENT_READ, data="conn")
                else:
                    data = sock.recv(100)
                    if data:
                        sock.sendall(data.upper())
                        echoed += 1
        replies = sorted(c.recv(100) for c in clients)
        for key in list(sel.get_map().values()):
            sel.unregister(key.fileobj)
            key.fileobj.close()
        sel.close()
        for c in clients:
            c.close()
        log.append((name, replies))
    return log


#: name -> (program, the transcript every faithful stack gives).
PROGRAMS: dict[str, tuple[Callable[[], Transcript], Transcript]] = {
    "event-handoff": (
        event_handoff,
        [
            ("ready", True),
            ("unset wait", False),
            ("waited", True),
            ("alive after join", False),
            ("timers fired", ["kept"]),
        ],
    ),
    "locks-and-timeouts": (
        locks_and_timeouts,
        [
            ("acquire while held", False),
            ("non-blocking", False),
            ("acquire after release", True),
            ("release unlocked", "release unlocked lock"),
            ("rlock reentered", True),
            ("semaphore", True, False),
            ("over-release", "Semaphore released too many times"),
        ],
    ),
    "condition-producer-consumer": (
        condition_producer_consumer,
        [("consumed", [0, 1, 2]), ("wait without notify", False)],
    ),
    "barrier-parties": (barrier_parties, [("indexes", [0, 1, 2]), ("alone at a barrier", "BrokenBarrierError")]),
    "queues": (
        queues,
        [
            "Queue.get timed out",
            ("Queue", [3, 1, 2]),
            ("LifoQueue", [2, 1, 3]),
            ("PriorityQueue", [1, 2, 3]),
            ("SimpleQueue", [3, 1, 2]),
            "Queue.put timed out",
            ("consumed", [0, 1, 2, 3]),
        ],
    ),
    "thread-errors-and-start-new-thread": (
        thread_errors_and_start_new_thread,
        [
            ("excepthook", "ZeroDivisionError"),
            ("joined", False),
            ("start_new_thread", 42),
            ("released", True),
            ("second start", "threads can only be started once"),
        ],
    ),
    "thread-pool-port-scan": (
        thread_pool_port_scan,
        [("scan", ["0", "ECONNREFUSED"]), ("futures", ["2", "ZeroDivisionError"])],
    ),
    "threading-socketservers": (threading_socketservers, [b"TCP0", b"TCP1", b"TCP2", b"UDP"]),
    "select-readiness": (
        select_readiness,
        [
            ("idle listener", True),
            ("pending connection", True),
            ("connected", [], 2, []),
            ("data waiting", True),
            ("recv", b"ping"),
            ("peer closed: readable", True),
            ("recv after close", b""),
            ("udp", True),
        ],
    ),
    "poll-events": (
        poll_events,
        [
            ("idle listener", []),
            ("pending connection", [["POLLIN"]]),
            ("connected", [["POLLOUT"]]),
            ("data and FIN", [["POLLIN", "POLLOUT", "POLLRDHUP"]]),
            ("both shut", [["POLLIN", "POLLOUT", "POLLHUP", "POLLRDHUP"]]),
            ("fresh socket", [["POLLOUT", "POLLHUP"]]),
        ],
    ),
    "selector-echo": (
        selector_echo,
        [
            (name, [b"MSG0", b"MSG1", b"MSG2"])
            for name in ("SelectSelector", "PollSelector", "EpollSelector", "DefaultSelector")
            if hasattr(selectors, name)
        ],
    ),
}
