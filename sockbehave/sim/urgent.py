"""TCP urgent data on a simulated host: ``send(data, MSG_OOB)`` and ``recv(n, MSG_OOB)``.

Owns: a send that marks its last byte urgent (the BSD reading of the urgent pointer, which
every profile takes), and ``recv(MSG_OOB)``. The facts are the profile's (``Profile.urgent``,
``urgentfacts.UrgentFacts``, each with its source). The mark lives on the receiving end
(``Tcb.urg_mark``); ``Kernel.recv`` stops a read there, and ``readiness.poll_events`` reports it
as ``POLLPRI`` (the exceptional set of ``select``) where the OS does.

Modelled only where the answer is sure: the receiving socket has ``SO_OOBINLINE`` set (the byte
stays in the stream; ftplib's servers read ``ABOR`` so), and the whole send reaches it at once.
``NotImplementedError`` otherwise: a receiver without ``SO_OOBINLINE`` (the byte taken out of the
stream), one still in an accept queue, urgent data that waits in the send buffer (a full
receiver, Nagle's algorithm), ``MSG_OOB`` on an AF_UNIX or a datagram socket.
"""

from __future__ import annotations

from .kernel import STREAM, Kernel, KSock, NotModelled
from .urgentfacts import UrgentFacts

__all__ = ["recv", "send"]


def _facts(kernel: Kernel) -> UrgentFacts:
    facts = kernel.profile.urgent
    if facts is None:
        raise NotModelled(f"urgent data (MSG_OOB) on {kernel.profile.name}")
    return facts


def send(kernel: Kernel, s: KSock, data: bytes | memoryview) -> int:
    """``send(data, MSG_OOB)`` on a connected TCP socket: the data, its last byte urgent."""
    facts = _facts(kernel)
    kernel.check_open(s)
    t = s.tcb
    if t is not None and t.unix is not None:
        raise NotModelled("MSG_OOB on an AF_UNIX stream socket")
    if t is None or not len(data):
        return kernel.send(s, data)  # unconnected: the send's own error; nothing: nothing urgent
    peer = kernel.peer(t)
    receiver = kernel.owner(peer) if peer is not None else None
    if peer is None or receiver is None:
        raise NotModelled("urgent data (MSG_OOB) to a connection no socket holds yet (or any more)")
    if not receiver.opts.get("SO_OOBINLINE"):
        raise NotModelled("urgent data (MSG_OOB) to a socket without SO_OOBINLINE (the byte taken out of the stream)")
    if len(t.snd) + len(data) > min(t.snd_cap, peer.rcv_cap - len(peer.rcv)):
        raise NotModelled("urgent data (MSG_OOB) that waits in the send buffer")
    if not facts.bypasses_nagle and (t.held or kernel.nagle_would_hold(s, t, len(t.snd) + len(data))):
        raise NotModelled(f"urgent data (MSG_OOB) while Nagle's algorithm holds small writes on {kernel.profile.name}")
    sent = kernel.send(s, data, push=True)  # it goes at once, with any write Nagle held (bypasses_nagle)
    if t.snd:  # the send did not go through at once after all (a shutdown, an error left it queued)
        raise NotModelled("urgent data (MSG_OOB) that waits in the send buffer")
    peer.urg_mark = len(peer.rcv) - 1  # a later urgent byte moves the mark (every profile's source)
    return sent


def recv(kernel: Kernel, s: KSock) -> bytes:
    """``recv(n, MSG_OOB)``: with SO_OOBINLINE set, the profile's error."""
    facts = _facts(kernel)
    kernel.check_open(s)
    if s.kind != STREAM or s.unix:
        raise NotModelled("MSG_OOB on a datagram or AF_UNIX socket")
    if s.opts.get("SO_OOBINLINE"):
        raise kernel.fail(facts.recv_oob_inline_error)
    raise NotModelled("recv(MSG_OOB) on a socket without SO_OOBINLINE (urgent data taken out of the stream)")
