"""Verdicts: match, mismatch, new (unknown or missing cell), error, and not-reached steps."""

from __future__ import annotations

from sockbehave.tables import Cell
from sockbehave.verdict import Observation, describe, judge

KNOWN = Cell(("0",), "observed", "here")
UNKNOWN = Cell(("unknown",), "unknown")
TABLE = {
    "s": {"a": {"linux": KNOWN}, "b": {"linux": UNKNOWN}, "c": {"linux": Cell(("not-reached",), "documented", "d")}},
    "t": {"a": {"linux": KNOWN}},
}


def test_match_mismatch_and_new() -> None:
    results = judge(
        [Observation("s", "a", "0"), Observation("s", "b", "1"), Observation("s", "z", "1")], TABLE, "linux"
    )
    by_step = {r.step: r.verdict for r in results}
    assert by_step == {"a": "match", "b": "new", "z": "new", "c": "match"}


def test_a_step_the_run_never_reached_is_observed_as_not_reached() -> None:
    results = judge([Observation("t", "x", "1")], {"t": {"a": {"linux": KNOWN}, "x": {"linux": UNKNOWN}}}, "linux")
    missing = next(r for r in results if r.step == "a")
    assert missing.observed == "not-reached"
    assert missing.verdict == "mismatch"


def test_a_scenario_error_is_failing_and_hides_unreached_steps() -> None:
    results = judge([Observation("t", "-", "error", {"error": "boom"})], TABLE, "linux")
    assert [(r.step, r.verdict) for r in results] == [("-", "error")]
    assert results[0].failing


def test_description_names_scenario_step_os_expected_observed_and_evidence() -> None:
    [result] = judge([Observation("t", "a", "1", {"errno": 9})], TABLE, "linux")
    text = describe(result, "linux")
    for part in ("t", "'a'", "linux", "expected 0", "observed: here", "observed 1", "errno=9"):
        assert part in text


GAP = Cell(("b''",), "documented", "docs", sim_gap="the simulator does not model X yet")


def test_a_marked_gap_is_known_gap_while_the_simulator_still_differs() -> None:
    [result] = judge([Observation("g", "a", "timeout")], {"g": {"a": {"windows": GAP}}}, "windows", simulated=True)
    assert result.verdict == "known-gap"
    assert not result.failing


def test_a_stale_gap_mark_fails_as_soon_as_the_simulator_agrees() -> None:
    [result] = judge([Observation("g", "a", "b''")], {"g": {"a": {"windows": GAP}}}, "windows", simulated=True)
    assert result.verdict == "mismatch"
    assert "remove sim_gap" in result.detail["stale_sim_gap"]


def test_gap_marks_do_not_apply_to_real_runs() -> None:
    [result] = judge([Observation("g", "a", "timeout")], {"g": {"a": {"windows": GAP}}}, "windows")
    assert result.verdict == "mismatch"


def test_steps_after_one_the_simulator_does_not_model_are_a_known_gap_not_a_contradiction() -> None:
    table = {"g": {"a": {"windows": KNOWN}, "b": {"windows": KNOWN}}}
    results = judge([Observation("g", "a", "NotModelled")], table, "windows", simulated=True)
    by_step = {r.step: (r.observed, r.verdict) for r in results}
    assert by_step == {"a": ("NotModelled", "mismatch"), "b": ("not-reached", "known-gap")}
    real = judge([Observation("g", "a", "NotImplementedError")], table, "windows")  # a real run: no excuse
    assert {r.step: r.verdict for r in real} == {"a": "mismatch", "b": "mismatch"}
