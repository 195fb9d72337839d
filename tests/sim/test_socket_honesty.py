"""Honesty: every public method of ``socket.socket`` is implemented by the simulator or raises
``NotImplementedError`` naming itself; none falls through to the C socket (descriptor -1), and
none answers a call a real socket accepts with AttributeError, TypeError, ValueError or
struct.error."""

from __future__ import annotations

import _socket
import io
import socket
import struct
from typing import Any

import pytest

from sockbehave.sim import Network, SimSocket

#: One ordinary call per public name of socket.socket (a TCP socket that is not connected).
CALLS: dict[str, tuple[Any, ...]] = {
    "accept": (),
    "bind": (("127.0.0.1", 0),),
    "close": (),
    "connect": (("127.0.0.1", 9),),
    "connect_ex": (("127.0.0.1", 9),),
    "detach": (),
    "dup": (),
    "fileno": (),
    "get_inheritable": (),
    "getblocking": (),
    "getpeername": (),
    "getsockname": (),
    "getsockopt": (socket.SOL_SOCKET, socket.SO_REUSEADDR),
    "gettimeout": (),
    "listen": (5,),
    "makefile": ("rb",),
    "recv": (10,),
    "recv_into": (bytearray(10),),
    "recvfrom": (10,),
    "recvfrom_into": (bytearray(10),),
    "recvmsg": (10,),
    "recvmsg_into": ([bytearray(10)],),
    "send": (b"x",),
    "sendall": (b"x",),
    "sendfile": (io.BytesIO(b"x"),),
    "sendmsg": ([b"x"],),
    "sendmsg_afalg": ([b"x"],),
    "sendto": (b"x", ("127.0.0.1", 9)),
    "set_inheritable": (True,),
    "setblocking": (True,),
    "setsockopt": (socket.SOL_SOCKET, socket.SO_REUSEADDR, 1),
    "settimeout": (1.0,),
    "shutdown": (socket.SHUT_RDWR,),
    "ioctl": (getattr(socket, "SIO_KEEPALIVE_VALS", 0), (1, 1000, 1000)),  # Windows hosts only
    "share": (0,),  # Windows hosts only
}
PROPERTIES = {"family", "type", "proto", "timeout"}
#: Python-level methods of socket.socket built only on methods SimSocket overrides.
INHERITED = {"makefile", "close"}
PUBLIC = sorted(name for name in dir(socket.socket) if not name.startswith("_"))


def _owner(name: str) -> type:
    return next(klass for klass in SimSocket.__mro__ if name in klass.__dict__)


def test_every_public_name_is_covered_here() -> None:
    assert sorted(set(PUBLIC) - set(CALLS) - PROPERTIES) == []


@pytest.mark.parametrize("name", PUBLIC)
def test_nothing_falls_through_to_the_c_socket(name: str) -> None:
    owner = _owner(name)
    assert owner is not _socket.socket, f"{name} would run on the C socket with descriptor -1"
    if owner is socket.socket:
        assert name in INHERITED


@pytest.mark.parametrize("name", sorted(set(PUBLIC) - PROPERTIES))
@pytest.mark.parametrize("profile", ["linux", "windows"])
def test_each_method_is_implemented_or_says_it_is_not_modelled(profile: str, name: str) -> None:
    net = Network(profile)
    s = net.socket()
    s.settimeout(1.0)
    failure: BaseException | None = None
    try:
        getattr(s, name)(*CALLS[name])
    except OSError:
        pass  # what the OS answers (refused, not connected, ...), as a real socket does
    except (NotImplementedError, AttributeError, TypeError, ValueError, struct.error) as exc:
        failure = exc
    if net.profile.stdlib_names.get(f"socket.socket.{name}") is False:  # that OS's CPython has none
        assert isinstance(failure, AttributeError), f"{name} on {profile}: {failure!r}"
    elif isinstance(failure, NotImplementedError):
        assert name in str(failure), f"{name}: {failure}"
    elif failure is not None:
        pytest.fail(f"{name} raised {failure!r} where a real socket would accept the call")


def test_properties_come_from_the_simulation() -> None:
    s = Network("linux").socket(socket.AF_INET6, socket.SOCK_DGRAM)
    assert (s.family, s.type, s.proto, s.timeout) == (socket.AF_INET6, socket.SOCK_DGRAM, 0, None)


def test_an_unmodelled_option_is_named() -> None:
    s = Network("linux").socket()
    with pytest.raises(NotImplementedError, match=r"socket option SO_DONTROUTE \(level="):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_DONTROUTE, 1)


@pytest.mark.parametrize("profile", ["linux", "darwin", "freebsd", "windows"])
def test_sendfile_gives_up_on_os_sendfile_where_cpython_would(profile: str, tmp_path: Any) -> None:
    """``_sendfile_use_sendfile`` is CPython's up to its first ``os.sendfile``: a file with no
    descriptor (CPython's test_socket ``testNonRegularFile`` checks this) and an OS whose CPython
    has no ``os.sendfile`` (Windows) give ``_GiveupOnSendfile``, an empty file sends nothing,
    and only the copy itself is not modelled. ``sendfile()`` sends through ``send()`` anyway."""
    giveup = socket._GiveupOnSendfile  # type: ignore[attr-defined]
    empty, full = tmp_path / "empty", tmp_path / "full"
    empty.write_bytes(b"")
    full.write_bytes(b"data")
    net = Network(profile)
    try:
        srv = net.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        cli = net.socket()
        cli.connect(srv.getsockname())
        conn, _ = srv.accept()
        with pytest.raises(giveup):
            cli._sendfile_use_sendfile(io.BytesIO(b"x"))
        with empty.open("rb") as e, full.open("rb") as f:
            if profile == "windows":
                with pytest.raises(giveup, match="not available on this platform"):
                    cli._sendfile_use_sendfile(f)
            else:
                assert cli._sendfile_use_sendfile(e) == 0
                with pytest.raises(NotImplementedError, match=r"os\.sendfile"):
                    cli._sendfile_use_sendfile(f)
            assert cli.sendfile(f) == 4
        assert conn.recv(10) == b"data"
    finally:
        net.close()
