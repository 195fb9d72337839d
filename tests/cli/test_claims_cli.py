"""``sockbehave claims``: the page on standard output, JSON, Chinese, variant reports, and one-line
errors for a bad flag, a malformed claims file or an output that cannot be written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest

from sockbehave.report import Report, build_report, report_to_json
from sockbehave.verdict import Result

CLI = Callable[..., tuple[int, str, str]]  # the ``cli`` fixture (tests/conftest.py)


def test_claims_to_standard_output_is_the_markdown_page(cli: CLI) -> None:
    code, out, err = cli("claims", "-o", "-")
    assert code == 0, err
    assert out.startswith("# Tutorial claims")
    assert "### `udp-1472-bytes-is-the-limit`" in out
    assert "| linux | ❌ false | observed |" in out  # 1473 bytes go through on Linux


def test_claims_json_gives_every_claim_with_verdicts(cli: CLI) -> None:
    code, out, _ = cli("claims", "--json")
    assert code == 0
    data = json.loads(out)
    claims = {c["id"]: c for c in data["claims"]}
    windows = next(v for v in claims["udp-small-buffer-errors-on-windows"]["verdicts"] if v["column"] == "windows")
    assert (windows["verdict"], windows["evidence"]) == ("true", "documented")
    assert [v["column"] for v in claims["udp-small-buffer-errors-on-windows"]["verdicts"]] == ["windows"]
    assert all(c["en"] and c["zh"] for c in data["claims"])


def test_claims_in_chinese(cli: CLI) -> None:
    code, out, _ = cli("claims", "--lang", "zh")
    assert code == 0
    assert out.startswith("# 教程中的说法") and "❌ 不成立" in out and "English: [claims.md]" in out


def test_a_bad_flag_is_a_usage_error(cli: CLI, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli("claims", "--lang", "fr")
    assert code == 2 and out == ""
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def test_a_malformed_claims_file_is_one_line_and_exit_2(cli: CLI, tmp_path: Path) -> None:
    bad = tmp_path / "claims.toml"
    bad.write_text('["some-claim"]\nen = "x"\n', encoding="utf-8")
    out_file = tmp_path / "claims.md"
    code, out, err = cli("claims", "--claims-file", str(bad), "-o", str(out_file))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"sockbehave: error: {bad}: claim some-claim: ")
    assert not out_file.exists() and list(tmp_path.iterdir()) == [bad]  # nothing half-written


def test_an_output_that_is_a_directory_is_one_line_and_exit_2(cli: CLI, tmp_path: Path) -> None:
    code, _, err = cli("claims", "-o", str(tmp_path))
    assert code == 2 and err.count("\n") == 1 and "is a directory" in err


def test_variant_reports_add_columns_and_other_json_is_skipped(cli: CLI, tmp_path: Path) -> None:
    results = [Result("tcp.send-empty", "peer-recv", "b''", ("timeout",), "observed", "", "mismatch", {})]
    platform = {
        "os": "linux",
        "system": "Linux",
        "release": "4.4.0",
        "machine": "x86_64",
        "python": "3.11",
        "sysctls": {},
    }
    report = build_report(
        results, catalog_version="0" * 16, os_name="linux", backend="real", platform=platform, variant="linux+gvisor"
    )
    (tmp_path / "linux+gvisor-real.json").write_text(json.dumps(report_to_json(report)), encoding="utf-8")
    (tmp_path / "matrix.json").write_text("{}", encoding="utf-8")
    out_file = tmp_path / "claims.md"
    code, out, err = cli("claims", str(tmp_path), "-o", str(out_file))
    assert out.startswith(str(out_file)) and out.endswith(" claims\n")
    assert code == 0, err
    assert "skipped" in err and "matrix.json" in err
    page = out_file.read_text(encoding="utf-8")
    assert "Variant reports: `linux+gvisor-real.json`" in page
    # the (made-up) gVisor run saw b'' after an empty send: the claim that the peer reads b'' holds there
    section = page.split("### `tcp-send-empty-peer-reads-empty`")[1].split("###")[0]
    assert "| linux+gvisor | ✅ true | observed |" in section


def test_a_pending_scenario_that_now_exists_is_an_error(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "claims.toml"
    claim = (
        '["empty-send-claim"]\nen = "e"\nzh = "中"\nnote = "n"\nnote_zh = "说明"\nholds = []\n'
        'seen_in = [{ seed = "000_e9471c8571714a48.txt", where = "w" }]\n'
    )
    path.write_text(claim + 'pending = ["tcp.not-yet"]\n', encoding="utf-8")
    code, out, err = cli("claims", "--claims-file", str(path))
    assert code == 0 and "`tcp.not-yet`" in out  # still being written: shown as pending
    path.write_text(claim + 'pending = ["tcp.send-empty", "tcp.not-yet"]\n', encoding="utf-8")
    code, out, err = cli("claims", "--claims-file", str(path))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert str(path) in err and "pending scenario tcp.send-empty is in the catalog now" in err


def test_an_output_named_json_gets_json(cli: CLI, tmp_path: Path) -> None:
    out_file = tmp_path / "claims.json"
    code, _, err = cli("claims", "-o", str(out_file))
    assert code == 0, err
    data = json.loads(out_file.read_text(encoding="ascii"))  # ASCII: Chinese is escaped, never raw
    assert len(data["claims"]) > 40


REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def fake_regenerate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``regenerate`` without running anything: the committed reports stand for its runs, and a
    copy of the repository's layout in ``tmp_path`` (scenarios/ linked, docs/ with old claims
    pages) stands for the checkout. Returns that copy."""
    from sockbehave import catalog, cli, session
    from sockbehave.report import load_report

    (tmp_path / "scenarios").symlink_to(REPO / "scenarios")
    (tmp_path / "docs").mkdir()
    for name in ("claims.md", "claims.zh.md"):
        (tmp_path / "docs" / name).write_text("old\n", encoding="utf-8")
    committed = REPO / "reports"

    def run_catalog(cat: object, scenarios: object, backend: str, os_name: str = "linux", jobs: int = 1) -> Report:
        return load_report(committed / f"{os_name}-{backend}.json")

    def variants(*_: object) -> list[tuple[str, Report, str]]:
        found = sorted(committed.glob("linux+*-real.json"))
        return [(p.name, load_report(p), p.read_text(encoding="utf-8")) for p in found]

    monkeypatch.setattr(catalog, "default_root", lambda: tmp_path / "scenarios")
    monkeypatch.setattr(session, "run_catalog", run_catalog)
    monkeypatch.setattr(cli, "_regenerate_variants", variants)
    return tmp_path


def test_regenerate_rewrites_the_repositorys_claims_pages_with_its_reports(cli: CLI, fake_regenerate: Path) -> None:
    out_dir = fake_regenerate / "reports"
    out_dir.mkdir()
    code, out, err = cli("regenerate", "--out", str(out_dir))
    assert code in (0, 1), err  # 1: the committed reports may differ from today's catalog
    assert "docs/claims.md and " in out and "docs/claims.zh.md\n" in out
    for lang, name in (("en", "claims.md"), ("zh", "claims.zh.md")):
        written = (fake_regenerate / "docs" / name).read_text(encoding="utf-8")
        fresh = cli("claims", str(out_dir), "--lang", lang)[1]  # what the staleness test compares
        assert written == fresh and "linux+gvisor-real.json" in written


def test_regenerate_leaves_claims_pages_alone_for_an_out_elsewhere_or_a_missing_page(
    cli: CLI, fake_regenerate: Path
) -> None:
    elsewhere = fake_regenerate / "mine"
    elsewhere.mkdir()
    code, out, err = cli("regenerate", "--out", str(elsewhere))
    assert code in (0, 1), err
    assert "claims.md" not in out
    assert (fake_regenerate / "docs" / "claims.md").read_text(encoding="utf-8") == "old\n"
    (fake_regenerate / "docs" / "claims.zh.md").unlink()  # only the pages that exist are rewritten
    (fake_regenerate / "reports").mkdir()
    code, out, err = cli("regenerate", "--out", str(fake_regenerate / "reports"))
    assert code in (0, 1), err
    assert not (fake_regenerate / "docs" / "claims.zh.md").exists()
    assert (fake_regenerate / "docs" / "claims.md").read_text(encoding="utf-8") != "old\n"


def test_regenerate_writes_the_claims_pages_with_the_reports_or_nothing(
    cli: CLI, fake_regenerate: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sockbehave import files

    out_dir = fake_regenerate / "reports"
    out_dir.mkdir()
    real_write = files._write_temp

    def zh_page_fails(path: Path, text: str, made: list[str]) -> str:
        if path.name == "claims.zh.md":
            raise OSError(28, "No space left on device")
        return real_write(path, text, made)

    monkeypatch.setattr(files, "_write_temp", zh_page_fails)
    code, _, err = cli("regenerate", "--out", str(out_dir))
    assert code == 2 and "claims.zh.md: cannot write: No space left on device" in err and err.count("\n") == 1
    assert list(out_dir.iterdir()) == []
    assert (fake_regenerate / "docs" / "claims.md").read_text(encoding="utf-8") == "old\n"
