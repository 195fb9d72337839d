"""``os.sendfile`` into a simulated socket, and what rests on it (asyncio's ``loop.sendfile``),
checked against this machine's kernel. Before, ``os.sendfile`` got a simulated descriptor
number and failed with the host's EBADF, so asyncio always fell back to ``send`` (CPython's
test_asyncio ``test_sendfile_prevents_bare_write`` failed), and ``SO_SNDBUF`` set on a
connected socket did not change its connection's buffer."""

from __future__ import annotations

import asyncio
import os
import socket
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import pytest

from sockbehave.sim import patched

pytestmark = pytest.mark.skipif(not hasattr(os, "sendfile"), reason="the host has no os.sendfile")

DATA = bytes(range(256)) * 64  # 16 KiB


@contextmanager
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    with socket.create_server(("127.0.0.1", 0)) as srv:
        client = socket.create_connection(srv.getsockname())
        server_side, _ = srv.accept()
    with client, server_side:
        yield client, server_side


def sendfile_steps(path: Path) -> list[Any]:
    """Partial sendfile calls with and without an offset, as seen by the file and the peer."""
    seen: list[Any] = []
    with pair() as (client, peer), path.open("rb") as f:
        client.setblocking(False)
        seen.append(os.sendfile(client.fileno(), f.fileno(), None, 1000))
        seen.append(f.tell())  # None: the position moves
        seen.append(os.sendfile(client.fileno(), f.fileno(), 5000, 100))
        seen.append(f.tell())  # an offset: the position stays
        seen.append(os.sendfile(client.fileno(), f.fileno(), len(DATA), 100))  # at the end
        got = b""
        while len(got) < 1100:
            got += peer.recv(2000)
        seen.append(got == DATA[:1000] + DATA[5000:5100])
    return seen


def test_os_sendfile_into_a_nonblocking_socket_matches_the_real_stack(tmp_path: Path) -> None:
    path = tmp_path / "data"
    path.write_bytes(DATA)
    real = sendfile_steps(path)
    with patched("linux"):
        simulated = sendfile_steps(path)
    assert simulated == real == [1000, 1000, 100, 1000, 0, True]


def capacity(sndbuf: int) -> int:
    """Bytes non-blocking sends take from a connected socket whose peer never reads."""
    with pair() as (client, _):
        if sndbuf:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
        client.setblocking(False)
        total = 0
        while total < 1 << 26:  # bounded: a send buffer that never fills fails the test below
            try:
                total += client.send(b"x" * 65536)
            except BlockingIOError:
                return total
        raise AssertionError("the send buffer never filled")


def test_so_sndbuf_on_a_connected_socket_takes_effect_as_on_the_real_stack() -> None:
    real = (capacity(0), capacity(4096))
    with patched("linux"):
        simulated = (capacity(0), capacity(4096))
    for default, small in (real, simulated):
        assert small * 4 < default, (real, simulated)


def test_os_sendfile_where_it_is_not_modelled(tmp_path: Path) -> None:
    path = tmp_path / "data"
    path.write_bytes(DATA)
    for profile, blocking, match in (
        ("linux", True, "blocking"),
        ("windows", False, "windows, whose CPython has none"),
    ):
        with patched(profile), pair() as (client, _), path.open("rb") as f:
            client.setblocking(blocking)
            with pytest.raises(NotImplementedError, match=match):
                os.sendfile(client.fileno(), f.fileno(), None, 10)


@pytest.mark.parametrize("profile", ["linux", "darwin", "freebsd", "windows"])
def test_asyncio_loop_sendfile(profile: str, tmp_path: Path) -> None:
    """The whole file arrives on every profile: natively where that OS's CPython has
    ``os.sendfile``, through asyncio's ``send`` fallback on windows. While a native sendfile
    runs, a bare ``write`` on the transport is refused, as CPython's test_sendfile checks."""
    path = tmp_path / "data"
    path.write_bytes(DATA * 64)  # 1 MiB: more than one send buffer

    async def main() -> tuple[int, bytes, bool]:
        received = bytearray()
        done = asyncio.get_running_loop().create_future()

        async def sink(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            received.extend(await reader.read())
            writer.close()
            done.set_result(None)

        server = await asyncio.start_server(sink, "127.0.0.1", 0)
        _, writer = await asyncio.open_connection(*server.sockets[0].getsockname())
        with path.open("rb") as f:
            task = asyncio.ensure_future(asyncio.get_running_loop().sendfile(writer.transport, f))
            await asyncio.sleep(0)
            try:
                writer.transport.write(b"!")
                refused = False
            except RuntimeError:
                refused = True
            sent = await task
        writer.close()
        await done
        server.close()
        await server.wait_closed()
        return sent, bytes(received), refused

    quiet = warnings.catch_warnings() if profile == "windows" else nullcontext()
    with quiet, patched(profile):
        warnings.simplefilter("ignore")  # the windows profile's note about the selector loop
        sent, received, refused = asyncio.run(main())
    assert sent == len(DATA) * 64
    assert refused == (profile != "windows")
    # the fallback reads the file in an executor first, so the bare write goes out before it
    assert received == (DATA * 64 if refused else b"!" + DATA * 64)
