"""A deterministic, per-OS simulated socket stack with virtual time.

Public surface::

    from sockbehave.sim import Network
    net = Network(profile="windows")          # "linux", "darwin", "freebsd", "windows"
    s = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    net.sleep(0.05)                           # advance virtual time

    with sockbehave.sim.patched("windows"):   # unmodified socket.socket code, simulated
        ...

Layout: ``profiles`` (per-OS data, every value sourced), ``clock`` (virtual time and the
deterministic scheduler), ``kernel`` (the sans-IO socket table and TCP/UDP rules),
``simsocket`` (``socket.socket`` semantics on top), ``threads`` (cooperative threading and
virtual time for simulated threads), ``readiness`` (select, poll, epoll and the descriptor
table), ``network`` (the ``Net`` facade), ``patching`` (``patched``: what is swapped, and
for which threads). Anything not modelled raises ``NotImplementedError`` naming the feature.
"""

from __future__ import annotations

from .clock import SimAborted, SimDeadlock
from .network import Network
from .patching import patched
from .profiles import PROFILES, Profile, get_profile
from .simsocket import SO_EXCLUSIVEADDRUSE, SO_REUSEPORT, SimSocket

__all__ = [
    "PROFILES",
    "SO_EXCLUSIVEADDRUSE",
    "SO_REUSEPORT",
    "Network",
    "Profile",
    "SimAborted",
    "SimDeadlock",
    "SimSocket",
    "get_profile",
    "patched",
]
