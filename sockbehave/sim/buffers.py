"""Socket buffers for the simulator: byte queues that move data without copying it.

Owns: ``ByteQueue``. A queued chunk is a read-only memoryview of what the application sent
(copied once if the application's buffer is mutable); moving bytes between a send buffer
and the peer's receive buffer moves views, and bytes are copied only when ``take`` hands
them to the application. Megabytes through a simulated connection cost what a memcpy of
the part that is read costs.
"""

from __future__ import annotations

from collections import deque

__all__ = ["ByteQueue"]


class ByteQueue:
    """A FIFO of bytes with O(chunks) moves and copies only on ``take``."""

    __slots__ = ("_chunks", "_len")

    def __init__(self) -> None:
        self._chunks: deque[memoryview] = deque()
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
            self._chunks.append(view)
            self._len += len(view)

    def _pop_views(self, n: int) -> list[memoryview]:
        out: list[memoryview] = []
        while n > 0 and self._chunks:
            head = self._chunks[0]
            if len(head) <= n:
                out.append(self._chunks.popleft())
                n -= len(head)
            else:
                out.append(head[:n])
                self._chunks[0] = head[n:]
                n = 0
        self._len -= sum(len(v) for v in out)
        return out

    def take(self, n: int) -> bytes:
        """Remove and return up to ``n`` bytes."""
        return b"".join(self._pop_views(n))

    def move_to(self, other: ByteQueue, n: int) -> int:
        """Move up to ``n`` bytes to the end of ``other``; return how many moved."""
        views = self._pop_views(n)
        for view in views:
            other._chunks.append(view)
            other._len += len(view)
        return sum(len(v) for v in views)

    def clear(self) -> None:
        self._chunks.clear()
        self._len = 0
