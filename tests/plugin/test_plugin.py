"""The pytest plugin, through pytester: off by default, one item per scenario, clear failures, xdist."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_off_by_default(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=1)


def test_items_are_named_by_scenario_id(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--sockbehave", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["sockbehave::udp.recv-buffer-smaller-than-datagram", "sockbehave::tcp.backlog-5"])


def test_the_ini_switch_and_the_off_flag(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nsockbehave = true\n")
    assert "sockbehave::tcp.send-empty" in pytester.runpytest("--collect-only", "-q").stdout.str()
    assert "sockbehave::" not in pytester.runpytest("--no-sockbehave", "--collect-only", "-q").stdout.str()


def test_a_subset_passes_on_this_machine(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--sockbehave", "-k", "empty_send", "-q")
    result.assert_outcomes(passed=3)


def test_a_mismatch_names_scenario_step_os_expected_observed_and_evidence(
    pytester: pytest.Pytester, make_catalog, tiny_table
) -> None:  # type: ignore[no-untyped-def]
    root = make_catalog(table_text=tiny_table(recv="b'nope'"))
    result = pytester.runpytest("--sockbehave", "--sockbehave-catalog", str(root), "--sockbehave-no-builtin", "-q")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*tcp.tiny-send step 'recv' on *: expected b'nope' (observed: test); observed b'abc'*"]
    )


def test_a_broken_catalog_is_a_usage_error(pytester: pytest.Pytester, make_catalog) -> None:  # type: ignore[no-untyped-def]
    root = make_catalog(table_text="[broken")
    result = pytester.runpytest("--sockbehave", "--sockbehave-catalog", str(root), "--sockbehave-no-builtin")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*sockbehave:*expected.toml: not valid TOML*"])


def test_works_under_xdist(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--sockbehave", "-n", "2", "-q", "-k", "partial_io or empty_send")
    result.assert_outcomes(passed=9)


def test_items_are_counted_and_selectable_by_node_id(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_mine(): pass")
    result = pytester.runpytest("--sockbehave", "--co", "-q")
    from sockbehave.catalog import load_catalog

    result.stdout.fnmatch_lines([f"{len(load_catalog().select(None)) + 1} tests collected*"])  # counted (not slow ones)
    result = pytester.runpytest("--sockbehave", "sockbehave::tcp.send-empty", "-v")
    result.assert_outcomes(passed=1)  # that one only: not test_mine, not the rest of the catalog
    result.stdout.fnmatch_lines(["sockbehave::tcp.send-empty PASSED*"])
    result = pytester.runpytest("--sockbehave", "sockbehave::no.such-thing")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*sockbehave: no such scenario: sockbehave::no.such-thing*"])
