"""Simulated pipes: ``os.pipe()`` in a simulated thread, and what the ``os`` calls do on its ends.

Owns: the pipe (its buffer, its readers and writers), its two ends (each an open file
description: O_NONBLOCK is shared by ``dup``'d numbers, FD_CLOEXEC is per number in
``Kernel.inheritable``), and ``os.pipe``/``pipe2``, ``os.read``, ``os.write``, ``os.close``,
``os.dup``/``dup2``, ``os.fstat`` and ``io.open``/``os.fdopen`` on an end (``fdcalls`` routes a
pipe's number here; the flag calls it shares with sockets stay there). An end's number comes
from the kernel's descriptor space (``Kernel.new_object_fd``: ``kernel.FD_BASE`` and up, never
a real descriptor) and ``readiness`` reads ``PipeEnd.poll_events``.

Per-OS facts are ``Profile.pipes`` (``pipefacts``). Linux's ring of 16 pages is filled exactly
as ``pipe_write`` fills it (a write merges into the last page only if it fits there whole, the
rest goes page by page; a non-blocking write of more than PIPE_BUF may be partial); a blocking
read or write waits in virtual time. The BSDs' byte buffers grow with the system's pipe memory,
so only the size every source guarantees is modelled: a write that would fill past it raises
``NotImplementedError`` naming that. Windows' anonymous pipe has an undocumented size: a pipe is
made, read and closed, but a write raises ``NotImplementedError``, and Winsock's ``select``
refuses a pipe as Windows does (``WSAENOTSOCK``).

Deviations, by design: ``fstat`` gives ``st_dev`` 0, an ``st_ino`` counted from 1 per network,
the host's uid and gid, and the pipe's creation time (virtual) as every timestamp. A write to a
pipe with no reader raises ``BrokenPipeError`` only while SIGPIPE is ignored (CPython ignores
it at start-up); with any other disposition the real process would get the signal, so it is
``NotImplementedError``. Never modelled (``NotImplementedError``): ``os.pipe2`` flags other
than O_NONBLOCK and O_CLOEXEC, ``os.mkfifo``, ``os.open`` of a FIFO, ``os.splice``,
``F_GETPIPE_SZ``/``F_SETPIPE_SZ``, ``readv``/``writev``/``pread``/``pwrite``/``lseek`` (refused
by ``fdcalls.model_of``), and an end handed to a real child process (``subprocess``
``pass_fds`` or standard streams).
"""

from __future__ import annotations

import io
import operator
import os
import signal
import stat
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, Optional

from .buffered import BufferedReader, BufferedWriter
from .buffers import bytes_view
from .kernel import FD_BASE, Kernel, NotModelled, refusing
from .pipefacts import PipeFacts
from .simsocket import SimHost, raise_errno

__all__ = ["PipeEnd", "close_all", "end_of", "replacements"]

_POLLNVAL = 0x20


class _Page:
    """Unread bytes of one buffer: ``offset`` is where they start in its page (Linux's
    ``pipe_buffer.offset``), so ``offset + len(data)`` is where a merged write would go."""

    __slots__ = ("data", "offset")

    def __init__(self, data: bytes) -> None:
        self.offset = 0
        self.data = bytearray(data)


class Pipe:
    """One pipe: its buffers and how many ends of each kind are open."""

    __slots__ = ("bufs", "count", "created", "facts", "ino", "readers", "writers")

    def __init__(self, facts: PipeFacts, ino: int, created: int) -> None:
        self.facts = facts
        self.bufs: deque[_Page] = deque()
        self.count = 0  # bytes buffered
        self.readers = self.writers = 1
        self.ino = ino
        self.created = created  # virtual wall-clock time, in ns

    # -- the buffer -----------------------------------------------------------------------
    def full(self) -> bool:
        """Whether a write cannot add a byte now (Linux: no slot free)."""
        pages = self.facts.ring_pages
        return len(self.bufs) >= pages if pages is not None else False

    def take(self, n: int) -> bytes:
        out = bytearray()
        while self.bufs and len(out) < n:
            buf = self.bufs[0]
            k = min(n - len(out), len(buf.data))
            out += buf.data[:k]
            del buf.data[:k]
            buf.offset += k
            if not buf.data:
                self.bufs.popleft()  # pipe_update_tail: an emptied buffer is released
        self.count -= len(out)
        return bytes(out)

    def put_pages(self, data: memoryview, nonblock: bool, wait: Callable[[Callable[[], bool]], None]) -> int:
        """Linux's ``pipe_write`` on a pipe with a reader: the bytes written, or ``_Refused``
        (EAGAIN with nothing written; EPIPE when the readers went, with what was written)."""
        page, n, ret = self.facts.page_size, len(data), 0
        chars = n & (page - 1)
        if chars and self.bufs:
            last = self.bufs[-1]
            if last.offset + len(last.data) + chars <= page:
                last.data += data[:chars]
                ret = chars
                if ret == n:
                    self.count += ret
                    return ret
        self.count += ret
        while True:
            if not self.readers:  # SIGPIPE is sent even after a partial write
                raise _Refused("EPIPE", ret)
            if not self.full():
                chunk = data[ret : ret + page]
                self.bufs.append(_Page(bytes(chunk)))
                self.count += len(chunk)
                ret += len(chunk)
                if ret == n:
                    return ret
                if not self.full():
                    continue
            if nonblock:
                if ret:
                    return ret
                raise _Refused("EAGAIN", 0)
            wait(lambda: not self.full() or not self.readers)

    def put_bytes(self, data: memoryview) -> int:
        """A BSD byte buffer: what fits in the size every source guarantees, else not modelled."""
        capacity = self.facts.byte_capacity
        if capacity is None or self.count + len(data) > capacity:
            raise NotModelled(self.facts.grows)
        self.bufs.append(_Page(bytes(data)))
        self.count += len(data)
        return len(data)


class _Refused(Exception):
    def __init__(self, name: str, written: int) -> None:
        super().__init__(name)
        self.name = name
        self.written = written


class PipeEnd:
    """One end of a pipe: an open file description, shared by ``dup``'d numbers."""

    __slots__ = ("closed", "nonblock", "pipe", "reading", "refs")

    def __init__(self, pipe: Pipe, reading: bool, nonblock: bool) -> None:
        self.pipe = pipe
        self.reading = reading
        self.nonblock = nonblock
        self.refs = 1  # descriptor numbers, and calls waiting on it (a close elsewhere leaves it open)
        self.closed = False

    @property
    def access(self) -> int:
        return os.O_RDONLY if self.reading else os.O_WRONLY

    def release(self) -> None:
        self.refs -= 1
        if self.refs > 0 or self.closed:
            return
        self.closed = True
        if self.reading:
            self.pipe.readers -= 1
        else:
            self.pipe.writers -= 1

    def poll_events(self) -> int:
        """``poll`` revents of this end by the profile's rules (``PipeFacts.events``)."""
        if self.closed:
            return _POLLNVAL
        pipe, facts = self.pipe, self.pipe.facts
        events = 0
        if self.reading:
            if pipe.count:
                events |= _event(facts, "data")
            if not pipe.writers:
                events |= _event(facts, "eof")
            return events
        if not pipe.readers:
            events |= _event(facts, "no_reader")
        if not events & 0x4:  # POLLOUT: room decides it
            room = not pipe.full() if facts.ring_pages is not None else _byte_room(facts, pipe.count)
            if room:
                events |= _event(facts, "room")
        return events


def _event(facts: PipeFacts, condition: str) -> int:
    bits = facts.events[condition]
    if bits is None:
        raise NotModelled(f"the readiness of a pipe's end ({condition}): {facts.sources['events']}")
    return bits


def _byte_room(facts: PipeFacts, count: int) -> bool:
    until = facts.writable_until
    if until is None:
        raise NotModelled(f"the readiness of a pipe's write end: {facts.sources['writable_until']}")
    if count > until:
        raise NotModelled(f"whether a pipe's write end holding {count} bytes is writable: {facts.grows}")
    return True


# -- the descriptor table ------------------------------------------------------------------------
def end_of(net: SimHost, fd: int) -> Optional[PipeEnd]:
    """The pipe end behind a simulated number, if it is one."""
    found = net.kernel.objects.get(fd)
    return found if isinstance(found, PipeEnd) else None


def _new_fd(kernel: Kernel, end: PipeEnd) -> int:
    return kernel.new_object_fd(end)


def pipe(net: SimHost) -> tuple[int, int]:
    """``os.pipe()``: (read end, write end), both non-inheritable (PEP 446)."""
    return _make(net, 0)


def _make(net: SimHost, nonblock_flags: int) -> tuple[int, int]:
    net.enter()
    kernel = net.kernel
    inos = kernel.__dict__.setdefault("_pipe_inos", [0])  # per kernel, so runs are alike
    inos[0] += 1
    made = Pipe(net.profile.pipes, inos[0], time.time_ns())  # time.time_ns: virtual in a simulated thread
    nonblock = bool(nonblock_flags)
    return _new_fd(kernel, PipeEnd(made, True, nonblock)), _new_fd(kernel, PipeEnd(made, False, nonblock))


def pipe2(net: SimHost, flags: int) -> tuple[int, int]:
    """``os.pipe2(flags)``: O_NONBLOCK and O_CLOEXEC (the descriptors are non-inheritable either way)."""
    other = flags & ~(os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    if other:
        raise NotModelled(f"os.pipe2() flags {other:#o} (only O_NONBLOCK and O_CLOEXEC are modelled)")
    if flags & os.O_NONBLOCK and not net.profile.pipes.flags:
        raise NotModelled(f"os.pipe2(O_NONBLOCK) on {net.profile.name}")
    return _make(net, flags & os.O_NONBLOCK)


def _error(net: SimHost, name: str, call: str) -> OSError:
    if not net.profile.pipes.flags:
        raise NotModelled(f"the error {name} of {call} on a pipe on {net.profile.name} (the C runtime's errno)")
    return raise_errno(net, name)


def _held(end: PipeEnd, body: Callable[[], Any]) -> Any:
    """Run ``body`` with a reference of the call's own on ``end`` (fdget): a close of the
    number by another thread meanwhile leaves the end open until the call returns."""
    end.refs += 1
    try:
        return body()
    finally:
        end.release()


def _wait(net: SimHost, what: str) -> Callable[[Callable[[], bool]], None]:
    def wait(ready: Callable[[], bool]) -> None:
        net.scheduler.wait_until(ready, None, what, restartable=True)  # a pipe's read or write: SA_RESTART restarts it

    return wait


def read(net: SimHost, end: PipeEnd, fd: int, n: Any) -> bytes:
    """``os.read`` on a pipe end: the bytes there (up to ``n``), b'' at EOF, else EAGAIN or a
    wait in virtual time."""
    n = operator.index(n)
    if n < 0:
        raise OSError(22, os.strerror(22))  # os_read_impl: EINVAL before any system call
    if not end.reading:
        raise _error(net, "EBADF", "os.read()")
    pipe = end.pipe
    if n == 0:
        return b""

    def body() -> bytes:
        while True:
            if pipe.count:
                return pipe.take(n)
            if not pipe.writers:
                return b""
            if end.nonblock:  # found nothing: a poll (Scheduler.poll_point), as a socket's EAGAIN
                net.scheduler.poll_point(f"os.read() on the pipe descriptor {fd}, which would block")
                raise _error(net, "EAGAIN", "os.read()")
            _wait(net, f"os.read() on the pipe descriptor {fd}")(lambda: bool(pipe.count) or not pipe.writers)

    data: bytes = _held(end, body)
    net.scheduler.run_interrupts()  # handlers SA_RESTART held back
    return data


def write(net: SimHost, end: PipeEnd, fd: int, data: Any) -> int:
    """``os.write`` on a pipe end (see the module docstring)."""
    with bytes_view(data) as view:  # held only during the call (see bytes_view)
        return _write(net, end, fd, view)


def _write(net: SimHost, end: PipeEnd, fd: int, view: memoryview) -> int:
    if end.reading:
        raise _error(net, "EBADF", "os.write()")
    if not view:
        return 0
    pipe = end.pipe
    if not pipe.readers:
        raise _broken_pipe(net)

    def body() -> int:
        if pipe.facts.ring_pages is None:
            return pipe.put_bytes(view)
        try:
            return pipe.put_pages(view, end.nonblock, _wait(net, f"os.write() on the pipe descriptor {fd}"))
        except _Refused as exc:
            if exc.name == "EAGAIN":  # found no room: a poll, as os.read()'s EAGAIN
                net.scheduler.poll_point(f"os.write() on the pipe descriptor {fd}, which would block")
            if exc.name != "EPIPE":
                raise _error(net, exc.name, "os.write()") from None
            error = _broken_pipe(net)  # SIGPIPE comes first, even after a partial write
            if exc.written:
                return exc.written
            raise error from None

    written: int = _held(end, body)
    net.scheduler.run_interrupts()  # handlers SA_RESTART held back
    return written


def _broken_pipe(net: SimHost) -> OSError:
    """EPIPE, where the real process would live to see it (SIGPIPE ignored, as CPython sets it)."""
    sigpipe = getattr(signal, "SIGPIPE", None)
    if sigpipe is not None and signal.getsignal(sigpipe) != signal.SIG_IGN:
        raise NotModelled(
            "a write to a pipe with no reader while SIGPIPE is not ignored (the real process would get SIGPIPE)"
        )
    return _error(net, "EPIPE", "os.write()")


def close(net: SimHost, end: PipeEnd, fd: int) -> None:
    """``os.close``: the number goes; the end closes with its last number (and last waiting call)."""
    kernel = net.kernel
    del kernel.objects[fd]
    kernel.released.add(fd)  # a later select/poll on it sees it closed (readiness.CLOSED)
    kernel.inheritable.discard(fd)
    end.release()


def dup(net: SimHost, end: PipeEnd, fd: int) -> int:
    """``os.dup``: a new, non-inheritable number for the same end."""
    end.refs += 1
    return _new_fd(net.kernel, end)


def vacate(net: SimHost, fd2: int, kind: str) -> None:
    """The first half of ``os.dup2`` onto ``fd2`` for either kind of simulated descriptor
    (``kind``, "pipe" or "socket"): onto a real number it is refused, and whatever ``fd2``
    named, a pipe's end or a socket, is closed."""
    if 0 <= fd2 < FD_BASE:
        raise NotModelled(f"os.dup2() of a simulated {kind}'s descriptor onto the real descriptor {fd2}")
    other = end_of(net, fd2)
    if other is not None:
        close(net, other, fd2)
    else:
        net.kernel.release(fd2)


def dup2(net: SimHost, end: PipeEnd, fd: int, fd2: int, inheritable: bool = True) -> int:
    """``os.dup2`` onto a simulated number (closed first if open; a closed one comes back)."""
    kernel = net.kernel
    if fd2 != fd:
        vacate(net, fd2, "pipe")
        end.refs += 1
        kernel.objects[fd2] = end
        kernel.released.discard(fd2)
        kernel.reserve(fd2)
    kernel.set_inheritable(fd2, bool(inheritable))
    return fd2


def fstat(net: SimHost, end: PipeEnd, fd: int) -> os.stat_result:
    """``os.fstat``: a FIFO (see the module docstring for the fields that are not the OS's)."""
    facts, pipe = net.profile.pipes, end.pipe
    if facts.stat_mode is None:
        raise NotModelled(f"os.fstat() of a pipe on {net.profile.name}: {facts.sources['stat_mode']}")
    size = pipe.count if facts.stat_size == "count" else 0
    seconds = pipe.created // 1_000_000_000
    fields = (facts.stat_mode, pipe.ino, 0, 1, os.getuid(), os.getgid(), size, seconds, seconds, seconds)
    extra: dict[str, Any] = {"st_blksize": facts.page_size, "st_blocks": 0, "st_rdev": 0}
    for name in ("atime", "mtime", "ctime"):
        extra[f"st_{name}"] = pipe.created / 1e9
        extra[f"st_{name}_ns"] = pipe.created
    return os.stat_result(fields, extra)


class DescriptorIO(io.RawIOBase):
    """``io.open(fd)`` of a simulated descriptor: a raw stream over the simulation's
    ``os.read``/``os.write`` of it (``_read``, ``_write``, ``_close``: a pipe end's here, a
    socket's in ``sockfile``), as ``FileIO`` is over the real ones (``read`` gives None where it
    would block)."""

    def __init__(self, net: SimHost, fd: int, mode: str, closefd: bool) -> None:
        super().__init__()
        self._net, self._fd, self._closefd = net, fd, closefd
        self.mode = mode  # as FileIO names it: "rb", "wb", "ab", "xb", or one of them and "+"
        self.name = fd

    @property
    def closefd(self) -> bool:
        return self._closefd

    def fileno(self) -> int:
        if self.closed:
            raise ValueError("I/O operation on closed file")
        return self._fd

    def readable(self) -> bool:
        return self.mode[0] == "r" or "+" in self.mode

    def writable(self) -> bool:
        return self.mode != "rb"

    def seekable(self) -> bool:
        return False

    def isatty(self) -> bool:
        return False

    def readinto(self, buffer: Any) -> Optional[int]:
        with memoryview(buffer).cast("B") as target:  # held only during the call (see bytes_view)
            try:
                data = self._read(len(target))
            except BlockingIOError:
                return None
            target[: len(data)] = data
        return len(data)

    def write(self, data: Any) -> Optional[int]:
        try:
            return self._write(data)
        except BlockingIOError:
            return None

    def close(self) -> None:
        if not self.closed and self._closefd:
            self._close()
        super().close()

    def _read(self, n: int) -> bytes:
        raise NotImplementedError

    def _write(self, data: Any) -> int:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError


class _PipeIO(DescriptorIO):
    """``io.open(fd)`` of a pipe end."""

    def _end(self) -> PipeEnd:
        end = end_of(self._net, self.fileno())
        if end is None:
            raise raise_errno(self._net, "EBADF")
        return end

    def _read(self, n: int) -> bytes:
        return read(self._net, self._end(), self._fd, n)

    def _write(self, data: Any) -> int:
        return write(self._net, self._end(), self._fd, data)

    def _close(self) -> None:
        end = end_of(self._net, self._fd)
        if end is not None:
            close(self._net, end, self._fd)


def open_fd(
    net: SimHost,
    end: PipeEnd,
    fd: int,
    mode: str = "r",
    buffering: int = -1,
    encoding: Optional[str] = None,
    errors: Optional[str] = None,
    newline: Optional[str] = None,
    closefd: bool = True,
    opener: Any = None,
) -> Any:
    """``io.open(fd, ...)``/``os.fdopen``: ``io.open``'s layering (raw, buffered, text) over a
    raw stream of the pipe end. Modes that need a seekable file (``+``, ``a``) are refused."""
    if (one_way(mode, "pipe") == "r") != end.reading:
        raise _error(net, "EBADF", "io.open()")  # FileIO's fstat passes; the first read or write fails: simplified
    raw = _PipeIO(net, fd, "rb" if end.reading else "wb", closefd)
    return layered(raw, mode, buffering, encoding, errors, newline)


def file_mode(mode: str) -> str:
    """``io.FileIO``'s check of ``mode`` (CPython's Modules/_io/fileio.c, the same in 3.9 to
    3.13) and the name it gives it: "rb", "wb", "ab" or "xb" one way, "rb+", "ab+" or "xb+" both. With a
    descriptor, the letters only choose the ways: the descriptor is not opened, truncated or
    created, and on a pipe or socket the seek to the end for "a" fails quietly (ESPIPE)."""
    if not isinstance(mode, str):
        raise TypeError(f"FileIO() argument 'mode' must be str, not {type(mode).__name__}")
    if set(mode) - set("xrwab+"):
        raise ValueError(f"invalid mode: {mode}")
    ways = [c for c in mode if c in "xrwa"]
    if len(ways) != 1 or mode.count("+") > 1:
        raise ValueError("Must have exactly one of create/read/write/append mode and at most one plus")
    way, both = ways[0], "+" in mode
    if way == "w" and both:  # FileIO names a read-write file that is neither created nor appended "rb+"
        way = "r"
    return f"{way}b+" if both else f"{way}b"


def file_io(net: SimHost, end: PipeEnd, fd: int, mode: str = "r", closefd: bool = True, opener: Any = None) -> Any:
    """``io.FileIO(fd, mode)`` of a pipe end: a raw stream of it, readable and writable as
    ``mode`` says; a read of the write end (or the other way) fails with EBADF when made, as
    read(2) on it does (tornado's ``PipeIOStream`` opens both ends "r+")."""
    return _PipeIO(net, fd, file_mode(mode), closefd)


def one_way(mode: str, kind: str) -> str:
    """ "r" or "w": the one direction of ``io.open``'s ``mode`` on a simulated ``kind``'s
    descriptor; modes that need a seekable file (``+``, ``a``) are refused."""
    kinds = set(mode) - {"b", "t"}
    if not kinds <= {"r", "w"} or len(kinds) != 1:
        raise NotModelled(f"io.open() of a simulated {kind}'s descriptor with mode {mode!r}")
    return kinds.pop()


def layered(raw: io.RawIOBase, mode: str, buffering: int, encoding: Any, errors: Any, newline: Any) -> Any:
    """What ``io.open`` builds over a non-seekable raw stream read or written one way: the raw
    stream itself (``buffering=0``, binary), a buffered reader or writer, or text over one."""
    binary = "b" in mode
    if buffering == 1 and not binary:
        buffering, line_buffering = -1, True
    else:
        line_buffering = False
    if buffering == 0:
        if not binary:
            raise ValueError("can't have unbuffered text I/O")
        return raw
    size = io.DEFAULT_BUFFER_SIZE if buffering < 0 else buffering
    buffered: Any = BufferedReader(raw, size) if raw.readable() else BufferedWriter(raw, size)
    if binary:
        return buffered
    return io.TextIOWrapper(buffered, encoding, errors, newline, line_buffering)


def fdopen(net: SimHost, end: PipeEnd, fd: int, mode: str = "r", buffering: int = -1, *args: Any, **kwargs: Any) -> Any:
    return open_fd(net, end, fd, mode, buffering, *args, **kwargs)


#: "module.function" -> its model on a pipe end, called as ``model(net, end, fd, *rest)``.
MODELS: dict[str, Callable[..., Any]] = {
    "os.read": read,
    "os.write": write,
    "os.close": close,
    "os.dup": dup,
    "os.dup2": dup2,
    "os.fstat": fstat,
    "os.fdopen": fdopen,
    "io.open": open_fd,
    "builtins.open": open_fd,
    "io.FileIO": file_io,
}


def close_all(kernel: Kernel) -> None:
    """Close every pipe end the kernel's table holds (``Network.close``)."""
    for fd, obj in list(kernel.objects.items()):
        if isinstance(obj, PipeEnd):
            del kernel.objects[fd]
            kernel.released.add(fd)
            obj.refs = 1
            obj.release()


# -- what patched() swaps ------------------------------------------------------------------------
Dispatch = Callable[[Callable[..., Any], Callable[..., Any]], Callable[..., Any]]


def _os_open(real: Callable[..., Any]) -> Callable[..., Any]:
    def call(net: SimHost, path: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            is_fifo = stat.S_ISFIFO(os.stat(path, dir_fd=kwargs.get("dir_fd")).st_mode)
        except (OSError, TypeError, ValueError):
            is_fifo = False  # the real call says what is wrong
        if is_fifo:
            raise NotModelled("os.open() of a FIFO in a simulated thread (a real FIFO waits in real time)")
        return real(path, *args, **kwargs)

    return call


def _simulated_fds(values: Iterable[Any]) -> list[int]:
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool) and v >= FD_BASE]


#: Per thread: inside ``subprocess.Popen``'s constructor, whose pipes (its error pipe, PIPE
#: streams) are real ones for a real child, ``os.pipe`` is the real call.
_REAL_PIPES = threading.local()


def _pipe_maker(real: Callable[..., Any], simulated: Callable[..., Any]) -> Callable[..., Any]:
    def make(net: SimHost, *args: Any) -> Any:
        return real(*args) if getattr(_REAL_PIPES, "depth", 0) else simulated(net, *args)

    return make


def _popen_init(real: Callable[..., Any]) -> Callable[..., Any]:
    import inspect

    signature = inspect.signature(real)

    def init(net: SimHost, process: Any, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(process, *args, **kwargs).arguments
        given = [bound.get(name) for name in ("stdin", "stdout", "stderr")]
        simulated = _simulated_fds([*given, *bound.get("pass_fds", ())])
        if simulated:
            raise NotModelled(
                f"a simulated descriptor ({simulated[0]}) handed to a real child process (subprocess.Popen)"
            )
        _REAL_PIPES.depth = getattr(_REAL_PIPES, "depth", 0) + 1
        try:
            return real(process, *args, **kwargs)
        finally:
            _REAL_PIPES.depth -= 1

    return init


def replacements(dispatch: Dispatch) -> list[tuple[object, str, Any]]:
    """The swaps ``patched()`` installs for pipes (each dispatching on the calling thread)."""
    import subprocess

    swaps: list[tuple[object, str, Any]] = [(os, "pipe", dispatch(os.pipe, _pipe_maker(os.pipe, pipe)))]
    if hasattr(os, "pipe2"):
        swaps.append((os, "pipe2", dispatch(os.pipe2, _pipe_maker(os.pipe2, pipe2))))
    for name, feature in (("mkfifo", "os.mkfifo() (named pipes)"), ("splice", "os.splice()")):
        if hasattr(os, name):
            swaps.append((os, name, dispatch(getattr(os, name), refusing(f"{feature} in a simulated thread"))))
    swaps.append((os, "open", dispatch(os.open, _os_open(os.open))))
    real_init = subprocess.Popen.__init__
    swaps.append((subprocess.Popen, "__init__", dispatch(real_init, _popen_init(real_init))))
    return swaps
