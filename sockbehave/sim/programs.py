"""Whole Python programs on one simulated host: what ``sockbehave simulate`` runs.

Owns: running script files unmodified, together on one simulated host of a chosen OS inside
``patched()``, each as if it were its own process: its own globals (``__name__`` is
``"__main__"``), its own ``print`` (each line tagged with the program's name when there are
several), its ``input()`` lines from a file, the order and virtual-time gap in which the
programs start, and how the run ends:

- ``DONE``: every program and every non-daemon thread it started finished (as at
  interpreter exit; daemon threads are dropped with the simulation);
- ``RAISED``: a program's main code raised (its traceback is printed, as Python would; a
  thread that raises prints ``Exception in thread NAME:`` and its traceback to the program's
  error output, as the interpreter's own ``threading.excepthook`` does, and the run goes on);
- ``WAITING``: every thread is left waiting for something that can never happen, or is still
  waiting at the virtual time limit: the real programs would hang there (a server waiting for
  its next client ends this way);
- ``NOT_MODELLED``: the simulator met something it does not model (``NotImplementedError``),
  even if a program caught it: what was shown is then not what that OS would do.

The programs share one interpreter, so what is process-wide stays shared: ``sys.argv`` is the
first program's, ``sys.path`` starts with every program's folder, and only a program's own
module sees its ``print`` and ``input`` (a module it imports prints untagged). Reading the
terminal is not modelled (it would stop virtual time): ``input()`` takes its lines from the
program's ``--input`` file, echoed as a terminal shows them, and raises ``EOFError`` at the
end, as at the end of a real standard input.
"""

from __future__ import annotations

import builtins
import os
import sys
import threading
import tokenize
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import CodeType
from typing import Any, Optional, TextIO

from ..errors import InputError
from .clock import SimAborted, SimDeadlock, current_task
from .kernel import NotModelled
from .patching import patched
from .trace import Trace

__all__ = ["DONE", "NOT_MODELLED", "RAISED", "WAITING", "Ending", "Program", "load", "program_names", "run", "worst"]

#: How a run ends (also ``sockbehave simulate``'s exit status).
DONE, RAISED, WAITING, NOT_MODELLED = 0, 1, 3, 4

#: This package's folder: its frames that start a simulated thread are left out of tracebacks.
_SIM_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep

#: The largest program file read, and the largest ``--input`` file: a guard, not a model.
MAX_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Program:
    """A program file, compiled, with the lines its ``input()`` returns (``None``: none given)."""

    path: Path
    name: str
    code: CodeType
    inputs: Optional[tuple[str, ...]] = None


@dataclass(frozen=True)
class Ending:
    """How a run ended: ``status`` (``DONE``, ``RAISED``, ``WAITING``, ``NOT_MODELLED``), the
    virtual time, what to tell the user about it (empty when every program finished), and the
    segments the programs exchanged when ``run`` was asked for them."""

    status: int
    clock: float
    message: str
    trace: Optional[Trace] = None


def _read_text(path: Path, what: str) -> str:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(f"{path}: {what} larger than {MAX_BYTES // (1024 * 1024)} MiB")
        with tokenize.open(path) if what == "program" else path.open(encoding="utf-8") as f:
            return f.read()
    except (OSError, UnicodeDecodeError, SyntaxError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"{path}: cannot read the {what}: {reason}") from None


def load(path: Path, name: str, input_file: Optional[Path] = None) -> Program:
    """``path`` compiled as a program called ``name``; ``InputError`` (one line) for a file
    that cannot be read or compiled."""
    source = _read_text(path, "program")
    try:
        code = compile(source, str(path), "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        where = f":{exc.lineno}" if isinstance(exc, SyntaxError) and exc.lineno else ""
        detail = exc.msg if isinstance(exc, SyntaxError) else str(exc)
        raise InputError(f"{path}{where}: not a Python program: {detail}") from None
    inputs = None if input_file is None else tuple(_read_text(input_file, "input").splitlines())
    return Program(path, name, code, inputs)


class _Output:
    """One program's ``print`` and ``input``: lines tagged with its name when several run."""

    def __init__(self, program: Program, tag: bool, out: TextIO, err: TextIO) -> None:
        self.program = program
        self._prefix = f"{program.name} | " if tag else ""
        self.out, self.err = out, err
        self._lines = list(program.inputs or ())

    def write_lines(self, text: str, stream: TextIO) -> None:
        """``text`` as whole lines (a ``print(..., end="")`` ends its line too), tagged."""
        for line in text.splitlines() or [""]:
            stream.write(f"{self._prefix}{line}\n")
        stream.flush()

    def print(
        self, *args: object, sep: Optional[str] = " ", end: Optional[str] = "\n", file: Any = None, flush: bool = False
    ) -> None:
        if file is not None and file not in (sys.stdout, sys.stderr):
            builtins.print(*args, sep=sep, end=end, file=file, flush=flush)  # a file of its own
            return
        text = (" " if sep is None else sep).join(map(str, args)) + ("\n" if end is None else end)
        self.write_lines(text[:-1] if text.endswith("\n") else text, self.err if file is sys.stderr else self.out)

    def input(self, prompt: object = "") -> str:
        if self.program.inputs is None:
            raise NotModelled(
                f"input() in {self.program.name} without --input (reading the terminal would stop virtual time)"
            )
        if not self._lines:
            raise EOFError("EOF when reading a line")  # as input() at the end of a real standard input
        line = self._lines.pop(0)
        self.write_lines(f"{prompt}{line}", self.out)  # as a terminal shows the prompt and the typed line
        return line


def _thread_for(program: Program, out: _Output, failed: list[str]) -> threading.Thread:
    def main() -> None:
        namespace = {
            "__name__": "__main__",
            "__file__": str(program.path),
            "__builtins__": builtins,
            "print": out.print,
            "input": out.input,
        }
        try:
            exec(program.code, namespace)  # noqa: S102 - the user's own program, as `python FILE` runs it
        except SystemExit as exc:
            if exc.code not in (None, 0):
                failed.append(program.name)
                if not isinstance(exc.code, int):
                    out.write_lines(str(exc.code), out.err)
        except SimAborted:
            raise  # the simulation ended while this program still waited (``WAITING``)
        except BaseException as exc:  # what the program would show on its terminal
            failed.append(program.name)
            out.write_lines("".join(_program_traceback(exc, program)), out.err)

    return threading.Thread(target=main, name=program.name)


def _program_traceback(exc: BaseException, program: Program) -> list[str]:
    """The traceback Python prints for ``python FILE``: from the program's own frames on,
    without this module's ``print`` and ``input``, which are built-ins there."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != str(program.path):
        tb = tb.tb_next
    shown = traceback.TracebackException(type(exc), exc, tb or exc.__traceback__)
    shown.stack = traceback.StackSummary.from_list([f for f in shown.stack if f.filename != __file__])
    return list(shown.format())


def run(
    programs: Sequence[Program],
    os_name: str,
    *,
    gap: float = 0.1,
    seed: int = 0,
    platform: bool = False,
    trace: bool = False,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> Ending:
    """Start each program ``gap`` virtual seconds after the one before, on one simulated
    ``os_name`` host, and wait for them as an interpreter does at exit."""
    failed: list[str] = []
    folders = [str(p.path.resolve().parent) for p in programs]
    saved_argv, saved_path, saved_modules = sys.argv, sys.path[:], set(sys.modules)
    sys.argv = [str(programs[0].path)]
    sys.path[:0] = [f for i, f in enumerate(folders) if f not in folders[:i]]
    waiting = not_modelled = ""
    clock = 0.0
    recorded: Optional[Trace] = None
    outputs = [_Output(program, len(programs) > 1, out, err) for program in programs]
    host_hook = threading.excepthook
    threading.excepthook = _thread_errors(outputs, host_hook)
    try:
        with patched(os_name, seed=seed, platform=platform, trace=trace) as net:
            try:
                _start_and_wait(programs, outputs, net, gap, failed)
            except SimDeadlock as exc:
                waiting = str(exc)
            except NotImplementedError:  # the simulation was stopped as not modelled (a busy loop):
                pass  # the scheduler's not_modelled says why
            clock, recorded = net.clock(), net.trace
            not_modelled = net.scheduler.not_modelled
            # Every wait the programs are owed is done: leave through the error path, where the
            # simulation drops what still waits (daemon threads, as at interpreter exit).
            raise _Ended
    except _Ended:
        pass
    finally:
        threading.excepthook = host_hook  # as the programs' process ends, whatever they set
        sys.argv, sys.path[:] = saved_argv, saved_path
        _forget_their_modules(saved_modules, folders)
    return replace(_ending(failed, waiting, not_modelled, clock), trace=recorded)


def _forget_their_modules(before: set[str], folders: list[str]) -> None:
    """Drop the modules the programs imported from their own folders, as a process's end
    would: another run (another OS) imports them afresh, on its own simulated host."""
    for name in set(sys.modules) - before:
        file = getattr(sys.modules[name], "__file__", None) or ""
        if any(file.startswith(folder + os.sep) for folder in folders):
            del sys.modules[name]


class _Ended(Exception):
    """Ends the ``patched()`` block of a run: what still waits there is dropped, not reported."""


def _thread_errors(outputs: Sequence[_Output], host_hook: Any) -> Any:
    """A ``threading.excepthook`` that prints a simulated thread's error as the programs' own
    interpreter would, to the error output of the program whose code it ran (the first
    program's when no frame is theirs); a thread outside the simulation keeps ``host_hook``."""

    def hook(args: Any) -> None:
        if current_task() is None:
            host_hook(args)
            return
        if args.exc_type is SystemExit:
            return  # as CPython's hook: a thread that exits says nothing
        files = {frame.filename for frame in traceback.extract_tb(args.exc_traceback)}
        output = next((o for o in outputs if str(o.program.path) in files), outputs[0])
        name = args.thread.name if args.thread is not None else threading.get_ident()
        tb = args.exc_traceback
        while tb is not None and tb.tb_next is not None and tb.tb_frame.f_code.co_filename.startswith(_SIM_DIR):
            tb = tb.tb_next  # the simulator's own start of a thread, where CPython's is threading.py's
        shown = traceback.format_exception(args.exc_type, args.exc_value, tb)
        output.write_lines(f"Exception in thread {name}:\n" + "".join(shown), output.err)

    return hook


def _start_and_wait(
    programs: Sequence[Program], outputs: Sequence[_Output], net: Any, gap: float, failed: list[str]
) -> None:
    threads = []
    for i, (program, output) in enumerate(zip(programs, outputs)):
        if i:
            net.sleep(gap)
        threads.append(_thread_for(program, output, failed))
        threads[-1].start()
    for thread in threads:
        thread.join()
    me = threading.current_thread()
    while True:  # as at interpreter exit: every non-daemon thread the programs started
        left = [t for t in threading.enumerate() if t is not me and not t.daemon and t.is_alive()]
        if not left:
            return
        for thread in left:
            thread.join()


def _ending(failed: list[str], waiting: str, not_modelled: str, clock: float) -> Ending:
    """The status is the first that holds of not modelled, raised, waiting, done; the message
    says every one that holds."""
    parts = [f"{', '.join(failed)} raised an exception"] if failed else []
    if waiting:
        parts.append(f"the programs were left waiting for ever (the real ones would hang here): {waiting}")
    if not_modelled:
        parts.insert(0, f"the simulator met something it does not model: {not_modelled}")
    return Ending(
        worst([NOT_MODELLED] * bool(not_modelled) + [RAISED] * bool(failed) + [WAITING] * bool(waiting)),
        clock,
        "; ".join(parts),
    )


def worst(statuses: Sequence[int]) -> int:
    """The status that speaks for several: the first of not modelled, raised, waiting that any
    has, else done (one run's several endings, or several runs')."""
    return next((status for status in (NOT_MODELLED, RAISED, WAITING) if status in statuses), DONE)


def program_names(paths: Sequence[Path]) -> list[str]:
    """Each program's name in output: its file name, numbered from the second time it repeats."""
    names: list[str] = []
    for path in paths:
        base = path.name
        count = sum(1 for n in names if n == base or n.startswith(f"{base}#"))
        names.append(base if count == 0 else f"{base}#{count + 1}")
    return names
