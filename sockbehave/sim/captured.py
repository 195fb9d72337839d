"""Libraries that take the real socket's C methods when they are imported.

Owns: the check that names such a library when it makes a simulated socket. trio builds its
socket wrappers from ``socket.socket.recv``, ``send`` and friends as they are when trio is
imported: imported before a simulation, those are the C methods of ``_socket.socket``, which
act on a C descriptor a simulated socket does not have (-1), so every send would fail with
``EBADF`` and trio would report the socket as closed: a wrong answer. A trio imported inside
the simulation (inside ``patched()``, or by a program ``sockbehave simulate`` runs) takes the
simulated socket's methods and works. So when trio, imported outside, makes a simulated
socket, the simulation refuses by name instead.
"""

from __future__ import annotations

import _socket
import sys
from types import ModuleType

from .callers import called_from
from .kernel import NotModelled

__all__ = ["refuse_outside_imports"]

#: Frames looked at above the socket call: the caller, and the simulator's own wrappers.
_DEPTH = 4


def _trio_took_c_methods(module: ModuleType) -> bool:
    """Whether trio's socket class wraps ``_socket.socket.recv`` (trio sets ``__wrapped__``)."""
    for name in ("_SocketType", "SocketType"):
        wrapped = getattr(getattr(getattr(module, name, None), "recv", None), "__wrapped__", None)
        if wrapped is not None:
            return wrapped is _socket.socket.recv
    return False


def refuse_outside_imports() -> None:
    """Raise ``NotModelled`` when the code making a simulated socket is trio's and trio took
    the C socket methods (it was imported before the simulation)."""
    module = sys.modules.get("trio._socket")
    if module is None or not _trio_took_c_methods(module):
        return
    if called_from(("trio",), _DEPTH, skip=3):  # past this function and the socket call
        raise NotModelled(
            "trio imported outside the simulation: it took socket.socket's C methods (recv, send, ...)"
            " when imported, and they cannot act on a simulated socket; import trio inside patched(),"
            " or run the program with 'sockbehave simulate'"
        )
