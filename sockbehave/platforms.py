"""Platform variants: the same OS under another socket stack (gVisor) or other kernel settings.

Owns: what a variant is and how it is spelled (``linux``, ``linux+gvisor``,
``linux[net.core.somaxconn=4]``; in a file name ``linux+gvisor-real.json``,
``linux+net.core.somaxconn=4-real.json``), the allow-list of networking sysctls that belong to
a network namespace (data, with the reason each may be set), the checks made before re-running
(one ``InputError`` line each), the argv that re-runs ``python -m sockbehave run`` under
``runsc`` or ``unshare -n`` (never a shell), and, in that re-run child, setting the namespace up.

The parent tells the child which variant it is through ``SOCKBEHAVE_VARIANT`` (JSON). The child
trusts none of it blindly: a gVisor child checks that it runs on gVisor's kernel, and a sysctl
child checks that it is in a network namespace other than the parent's before writing anything.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from .display import printable
from .errors import InputError

__all__ = [
    "GVISOR_PROC_VERSION",
    "NETNS_SYSCTLS",
    "REGENERATED",
    "REGENERATED_SCENARIOS",
    "REMOVED_SYSCTLS",
    "SANDBOXES",
    "VARIANT_ENV",
    "Variant",
    "base_os",
    "child_argv",
    "child_env",
    "current_variant",
    "enter",
    "file_stem",
    "is_variant",
    "on_gvisor",
    "parse_sysctl",
    "preflight",
    "run_child",
]

#: gVisor's sentry reports this fake kernel in /proc/version (and 4.4.0 as the release), whatever
#: the host runs (source: gVisor pkg/sentry/kernel/version.go, checked under runsc 20221219).
GVISOR_PROC_VERSION = "Linux version 4.4.0 #1 SMP Sun Jan 10 15:06:54 PST 2016"


def on_gvisor(proc_version: Path = Path("/proc/version")) -> bool:
    """Whether this process runs on gVisor's kernel."""
    try:
        return proc_version.read_text(encoding="ascii", errors="replace").startswith(GVISOR_PROC_VERSION)
    except OSError:
        return False


VARIANT_ENV = "SOCKBEHAVE_VARIANT"
SANDBOXES = ("gvisor",)

#: Sysctls ``run --sysctl`` may set: each is per network namespace, so setting it in a private
#: namespace changes nothing on the host. Key -> why it is worth setting (what it changes).
NETNS_SYSCTLS: dict[str, str] = {
    "net.core.somaxconn": "clamps the listen() backlog (tcp.backlog-*)",
    "net.ipv4.tcp_max_syn_backlog": "bounds half-open connections, with syncookies off",
    "net.ipv4.tcp_abort_on_overflow": "a full accept queue answers RST (1) instead of dropping the ACK (0)",
    "net.ipv4.tcp_syncookies": "SYN cookies when the SYN queue overflows; a tutorial 'fix' for restarts",
    "net.ipv4.tcp_syn_retries": "how often connect() resends an unanswered SYN",
    "net.ipv4.tcp_synack_retries": "how often a listener resends an unanswered SYN-ACK",
    "net.ipv4.tcp_syn_linear_timeouts": "the SYN retries sent at a linear rather than doubling interval",
    "net.ipv4.ip_local_port_range": "the ephemeral port range (a one-port range makes self-connects)",
    "net.ipv4.tcp_fin_timeout": "FIN_WAIT_2 lifetime; a tutorial 'fix' that does not shorten TIME_WAIT",
    "net.ipv4.tcp_tw_reuse": "lets connect() reuse a TIME_WAIT port; a tutorial 'fix' for bind()",
    "net.ipv4.tcp_rmem": "TCP receive buffer min/default/max (default SO_RCVBUF, how much a peer may send)",
    "net.ipv4.tcp_wmem": "TCP send buffer min/default/max (how much a non-blocking send accepts)",
    "net.ipv4.tcp_keepalive_time": "idle time before the first keepalive probe",
    "net.ipv4.tcp_timestamps": "TCP timestamps, which tcp_tw_reuse relies on",
    "net.ipv6.bindv6only": "the IPV6_V6ONLY default: 1 keeps IPv4 clients off a [::] listener",
}

#: Keys tutorials still recommend that current kernels no longer have: key -> when and why it went.
REMOVED_SYSCTLS: dict[str, str] = {
    "net.ipv4.tcp_tw_recycle": (
        "removed in Linux 4.12 (commit 4396e46187ca5070219b81773c4e65088dac50cc, 'tcp: remove tcp_tw_recycle': "
        "it dropped connections from clients behind NAT)"
    ),
}

Sysctls = tuple[tuple[str, str], ...]

#: The tutorials' sysctl "fixes" for "Address already in use" on restart (tutorial-claims), in
#: the order the tutorial sets them.
_RESTART_FIXES: Sysctls = (
    ("net.ipv4.tcp_syncookies", "1"),
    ("net.ipv4.tcp_tw_reuse", "1"),
    ("net.ipv4.tcp_fin_timeout", "30"),
)
#: stack-limits: a one-port ephemeral range makes a connect to a just-closed port meet itself.
_ONE_PORT: Sysctls = (("net.ipv4.ip_local_port_range", "40000 40000"),)

#: The variants ``sockbehave regenerate`` re-runs where it can (root, runsc, namespaces) and
#: commits to reports/: gVisor, a somaxconn that clamps the catalog's backlogs, the
#: IPV6_V6ONLY default the tutorials' dual-stack advice depends on, the restart "fixes" one
#: at a time and all together, and the one-port range.
REGENERATED: tuple[tuple[Optional[str], Sysctls], ...] = (
    ("gvisor", ()),
    (None, (("net.core.somaxconn", "4"),)),
    (None, (("net.ipv6.bindv6only", "1"),)),
    *((None, (fix,)) for fix in _RESTART_FIXES),
    (None, _RESTART_FIXES),
    (None, _ONE_PORT),
)
#: Variants of ``REGENERATED`` that run only some topics or scenarios (``run --scenario``), by
#: their sysctls: the rest of the catalog says nothing new about them, and skipping it keeps
#: ``sockbehave regenerate`` quick.
REGENERATED_SCENARIOS: dict[Sysctls, tuple[str, ...]] = {
    **{(fix,): ("reuseaddr-restart", "tutorial-claims") for fix in _RESTART_FIXES},
    _RESTART_FIXES: ("reuseaddr-restart", "tutorial-claims"),
    # only this one: with a single ephemeral port, every other scenario's clients collide
    _ONE_PORT: ("tcp.self-connect-tiny-port-range",),
}

_KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
_VALUE = re.compile(r"^[0-9]{1,10}([ \t]+[0-9]{1,10}){0,2}$")


@dataclass(frozen=True)
class Variant:
    """An OS, optionally under a sandbox or with sysctls set in a private network namespace."""

    os: str
    sandbox: Optional[str] = None
    sysctls: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        """The matrix column and the report's ``variant``: ``linux+gvisor``, ``linux[k=v,k=v]``."""
        if self.sandbox:
            return f"{self.os}+{self.sandbox}"
        if self.sysctls:
            return f"{self.os}[{','.join(f'{k}={_spell(v)}' for k, v in self.sysctls)}]"
        return self.os

    @property
    def file_stem(self) -> str:
        return file_stem(self.name)

    def to_env(self, **facts: str) -> str:
        return json.dumps({"os": self.os, "sandbox": self.sandbox, "sysctls": dict(self.sysctls), **facts})


def file_stem(column: str) -> str:
    """A variant's name without brackets or commas (shell globs would read them), for report
    file names: ``linux[k=v,k2=v2]`` -> ``linux+k=v+k2=v2``; ``linux+gvisor`` stays."""
    return column.replace("[", "+").replace(",", "+").rstrip("]")


def _spell(value: str) -> str:
    return "_".join(value.split())


_VARIANT = re.compile(
    r"^(linux|darwin|freebsd|windows)(\+[a-z][a-z0-9]{0,31}|\[[a-z0-9_.]{1,128}=[0-9_]{1,40}(,[a-z0-9_.]{1,128}=[0-9_]{1,40}){0,15}\])$"
)


def is_variant(name: str) -> bool:
    """Whether ``name`` spells a variant of an OS (``linux+gvisor``, ``linux[k=v]``), not an OS."""
    return bool(_VARIANT.match(name))


def base_os(variant: str) -> str:
    """``linux+gvisor`` -> ``linux``; ``linux[net.core.somaxconn=4]`` -> ``linux``."""
    return re.split(r"[+\[]", variant, maxsplit=1)[0]


def parse_sysctl(text: str) -> tuple[str, str]:
    """``"net.core.somaxconn=4"`` -> ``("net.core.somaxconn", "4")``; ``InputError`` unless the
    key is on the per-namespace allow-list and the value is one to three whole numbers."""
    key, sep, value = text.partition("=")
    key, value = key.strip(), value.strip()
    if not sep or not _KEY.match(key):
        raise InputError(f"--sysctl {printable(repr(text))}: expected KEY=VALUE, e.g. net.core.somaxconn=4")
    if key in REMOVED_SYSCTLS:
        raise InputError(f"--sysctl {key}: does not exist on this kernel: {REMOVED_SYSCTLS[key]}")
    if key not in NETNS_SYSCTLS:
        raise InputError(
            f"--sysctl {printable(key)}: not a per-network-namespace networking key this tool may set "
            f"(allowed: {', '.join(NETNS_SYSCTLS)})"
        )
    if not _VALUE.match(value):
        raise InputError(f"--sysctl {key}: value {printable(repr(value))} is not one to three whole numbers")
    return key, " ".join(value.split())


def preflight(
    variant: Variant,
    *,
    which: Callable[[str], Optional[str]] = shutil.which,
    euid: Optional[int] = None,
) -> str:
    """Check that ``variant`` can be run here; returns the launcher's path (runsc or unshare).
    ``InputError`` in one line when it is missing or this process is not root."""
    tool = "runsc" if variant.sandbox == "gvisor" else "unshare"
    flag = "--sandbox gvisor" if variant.sandbox else "--sysctl"
    if variant.os != "linux":
        raise InputError(f"{flag}: runs only on Linux, not {variant.os}")
    path = which(tool)
    if path is None:
        hint = " (apt-get install runsc)" if tool == "runsc" else " (util-linux)"
        raise InputError(f"{flag}: {tool} not found on PATH{hint}")
    uid = euid if euid is not None else (os.geteuid() if hasattr(os, "geteuid") else -1)
    if uid != 0:
        raise InputError(f"{flag}: {tool} needs root here (running as uid {uid})")
    if tool == "unshare":
        _probe_namespace(path)
    return path


def _probe_namespace(unshare: str) -> None:
    """``InputError`` unless ``unshare --net`` can make a network namespace here (a container
    may forbid it even to root)."""
    try:
        done = subprocess.run(  # noqa: S603
            [unshare, "--net", "--", sys.executable, "-c", ""], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise InputError(f"--sysctl: cannot create a network namespace: {exc}") from None
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        raise InputError(f"--sysctl: cannot create a network namespace: {printable(why)}")


def child_argv(variant: Variant, launcher: str, run_args: Sequence[str]) -> list[str]:
    """The argv that re-runs ``sockbehave run`` as ``variant`` (a list: no shell)."""
    inner = [sys.executable, "-m", "sockbehave", "run", *run_args]
    if variant.sandbox == "gvisor":
        # ptrace: this Debian runsc (20221219) has no systrap; network=none: sandbox needs iptables
        # (loopback still works); -force-overlay=false: else the report lands in a throwaway overlay
        return [launcher, "--network=none", "--platform=ptrace", "do", "-force-overlay=false", "--", *inner]
    return [launcher, "--net", "--", *inner]


def run_child(variant: Variant, launcher: str, run_args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """Re-run ``sockbehave run run_args`` as ``variant``; its output comes back through pipes
    (under gVisor, a child writing to an inherited regular file writes at its own offset)."""
    argv = child_argv(variant, launcher, run_args)
    env = child_env(variant, launcher, os.environ)
    try:
        return subprocess.run(argv, env=env, capture_output=True, text=True, errors="replace", check=False)  # noqa: S603
    except OSError as exc:
        raise InputError(f"{variant.name}: cannot start {printable(argv[0])}: {exc.strerror or exc}") from None


def _runsc_version(launcher: str) -> str:
    try:
        done = subprocess.run([launcher, "--version"], capture_output=True, text=True, timeout=30, check=False)  # noqa: S603
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    first = done.stdout.strip().splitlines()
    return first[0].replace("runsc version ", "").strip() if first else "unknown"


def _netns_id() -> str:
    try:
        return str(os.stat("/proc/self/ns/net").st_ino)
    except OSError:
        return ""


def child_env(variant: Variant, launcher: str, env: Mapping[str, str]) -> dict[str, str]:
    """The child's environment: ours, plus what it cannot find out itself (the runsc version,
    the host's kernel release, the parent's network namespace)."""
    import platform

    facts = {"host_release": platform.release(), "parent_netns": _netns_id()}
    if variant.sandbox == "gvisor":
        facts["runsc_version"] = _runsc_version(launcher)
    return {**env, VARIANT_ENV: variant.to_env(**facts)}


def current_variant(env: Optional[Mapping[str, str]] = None) -> Optional[dict[str, object]]:
    """In a re-run child, what the parent said about the variant; else ``None``."""
    raw = (os.environ if env is None else env).get(VARIANT_ENV)
    if not raw:
        return None
    try:
        data = json.loads(raw)
        variant = Variant(
            str(data["os"]),
            data["sandbox"] if data["sandbox"] in SANDBOXES else None,
            tuple(parse_sysctl(f"{k}={v}") for k, v in dict(data["sysctls"]).items()),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise InputError(f"{VARIANT_ENV}: not a variant this tool wrote") from None
    facts = {k: str(v) for k, v in data.items() if k in ("host_release", "parent_netns", "runsc_version")}
    return {"variant": variant, **facts}


def enter(info: Mapping[str, object], *, proc_sys: Path = Path("/proc/sys")) -> None:
    """In the child: check where we are, then bring loopback up and write the sysctls."""
    variant = info["variant"]
    assert isinstance(variant, Variant)
    if variant.sandbox == "gvisor":
        if not on_gvisor():
            raise InputError(f"{VARIANT_ENV}: says gVisor, but this is not gVisor's kernel")
        return
    if not variant.sysctls:
        return
    if not info.get("parent_netns") or _netns_id() == info.get("parent_netns"):
        raise InputError(f"{VARIANT_ENV}: not in a private network namespace; refusing to set sysctls on the host")
    ip = shutil.which("ip") or "/sbin/ip"
    try:
        subprocess.run([ip, "link", "set", "lo", "up"], check=True, capture_output=True, timeout=30)  # noqa: S603
    except (OSError, subprocess.SubprocessError):
        raise InputError("--sysctl: cannot bring loopback up in the namespace (ip link set lo up)") from None
    for key, value in variant.sysctls:
        try:
            (proc_sys / key.replace(".", "/")).write_text(value + "\n", encoding="ascii")
        except OSError as exc:
            raise InputError(f"--sysctl {key}={value}: cannot set it: {exc.strerror or exc}") from None
