"""Which code called into the simulator.

Owns: ``called_from``, the walk up the stack that tells a library's calls from a program's
(trio's socket constructor, ``ctypes.util``'s library search), for the few places whose
answer depends on who asks.
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Optional

__all__ = ["called_from"]


def called_from(modules: tuple[str, ...], depth: int, skip: int) -> bool:
    """Whether one of ``depth`` frames, starting ``skip`` frames above this call, runs code of
    ``modules`` (each a module, or a package and its modules)."""
    frame: Optional[FrameType] = sys._getframe(skip)
    for _ in range(depth):
        if frame is None:
            return False
        name = frame.f_globals.get("__name__", "")
        if any(name == module or name.startswith(module + ".") for module in modules):
            return True
        frame = frame.f_back
    return False
