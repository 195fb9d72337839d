"""Differential property test of AF_UNIX socket pairs: random operation sequences on
``socket.socketpair()`` give the same outcome and the same poll and select snapshot after each
step on the real Linux pair and inside ``patched("linux")`` (``Kernel.unix_pair``).

Where the model does not know the answer (past ``UnixPairFacts.sure_*`` or ``writable_*``) it
must raise ``NotImplementedError``: the simulated log then ends with that, and only the steps
before it are compared. Sockets are non-blocking, so no step waits."""

from __future__ import annotations

import os
import select
import socket
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sockbehave.platform_info import current_os
from sockbehave.sim import patched

pytestmark = pytest.mark.skipif(current_os() != "linux", reason="the differential reference is the real Linux stack")

side = st.sampled_from("ab")
op = st.one_of(
    st.tuples(st.just("send"), side, st.integers(0, 3000)),
    st.tuples(st.just("recv"), side, st.integers(0, 5000)),
    st.tuples(st.just("peek"), side, st.integers(1, 100)),
    st.tuples(st.just("shutdown"), side, st.sampled_from([socket.SHUT_RD, socket.SHUT_WR, socket.SHUT_RDWR])),
    st.tuples(st.just("close"), side),
    st.tuples(st.just("so_error"), side),
)
_MASK = select.POLLIN | select.POLLOUT | select.POLLERR | select.POLLHUP | select.POLLRDHUP
_BITS = [(select.POLLIN, "IN"), (select.POLLOUT, "OUT"), (select.POLLERR, "ERR"), (select.POLLHUP, "HUP")]
_BITS.append((select.POLLRDHUP, "RDHUP"))
NOT_MODELLED = "not modelled"


def _attempt(call: Callable[..., Any], *args: Any) -> str:
    try:
        result = call(*args)
    except OSError as exc:
        return type(exc).__name__
    return repr(result) if not isinstance(result, bytes) else f"{len(result)} bytes"


def pair_program(ops: list[tuple[Any, ...]]) -> list[str]:
    """Plain socket code on one pair; a line per step: its outcome, then poll and select."""
    a, b = socket.socketpair()
    socks = {"a": a, "b": b}
    log = []
    try:
        for s in socks.values():
            s.setblocking(False)
        for kind, *args in ops:
            s = socks.get(args[0])
            if s is None:
                outcome = "gone"
            elif kind == "send":
                outcome = _attempt(s.send, b"x" * args[1])
            elif kind == "recv":
                outcome = _attempt(s.recv, args[1])
            elif kind == "peek":
                outcome = _attempt(s.recv, args[1], socket.MSG_PEEK)
            elif kind == "shutdown":
                outcome = _attempt(s.shutdown, args[1])
            elif kind == "so_error":
                outcome = _attempt(s.getsockopt, socket.SOL_SOCKET, socket.SO_ERROR)
            else:
                del socks[args[0]]
                outcome = _attempt(s.close)
            poller = select.poll()
            for each in socks.values():
                poller.register(each, _MASK)
            names = {each.fileno(): name for name, each in socks.items()}
            events = sorted(
                f"{names[fd]}={'|'.join(n for bit, n in _BITS if mask & bit)}" for fd, mask in poller.poll(0)
            )
            ready = select.select(list(socks.values()), list(socks.values()), [], 0)
            chosen = [sorted(n for n, each in socks.items() if each in group) for group in ready]
            log.append(f"{kind}{args}: {outcome}; poll {' '.join(events)}; select r={chosen[0]} w={chosen[1]}")
    except NotImplementedError:
        log.append(NOT_MODELLED)
    finally:
        for s in socks.values():
            s.close()
    return log


#: Raise for a deeper search, e.g. SOCKBEHAVE_DIFF_EXAMPLES=2000.
EXAMPLES = int(os.environ.get("SOCKBEHAVE_DIFF_EXAMPLES", "150"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(op, min_size=1, max_size=12))
def test_a_socket_pair_agrees_with_real_linux_after_every_step(ops: list[tuple[Any, ...]]) -> None:
    expected = pair_program(ops)
    with patched("linux"):
        got = pair_program(ops)
    if got and got[-1] == NOT_MODELLED:
        got = got[:-1]
        expected = expected[: len(got)]
    assert got == expected
