"""The seed harness itself: what it waits for before it reads a transcript."""

from __future__ import annotations

import pytest
from harness import Program, run_pair

from sockbehave.sim import patched

#: A program whose last line of output comes from a thread it started and never joined, as a
#: ``ThreadingUDPServer``'s handler prints after its client already has the reply.
LATE = "import threading, time\nthreading.Thread(target=lambda: (time.sleep(0.3), print('late'))).start()\nprint('main done')\n"


def test_real_threads_a_program_started_are_waited_for_as_at_interpreter_exit() -> None:
    server = Program(LATE)
    run_pair(server, [], lambda: None)
    assert server.transcript == ["main done", "late"]


@pytest.mark.parametrize("profile", ["linux", "windows"])
def test_simulated_threads_a_program_started_are_waited_for(profile: str) -> None:
    server = Program(LATE)
    with patched(profile):
        run_pair(server, [], lambda: None)
    assert server.transcript == ["main done", "late"]
