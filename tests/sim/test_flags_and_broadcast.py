"""On/off socket options read back as each OS says, and sends to broadcast or multicast
addresses: the SO_BROADCAST check is modelled, where the copies go is ``NotImplementedError``.

The linux profile is compared with the real stack: the options on this host, the broadcast
checks in a private network namespace with a LAN of its own (a veth pair), so nothing leaves
the machine.
"""

from __future__ import annotations

import socket
import struct
from typing import Any, Callable

import pytest

from sockbehave.sim import patched

#: (family, type, level, option name) of each on/off option the simulator models.
FLAGS = (
    (socket.AF_INET, socket.SOCK_STREAM, socket.SOL_SOCKET, "SO_REUSEADDR"),
    (socket.AF_INET, socket.SOCK_STREAM, socket.SOL_SOCKET, "SO_REUSEPORT"),
    (socket.AF_INET, socket.SOCK_STREAM, socket.SOL_SOCKET, "SO_KEEPALIVE"),
    (socket.AF_INET, socket.SOCK_DGRAM, socket.SOL_SOCKET, "SO_BROADCAST"),
    (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "TCP_NODELAY"),
    (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_IPV6, "IPV6_V6ONLY"),
)


def read_back(value: int) -> dict[str, Any]:
    """Each option set to ``value`` and read back, and SO_LINGER's (l_onoff, l_linger)."""
    seen: dict[str, Any] = {}
    for family, kind, level, name in FLAGS:
        option = getattr(socket, name, None)
        if option is None:
            continue
        with socket.socket(family, kind) as s:
            s.setsockopt(level, option, value)
            seen[name] = s.getsockopt(level, option)
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", value, 3))
        seen["SO_LINGER"] = struct.unpack("ii", s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8))
    return seen


@pytest.mark.parametrize("value", [0, 1, 5])
def test_on_the_linux_profile_options_read_back_as_on_the_real_stack(value: int) -> None:
    """Before, a set value came back as it was given: 5 for 5, where Linux says 1."""
    real = read_back(value)
    with patched("linux"):
        assert read_back(value) == real


@pytest.mark.parametrize(("profile", "linger_on"), [("darwin", 1), ("freebsd", 0x80)])
def test_the_bsds_read_back_the_options_flag_bit(profile: str, linger_on: int) -> None:
    """xnu and FreeBSD return ``so_options & option`` (and TCP_NODELAY ``t_flags & TF_NODELAY``):
    the bit, not 1 (sources in the profiles); SO_LINGER's l_onoff is 1 on xnu, the bit on FreeBSD."""
    with patched(profile):
        seen = read_back(5)
        off = read_back(0)
    expected = {"SO_REUSEADDR": 4, "SO_REUSEPORT": 0x200, "SO_KEEPALIVE": 8, "SO_BROADCAST": 0x20}
    expected.update({"TCP_NODELAY": 4, "IPV6_V6ONLY": 1, "SO_LINGER": (linger_on, 3)})
    assert {k: v for k, v in seen.items() if k in expected} == expected
    assert set(off.values()) <= {0, (0, 3)}


def test_windows_reads_back_1_and_reads_one_byte_of_keepalive_and_nodelay() -> None:
    """Wine's Windows-run tests: the four options set to 1 read back 1, SO_REUSEADDR set to
    0x100 reads back 1, and SO_KEEPALIVE/TCP_NODELAY read one byte, so 256 sets them off. What
    a byte other than 0 or 1 reads back is not known, and neither is SO_LINGER's l_onoff:
    both are refused by name."""
    with patched("windows"):
        for family, kind, level, name in FLAGS:
            if name in ("SO_REUSEPORT", "IPV6_V6ONLY"):  # Windows has no SO_REUSEPORT; V6ONLY's reading is not known
                continue
            with socket.socket(family, kind) as s:
                s.setsockopt(level, getattr(socket, name), 1)
                assert s.getsockopt(level, getattr(socket, name)) == 1, name
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0x100)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0x100)
            assert s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) == 1
            assert s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0  # off: only the first byte counts
            s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 5)
            with pytest.raises(
                NotImplementedError, match=r"getsockopt\(SO_KEEPALIVE\) reads back on windows once it is set to 5"
            ):
                s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("HH", 1, 3))
            with pytest.raises(NotImplementedError, match=r"getsockopt\(SO_LINGER\)"):
                s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 4)


def sends() -> dict[str, str]:
    """What a UDP socket's sends to broadcast and multicast addresses do, without and with
    SO_BROADCAST, and a UDP connect to the limited broadcast address."""

    def outcome(call: Callable[[], object]) -> str:
        try:
            call()
        except NotImplementedError:
            return "not modelled"
        except OSError as exc:
            return f"{type(exc).__name__}({exc.errno})"
        return "sent"

    seen: dict[str, str] = {}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for address in ("255.255.255.255", "192.0.2.255", "127.255.255.255", "224.0.0.1", "198.51.100.7"):
            seen[address] = outcome(lambda a=address: s.sendto(b"x", (a, 9999)))  # type: ignore[misc]
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        seen["flag 255.255.255.255"] = outcome(lambda: s.sendto(b"x", ("255.255.255.255", 9999)))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        seen["connect 255.255.255.255"] = outcome(lambda: s.connect(("255.255.255.255", 9999)))
    return seen


#: A LAN in the namespace like the simulated one: 192.0.2.10/24 on a veth pair, default route through it.
LAN = (
    ("link", "add", "v0", "type", "veth", "peer", "name", "v1"),
    ("addr", "add", "192.0.2.10/24", "dev", "v0"),
    ("link", "set", "v1", "up"),
    ("link", "set", "v0", "up"),
    ("route", "add", "default", "via", "192.0.2.1", "dev", "v0"),
)


def test_on_the_linux_profile_broadcast_sends_fail_as_on_linux_without_so_broadcast(
    netns_call: Callable[..., Any],
) -> None:
    """Before, every one of these "sent" a datagram into the void. Linux refuses a broadcast
    without SO_BROADCAST (EACCES: ip(7)); the simulator agrees, and says by name that it does
    not model where a broadcast or multicast datagram's copies go (Linux gives them to this
    host's own sockets), nor a UDP connect to a broadcast address (EACCES at connect on Linux,
    at send on the BSDs)."""
    real = netns_call("tests.sim.test_flags_and_broadcast:sends", ip=LAN)
    with patched("linux"):
        simulated = sends()
    refused = "PermissionError(13)"
    assert {k: real[k] for k in ("255.255.255.255", "192.0.2.255", "127.255.255.255")} == dict.fromkeys(
        ("255.255.255.255", "192.0.2.255", "127.255.255.255"), refused
    )
    assert (real["198.51.100.7"], real["224.0.0.1"], real["flag 255.255.255.255"]) == ("sent", "sent", "sent")
    assert real["connect 255.255.255.255"] == refused
    # the same where the simulator models it; by name where it does not
    same = ("255.255.255.255", "192.0.2.255", "127.255.255.255", "198.51.100.7")
    assert simulated == {
        **{key: real[key] for key in same},
        **dict.fromkeys(("224.0.0.1", "flag 255.255.255.255", "connect 255.255.255.255"), "not modelled"),
    }


@pytest.mark.parametrize(("profile", "errno"), [("darwin", 13), ("freebsd", 13), ("windows", 13)])
def test_every_profile_refuses_a_broadcast_without_so_broadcast(profile: str, errno: int) -> None:
    with patched(profile):
        seen = sends()
    assert (seen["255.255.255.255"], seen["192.0.2.255"]) == (f"PermissionError({errno})",) * 2
    assert seen["127.255.255.255"] == "not modelled"  # whether it is a broadcast there is not known
    assert (seen["flag 255.255.255.255"], seen["224.0.0.1"], seen["198.51.100.7"]) == (
        "not modelled",
        "not modelled",
        "sent",
    )


def _accepted_from_a_nodelay_listener() -> tuple[socket.socket, socket.socket, socket.socket]:
    srv = socket.create_server(("127.0.0.1", 0))
    srv.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    cli = socket.create_connection(srv.getsockname())
    conn, _ = srv.accept()
    return srv, cli, conn


@pytest.mark.parametrize("profile", ["darwin", "freebsd"])
def test_the_bsds_accept_copies_the_listeners_tcp_nodelay(profile: str) -> None:
    """xnu tcp_input.c and FreeBSD's syncache_socket copy TF_NODELAY to the new connection:
    it reads back as the flag bit there, and a second small write goes at once."""
    with patched(profile):
        srv, cli, conn = _accepted_from_a_nodelay_listener()
        with srv, cli, conn:
            assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 4
            conn.sendall(b"a")
            conn.sendall(b"b")
            assert cli.recv(2, socket.MSG_DONTWAIT) == b"ab"


def test_whether_windows_accept_copies_tcp_nodelay_is_refused_only_where_it_shows() -> None:
    with patched("windows"):
        srv, cli, conn = _accepted_from_a_nodelay_listener()
        with srv, cli, conn:
            conn.sendall(b"a")  # nothing in flight: Nagle or not, it goes
            assert cli.recv(1) == b"a"
            with pytest.raises(NotImplementedError, match="has the listener's TCP_NODELAY"):
                conn.sendall(b"b")  # Windows delays the ACK of "a": held, unless TCP_NODELAY was copied
            with pytest.raises(NotImplementedError, match="TCP_NODELAY a socket accepted on windows"):
                conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
