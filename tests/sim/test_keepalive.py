"""TCP keepalive's tunables (TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT): the defaults a socket
reads and the values each OS accepts (``Profile.keepalive_tunables``). Before, each was
``NotImplementedError``; libraries that tune keepalive (database and cache clients) stopped there."""

from __future__ import annotations

import socket
from typing import Union

import pytest

from sockbehave.sim import patched

NAMES = ("TCP_KEEPIDLE", "TCP_KEEPINTVL", "TCP_KEEPCNT")
VALUES = (0, 1, 127, 128, 32767, 32768, -1)

pytestmark = pytest.mark.skipif(
    not all(hasattr(socket, n) for n in NAMES), reason="this host has no TCP_KEEP* constants"
)


def tunables() -> dict[str, list[Union[int, str]]]:
    """Per option: what a new socket reads, then each of ``VALUES`` set and read back (or the error)."""
    seen: dict[str, list[Union[int, str]]] = {}
    for name in NAMES:
        option = getattr(socket, name)
        with socket.socket() as s:
            row: list[Union[int, str]] = [s.getsockopt(socket.IPPROTO_TCP, option)]
            for value in VALUES:
                try:
                    s.setsockopt(socket.IPPROTO_TCP, option, value)
                    row.append(s.getsockopt(socket.IPPROTO_TCP, option))
                except OSError as exc:
                    row.append(f"OSError({exc.errno})")
        seen[name] = row
    return seen


def test_on_the_linux_profile_the_tunables_are_the_real_stacks() -> None:
    real = tunables()
    with patched("linux"):
        assert tunables() == real


def test_freebsd_takes_0_as_the_default_and_larger_values() -> None:
    with patched("freebsd"):
        seen = tunables()
    assert seen["TCP_KEEPIDLE"] == [7200, 7200, 1, 127, 128, 32767, 32768, "OSError(22)"]
    assert seen["TCP_KEEPINTVL"] == [75, 75, 1, 127, 128, 32767, 32768, "OSError(22)"]
    assert seen["TCP_KEEPCNT"] == [8, 8, 1, 127, 128, 32767, 32768, -1]  # unsigned in the kernel: -1 comes back


def test_macos_has_no_tcp_keepidle_and_checks_the_others() -> None:
    with patched("darwin"), socket.socket() as s:
        # CPython on macOS has no such constant (see the profile): a portable program's hasattr
        # check takes the other branch there, and so it does here
        assert not hasattr(socket, "TCP_KEEPIDLE") and "TCP_KEEPIDLE" not in socket.__all__
        assert s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL) == 75
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)
        assert s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT) == 3
        with pytest.raises(OSError) as info:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, -1)
        assert info.value.errno == 22


def test_on_windows_the_tunables_are_not_modelled_by_name() -> None:
    with patched("windows"), socket.socket() as s:
        with pytest.raises(NotImplementedError, match=r"TCP_KEEPIDLE on windows \(its default"):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 60)
        with pytest.raises(NotImplementedError, match="TCP_KEEPCNT on windows"):
            s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT)
