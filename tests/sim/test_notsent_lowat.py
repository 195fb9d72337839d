"""TCP_NOTSENT_LOWAT (trio sets it on every stream): modelled on the linux profile while what a
send takes is certain; past that, and on the other profiles, NotImplementedError."""

from __future__ import annotations

import select
import socket
import sys

import pytest

from sockbehave.sim import patched

pytestmark = pytest.mark.skipif(not hasattr(socket, "TCP_NOTSENT_LOWAT"), reason="this host's socket module has none")


def _pair() -> tuple[socket.socket, socket.socket]:
    srv = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(srv.getsockname())
    server_side, _ = srv.accept()
    srv.close()
    return client, server_side


def _fill(sock: socket.socket) -> None:
    while True:
        sock.send(b"x" * 65536)


def _program() -> list[object]:
    """What trio does with a fresh stream: set the mark, then exchange small messages."""
    client, server_side = _pair()
    with client, server_side:
        seen: list[object] = [client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NOTSENT_LOWAT)]
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NOTSENT_LOWAT, 2**14)
        seen.append(client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NOTSENT_LOWAT))
        seen.append(client.send(b"x" * 1000))
        seen.append(server_side.recv(2000))
        seen.append(select.select([], [client], [], 0)[1] == [client])
        return seen


def test_a_small_exchange_with_the_mark_set_is_what_linux_does() -> None:
    with patched("linux"):
        simulated = _program()
    assert simulated == [0, 16384, 1000, b"x" * 1000, True]
    if sys.platform == "linux":  # the same program on this host's loopback
        assert _program() == simulated


def test_a_send_that_could_leave_the_mark_unsent_is_not_pretended() -> None:
    with patched("linux"):
        client, server_side = _pair()
        client.setblocking(False)
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NOTSENT_LOWAT, 2**14)
        with pytest.raises(NotImplementedError, match="TCP_NOTSENT_LOWAT 16384"):
            _fill(client)  # the server never reads: unsent bytes pile up
        client.close()
        server_side.close()


def test_writable_only_while_twice_the_unsent_bytes_are_below_the_mark() -> None:
    """include/net/tcp.h tcp_stream_memory_free, as poll asks it: (notsent << 1) < mark."""
    with patched("linux"):
        client, server_side = _pair()
        client.setblocking(False)
        with pytest.raises(BlockingIOError):
            _fill(client)  # both buffers full: bytes wait unsent in the client
        assert len(server_side.recv(1000)) == 1000  # room for 1000 more: writable again, still unsent bytes
        assert select.select([], [client], [], 0)[1] == [client]
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NOTSENT_LOWAT, 1)
        assert select.select([], [client], [], 0)[1] == []
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NOTSENT_LOWAT, 2**30)
        assert select.select([], [client], [], 0)[1] == [client]
        client.close()
        server_side.close()


@pytest.mark.parametrize("profile", ["darwin", "freebsd", "windows"])
def test_not_modelled_on_the_other_profiles(profile: str) -> None:
    with patched(profile):
        client, server_side = _pair()
        with client, server_side, pytest.raises(NotImplementedError, match=f"TCP_NOTSENT_LOWAT on {profile}"):
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NOTSENT_LOWAT, 2**14)
