"""The platform fingerprint recorded in every report, and this machine's OS name.

Owns: mapping ``platform.system()`` to the table's OS names, which kernel tunables
matter per OS (data, below) and how to read them, and the variant the run is (``linux+gvisor``,
``linux[net.core.somaxconn=4]``: see ``sockbehave.platforms``) with what makes it one: the runsc
version, the sysctls set, and the host's kernel release beside gVisor's fake one. Reading never fails a run: a tunable that
cannot be read is recorded as ``null``.
"""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

from .errors import InputError
from .platforms import current_variant
from .tables import OSES

__all__ = ["SYSCTLS", "current_os", "fingerprint", "time_wait_pressure"]

_SYSTEMS = {"Linux": "linux", "Darwin": "darwin", "FreeBSD": "freebsd", "Windows": "windows"}

#: The tunables that change the outcomes in the catalog, per OS.
SYSCTLS: dict[str, tuple[str, ...]] = {
    "linux": (
        "net.core.somaxconn",  # listen() backlog clamp (backlog)
        "net.ipv4.tcp_max_syn_backlog",
        "net.ipv4.tcp_abort_on_overflow",  # full accept queue: drop (0) or RST (1)
        "net.ipv4.tcp_syncookies",
        "net.ipv4.tcp_syn_retries",
        "net.ipv4.ip_local_port_range",  # ephemeral ports
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_tw_reuse",
        "net.core.rmem_default",
        "net.core.rmem_max",
        "net.core.wmem_default",
        "net.core.wmem_max",
        "net.ipv4.tcp_rmem",
        "net.ipv4.tcp_wmem",
        "net.ipv6.bindv6only",  # IPV6_V6ONLY default
    ),
    "darwin": (
        "kern.ipc.somaxconn",
        "net.inet.udp.maxdgram",  # largest UDP datagram sendto() accepts by default
        "net.inet.udp.recvspace",
        "net.inet.ip.portrange.first",
        "net.inet.ip.portrange.last",
        "net.inet.tcp.msl",
        "net.inet6.ip6.v6only",
    ),
    "freebsd": (
        "kern.ipc.soacceptqueue",
        "net.inet.udp.maxdgram",
        "net.inet.udp.recvspace",
        "net.inet.ip.portrange.first",
        "net.inet.ip.portrange.last",
        "net.inet.tcp.msl",
        "net.inet6.ip6.v6only",
    ),
    "windows": (),
}


def current_os(system: Optional[str] = None) -> str:
    """This machine's OS as a table column name; ``InputError`` for anything else."""
    name = _SYSTEMS.get(system or platform.system())
    if name is None:
        raise InputError(f"platform: unsupported OS {system or platform.system()!r} (supported: {', '.join(OSES)})")
    return name


def _read_proc(name: str) -> Optional[str]:
    path = Path("/proc/sys") / name.replace(".", "/")
    try:
        return " ".join(path.read_text(encoding="ascii").split())
    except OSError:
        return None


#: The share of Linux's TIME_WAIT slots in use from which a run is warned.
_TW_WARN_SHARE = 0.9


def time_wait_pressure(os_name: Optional[str] = None) -> Optional[str]:
    """A warning when this Linux host's TIME_WAIT slots (``net.ipv4.tcp_max_tw_buckets``) are
    nearly all taken, else None. Once they are, Linux closes connections without TIME_WAIT
    (tcp_time_wait: "TCP: time wait bucket table overflow"), so the scenarios that wait for it
    see a port already free: a benchmark of thousands of loopback connections just before a
    run does this, for a minute. Never fails: anything unreadable means no warning."""
    if (os_name or current_os()) != "linux":
        return None
    limit = _read_proc("net.ipv4.tcp_max_tw_buckets")
    try:
        text = Path("/proc/net/sockstat").read_text(encoding="ascii")
        fields = next(line.split() for line in text.splitlines() if line.startswith("TCP:"))
        in_use = int(fields[fields.index("tw") + 1])
        most = int(limit or "")
    except (OSError, StopIteration, ValueError, IndexError):
        return None
    if most <= 0 or in_use < most * _TW_WARN_SHARE:
        return None
    return (
        f"{in_use} of this host's {most} TIME_WAIT slots are in use (net.ipv4.tcp_max_tw_buckets): Linux now closes "
        "connections without TIME_WAIT, so scenarios that rely on it find their port free; they last 60 s"
    )


def _read_sysctl(name: str) -> Optional[str]:
    exe = shutil.which("sysctl") or "/sbin/sysctl"
    try:
        done = subprocess.run([exe, "-n", name], capture_output=True, text=True, timeout=5, check=False)  # noqa: S603
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def fingerprint(os_name: Optional[str] = None, *, tunables: bool = True) -> dict[str, Any]:
    """OS, kernel release, machine, Python, the tunables that matter here, and the variant.
    ``tunables=False`` for a simulated run, which no host tunable can change: its report says
    so with an empty ``sysctls`` (and on a BSD or macOS host no ``sysctl`` process is started)."""
    os_name = os_name or current_os()
    reader = _read_proc if os_name == "linux" else _read_sysctl
    info = current_variant()
    facts: dict[str, Any] = {"variant": os_name}
    if info is not None:
        variant = info["variant"]
        facts = {
            "variant": getattr(variant, "name", os_name),
            "sysctls_set": dict(getattr(variant, "sysctls", ())),
            "host_release": info.get("host_release"),
        }
        if getattr(variant, "sandbox", None) == "gvisor":
            facts["runsc_version"] = info.get("runsc_version")
            facts["release_note"] = "release is gVisor's fake kernel release, not the host's (host_release)"
    return {
        "os": os_name,
        "system": platform.system(),
        "release": platform.release(),
        "version": platform.version(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "sysctls": (
            {name: reader(name) for name in (*SYSCTLS.get(os_name, ()), *facts.get("sysctls_set", ()))}
            if tunables
            else {}
        ),
        **facts,
    }
