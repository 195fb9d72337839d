"""Run a tutorial's program, unmodified, as a thread, and keep what it prints.

Owns: the two changes the acceptance allows and nothing else. ``bound_loops`` turns each
``while True:`` of the extracted source into ``for _ in range(n):`` (counts stated per
program, in source order), and ``run_pair`` runs each program in its own thread with a
namespace whose ``input`` returns scripted lines and whose ``print`` writes to that program's
transcript; as a process's exit would, a program's end waits for the non-daemon threads it
started before its names are dropped. The same code runs inside
``sockbehave.sim.patched(profile)`` (virtual time) and on the real stack (inside
``unshare -n``; see ``real_child.py``), so the transcripts compare.
"""

from __future__ import annotations

import ast
import contextlib
import errno
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

#: Ephemeral ports and descriptor numbers differ run to run; the transcript hides them.
_EPHEMERAL = re.compile(r"\b(?:3[2-9]\d{3}|[4-6]\d{4})\b")
_FD = re.compile(r"fd=\d+")
_FENCE = re.compile(r"```([^\n]*)\n(.*?)```", re.S)


def normalise(line: str) -> str:
    return _FD.sub("fd=N", _EPHEMERAL.sub("<ephemeral>", line))


def bound_loops(source: str, counts: tuple[int, ...]) -> Any:
    """Compile ``source`` with its ``while True:`` loops (in source order) bounded by ``counts``."""
    tree = ast.parse(source)
    loops = sorted(
        (node for node in ast.walk(tree) if isinstance(node, ast.While) and _is_true(node.test)),
        key=lambda node: (node.lineno, node.col_offset),
    )
    if len(loops) != len(counts):
        raise ValueError(f"the program has {len(loops)} `while True:` loops, the table gives {len(counts)} bounds")
    replacements = {id(loop): count for loop, count in zip(loops, counts)}

    class Bound(ast.NodeTransformer):
        def visit_While(self, node: ast.While) -> ast.AST:
            self.generic_visit(node)
            if id(node) not in replacements:
                return node
            loop = ast.For(
                target=ast.Name(id="_sockbehave_turn", ctx=ast.Store()),
                iter=ast.Call(ast.Name(id="range", ctx=ast.Load()), [ast.Constant(replacements[id(node)])], []),
                body=node.body,
                orelse=node.orelse,
                type_comment=None,
            )
            return ast.copy_location(loop, node)

    return compile(ast.fix_missing_locations(Bound().visit(tree)), "<tutorial>", "exec")


def _is_true(test: ast.expr) -> bool:
    return isinstance(test, ast.Constant) and test.value is True


@dataclass
class Program:
    """One extracted program with its allowed changes: scripted input lines and loop bounds."""

    source: str
    loops: tuple[int, ...] = ()
    inputs: tuple[str, ...] = ()
    #: a name the program binds to a ``socketserver`` server: stopped (``shutdown()``, as Ctrl+C
    #: would end ``serve_forever``) once the clients are done
    stop: Optional[str] = None
    transcript: list[str] = field(default_factory=list)
    namespace: dict[str, Any] = field(default_factory=dict)

    def run(self) -> None:
        lines = list(self.inputs)

        def scripted_input(prompt: object = "") -> str:
            if not lines:
                raise EOFError("the scripted input ran out")  # as input() at the end of stdin
            return lines.pop(0)

        def captured_print(*args: object, sep: Optional[str] = " ", end: Optional[str] = "\n", **_: object) -> None:
            self.transcript.append(normalise((" " if sep is None else sep).join(map(str, args))))

        namespace = self.namespace
        namespace.update({"__name__": "__main__", "input": scripted_input, "print": captured_print})
        try:
            exec(bound_loops(self.source, self.loops), namespace)  # the tutorial's own code, bounded
        except Exception as exc:  # what the program would show on its terminal
            code = getattr(exc, "errno", None)  # by name, as this OS's errno module names it
            self.transcript.append(
                f"raised {type(exc).__name__}" + (f"({errno.errorcode.get(code, code)})" if code else "")
            )
        finally:
            self.wait_for_its_threads()  # as at interpreter exit: non-daemon threads first,
            namespace.clear()  # then whatever it left open is collected

    def wait_for_its_threads(self, wall: float = 20.0) -> None:
        """Join every non-daemon thread this program started (a ``ThreadingUDPServer``'s handler
        may still be printing after its client has the reply), as the interpreter does at exit."""
        me = threading.current_thread()
        while True:
            mine = [t for t in threading.enumerate() if t is not me and not t.daemon and _owner(t) is self]
            if not mine:
                return
            for thread in mine:
                thread.join(wall)
                if thread.is_alive():
                    self.transcript.append(f"its thread {thread.name} still runs after {wall} s")
                    return


_OWNER = "_sockbehave_seed_program"


def _owner(thread: threading.Thread) -> Optional[Program]:
    owner: Optional[Program] = thread.__dict__.get(_OWNER)
    return owner


@contextlib.contextmanager
def _owned_threads() -> Iterator[None]:
    """Record, on each thread a program starts, which program started it (the thread that runs a
    program is marked by ``run_pair``; a thread started by a marked thread inherits its mark)."""
    start = threading.Thread.start

    def marked_start(self: threading.Thread) -> None:
        self.__dict__.setdefault(_OWNER, _owner(threading.current_thread()))
        start(self)

    threading.Thread.start = marked_start  # type: ignore[method-assign]
    try:
        yield
    finally:
        threading.Thread.start = start  # type: ignore[method-assign]


def run_pair(
    server: Optional[Program],
    clients: list[Program],
    ready: Callable[[], None],
    *,
    together: bool = False,
    wall: float = 20.0,
) -> None:
    """Start ``server``, wait with ``ready`` (virtual time under the simulator, a bounded poll of
    the kernel's tables on the real stack), run the clients one after another (or all at once
    with ``together``), then wait for the server to finish its bounded loops."""
    threads: list[threading.Thread] = []
    started = []
    with _owned_threads():
        if server is not None:
            threads.append(_program_thread(server, "server"))
            ready()
        for i, client in enumerate(clients):
            started.append(_program_thread(client, f"client-{i}"))
            if not together:
                started[-1].join(wall)
        for thread in started:
            thread.join(wall)
        if server is not None and server.stop is not None and server.stop in server.namespace:
            server.namespace[server.stop].shutdown()
        for thread in threads:
            thread.join(wall)
    for thread, program in zip(started + threads, clients + ([server] if server else [])):
        if thread.is_alive():
            program.transcript.append(f"still blocked after {wall} s")


def _program_thread(program: Program, name: str) -> threading.Thread:
    thread = threading.Thread(target=program.run, name=name)
    thread.__dict__[_OWNER] = program
    thread.start()
    return thread


def run_phases(
    phases: list[tuple[Optional[Program], list[Program]]], ready: Callable[[], None], *, together: bool = False
) -> list[list[str]]:
    """Run each phase with ``run_pair`` (a restart is two phases); every program's transcript,
    phase by phase, server first."""
    transcripts: list[list[str]] = []
    for server, clients in phases:
        run_pair(server, clients, ready, together=together)
        transcripts += ([server.transcript] if server else []) + [c.transcript for c in clients]
    return transcripts


def read_seeds(folder: Path) -> dict[str, str]:
    """Every fenced ``python`` block of every seed file, as ``"000:3"`` (file prefix, block
    index); a block holding two programs under ``## `` headings also gives ``"002:2/0"``,
    ``"002:2/1"``."""
    blocks: dict[str, str] = {}
    for path in sorted(folder.glob("*.txt")):
        prefix = path.name.split("_", 1)[0]
        for index, (lang, body) in enumerate(_FENCE.findall(path.read_text(encoding="utf-8"))):
            if lang.strip() != "python":
                continue
            blocks[f"{prefix}:{index}"] = body
            parts = re.split(r"(?m)^## .*$", body)
            if len(parts) > 2:
                for part, text in enumerate(p for p in parts if p.strip()):
                    blocks[f"{prefix}:{index}/{part}"] = text
    return blocks


def sim_ready() -> None:
    """Under the simulator: let the server run until it blocks (virtual time, deterministic)."""
    time.sleep(0.01)
