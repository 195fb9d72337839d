"""asyncio programs (an echo server with a client, a datagram echo, timeouts, a refused
connect, a reset peer, an ICMP error on a connected and an unconnected UDP endpoint) give the same transcript on
the real loopback and on sim(linux), and the documented per-OS differences on the others.

The programs are plain asyncio code: nothing in them knows about sockbehave. Transcripts hold
outcomes, never timings (apart from "took at least 1.5 s", true only where a refusal waits),
so the real run gives the same one under load; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import faulthandler
import socket
import struct
import sys
import time
from collections.abc import Iterator
from typing import Any, Callable

import pytest

from sockbehave.platform_info import current_os
from sockbehave.sim import patched

Transcript = list[Any]
#: A timeout that expires in these programs (never a wait for something that will happen).
SHORT = 0.05
#: A bound for what does happen: a real run under load stays far below it.
LONG = 10.0


@pytest.fixture(autouse=True)
def _no_real_hang() -> Iterator[None]:
    """A simulator bug that hangs for real ends the run with every thread's traceback, not a stuck CI job."""
    faulthandler.dump_traceback_later(120, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def _error(exc: BaseException) -> tuple[str, Any]:
    return type(exc).__name__, getattr(exc, "errno", None)


async def stream_echo(os_name: str) -> Transcript:
    log: Transcript = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            line = await reader.readline()
            if not line:
                break
            writer.write(line.upper())
            await writer.drain()
        log.append("server saw EOF")
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()[:2]
    log.append(("server host", host))
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    log.append(("peer port", writer.get_extra_info("peername")[1] == port))
    for word in (b"one\n", b"two\n", b"x" * 50_000 + b"\n"):
        writer.write(word)
        await writer.drain()
        reply = await asyncio.wait_for(reader.readline(), LONG)
        log.append(("reply", len(reply), reply[:4]))
    writer.write_eof()
    log.append(("eof", await asyncio.wait_for(reader.read(), LONG)))
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()
    return log


class _Echo(asyncio.DatagramProtocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: Any = transport

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        self.transport.sendto(data[::-1], addr)


class _Client(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.queue: asyncio.Queue[Any] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        self.queue.put_nowait(("datagram", data))

    def error_received(self, exc: Exception) -> None:
        self.queue.put_nowait(("error_received", *_error(exc)))


async def datagram_echo(os_name: str) -> Transcript:
    log: Transcript = []
    loop = asyncio.get_running_loop()
    server, _ = await loop.create_datagram_endpoint(_Echo, local_addr=("127.0.0.1", 0))
    address = server.get_extra_info("sockname")[:2]
    client, protocol = await loop.create_datagram_endpoint(_Client, remote_addr=address)
    for payload in (b"abc", b"z" * 1000):  # not b"": asyncio < 3.12(?) drops an empty datagram
        client.sendto(payload)
        kind, data = await asyncio.wait_for(protocol.queue.get(), LONG)
        log.append((kind, len(data), data[:3]))
    client.close()
    server.close()
    return log


async def udp_icmp_error(os_name: str, connected: bool = True) -> Transcript:
    """A UDP endpoint (connected, or not) sends to a port nobody listens on."""
    loop = asyncio.get_running_loop()
    holder, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, local_addr=("127.0.0.1", 0))
    address = holder.get_extra_info("sockname")[:2]
    holder.close()
    await asyncio.sleep(0)
    if connected:
        client, protocol = await loop.create_datagram_endpoint(_Client, remote_addr=address)
        client.sendto(b"anyone?")
    else:
        client, protocol = await loop.create_datagram_endpoint(_Client, local_addr=("127.0.0.1", 0))
        client.sendto(b"anyone?", address)
    try:
        event = await asyncio.wait_for(protocol.queue.get(), 0.5)
    except asyncio.TimeoutError:
        event = ("nothing",)
    client.close()
    return [event]


async def timeouts(os_name: str) -> Transcript:
    log: Transcript = []
    accepted: asyncio.Queue[asyncio.StreamWriter] = asyncio.Queue()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await accepted.put(writer)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    peer = await asyncio.wait_for(accepted.get(), LONG)
    try:
        await asyncio.wait_for(reader.read(10), SHORT)
    except asyncio.TimeoutError:
        log.append("wait_for timed out")
    if sys.version_info >= (3, 11):
        try:
            async with asyncio.timeout(SHORT):
                await reader.read(10)
        except TimeoutError:
            log.append("timeout() timed out")
    else:
        log.append("timeout() timed out")  # asyncio.timeout is 3.11+; the transcript stays one
    peer.write(b"late")
    log.append(("still usable", await asyncio.wait_for(reader.read(10), LONG)))
    before = time.monotonic()
    await asyncio.sleep(SHORT)
    log.append(("slept at least", time.monotonic() - before >= SHORT * 0.99))
    for w in (writer, peer):
        w.close()
        await w.wait_closed()
    server.close()
    await server.wait_closed()
    return log


async def refused_connect(os_name: str) -> Transcript:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    started = time.monotonic()
    try:
        await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), LONG)
        outcome: Any = "connected"
    except OSError as exc:
        outcome = _error(exc)
    return [outcome, ("took at least 1.5 s", time.monotonic() - started >= 1.5)]


async def reset_peer(os_name: str) -> Transcript:
    accepted: asyncio.Queue[asyncio.StreamWriter] = asyncio.Queue()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await accepted.put(writer)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.sockets[0].getsockname()[1])
    peer = await asyncio.wait_for(accepted.get(), LONG)
    peer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _linger_0(os_name))
    peer.transport.abort()
    try:
        outcome: Any = ("read", await asyncio.wait_for(reader.read(10), LONG))
    except OSError as exc:
        outcome = _error(exc)
    writer.close()
    with contextlib.suppress(OSError):  # the reset again
        await writer.wait_closed()
    server.close()
    await server.wait_closed()
    return [outcome]


def _linger_0(os_name: str) -> bytes:
    """``struct linger {l_onoff=1, l_linger=0}`` as the program would pack it on that OS."""
    return struct.pack("HH" if os_name == "windows" else "ii", 1, 0)


async def udp_icmp_error_unconnected(os_name: str) -> Transcript:
    return await udp_icmp_error(os_name, connected=False)


#: Each program takes the simulated OS's name (only for what the program itself would pack
#: differently there: ``struct linger``).
PROGRAMS: dict[str, Callable[[str], Any]] = {
    "stream_echo": stream_echo,
    "datagram_echo": datagram_echo,
    "timeouts": timeouts,
    "refused_connect": refused_connect,
    "reset_peer": reset_peer,
    "udp_icmp_error": udp_icmp_error,
    "udp_icmp_error_unconnected": udp_icmp_error_unconnected,
}

LINUX: dict[str, Transcript] = {
    "stream_echo": [
        ("server host", "127.0.0.1"),
        ("peer port", True),
        ("reply", 4, b"ONE\n"),
        ("reply", 4, b"TWO\n"),
        ("reply", 50_001, b"XXXX"),
        "server saw EOF",
        ("eof", b""),
    ],
    "datagram_echo": [("datagram", 3, b"cba"), ("datagram", 1000, b"zzz")],
    "timeouts": ["wait_for timed out", "timeout() timed out", ("still usable", b"late"), ("slept at least", True)],
    "refused_connect": [("ConnectionRefusedError", 111), ("took at least 1.5 s", False)],
    "reset_peer": [("ConnectionResetError", 104)],
    "udp_icmp_error": [("error_received", "ConnectionRefusedError", 111)],
    "udp_icmp_error_unconnected": [("nothing",)],
}

#: The documented per-OS differences (docs/simulator.md, "asyncio"): errno numbers, Windows'
#: ~2 s refusal (profiles.py: refused_after) and its WSAECONNRESET for an ICMP port unreachable,
#: which reaches unconnected UDP sockets too (profiles.py: icmp_unreachable_to).
DIFFERENCES: dict[str, dict[str, Transcript]] = {
    "linux": {},
    "darwin": {
        "refused_connect": [("ConnectionRefusedError", 61), ("took at least 1.5 s", False)],
        "reset_peer": [("ConnectionResetError", 54)],
        "udp_icmp_error": [("error_received", "ConnectionRefusedError", 61)],
    },
    "windows": {
        "refused_connect": [("ConnectionRefusedError", 10061), ("took at least 1.5 s", True)],
        "reset_peer": [("ConnectionResetError", 10054)],
        "udp_icmp_error": [("error_received", "ConnectionResetError", 10054)],
        "udp_icmp_error_unconnected": [("error_received", "ConnectionResetError", 10054)],
    },
}
DIFFERENCES["freebsd"] = DIFFERENCES["darwin"]


def run(program: str, os_name: str = "linux") -> Transcript:
    return list(asyncio.run(PROGRAMS[program](os_name)))


@pytest.mark.skipif(current_os() != "linux", reason="the transcripts are Linux's")
@pytest.mark.parametrize("program", PROGRAMS)
def test_the_real_stack_gives_the_linux_transcript(program: str) -> None:
    assert run(program) == LINUX[program]


@pytest.mark.filterwarnings("ignore::sockbehave.sim.aio.SelectorLoopWarning")
@pytest.mark.parametrize("os_name", sorted(DIFFERENCES))
@pytest.mark.parametrize("program", PROGRAMS)
def test_each_profile_gives_the_linux_transcript_or_its_documented_difference(program: str, os_name: str) -> None:
    with patched(os_name):
        transcript = run(program, os_name)
    assert transcript == DIFFERENCES[os_name].get(program, LINUX[program]), f"asyncio {program} on sim({os_name})"
