"""Named AF_UNIX stream sockets (``unixpaths``, ``Kernel.unix_bind``/``unix_connect``):
a path is a real socket file, an abstract name lives in the simulation, and a connection is
an AF_UNIX pair (``Kernel.unix_pair``'s rules). Compared with this machine's real Linux where
Linux is the profile; what the model does not know raises ``NotImplementedError``."""

from __future__ import annotations

import os
import socket
import struct
import sys
from pathlib import Path
from typing import Any

import pytest

from sockbehave.sim import patched

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX") or sys.platform != "linux", reason="Linux host")


def _error(exc: OSError) -> str:
    return f"{type(exc).__name__}({exc.errno})"


def server_and_client(directory: str) -> list[Any]:
    """Plain socket code: a server on a path, a client, an exchange, the file's life after."""
    path = os.path.join(directory, "s.sock")
    got: list[Any] = []
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen()
    got += [os.path.exists(path), srv.getsockname() == path]
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(path)
    conn, addr = srv.accept()
    got += [addr, conn.getsockname() == path, c.getsockname(), c.getpeername() == path, conn.getpeername()]
    c.sendall(b"hello")
    got.append(conn.recv(10))
    conn.sendall(b"back")
    got.append(c.recv(10))
    c.close()
    got.append(conn.recv(10))
    conn.close()
    again = socket.socket(socket.AF_UNIX)
    try:
        again.bind(path)  # the file is still there
    except OSError as exc:
        got.append(_error(exc))
    srv.close()
    late = socket.socket(socket.AF_UNIX)
    try:
        late.connect(path)  # a socket file nobody listens on
    except OSError as exc:
        got.append(_error(exc))
    os.unlink(path)
    try:
        late.connect(path)
    except OSError as exc:
        got.append(_error(exc))
    late.close()
    again.close()
    return got


def abstract_and_pending(directory: str) -> list[Any]:
    """An abstract name, a refused one, and a listener closed with a connection queued."""
    got: list[Any] = []
    name = f"\0sockbehave-{os.getpid()}-{len(directory)}"
    a = socket.socket(socket.AF_UNIX)
    a.bind(name)
    a.listen()
    b = socket.socket(socket.AF_UNIX)
    b.connect(name)
    x, _ = a.accept()
    got += [a.getsockname() == os.fsencode(name), b.getpeername() == os.fsencode(name)]
    for s in (a, b, x):
        s.close()
    nobody = socket.socket(socket.AF_UNIX)
    try:
        nobody.connect(name)
    except OSError as exc:
        got.append(_error(exc))
    nobody.close()
    path = os.path.join(directory, "t.sock")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(path)
    listener.listen(4)
    queued = socket.socket(socket.AF_UNIX)
    queued.connect(path)
    listener.close()
    try:
        got.append(queued.recv(10))
    except OSError as exc:
        got.append(_error(exc))
    got.append(queued.recv(10))
    queued.close()
    try:
        socket.socket(socket.AF_UNIX).bind("x" * 200)
    except OSError as exc:
        got.append(str(exc))
    return got


PROBES = [server_and_client, abstract_and_pending]


@pytest.mark.parametrize("probe", PROBES, ids=[p.__name__ for p in PROBES])
def test_named_unix_sockets_behave_as_on_linux(probe: Any, tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "sim").mkdir()
    real = probe(str(tmp_path / "real"))
    with patched("linux"):
        simulated = probe(str(tmp_path / "sim"))
    assert simulated == real


def test_what_the_model_does_not_know_is_not_implemented(tmp_path: Path) -> None:
    outside = socket.socket(socket.AF_UNIX)  # a real process's socket file, made outside the block
    outside.bind(str(tmp_path / "real.sock"))
    outside.listen()
    try:
        with patched("linux"):
            s = socket.socket(socket.AF_UNIX)
            with pytest.raises(NotImplementedError, match="a real process outside the simulation"):
                s.connect(str(tmp_path / "real.sock"))
            with pytest.raises(NotImplementedError, match="autobind"):
                s.listen()
            s.close()
            srv = socket.socket(socket.AF_UNIX)
            srv.bind(str(tmp_path / "one.sock"))
            srv.listen(1)
            first = socket.socket(socket.AF_UNIX)
            first.connect(str(tmp_path / "one.sock"))
            with pytest.raises(NotImplementedError, match="queue holds its backlog"):
                socket.socket(socket.AF_UNIX).connect(str(tmp_path / "one.sock"))
            first.close()
            srv.close()
    finally:
        outside.close()
    with patched("darwin"):
        with pytest.raises(NotImplementedError, match="leading NUL byte on darwin"):
            socket.socket(socket.AF_UNIX).bind("\0abstract")
        with pytest.raises(OSError, match="AF_UNIX path too long"):  # sun_path is 104 bytes there
            socket.socket(socket.AF_UNIX).bind(str(tmp_path / ("x" * (105 - len(str(tmp_path)) - 1))))


def peer_credentials(directory: str) -> list[Any]:
    """SO_PEERCRED on every kind of socket, as cheroot's peercreds ask it."""

    def cred(s: socket.socket) -> Any:
        return struct.unpack("3i", s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))

    a, b = socket.socketpair()
    da, db = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    lone, listener = socket.socket(socket.AF_UNIX), socket.socket(socket.AF_UNIX)
    got = [cred(a), a.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED), cred(da), cred(lone)]
    listener.bind(os.path.join(directory, "l"))
    got.append(cred(listener))  # bound: no credentials yet
    listener.listen()
    client = socket.socket(socket.AF_UNIX)
    client.connect(os.path.join(directory, "l"))
    accepted, _ = listener.accept()
    receiver, sender = (
        socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM),
        socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM),
    )
    receiver.bind(os.path.join(directory, "r"))
    sender.connect(os.path.join(directory, "r"))
    tcp = socket.socket()
    got += [cred(listener), cred(client), cred(accepted), cred(receiver), cred(sender), cred(tcp)]
    a.close()
    got.append(cred(b))  # the peer's credentials outlive it
    got.append(len(b.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 20)))
    for s in (b, da, db, lone, listener, client, accepted, receiver, sender, tcp):
        s.close()
    return got


def test_so_peercred_names_this_process_where_linux_takes_a_peers_credentials(tmp_path: Path) -> None:
    """UnixPairFacts.peercred: every simulated socket belongs to this process, so where Linux
    took the peer's credentials (a pair, connect, listen) they are this process's."""
    me = (os.getpid(), os.getuid(), os.getgid())
    none = (0, -1, -1)
    (tmp_path / "real").mkdir()
    (tmp_path / "sim").mkdir()
    real = peer_credentials(str(tmp_path / "real"))
    with patched("linux"):
        simulated = peer_credentials(str(tmp_path / "sim"))
    assert simulated == real == [me, me[0], me, none, none, me, me, me, none, none, none, me, 12]
    with patched("darwin"):
        a, b = socket.socketpair()
        with a, b, pytest.raises(NotImplementedError, match="SO_PEERCRED on darwin"):
            a.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
