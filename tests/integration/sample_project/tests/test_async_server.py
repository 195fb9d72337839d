"""An asyncio server and client of the sample project, on the simulated stacks."""

import asyncio

import pytest


async def handle(reader, writer):
    writer.write((await reader.readline()).upper())
    await writer.drain()
    writer.close()


@pytest.mark.sockbehave_os("linux", "darwin", "windows")
async def test_async_echo_and_a_refused_connect(sim_patched):
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"hello\n")
    assert await reader.readline() == b"HELLO\n"
    writer.close()
    server.close()
    await server.wait_closed()
    loop = asyncio.get_running_loop()
    start = loop.time()  # virtual time
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection("127.0.0.1", port)
    assert (loop.time() - start > 1.5) == (sim_patched.os == "windows")  # Windows retries the SYN
