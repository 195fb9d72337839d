"""A third-party project adopting sockbehave (issue 9): its own threaded tests with
``sim_patched`` and the ``sockbehave_os`` marker, and its own scenario next to (or instead of)
the built-in catalog, green on all four simulated profiles. Run through pytester on a copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parent / "sample_project"


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    shutil.copytree(SAMPLE, pytester.path, dirs_exist_ok=True)
    return pytester


def test_own_tests_on_every_profile(project: pytest.Pytester) -> None:
    result = project.runpytest("-v")
    result.assert_outcomes(passed=9)  # round trip x 4 profiles, refused connect x 2, asyncio x 3
    result.stdout.fnmatch_lines(["*test_greeting_round_trip?windows? PASSED*"])


def test_own_scenario_on_the_simulated_profiles(project: pytest.Pytester) -> None:
    result = project.runpytest(
        "--sockbehave",
        "--sockbehave-catalog=scenarios",
        "--sockbehave-no-builtin",
        "--sockbehave-backend=sim",
        "-k",
        "greeter",
        "-v",
    )
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*sockbehave::greeter.greeting-then-close?freebsd? PASSED*"])


def test_own_scenario_next_to_the_builtin_catalog_here(project: pytest.Pytester) -> None:
    result = project.runpytest("--sockbehave", "--sockbehave-catalog=scenarios", "-k", "greeter or empty_send")
    result.assert_outcomes(passed=4)  # the user's scenario and the three built-in empty-send ones, on the real stack
