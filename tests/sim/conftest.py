"""Fixtures shared by the simulator's tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def quick_stall_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The simulation's stall checks at once: a thread that waits for real is reported as a
    stall in about 0.3 s of wall time, not 10 s."""
    from sockbehave.sim import clock

    monkeypatch.setattr(clock, "_RECHECK_S", 0.05)
    monkeypatch.setattr(clock, "_STUCK_S", 0.3)
