"""Facts of the BSD profiles an audit against the kernels' and libc's sources corrected.

The BSDs' bind with SO_REUSEADDR (``Profile.reuse_binds_exact_only``): the new socket's
option makes the conflict check an exact one, which sees only an unconnected socket bound to
the very same address. Before, the darwin and freebsd profiles refused every overlap (found by
an audit of the profiles against xnu's and FreeBSD's in_pcb.c); Linux refuses both binds below,
on the real stack and on its profile alike."""

from __future__ import annotations

import socket
from typing import Any, Callable, Optional

import pytest

from sockbehave.sim import patched


def _outcome(call: object) -> str:
    try:
        call()  # type: ignore[operator]
    except OSError as exc:
        return f"OSError({exc.errno})"
    return "bound"


def specific_beside_wildcard_listener() -> tuple[str, Optional[str]]:
    """A listener on 0.0.0.0:P; a second socket with SO_REUSEADDR binds 127.0.0.1:P and
    listens; then which of the two a client to 127.0.0.1:P reaches."""
    with socket.socket() as wild, socket.socket() as specific:
        wild.bind(("0.0.0.0", 0))  # on the real stack only inside a private network namespace (below)
        wild.listen(5)
        port = wild.getsockname()[1]
        specific.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        bound = _outcome(lambda: specific.bind(("127.0.0.1", port)))
        if bound != "bound":
            return bound, None
        specific.listen(5)
        with socket.create_connection(("127.0.0.1", port)) as client:
            specific.setblocking(False)
            try:
                conn, _ = specific.accept()
            except BlockingIOError:
                return bound, "the wildcard listener"
            conn.close()
            del client
        return bound, "the specific listener"


def restart_beside_live_connection() -> str:
    """A server without SO_REUSEADDR accepts a connection, closes its listener and keeps the
    connection; a new listener with SO_REUSEADDR binds the same address."""
    with socket.socket() as old:
        old.bind(("127.0.0.1", 0))
        old.listen(1)
        address = old.getsockname()
        client = socket.create_connection(address)
        conn, _ = old.accept()
    with conn, client, socket.socket() as new:
        new.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        return _outcome(lambda: new.bind(address))


@pytest.mark.parametrize("profile", ["darwin", "freebsd"])
def test_on_the_bsds_so_reuseaddr_binds_beside_a_wildcard_listener_and_a_live_connection(profile: str) -> None:
    with patched(profile):
        assert specific_beside_wildcard_listener() == ("bound", "the specific listener")
        assert restart_beside_live_connection() == "bound"


def test_on_the_bsds_an_exact_duplicate_still_conflicts() -> None:
    with patched("freebsd"), socket.socket() as a, socket.socket() as b:
        a.bind(("127.0.0.1", 0))
        a.listen(1)
        b.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        assert _outcome(lambda: b.bind(a.getsockname())) == "OSError(48)"  # EADDRINUSE on the BSDs


def both_binds() -> list[str]:
    """The two binds' outcomes (on the real stack only inside a private network namespace: the
    wildcard listener must not be reachable from off the machine)."""
    return [specific_beside_wildcard_listener()[0], restart_beside_live_connection()]


def test_on_linux_both_binds_fail_on_the_real_stack_and_the_profile(
    netns_call: Callable[..., Any],
) -> None:
    real = netns_call("tests.sim.test_bsd_profiles:both_binds")
    assert real == ["OSError(98)", "OSError(98)"]
    with patched("linux"):
        assert both_binds() == real


@pytest.mark.parametrize(
    ("profile", "text"),
    [("darwin", "nodename nor servname provided, or not known"), ("freebsd", "Name does not resolve")],
)
def test_each_bsds_libc_has_its_own_text_for_a_name_that_does_not_resolve(profile: str, text: str) -> None:
    """CPython passes gai_strerror's text through; FreeBSD's libc is not macOS's (audit, 2026-11-23)."""
    with patched(profile), pytest.raises(socket.gaierror) as info:
        socket.getaddrinfo("no-such-host.invalid", 80)
    assert info.value.args == (8, text)


def big_datagram_with_sndbuf(sndbuf: int, size: int = 20000) -> str:
    """A UDP socket sets SO_SNDBUF, then sends ``size`` bytes to a listening socket on loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as r, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        r.bind(("127.0.0.1", 0))
        r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 18)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
        try:
            s.sendto(b"x" * size, r.getsockname())
        except OSError as exc:
            return f"OSError({exc.errno})"
        return f"received {len(r.recv(65536))}"


@pytest.mark.parametrize("profile", ["darwin", "freebsd"])
def test_on_the_bsds_a_datagram_must_fit_the_send_buffer(profile: str) -> None:
    """9216 is the BSDs' default send buffer for UDP, not a fixed limit: SO_SNDBUF moves it."""
    with patched(profile):
        assert big_datagram_with_sndbuf(65535) == "received 20000"  # before: EMSGSIZE whatever SO_SNDBUF said
        assert big_datagram_with_sndbuf(4096, size=5000) == "OSError(40)"  # EMSGSIZE: larger than the buffer


def test_on_linux_the_send_buffer_does_not_limit_a_datagram() -> None:
    real = big_datagram_with_sndbuf(2048)
    assert real == "received 20000"
    with patched("linux"):
        assert big_datagram_with_sndbuf(2048) == real
