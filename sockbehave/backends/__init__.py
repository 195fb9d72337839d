"""Backends: the things a scenario's ``net`` can be.

Owns: the registry of backend names. ``protocol`` says what every backend provides;
``real`` is this machine's loopback; ``sim`` is ``sockbehave.sim.Network``.
"""

from __future__ import annotations

from .protocol import Net, Peer, PeerProcess

__all__ = ["BACKENDS", "Net", "Peer", "PeerProcess"]

#: Backend names the CLI accepts.
BACKENDS = ("real", "sim")
