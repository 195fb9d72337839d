"""TLS inside ``patched()`` through memory BIOs (asyncio's streams) over simulated sockets,
and ``SO_TYPE``, which ``ssl.SSLSocket`` reads. Found by running CPython's test_asyncio
``test_streams``: ``wrap_socket`` failed on an unmodelled ``SO_TYPE`` (named
``SO_J1939_SEND_PRIO/SO_TYPE``), then with the host's EBADF. ``wrap_socket`` itself:
``test_tls_socket.py``."""

from __future__ import annotations

import asyncio
import socket
import ssl
import warnings
from pathlib import Path

import pytest

from sockbehave.sim import patched

CERT = Path(__file__).parent / "data" / "selfsigned.pem"


@pytest.mark.parametrize("kind", [socket.SOCK_STREAM, socket.SOCK_DGRAM])
def test_so_type_reads_the_socket_type_as_the_real_stack_does(kind: int) -> None:
    with socket.socket(socket.AF_INET, kind) as real:
        expected = real.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)
    for profile in ("linux", "windows"):
        with patched(profile), socket.socket(socket.AF_INET, kind) as s:
            assert s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == expected == int(kind)
            with pytest.raises(NotImplementedError, match="SO_TYPE"):
                s.setsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 1)


def test_an_unmodelled_option_is_named_without_can_j1939_lookalikes() -> None:
    with patched("linux"), socket.socket() as s, pytest.raises(NotImplementedError) as info:
        s.getsockopt(socket.SOL_SOCKET, socket.SO_DEBUG)
    assert "SO_DEBUG" in str(info.value) and "J1939" not in str(info.value)


@pytest.mark.parametrize("profile", ["linux", "darwin", "freebsd", "windows"])
def test_asyncio_streams_speak_tls_over_simulated_sockets(profile: str) -> None:
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(CERT)
    client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_context.load_verify_locations(CERT)  # verified: the certificate names localhost

    async def main() -> bytes:
        async def echo_upper(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write((await reader.readline()).upper())
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(echo_upper, "127.0.0.1", 0, ssl=server_context)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, ssl=client_context, server_hostname="localhost"
        )
        writer.write(b"hello tls\n")
        answer = await reader.readline()
        writer.close()
        server.close()
        await server.wait_closed()
        return answer

    with warnings.catch_warnings(), patched(profile):
        warnings.simplefilter("ignore")  # the windows profile's note about the selector loop
        assert asyncio.run(main()) == b"HELLO TLS\n"
