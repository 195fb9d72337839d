"""The exception hierarchy: one root, and subclasses that also inherit the matching built-in.

Owns: every error sockbehave raises on purpose. The CLI turns an ``InputError`` into a
one-line message and exit status 2; nothing else here is meant to reach a user as a traceback.
"""

from __future__ import annotations

__all__ = [
    "CatalogError",
    "DescriptorBudgetError",
    "ForbiddenCallError",
    "InputError",
    "LoopbackOnlyError",
    "OutputError",
    "ScenarioError",
    "SockbehaveError",
]


class SockbehaveError(Exception):
    """Root of every error sockbehave raises deliberately."""


class InputError(SockbehaveError, ValueError):
    """Bad input from outside: a malformed table or report, an unknown OS name, a bad flag.

    The message always starts with the file (or flag) it is about.
    """


class CatalogError(InputError):
    """A scenario module or expected-behaviour table that cannot be used."""


class OutputError(SockbehaveError, OSError):
    """An output location that cannot be written: a file where a directory is needed, a
    read-only or full file system. Checked before a run where possible."""


class ScenarioError(SockbehaveError, RuntimeError):
    """A scenario broke the rules of the harness (not an observation about the OS)."""


class LoopbackOnlyError(ScenarioError, PermissionError):
    """A scenario tried to touch an address that is not loopback, or a fixed port."""


class ForbiddenCallError(ScenarioError, PermissionError):
    """A scenario on the real backend tried something the guard refuses outright: running a
    shell, forking or replacing the process, a raw or non-IP socket, or a call from a thread
    the guard cannot attribute to a scenario (see ``sockbehave.backends.guard``)."""


class DescriptorBudgetError(ScenarioError):
    """A scenario opened more sockets than its descriptor budget allows.

    Deliberately not an ``OSError``: a scenario's ``except OSError`` must not swallow it.
    """
