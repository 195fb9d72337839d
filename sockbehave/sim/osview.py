"""What the ``errno`` module and ``sys.platform``/``os.name`` say on the simulated OS.

Owns: two small views derived from a profile, for ``patched()`` to swap in. ``errno_view``
gives the ``errno`` module's numbers there: every socket error of the profile (on Windows the
WSA numbers, ``errno.ECONNREFUSED == 10061``, as CPython's Modules/errnomodule.c redefines
them), except the names the C runtime keeps (``Profile.errno_module_crt``: Windows' EINVAL is
22). Names the profile does not list keep the host's numbers (a documented deviation: the
simulator models socket errors, not the whole errno table). ``patching`` shows these to the
simulation's threads only; ``sys.platform``/``os.name`` (``Profile.sys_platform``,
``os_name``) only on request (``platform=True``), because they change what other libraries do.
"""

from __future__ import annotations

import errno

from .profiles import Profile

__all__ = ["errno_view", "errorcode_view"]


def errno_view(profile: Profile) -> dict[str, int]:
    """``{name: number}`` to set on the ``errno`` module (only the names that differ from the host)."""
    numbers = {name: number for name, (number, _) in profile.errnos.items()}
    if "EWOULDBLOCK" not in numbers and "EAGAIN" in numbers:
        numbers["EWOULDBLOCK"] = numbers["EAGAIN"]  # POSIX systems define it as EAGAIN
    numbers.update(profile.errno_module_crt)
    return {name: number for name, number in numbers.items() if getattr(errno, name, None) != number}


def errorcode_view(profile: Profile) -> dict[int, str]:
    """``errno.errorcode`` on that OS: the host's table with the profile's numbers put in."""
    table = dict(errno.errorcode)
    view = errno_view(profile)
    for name in view:
        host = getattr(errno, name, None)
        if host is not None and table.get(host) == name:
            del table[host]
    table.update({number: name for name, number in view.items()})
    return table
