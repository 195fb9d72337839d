"""Finds the four tutorials (the seeds) and parses their code blocks.

The seeds are not part of the repository (their text and code are not ours to copy): they
live in ``shared/seeds`` beside the clone (CI) or beside any parent folder of it (a worktree),
or wherever ``SOCKBEHAVE_SEEDS=DIR`` says. Without them the tests skip, unless
``SOCKBEHAVE_REQUIRE_SEEDS=1`` (``.ci/run``), where that is a failure.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # harness.py, for the tests and the netns child

from harness import read_seeds

REPO = Path(__file__).resolve().parents[2]


def seeds_folder() -> Optional[Path]:
    named = os.environ.get("SOCKBEHAVE_SEEDS")
    if named:
        return Path(named)
    for parent in REPO.parents:
        candidate = parent / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return None


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    """``{"000:3": source, ...}``: every python block of every seed file."""
    folder = seeds_folder()
    if folder is None or not any(folder.glob("*.txt")):
        message = f"the tutorials (seeds) are not there: {folder or 'no shared/seeds beside the repository'}"
        if os.environ.get("SOCKBEHAVE_REQUIRE_SEEDS") == "1":
            pytest.fail(message + " (SOCKBEHAVE_REQUIRE_SEEDS=1)")
        pytest.skip(message + "; set SOCKBEHAVE_SEEDS=DIR")
    return read_seeds(folder)
