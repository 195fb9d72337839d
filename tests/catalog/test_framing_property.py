"""Length-prefix framing survives any chunking of the byte stream, over a real loopback connection."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sockbehave.backends.real import RealNet
from sockbehave.catalog import default_root
from sockbehave.kit import tcp_pair


def _framing() -> ModuleType:
    path: Path = default_root() / "partial-io" / "framing.py"
    spec = importlib.util.spec_from_file_location("sockbehave_test_framing", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FRAMING = _framing()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    messages=st.lists(st.binary(max_size=300), min_size=1, max_size=8),
    cuts=st.lists(st.integers(min_value=1, max_value=64), max_size=40),
)
def test_messages_come_back_exactly_however_the_stream_is_cut(messages: list[bytes], cuts: list[int]) -> None:
    with RealNet("framing-property") as net:
        client, server = tcp_pair(net)
        server.settimeout(5.0)
        wire = b"".join(FRAMING.frame(m) for m in messages)
        # Write the stream in arbitrary pieces; the reader must not care where the cuts fall.
        reader = net.spawn(lambda: [FRAMING.recv_message(server) for _ in messages])
        for size in cuts:
            if not wire:
                break
            client.sendall(wire[:size])
            wire = wire[size:]
        client.sendall(wire)
        assert reader.join(10.0) == messages
