"""Per-OS facts about anonymous pipes (``os.pipe()``), each with its source: ``Profile.pipes``.

Owns: the data ``pipes`` reads (capacity and how a pipe fills, ``PIPE_BUF``, readiness bits,
``fstat``'s mode) for each profile. Data only: nothing here acts, and nothing branches on an
OS name. ``PipeFacts.__post_init__`` refuses a value without a source, as ``Profile`` does.

What every source agrees on is modelled; where the answer depends on something a program cannot
see (the BSDs grow a pipe's buffer according to the memory all pipes of the system use; Windows
does not document the default size of an anonymous pipe), the value is ``None`` or the limit
is the smallest size the sources allow, and ``pipes`` raises ``NotImplementedError`` past it.
"""

from __future__ import annotations

import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Optional

from .sourced import build, require_sources

__all__ = ["DARWIN_PIPES", "FREEBSD_PIPES", "LINUX_PIPES", "WINDOWS_PIPES", "PipeFacts"]

# poll(2) bits as Linux numbers them (readiness.py uses the same values).
_POLLIN, _POLLOUT, _POLLERR, _POLLHUP = 0x1, 0x4, 0x8, 0x10


@dataclass(frozen=True)
class PipeFacts:
    """How an anonymous pipe behaves on one OS."""

    #: PIPE_BUF: a write of at most this many bytes is atomic (POSIX write(2)).
    pipe_buf: int
    #: Linux: the ring's slots (one page each), filled as ``pipe_write`` does (a write merges
    #: into the last page only if it fits there whole); None: a byte buffer (the BSDs).
    ring_pages: Optional[int]
    page_size: int
    #: A byte buffer's size that every source guarantees; a write that would fill past it is
    #: ``NotImplementedError`` (``grows`` names why). None with no ``ring_pages``: not known at all.
    byte_capacity: Optional[int]
    grows: str
    #: A byte buffer's write end is surely writable (select, poll) while it holds at most this
    #: many bytes; past it the answer depends on the unknown size (``NotImplementedError``).
    writable_until: Optional[int]
    #: poll bits of each condition: "data" (read end holds bytes), "eof" (read end, no writer
    #: left), "room" (write end can take a write), "no_reader" (write end, no reader left); None:
    #: not modelled (the reason is in the source).
    events: Mapping[str, Optional[int]]
    #: Whether descriptor flags (O_NONBLOCK, FD_CLOEXEC) and read/write errors of a pipe are modelled.
    flags: bool
    #: ``fstat``'s ``st_mode``; None: not modelled.
    stat_mode: Optional[int]
    #: ``fstat``'s ``st_size``: "zero" (Linux) or "count" (bytes buffered, the BSDs).
    stat_size: str
    #: kqueue (the BSDs): EVFILT_WRITE on a write end reports ``data`` = this size - the bytes
    #: buffered; None: the size is not known (``NotImplementedError`` when it would be reported).
    kevent_write_size: Optional[int]
    #: kqueue: a filter on the end that does not do it (EVFILT_READ on a write end, EVFILT_WRITE
    #: on a read end): "eof" (fires with EV_EOF and data 0 once either end is closed) or "never".
    kevent_other_end: str
    #: kqueue: EVFILT_WRITE added on a write end whose reader is gone: "eof" (it fires with
    #: EV_EOF and data 0) or an errno name the change fails with.
    kevent_write_no_reader: str
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_sources(self, "pipe facts")


_LINUX_PIPE = "torvalds/linux@00a7d39898c8010bfd5ff62af31ca5db34421b38 fs/pipe.c"
_FREEBSD_PIPE = "FreeBSD 13 sys/kern/sys_pipe.c and sys/sys/pipe.h (as vendored by F-Stack/f-stack freebsd/)"
_XNU_PIPE = "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/sys_pipe.c"
_NOT_A_RING = "a byte buffer (a ring of bytes, not of pages)"

LINUX_PIPES = build(
    PipeFacts,
    {
        "pipe_buf": (4096, "pipe(7) (Linux man-pages 6.03): PIPE_BUF is 4096 bytes on Linux"),
        "ring_pages": (
            16,
            f"{_LINUX_PIPE} alloc_pipe_info (PIPE_DEF_BUFFERS = 16 slots, max_usage) and pipe_write (the merge into "
            "the last buffer: total_len & (PAGE_SIZE-1) bytes, only if they fit; then whole pages, one per slot); "
            "observed here (Linux 6.18): non-blocking writes of 1, 100, 3000, 4096, 5000 bytes take 65536, 64000, "
            "48000, 65536, 54096 bytes before EAGAIN",
        ),
        "page_size": (4096, "PAGE_SIZE on x86-64 and arm64 with 4 KiB pages (getconf PAGESIZE here: 4096)"),
        "byte_capacity": (None, f"not a byte buffer: {_LINUX_PIPE} counts slots (pipe_full)"),
        "grows": ("", "a Linux pipe grows only by F_SETPIPE_SZ, which is not modelled"),
        "writable_until": (None, f"{_LINUX_PIPE} pipe_poll: writable while a slot is free (!pipe_full)"),
        "events": (
            MappingProxyType(
                {"data": _POLLIN, "eof": _POLLHUP, "room": _POLLOUT, "no_reader": _POLLERR},
            ),
            f"{_LINUX_PIPE} pipe_poll: EPOLLIN with data, EPOLLHUP with no writer (anonymous pipes: f_pipe 0 "
            "!= w_counter 1), EPOLLOUT while not full, EPOLLERR with no reader ('on Linux they behave exactly like "
            "pipes for poll()'); EPOLLRDNORM/EPOLLWRNORM are set too and masked away unless asked for (fs/select.c)",
        ),
        "flags": (True, "fcntl(2), pipe(7): O_NONBLOCK and FD_CLOEXEC on either end"),
        "stat_mode": (
            stat.S_IFIFO | 0o600,
            f"{_LINUX_PIPE} get_pipe_inode: i_mode = S_IFIFO | S_IRUSR | S_IWUSR; observed here: st_mode 0o10600",
        ),
        "stat_size": ("zero", "observed here: fstat of a pipe holding data gives st_size 0 (pipefs keeps no size)"),
        "kevent_write_size": (None, "no kqueue on this OS"),
        "kevent_other_end": ("never", "no kqueue on this OS"),
        "kevent_write_no_reader": ("eof", "no kqueue on this OS"),
    },
)

_BSD_EVENTS_FREEBSD = MappingProxyType(
    {"data": _POLLIN, "eof": _POLLIN | _POLLHUP, "room": _POLLOUT, "no_reader": _POLLOUT | _POLLHUP}
)

FREEBSD_PIPES = build(
    PipeFacts,
    {
        "pipe_buf": (
            512,
            "FreeBSD sys/sys/syslimits.h PIPE_BUF 512; pipe(2) (zcat /usr/share/man/man2/pipe.2freebsd.gz)",
        ),
        "ring_pages": (None, _NOT_A_RING + f": {_FREEBSD_PIPE} pipe_buffer (size, cnt, in, out)"),
        "page_size": (4096, "SMALL_PIPE_SIZE is PAGE_SIZE (4096 on amd64 and arm64): sys/sys/pipe.h"),
        "byte_capacity": (
            4096,
            f"{_FREEBSD_PIPE} pipe_create: PIPE_SIZE (16384) unless the system's pipe memory (amountpipekva) is past "
            "half of maxpipekva, then SMALL_PIPE_SIZE (PAGE_SIZE); pipe_write doubles it up to BIG_PIPE_SIZE (65536) "
            "while it cannot hold the write, under the same system-wide condition. Only 4096 is certain",
        ),
        "grows": (
            "FreeBSD's pipe buffer sizes past 4096 bytes (PIPE_SIZE 16384 and 'big pipes' up to 65536 depend on "
            "the system-wide pipe memory, amountpipekva; blocking writes of 8192 bytes or more are direct writes)",
            f"{_FREEBSD_PIPE} pipe_create, pipe_write (desiredsize, PIPE_MINDIRECT 8192 direct writes)",
        ),
        "writable_until": (
            4096 - 512,
            f"{_FREEBSD_PIPE} pipe_poll: POLLOUT while size - cnt >= PIPE_BUF; certain while cnt <= 4096 - 512",
        ),
        "events": (
            _BSD_EVENTS_FREEBSD,
            f"{_FREEBSD_PIPE} pipe_poll: POLLIN with data; at EOF (PIPE_EOF) POLLIN and POLLHUP; POLLOUT with "
            "PIPE_BUF bytes free; with the reader gone (pipe_present != PIPE_ACTIVE, PIPE_EOF) POLLOUT and POLLHUP; "
            "never POLLERR",
        ),
        "flags": (True, "fcntl(2) (FreeBSD): O_NONBLOCK and FD_CLOEXEC on any descriptor"),
        "stat_mode": (stat.S_IFIFO, f"{_FREEBSD_PIPE} pipe_stat: ub->st_mode = S_IFIFO (no permission bits)"),
        "stat_size": ("count", f"{_FREEBSD_PIPE} pipe_stat: st_size = pipe_buffer.cnt"),
        "kevent_write_size": (
            None,
            f"{_FREEBSD_PIPE} filt_pipewrite: data = pipe_buffer.size - cnt, and the size (PIPE_SIZE 16384 or "
            "SMALL_PIPE_SIZE 4096) depends on the system-wide pipe memory (see byte_capacity)",
        ),
        "kevent_other_end": (
            "never",
            f"{_FREEBSD_PIPE} pipe_kqfilter: the wrong end gets pipe_nfiltops, which never fire",
        ),
        "kevent_write_no_reader": (
            "EPIPE",
            f"{_FREEBSD_PIPE} pipe_kqfilter: EVFILT_WRITE with the peer not PIPE_ACTIVE returns EPIPE",
        ),
    },
)

DARWIN_PIPES = build(
    PipeFacts,
    {
        "pipe_buf": (512, f"macOS sys/syslimits.h PIPE_BUF 512; {_XNU_PIPE} choose_pipespace asserts it"),
        "ring_pages": (None, _NOT_A_RING + f": {_XNU_PIPE} pipe_buffer (size, cnt, in, out)"),
        "page_size": (4096, f"{_XNU_PIPE}: pipesize_blocks are 512, 1024, 2048, 4096, 8192, 16384, 65536"),
        "byte_capacity": (
            512,
            f"{_XNU_PIPE} pipe(): the buffer starts at choose_pipespace(0, 0) = 512 (PIPE_BUF, 'we always get an "
            "atomic transaction sized pipe buffer'); pipe_write grows it (expand_pipespace, up to 65536) only while "
            "amountpipekva < maxpipekva, a system-wide condition. Only 512 is certain",
        ),
        "grows": (
            "macOS's pipe buffer growth past 512 bytes (xnu expand_pipespace grows it only while the system-wide "
            "pipe memory amountpipekva is under maxpipekva)",
            f"{_XNU_PIPE} pipe_write, choose_pipespace, expand_pipespace",
        ),
        "writable_until": (
            16384 - 512,
            f"{_XNU_PIPE} pipe_select and filt_pipewrite: writable while MAX_PIPESIZE (at least PIPE_SIZE 16384) "
            "- cnt >= PIPE_BUF",
        ),
        "events": (
            MappingProxyType({"data": _POLLIN, "eof": None, "room": _POLLOUT, "no_reader": None}),
            f"{_XNU_PIPE} pipe_select (readable with data or at EOF, writable with room or with the reader gone) "
            "and xnu bsd/kern/sys_generic.c poll_callback (poll is built on kqueue: at EOF it sets POLLHUP, adds "
            "POLLPRI to a read end's bits and drops POLLOUT from a write end's): select and poll disagree at EOF "
            "and with the reader gone, so those two conditions are not modelled",
        ),
        "flags": (True, "fcntl(2) (macOS): O_NONBLOCK and FD_CLOEXEC on any descriptor"),
        "stat_mode": (
            stat.S_IFIFO | 0o660,
            f"{_XNU_PIPE} pipe_stat: st_mode = S_IFIFO | S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP",
        ),
        "stat_size": ("count", f"{_XNU_PIPE} pipe_stat: st_size = pipe_count (bytes buffered)"),
        "kevent_write_size": (
            16384,
            f"{_XNU_PIPE}:1524-1540 filt_pipewrite_common: data = MAX_PIPESIZE - cnt, MAX_PIPESIZE = MAX(PIPE_SIZE "
            "16384, buffer size) (line 273), and the buffer stays at 512 where the profile models it (byte_capacity)",
        ),
        "kevent_other_end": (
            "eof",
            f"{_XNU_PIPE}:1587-1650 pipe_kqfilter: the wrong end's filter is EVFILTID_PIPE_N, "
            "filt_pipe_draincommon: EV_EOF (data 0) once either side has PIPE_EOF",
        ),
        "kevent_write_no_reader": (
            "eof",
            f"{_XNU_PIPE}:1587-1650 pipe_kqfilter ('FreeBSD will fail the attach with EPIPE ... Attach should only "
            "fail for programming mistakes'): it attaches, and filt_pipe_draincommon fires EV_EOF with data 0",
        ),
    },
)

_CREATEPIPE = (
    "https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-createpipe (nSize 0: 'the "
    "system uses the default buffer size', which is not documented); python/cpython@v3.13.0 Modules/posixmodule.c "
    "os_pipe_impl (CreatePipe(&read, &write, &attr, 0), then _open_osfhandle: C runtime descriptors)"
)

WINDOWS_PIPES = build(
    PipeFacts,
    {
        "pipe_buf": (
            0,
            "no PIPE_BUF on Windows: MicrosoftDocs/win32 desktop-src/ipc/anonymous-pipe-operations.md (WriteFile on "
            "an anonymous pipe returns when every byte is written); unused: every write is not modelled",
        ),
        "ring_pages": (None, _CREATEPIPE),
        "page_size": (4096, "unused on Windows (no ring of pages)"),
        "byte_capacity": (None, _CREATEPIPE),
        "grows": (
            "the size of a Windows anonymous pipe's buffer (CreatePipe with nSize 0: not documented)",
            _CREATEPIPE,
        ),
        "writable_until": (None, "unused: Winsock's select takes sockets only, and Windows' CPython has no poll"),
        "events": (
            MappingProxyType({"data": None, "eof": None, "room": None, "no_reader": None}),
            "Winsock's select takes sockets only (Profile.select_non_socket_error)",
        ),
        "flags": (
            False,
            "https://docs.python.org/3/library/os.html#os.set_blocking (Windows: pipes only, since 3.12, through "
            "SetNamedPipeHandleState PIPE_NOWAIT; earlier versions have none): not modelled, nor the C runtime's "
            "errno numbers for a pipe",
        ),
        "stat_mode": (None, "not modelled: Windows' CPython builds st_mode from GetFileType (Python/fileutils.c)"),
        "stat_size": ("zero", "unused (stat_mode is not modelled)"),
        "kevent_write_size": (None, "no kqueue on this OS"),
        "kevent_other_end": ("never", "no kqueue on this OS"),
        "kevent_write_no_reader": ("eof", "no kqueue on this OS"),
    },
)
