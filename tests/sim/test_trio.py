"""trio on the simulator: a trio program run by ``sockbehave simulate`` gives the real stack's
transcript on the linux profile, the same way every run.

trio must be imported inside the simulation: at import it takes the C socket methods
(``socket.socket.send`` of the class it sees) and picks its I/O manager by ``sys.platform``,
so a trio imported outside would call the C methods on simulated sockets. ``sockbehave
simulate`` imports it inside, in a fresh process here (pytest's anyio plugin may have
imported trio in this one)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sockbehave.sim import patched

pytest.importorskip("trio")

PROGRAM = Path(__file__).parent / "data" / "trio_program.py"
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="compared with this machine's real Linux")


def _run(*argv: str, show_elapsed: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SHOW_ELAPSED"}
    if show_elapsed:
        env["SHOW_ELAPSED"] = "1"
    return subprocess.run([sys.executable, *argv], capture_output=True, text=True, timeout=120, env=env, check=False)


def test_a_trio_imported_outside_the_simulation_is_refused_by_name() -> None:
    """Imported here, before the block, trio holds the C socket methods: on a simulated socket
    they would fail with EBADF and trio would call the socket closed (a wrong answer)."""
    import trio

    async def main() -> None:
        await trio.sleep(1)

    with patched("linux"), pytest.raises(NotImplementedError, match="trio imported outside the simulation"):
        trio.run(main)


def test_a_trio_program_gives_the_real_transcript_on_linux_every_run() -> None:
    real = _run(str(PROGRAM))
    assert real.returncode == 0, real.stderr
    first, second = (
        _run("-m", "sockbehave", "simulate", "--os", "linux", str(PROGRAM), show_elapsed=True) for _ in range(2)
    )
    assert first.returncode == 0, first.stderr
    assert "every program finished" in first.stderr  # nothing noted as not modelled
    lines = first.stdout.splitlines()
    assert lines[:-1] == real.stdout.splitlines()
    # trio's clock is virtual: 0.2 + 0.1 + 0.1 + 3 x 0.1 s, and a microsecond for each clock read
    assert lines[-1].startswith("elapsed: ") and 0.7 <= float(lines[-1].split()[1]) < 0.701
    assert second.stdout == first.stdout
