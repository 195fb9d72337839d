"""A trio program for tests/sim/test_trio.py: UDP, a refused connect, worker threads, twenty
echo clients that resolve "localhost" in threads at once (trio's wake-up pair fills), and a
memory channel fed on a timer. It prints what it saw; with SHOW_ELAPSED, trio's clock too."""

import os
import time

import trio
import trio.socket as tsock


async def udp(out: list) -> None:
    a, b = tsock.socket(tsock.AF_INET, tsock.SOCK_DGRAM), tsock.socket(tsock.AF_INET, tsock.SOCK_DGRAM)
    await a.bind(("127.0.0.1", 0))
    await b.bind(("127.0.0.1", 0))
    await a.sendto(b"ping", b.getsockname())
    data, sender = await b.recvfrom(100)
    out.append(f"udp {data!r} from the sender: {sender == a.getsockname()}")
    with trio.move_on_after(0.2) as scope:
        await b.recvfrom(100)
    out.append(f"udp recv timed out: {scope.cancelled_caught}")
    a.close()
    b.close()


async def refused(out: list) -> None:
    probe = tsock.socket()
    await probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    try:
        await trio.open_tcp_stream("127.0.0.1", port)
    except OSError as exc:
        out.append(f"refused: {type(exc).__name__}, {str(exc).replace(str(port), 'PORT')}")


async def threads(out: list) -> None:
    out.append(f"to_thread: {await trio.to_thread.run_sync(lambda: (time.sleep(0.1), 42)[1])}")

    def worker() -> str:
        trio.from_thread.run(trio.sleep, 0.1)
        return "done"

    out.append(f"from_thread: {await trio.to_thread.run_sync(worker)}")


async def echo_clients(out: list) -> None:
    async def handler(stream: trio.SocketStream) -> None:
        async for chunk in stream:
            await stream.send_all(chunk)

    async with trio.open_nursery() as nursery:
        listeners = await nursery.start(trio.serve_tcp, handler, 0)
        port = listeners[0].socket.getsockname()[1]
        received: list = []

        async def client(i: int) -> None:
            stream = await trio.open_tcp_stream("localhost", port)
            await stream.send_all(b"x" * (1000 * i + 1))
            got = 0
            while got < 1000 * i + 1:
                got += len(await stream.receive_some(65536))
            await stream.aclose()
            received.append(got)

        async with trio.open_nursery() as clients:
            for i in range(20):
                clients.start_soon(client, i)
        out.append(f"echo clients: {len(received)}, bytes {sum(received)}")
        nursery.cancel_scope.cancel()


async def main() -> None:
    out: list = []
    started = trio.current_time()
    await udp(out)
    await refused(out)
    await threads(out)
    await echo_clients(out)
    send, receive = trio.open_memory_channel(0)
    async with trio.open_nursery() as nursery:

        async def produce() -> None:
            for i in range(3):
                await trio.sleep(0.1)
                await send.send(i)
            await send.aclose()

        nursery.start_soon(produce)
        out.append(f"channel: {[item async for item in receive]}")
    if os.environ.get("SHOW_ELAPSED"):
        out.append(f"elapsed: {trio.current_time() - started:.6f}")
    print("\n".join(out))


trio.run(main)
