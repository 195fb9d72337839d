"""AF_UNIX datagram sockets on a simulated host: ``socket(AF_UNIX, SOCK_DGRAM)``.

Owns: what a send to an AF_UNIX name does, a datagram socket's ``connect`` (its default
destination), and whether such a socket is writable. The facts are the profile's
(``Profile.unix_dgrams``, ``unixfacts.UnixDgramFacts``, each with its source). Names are
``unixpaths``' keys, held by ``Kernel.unix_bind``. A datagram goes straight into the named
socket's queue (``KSock.dgrams``, read by ``Kernel.recvmsg`` as a UDP socket's is), with its
sender as ``(name, sender number)``: the name is '' for an unbound sender, shown as that OS's
CPython shows it (``UnixDgramFacts.unbound_sender``).

Where a queue surely takes a datagram, it is queued; where it is surely full, the send waits
(Linux: EAGAIN when non-blocking) or fails (the BSDs: ENOBUFS); between the two, where the OS's
count of buffer overhead decides, the send is ``NotImplementedError``. Not modelled either:
``socketpair(AF_UNIX, SOCK_DGRAM)``, ancillary data (SCM_RIGHTS, credentials), and what the
facts leave as None.
"""

from __future__ import annotations

from typing import Optional

from .kernel import DGRAM, Kernel, KSock, NotModelled, WouldBlock
from .unixfacts import UnixDgramFacts

__all__ = ["connect", "has_room", "pair", "pollout", "send"]


def _facts(kernel: Kernel) -> UnixDgramFacts:
    facts = kernel.profile.unix_dgrams
    assert facts is not None, "the socket layer makes AF_UNIX datagram sockets only where the profile has them"
    return facts


def pair(kernel: Kernel, family: int) -> tuple[KSock, KSock]:
    """``socketpair(AF_UNIX, SOCK_DGRAM)``: two unnamed sockets, each connected to the other."""
    _facts(kernel)
    ends = (kernel.socket(family, DGRAM, unix=True), kernel.socket(family, DGRAM, unix=True))
    keys = (kernel.unix_name_unnamed(ends[0]), kernel.unix_name_unnamed(ends[1]))
    for s, key, other in ((ends[0], keys[1], ends[1]), (ends[1], keys[0], ends[0])):
        s.unix_peer, s.remote = key, ("", other.unix_id)
        s.unix_paired = True
    return ends


def connect(kernel: Kernel, s: KSock, key: object) -> None:
    """Make the socket named ``key`` the default destination (and, on the OS, the only sender
    this socket takes datagrams from: not modelled beyond the sends it makes)."""
    kernel.check_open(s)
    target = kernel.unix_socket(key)
    if target is None:
        raise kernel.fail("ECONNREFUSED")
    if target.kind != DGRAM:
        raise kernel.fail(_facts(kernel).wrong_type_error)
    s.unix_peer, s.remote = key, target.local


def send(kernel: Kernel, s: KSock, data: bytes | memoryview, key: Optional[object] = None) -> int:
    """Queue ``data`` at the socket named ``key`` (None: the connected one)."""
    kernel.check_open(s)
    facts = _facts(kernel)
    connected = key is None
    if key is None:
        if s.unix_peer is None:
            raise kernel.fail("ENOTCONN")
        key = s.unix_peer
    if len(data) > _longest(kernel, facts, s):
        raise kernel.fail("EMSGSIZE")
    target = _receiver(kernel, facts, s, key, connected)
    room = _room(kernel, facts, s, target, len(data))
    if room is None:
        raise NotModelled(
            f"whether an AF_UNIX datagram receiver on {kernel.profile.name} takes one more of {len(data)} bytes "
            f"(it holds {len(target.dgrams)}, {target.dgram_bytes} bytes): it depends on buffer overhead"
        )
    if not room:
        if facts.when_full == "wait":
            raise WouldBlock
        raise kernel.fail(facts.when_full)
    if not s.unix_id:
        s.unix_id = kernel.new_unix_id()
    target.dgrams.append((bytes(data), (s.local[0] if s.local is not None else "", s.unix_id)))
    target.dgram_bytes += len(data)
    kernel.unix_unread[s.unix_id] = kernel.unix_unread.get(s.unix_id, 0) + len(data)
    counts = kernel.unix_unread_dgrams.setdefault(s.unix_id, [0, 0])
    counts[0] += 1
    if not facts.small(len(data)):
        counts[1] += 1
    return len(data)


def _longest(kernel: Kernel, facts: UnixDgramFacts, s: KSock) -> int:
    """The longest datagram ``s`` may send: ``max_dgram`` less what a set SO_SNDBUF took off
    (Linux: SO_SNDBUF - 32 either way)."""
    sndbuf = kernel.unix_buffer_size(s, "SO_SNDBUF")
    if facts.buffer_sizes is None or sndbuf is None:
        return facts.max_dgram
    return facts.max_dgram - (facts.buffer_sizes[0] - sndbuf)


def _exact_charge(kernel: Kernel, facts: UnixDgramFacts, s: KSock, size: int) -> Optional[int]:
    """What the unread datagrams of ``s`` charge its SO_SNDBUF, where every one of them and the
    one of ``size`` bytes are small (``small_dgrams``); None where not known."""
    if facts.small_dgrams is None or not facts.small(size):
        return None
    count, large = kernel.unix_unread_dgrams.get(s.unix_id, (0, 0))
    return None if large else count * facts.small_dgrams[1]


def has_room(kernel: Kernel, s: KSock, key: Optional[object] = None) -> bool:
    """Whether a send waiting for room may try again (room, or an error to report)."""
    facts = _facts(kernel)
    key = s.unix_peer if key is None else key
    target = kernel.unix_socket(key)
    if s.closed or target is None or target.closed or target.kind != DGRAM:
        return True
    return _room(kernel, facts, s, target, 0) is not False


def pollout(kernel: Kernel, s: KSock) -> bool:
    """POLLOUT of an AF_UNIX datagram socket: where sends never wait, always; else not while
    the connected peer is surely full (Linux unix_dgram_poll)."""
    facts = _facts(kernel)
    if facts.when_full != "wait":
        return True
    charge = _exact_charge(kernel, facts, s, 0)
    sndbuf = kernel.unix_buffer_size(s, "SO_SNDBUF")
    if charge is not None and sndbuf is not None:  # Linux's unix_writable: 4 x the charge within SO_SNDBUF
        if 4 * charge > sndbuf:
            return False
    elif kernel.unix_unread.get(s.unix_id, 0) > (facts.sure_bytes if "SO_SNDBUF" not in s.opts else 0):
        raise NotModelled(
            f"whether an AF_UNIX datagram socket on {kernel.profile.name} with {kernel.unix_unread[s.unix_id]} bytes "
            "unread at its receivers is writable"
        )
    target = kernel.unix_socket(s.unix_peer) if s.unix_peer is not None else None
    if target is None or target.closed or target.kind != DGRAM or _connected_back(kernel, target, s):
        return True
    return facts.full_dgrams is None or len(target.dgrams) < facts.full_dgrams


def _connected_back(kernel: Kernel, target: KSock, s: KSock) -> bool:
    """Whether ``target`` is connected to ``s``: the count limit (``full_dgrams``) spares it."""
    return target.unix_peer is not None and kernel.unix_socket(target.unix_peer) is s


def _receiver(kernel: Kernel, facts: UnixDgramFacts, s: KSock, key: object, connected: bool) -> KSock:
    target = kernel.unix_socket(key)
    if target is None or target.closed:
        if not connected:
            raise kernel.fail("ECONNREFUSED")  # a socket file whose socket is gone (unixpaths)
        if facts.peer_closed_error is None:
            raise NotModelled(
                f"a send on {kernel.profile.name} on a connected AF_UNIX datagram socket whose peer closed"
            )
        raise kernel.fail(facts.peer_closed_error)
    if target.kind != DGRAM:
        raise kernel.fail(facts.wrong_type_error)
    if target.unix_peer is not None and kernel.unix_socket(target.unix_peer) is not s:
        if facts.connected_elsewhere_error is None:
            raise NotModelled(f"a send on {kernel.profile.name} to an AF_UNIX datagram socket connected to another")
        raise kernel.fail(facts.connected_elsewhere_error)
    return target


def _room(kernel: Kernel, facts: UnixDgramFacts, s: KSock, target: KSock, size: int) -> Optional[bool]:
    """Whether ``target`` takes a datagram of ``size`` bytes from ``s``: True, False, or None
    where the facts do not say."""
    held = len(target.dgrams)
    if facts.full_dgrams is not None and held >= facts.full_dgrams and not _connected_back(kernel, target, s):
        return False
    if facts.full_bytes is not None and target.dgram_bytes + size + (held + 1) * facts.full_overhead > facts.full_bytes:
        return False
    charge, sndbuf = _exact_charge(kernel, facts, s, size), kernel.unix_buffer_size(s, "SO_SNDBUF")
    if charge is not None and sndbuf is not None:  # the send fails or waits once the charge reaches SO_SNDBUF
        return charge < sndbuf
    unread = kernel.unix_unread.get(s.unix_id, 0)
    if held == 0 and unread == 0:
        return True
    if "SO_SNDBUF" in s.opts:  # the sure bounds below assume a fresh socket's SO_SNDBUF
        return None
    queued = target.dgram_bytes + size + (held + 1) * facts.sure_overhead
    if held < facts.sure_dgrams and max(queued, unread + size) <= facts.sure_bytes:
        return True
    return None
