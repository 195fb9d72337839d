"""Buffer lifetime: a socket call holds the caller's buffer only while it runs, as CPython's
``Py_buffer`` does. After a call that raised, the caller may resize its ``bytearray`` inside
the ``except`` clause (asyncio's ``_write_ready`` clears its write buffer there). Each case
runs on the real loopback stack and on every profile."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from sockbehave.sim import patched
from sockbehave.tables import OSES


@contextmanager
def _stack(where: str) -> Iterator[None]:
    if where == "real":
        yield
    else:
        with patched(where):
            yield


def _reset_pair() -> tuple[socket.socket, socket.socket]:
    """A connected client whose peer has reset the connection (SO_LINGER 0 close)."""
    srv = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(srv.getsockname())
    conn, _ = srv.accept()
    srv.close()
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    conn.close()
    return client, conn


def _raises_then_resizes(call: Callable[[bytearray], Any], buf: bytearray) -> str:
    """Run ``call(buf)``; it must raise. Inside the ``except`` clause, resize ``buf``."""
    try:
        call(buf)
    except OSError as exc:
        try:
            buf.clear()
        except BufferError as held:
            return f"{type(exc).__name__}, then BufferError: {held}"
        return type(exc).__name__
    raise AssertionError("the call did not raise")


def _send_after_reset(name: str) -> str:
    client, _ = _reset_pair()
    with client:
        client.settimeout(5)
        return _raises_then_resizes(lambda buf: getattr(client, name)(buf), bytearray(b"x" * 1000))


def _recv_into_timeout() -> str:
    srv = socket.create_server(("127.0.0.1", 0))
    with srv, socket.create_connection(srv.getsockname()) as client:
        conn, _ = srv.accept()
        with conn:
            client.settimeout(0.05)
            return _raises_then_resizes(lambda buf: client.recv_into(buf), bytearray(100))


def _recvmsg_into_timeout() -> str:
    a, b = socket.socketpair()
    with a, b:
        a.settimeout(0.05)
        return _raises_then_resizes(lambda buf: a.recvmsg_into([buf]), bytearray(100))


def _write_to_broken_pipe() -> str:
    r, w = os.pipe()
    os.close(r)
    try:
        return _raises_then_resizes(lambda buf: os.write(w, buf), bytearray(100))
    finally:
        os.close(w)


CASES: dict[str, Callable[[], str]] = {
    "os.write": _write_to_broken_pipe,
    "send": lambda: _send_after_reset("send"),
    "sendall": lambda: _send_after_reset("sendall"),
    "recv_into": _recv_into_timeout,
    "recvmsg_into": _recvmsg_into_timeout,
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("where", ["real", *OSES])
def test_a_call_that_raised_no_longer_holds_the_buffer(where: str, case: str) -> None:
    if case == "recvmsg_into" and (where == "windows" or not hasattr(socket.socket, "recvmsg_into")):
        pytest.skip("Windows' CPython has no recvmsg_into (Profile.stdlib_names)")
    with _stack(where):
        try:
            outcome = CASES[case]()
        except NotImplementedError as exc:
            pytest.skip(f"not modelled: {exc}")
    assert "BufferError" not in outcome, f"{case} on {where}: {outcome}"
