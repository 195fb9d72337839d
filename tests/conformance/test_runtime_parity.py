"""The runtime conformance programs (threading, queue, concurrent.futures, select, selectors)
give identical transcripts on the real stack and on sim(linux), through check_runtime."""

from __future__ import annotations

import select

import pytest

from sockbehave.platform_info import current_os
from sockbehave.sim import patched
from sockbehave.testing import RUNTIME_PROGRAMS, check_runtime


@pytest.mark.skipif(current_os() != "linux", reason="the transcripts are Linux's")
@pytest.mark.parametrize("program", RUNTIME_PROGRAMS)
def test_the_real_stack_gives_linux_transcripts(program: str) -> None:
    check_runtime(programs=[program])


@pytest.mark.parametrize("program", RUNTIME_PROGRAMS)
def test_sim_linux_gives_the_same_transcripts(program: str) -> None:
    if program == "poll-events" and not hasattr(select, "POLLRDHUP"):
        pytest.skip("the transcript names Linux's POLLRDHUP, which this host's select module lacks")
    check_runtime(lambda: patched("linux"), programs=[program])


class _BrokenSelect:
    """A "stack" whose select() is wrong: it always reports nothing ready."""

    def __enter__(self) -> None:
        self._real = select.select
        select.select = lambda r, w, x, t=None: ([], [], [])

    def __exit__(self, *exc: object) -> None:
        select.select = self._real


def test_the_kit_names_a_program_that_differs() -> None:
    with pytest.raises(AssertionError, match=r"1 runtime program\(s\) differ from Linux:\nselect-readiness: expected"):
        check_runtime(_BrokenSelect, programs=["select-readiness"])
