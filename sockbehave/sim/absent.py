"""Names of the shared standard-library modules that a simulated OS's CPython lacks.

Owns: which names those are (``lacks``: ``Profile.stdlib_names`` and ``missing_options``, the
facts and their sources being the profile's), and hiding them from a block's simulated threads
while a block of such an OS is open (``hide``/``show``, called by ``patching`` as a block's
views go on and off): ``os.fork`` and ``socket.SO_REUSEPORT`` on Windows, ``select.epoll`` on
macOS. The modules are shared with every other thread, which keeps seeing them whole. (Methods
of ``socket.socket`` that a CPython lacks are hidden by the simulated socket class itself.)
"""

from __future__ import annotations

import _socket
import os
import select
import signal
import socket
import socketserver
import types
from collections.abc import Callable
from typing import Any, Optional

from .network import Network
from .profiles import PROFILES, Profile

__all__ = ["hide", "lacks", "show"]

#: The modules whose names a profile's CPython may lack (``Profile.stdlib_names``, ``missing_options``).
_VIEWED = {
    "os": os,
    "select": select,
    "signal": signal,
    "socket": socket,
    "socketserver": socketserver,
    "_socket": _socket,  # Lib/socket.py asks it (create_server: hasattr(_socket, "SO_REUSEPORT"))
}


def lacks(profile: Profile, module: str, name: str) -> bool:
    """Whether ``profile``'s CPython lacks ``module.name`` (``Profile.lacks``)."""
    return profile.lacks(module, name)


def _own_dict(module: types.ModuleType) -> dict[str, Any]:
    """The module's dict itself, past any ``_hiding_class`` (which shows a simulated thread a copy)."""
    found: dict[str, Any] = types.ModuleType.__getattribute__(module, "__dict__")
    return found


#: The viewed modules' own dicts (a module keeps its dict for life), whose sizes ``_lacked`` compares.
_DICTS = [_own_dict(module) for module in _VIEWED.values()]

#: ``_lacked``'s answers by profile, with the profile and the sizes of the modules' dicts they
#: were read from (names added since, such as the kqueue view's, make a new answer). Every
#: block asks as it opens and closes.
_LACKED: dict[int, tuple[Profile, tuple[int, ...], dict[str, frozenset[str]]]] = {}


def _lacked(profile: Profile) -> dict[str, frozenset[str]]:
    """Per module, the names this host has and ``profile``'s CPython lacks."""
    sizes = tuple(map(len, _DICTS))
    known = _LACKED.get(id(profile))
    if known is not None and known[0] is profile and known[1] == sizes:
        return known[2]
    keys = [*profile.stdlib_names, *(f"{m}.{name}" for name in profile.missing_options for m in ("socket", "_socket"))]
    found: dict[str, set[str]] = {}
    for module, _, name in (key.partition(".") for key in keys):
        if module in _VIEWED and name in _own_dict(_VIEWED[module]) and lacks(profile, module, name):
            found.setdefault(module, set()).add(name)
    answer = {module: frozenset(names) for module, names in found.items()}
    _LACKED[id(profile)] = (profile, sizes, answer)
    return answer


def _hiding_class(module: types.ModuleType, lacked: frozenset[str], net_of: Callable[[], Optional[Network]]) -> type:
    """A class for ``module`` while a block of a profile that lacks some of its names is open:
    for that block's threads the names are gone (``AttributeError``, left out of ``__all__`` and
    ``dir()``), as from that OS's CPython's module; every other thread sees the module as it
    is. The names stay in the module's dict, where its own code reads them as globals
    (``socket.create_server`` reads ``SO_REUSEPORT``, ``os.spawnv`` calls ``fork``). Every lookup
    pays for it (13 ns became about 100 ns here), so it is in place only while such a block
    is open: never for linux."""
    base = type(module)
    name_of = module.__name__

    def gone(name: str) -> bool:
        net = net_of()
        return net is not None and lacks(net.profile, name_of, name)

    class Hiding(base):  # type: ignore[valid-type,misc]
        def __getattribute__(self, name: str) -> Any:
            if name in lacked and gone(name):
                raise AttributeError(f"module {name_of!r} has no attribute {name!r}")
            value = super().__getattribute__(name)
            if name in ("__all__", "__dict__") and net_of() is not None:  # what ``import *`` reads
                hidden = {n for n in lacked if gone(n)}
                if hidden and name == "__all__":
                    return [n for n in value if n not in hidden]
                if hidden:  # (a copy: only a module without ``__all__`` is read so, and rarely written)
                    return {n: v for n, v in value.items() if n not in hidden}
            return value

        def __dir__(self) -> list[str]:
            return [n for n in super().__dir__() if n not in lacked or not gone(n)]

    return Hiding


#: Open blocks per module whose names their profile lacks, and the module's class before.
_HIDING: dict[str, tuple[int, type]] = {}


def hide(net: Network, net_of: Callable[[], Optional[Network]]) -> None:
    """A block opens: the modules with names its OS's CPython lacks hide them from its threads
    (``net_of()``: the network of the calling thread, if it is a simulated one)."""
    for module_name, lacked in _lacked(net.profile).items():
        module = _VIEWED[module_name]
        count, before = _HIDING.get(module_name, (0, type(module)))
        if count == 0:
            if type(module) not in (types.ModuleType,) and module_name == "select":
                continue  # a BSD host's select has the kqueue view's class already: not hidden there
            everything = frozenset().union(*(_lacked(p).get(module_name, frozenset()) for p in PROFILES.values()))
            module.__class__ = _hiding_class(module, everything | lacked, net_of)
        _HIDING[module_name] = (count + 1, before)


def show(net: Network) -> None:
    """A block closes: a module no open block hides names of gets its class back."""
    for module_name in _lacked(net.profile):
        if module_name not in _HIDING:
            continue
        count, before = _HIDING[module_name]
        if count <= 1:
            del _HIDING[module_name]
            _VIEWED[module_name].__class__ = before
        else:
            _HIDING[module_name] = (count - 1, before)
