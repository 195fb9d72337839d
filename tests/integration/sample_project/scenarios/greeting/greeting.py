"""The sample project's own scenario, run next to (or instead of) sockbehave's catalog."""

from __future__ import annotations

from sockbehave.backends.protocol import Net
from sockbehave.kit import BLOCK, tcp_pair
from sockbehave.scenario import Steps, scenario


@scenario(
    id="greeter.greeting-then-close",
    title="A greeting followed by close reads as the greeting, then b''",
    claim="Our client can read until b'' to get the whole greeting.",
)
def greeting_then_close(net: Net, step: Steps) -> None:
    """The server sends its greeting and closes; the client sees the data, then end of stream."""
    client, server = tcp_pair(net)
    server.sendall(b"hello")
    server.close()
    client.settimeout(BLOCK)
    step("recv", client.recv, 1024)
    step("recv-after-close", client.recv, 1024)
