"""Socket buffers for the simulator: byte queues that move data without copying it.

Owns: ``ByteQueue``, and ``EMPTY``, the buffer that stays empty; and ``bytes_view``, how a
call borrows the application's buffer. A queued chunk is a
read-only memoryview of what the application sent (copied once if the application's buffer
is mutable); moving bytes between a send buffer and the peer's receive buffer moves views,
and bytes are copied only when ``take`` hands them to the application. Megabytes through a
simulated connection cost what a memcpy of the part that is read costs.
"""

from __future__ import annotations

from collections import deque
from typing import Any, Optional

__all__ = ["EMPTY", "ByteQueue", "bytes_view"]


def bytes_view(data: Any) -> memoryview:
    """A byte view of the application's ``data``, with CPython's message for what is not a
    buffer. Use it in a ``with`` block: a call holds the caller's buffer only while it runs,
    as CPython's ``Py_buffer`` (a view left alive in a traceback would keep a ``bytearray``
    from being resized in the caller's ``except`` clause, as asyncio's write path does)."""
    try:
        return memoryview(data).cast("B")
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not '{data.__class__.__name__}'") from None


class ByteQueue:
    """A FIFO of bytes with O(chunks) moves and copies only on ``take``."""

    __slots__ = ("_chunks", "_len")

    def __init__(self) -> None:
        # The deque (a block of 64 slots even when empty) is made by the first add, which is
        # also where ``EMPTY`` refuses bytes.
        self._chunks: Optional[deque[memoryview]] = None
        self._len = 0

    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:
        return self._len > 0

    def append(self, data: bytes | memoryview) -> None:
        view = memoryview(data).cast("B")
        if type(view.obj) is not bytes:
            # the application may change or free its buffer after send(): a read-only view is
            # not enough (io.BufferedWriter flushes a read-only view of a buffer it reuses)
            view = memoryview(bytes(view))
        if len(view):
            self._chunks_to_add().append(view)
            self._len += len(view)

    def _chunks_to_add(self) -> deque[memoryview]:
        if self._chunks is None:
            self._chunks = deque()
        return self._chunks

    def _pop_views(self, n: int) -> list[memoryview]:
        out: list[memoryview] = []
        chunks = self._chunks
        while n > 0 and chunks:
            head = chunks[0]
            if len(head) <= n:
                out.append(chunks.popleft())
                n -= len(head)
            else:
                out.append(head[:n])
                chunks[0] = head[n:]
                n = 0
        self._len -= sum(len(v) for v in out)
        return out

    def take(self, n: int) -> bytes:
        """Remove and return up to ``n`` bytes."""
        return b"".join(self._pop_views(n))

    def peek(self, n: int) -> bytes:
        """Up to ``n`` bytes from the front, left in the queue (MSG_PEEK)."""
        out: list[memoryview] = []
        for chunk in self._chunks or ():
            if n <= 0:
                break
            out.append(chunk[:n])
            n -= len(out[-1])
        return b"".join(out)

    def move_to(self, other: ByteQueue, n: int) -> int:
        """Move up to ``n`` bytes to the end of ``other``; return how many moved."""
        if n <= 0 or not self._len:
            return 0
        target = other._chunks_to_add()  # before anything leaves: EMPTY refuses here
        views = self._pop_views(n)
        moved = sum(len(v) for v in views)
        target.extend(views)
        other._len += moved
        return moved

    def clear(self) -> None:
        self._chunks = None
        self._len = 0


class _Empty(ByteQueue):
    """A buffer that stays empty: adding bytes to it is a bug, not something to model."""

    __slots__ = ()

    def _chunks_to_add(self) -> deque[memoryview]:
        raise AssertionError("bytes added to the shared empty buffer (buffers.EMPTY)")


#: Shared by every buffer that holds no bytes yet and by those that never will (a connection
#: in TIME_WAIT): the owner replaces it with its own ``ByteQueue`` before the first write.
EMPTY: ByteQueue = _Empty()
