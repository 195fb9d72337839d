"""Buffered files over simulated streams: ``io``'s C buffered classes, guarded by a simulation lock.

Owns: ``BufferedReader`` and ``BufferedWriter`` for what ``io.open`` builds over a simulated
pipe or socket descriptor (``pipes.layered``), ``BufferedRWPair`` for a read-write socket file,
and ``makefile``, ``socket.socket.makefile`` with them (``SimSocket.makefile``).

Why: a C buffered object holds its own lock (CPython's Modules/_io/bufferedio.c,
``ENTER_BUFFERED``) across the raw read or write it makes. A simulated thread blocked in
``readline()`` waits there in virtual time, holding that lock. Another thread's ``close()`` of
the same file then waited for real on it, holding the baton, and the simulation stalled
(websockets' ``test_cli``, which the stall report named). Each call that takes the C lock now
takes a simulation lock first, so that thread waits in virtual time instead and gets the C lock
once the reader is done, as a real program's close does. The classes pass for ``io``'s: an
instance of ``io.BufferedReader`` is one, with the same name and module.

A read-write ``makefile("rwb")`` is an ``io.BufferedRWPair``: a C reader and a C writer inside
one object, each with its own lock, which the pair builds itself. One thread may read while
another writes, so its reading calls take one simulation lock and its writing calls another;
``close`` (the writer's, then the reader's) takes both, in that order.
"""

from __future__ import annotations

import io
import socket
import types
from collections.abc import Callable
from typing import Any

from .threads import SimRLock

__all__ = ["BufferedRWPair", "BufferedReader", "BufferedWriter", "makefile"]


def _guarded(cls: type, locking: dict[str, tuple[str, ...]]) -> type:
    """A subclass of ``cls`` whose calls hold ``SimRLock``s across the C locks they take:
    ``locking`` maps each method to the attributes naming its locks, taken in that order."""

    def guarded(name: str, locks: tuple[str, ...]) -> Callable[..., Any]:
        real = getattr(cls, name)
        if len(locks) == 1:
            (lock,) = locks

            def call(self: Any, *args: Any, **kwargs: Any) -> Any:
                with getattr(self, lock):
                    return real(self, *args, **kwargs)

        else:
            first, second = locks

            def call(self: Any, *args: Any, **kwargs: Any) -> Any:
                with getattr(self, first), getattr(self, second):
                    return real(self, *args, **kwargs)

        call.__name__, call.__qualname__ = name, f"{cls.__name__}.{name}"
        return call

    base_init: Callable[..., None] = cls.__init__  # type: ignore[misc]
    lock_names = {lock for locks in locking.values() for lock in locks}

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        base_init(self, *args, **kwargs)
        for lock in lock_names:
            setattr(self, lock, SimRLock())

    namespace: dict[str, Any] = {name: guarded(name, locks) for name, locks in locking.items()}
    namespace.update(__init__=__init__, __module__=cls.__module__, __qualname__=cls.__qualname__)
    return type(cls.__name__, (cls,), namespace)


# What takes the C object's lock (bufferedio.c, 3.9 to 3.13); iteration and readlines call readline.
_LOCK = ("_sim_lock",)
BufferedReader = _guarded(
    io.BufferedReader,
    dict.fromkeys(
        ("read", "read1", "readinto", "readinto1", "readline", "peek", "seek", "truncate", "flush", "close", "detach"),
        _LOCK,
    ),
)
BufferedWriter = _guarded(
    io.BufferedWriter, dict.fromkeys(("write", "seek", "truncate", "flush", "close", "detach"), _LOCK)
)
# The pair's calls go to its reader's or its writer's (bufferedrwpair_* in bufferedio.c); its
# readline is IOBase's, made of peek and read; close closes the writer, then the reader.
_READING, _WRITING = ("_sim_read_lock",), ("_sim_write_lock",)
BufferedRWPair = _guarded(
    io.BufferedRWPair,
    {
        **dict.fromkeys(("read", "read1", "readinto", "readinto1", "peek"), _READING),
        **dict.fromkeys(("write", "flush"), _WRITING),
        "close": _WRITING + _READING,
    },
)


def _with_guarded_io(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` (of the ``socket`` module) as it is, run with an ``io`` whose buffered
    reader and writer are the guarded ones: CPython's own code for this Python version."""
    shim = types.ModuleType("io")
    shim.__dict__.update(vars(io))
    shim.BufferedReader = BufferedReader  # type: ignore[attr-defined]
    shim.BufferedWriter = BufferedWriter  # type: ignore[attr-defined]
    shim.BufferedRWPair = BufferedRWPair  # type: ignore[attr-defined]
    code: Any = function.__code__
    made = types.FunctionType(code, {**function.__globals__, "io": shim}, function.__name__, function.__defaults__)
    made.__kwdefaults__ = function.__kwdefaults__
    made.__qualname__, made.__doc__ = function.__qualname__, function.__doc__
    return made


makefile = _with_guarded_io(socket.socket.makefile)
