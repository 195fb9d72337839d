"""The simulator's socket buffers (``sockbehave.sim.buffers``): FIFO order across chunk
boundaries, copies of mutable buffers, and the shared empty buffer that refuses bytes."""

from __future__ import annotations

import pytest

from sockbehave.sim.buffers import EMPTY, ByteQueue


def test_bytes_come_out_in_order_across_chunk_boundaries() -> None:
    q = ByteQueue()
    for chunk in (b"abc", b"", b"defg", memoryview(b"hi")):
        q.append(chunk)
    assert len(q) == 9
    assert q.take(2) == b"ab"
    assert q.take(4) == b"cdef"
    assert q.take(100) == b"ghi"
    assert not q and q.take(1) == b""


def test_move_to_moves_at_most_n_bytes_and_keeps_the_rest() -> None:
    src, dst = ByteQueue(), ByteQueue()
    src.append(b"12345")
    src.append(b"678")
    assert src.move_to(dst, 6) == 6
    assert (len(src), len(dst)) == (2, 6)
    assert src.move_to(dst, 0) == 0
    assert ByteQueue().move_to(dst, 5) == 0
    assert dst.take(10) == b"123456" and src.take(10) == b"78"


def test_a_mutable_buffer_is_copied_when_queued() -> None:
    data = bytearray(b"before")
    q = ByteQueue()
    q.append(memoryview(data))
    data[:] = b"AFTER!"
    assert q.take(6) == b"before"


def test_clear_empties_a_queue_that_can_be_used_again() -> None:
    q = ByteQueue()
    q.append(b"xyz")
    q.clear()
    assert len(q) == 0 and q.take(3) == b""
    q.append(b"again")
    assert q.take(5) == b"again"


def test_the_shared_empty_buffer_refuses_bytes_loudly() -> None:
    """Connections share ``EMPTY`` until their first byte: a write that forgot to give a
    connection its own buffer must fail, never leak bytes into every other connection."""
    with pytest.raises(AssertionError, match="shared empty buffer"):
        EMPTY.append(b"x")
    src = ByteQueue()
    src.append(b"data")
    with pytest.raises(AssertionError, match="shared empty buffer"):
        src.move_to(EMPTY, 4)
    assert len(src) == 4  # nothing left the source
    assert len(EMPTY) == 0 and EMPTY.take(10) == b""
    EMPTY.clear()  # harmless: a reset clears the buffers of connections that never had any
    assert not EMPTY
