"""``sockbehave.claims``: loading ``claims.toml`` (one-line errors naming the file and the claim)
and the verdict rules on a small synthetic catalog: true, false, partly, unknown, with the
evidence each verdict rests on; variants judged from real reports only."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

import pytest

from sockbehave.catalog import Catalog, load_catalog
from sockbehave.claims import judge_claims, load_claims
from sockbehave.errors import CatalogError
from sockbehave.report import Report, build_report
from sockbehave.verdict import Result

SEED = "000_e9471c8571714a48.txt"
DOC = "https://example.org/doc"
# tcp.tiny-send (tests/conftest.py) with cells chosen to exercise every rule:
#   send: linux 3 observed, darwin 3 documented, freebsd unknown, windows 3-or-0 inferred
#   recv: linux b'abc' observed, darwin b'' documented, freebsd and windows b'abc' inferred
TABLE = f"""
["tcp.tiny-send".send]
linux = {{ outcome = "3", evidence = "observed", source = "here" }}
darwin = {{ outcome = "3", evidence = "documented", source = "{DOC}" }}
freebsd = {{ outcome = "unknown", evidence = "unknown", note = "nobody ran it" }}
windows = {{ outcome = ["3", "0"], evidence = "inferred", source = "a guess from the docs" }}

["tcp.tiny-send".recv]
linux = {{ outcome = "b'abc'", evidence = "observed", source = "here" }}
darwin = {{ outcome = "b''", evidence = "documented", source = "{DOC}" }}
freebsd = {{ outcome = "b'abc'", evidence = "inferred", source = "a guess" }}
windows = {{ outcome = "b'abc'", evidence = "inferred", source = "a guess" }}
"""


def claim(cid: str, holds: str, extra: str = "") -> str:
    return textwrap.dedent(
        f"""
        ["{cid}"]
        en = "An English paraphrase."
        zh = "中文转述。"
        seen_in = [{{ seed = "{SEED}", where = "a section" }}]
        holds = [{holds}]
        """
    ) + textwrap.dedent(extra)


@pytest.fixture
def catalog(make_catalog: Callable[..., Path]) -> Catalog:
    return load_catalog(make_catalog(table_text=TABLE))


@pytest.fixture
def claims_file(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str) -> Path:
        path = tmp_path / "claims.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


SEND3 = '{ scenario = "tcp.tiny-send", step = "send", outcome = "3" }'
RECV_ABC = '{ scenario = "tcp.tiny-send", step = "recv", outcome = "b\'abc\'" }'


def verdicts(
    catalog: Catalog, path: Path, reports: list[tuple[str, Report]] | None = None
) -> dict[str, dict[str, tuple[str, str]]]:
    judged = judge_claims(load_claims(catalog, path), catalog, reports or [])
    return {c.id: {v.column: (v.verdict, v.evidence) for v in vs} for c, vs in judged}


def test_all_conditions_true_false_partly_unknown_with_their_evidence(
    catalog: Catalog, claims_file: Callable[[str], Path]
) -> None:
    got = verdicts(catalog, claims_file(claim("both", f"{SEND3}, {RECV_ABC}")))["both"]
    assert got["linux"] == ("true", "observed")
    assert got["darwin"] == ("partly", "documented")  # send holds, recv gives b''
    assert got["freebsd"] == ("unknown", "unknown")  # recv holds, but send's cell is unknown
    assert got["windows"] == ("partly", "inferred")  # send's cell lists 3 and 0


def test_a_failure_next_to_an_unknown_is_false_never_true(catalog: Catalog, claims_file: Callable[[str], Path]) -> None:
    recv_xyz = '{ scenario = "tcp.tiny-send", step = "recv", outcome = "b\'xyz\'" }'
    got = verdicts(catalog, claims_file(claim("half-wrong", f"{SEND3}, {recv_xyz}")))["half-wrong"]
    assert got["freebsd"] == ("false", "inferred")  # rests on the recv cell, not on the unknown one
    assert got["linux"] == ("partly", "observed")


def test_negate_may_any_and_wildcards(catalog: Catalog, claims_file: Callable[[str], Path]) -> None:
    text = claim("not-abc", '{ scenario = "tcp.tiny-send", step = "recv", outcome = "b\'abc\'", negate = true }')
    text += claim("may-zero", '{ scenario = "tcp.tiny-send", step = "send", outcome = "0", may = true }')
    text += claim("zero", '{ scenario = "tcp.tiny-send", step = "send", outcome = "0" }')
    text += claim(
        "any",
        '{ scenario = "tcp.tiny-send", step = "send", outcome = "0" }, '
        '{ scenario = "tcp.tiny-send", step = "recv", outcome = "b\'a*\'" }',
        'combine = "any"\n',
    )
    got = verdicts(catalog, claims_file(text))
    assert got["not-abc"]["linux"] == ("false", "observed") and got["not-abc"]["darwin"] == ("true", "documented")
    assert got["may-zero"]["windows"] == ("true", "inferred") and got["may-zero"]["linux"][0] == "false"
    assert got["zero"]["windows"] == ("partly", "inferred")
    assert got["any"]["linux"] == ("true", "observed")  # the wildcard b'a*' matches b'abc'
    assert got["any"]["darwin"] == ("false", "documented")
    assert got["any"]["freebsd"] == ("true", "inferred")


def test_about_limits_the_columns_and_variants_come_from_real_reports_only(
    catalog: Catalog, claims_file: Callable[[str], Path]
) -> None:
    text = claim("on-linux", RECV_ABC, 'about = ["linux"]\n')
    text += claim("on-a-sysctl", RECV_ABC, 'about = ["linux[net.ipv4.tcp_fin_timeout=30]"]\n')
    text += claim("everywhere", SEND3)
    results = [Result("tcp.tiny-send", "recv", "b'xyz'", None, "observed", "", "mismatch", {})]
    gvisor = _report(results, "linux+gvisor", "real")
    simulated = _report(results, "linux+gvisor", "sim")  # a simulated outcome is never evidence
    got = verdicts(catalog, claims_file(text), [("g.json", gvisor), ("s.json", simulated)])
    assert list(got["on-linux"]) == ["linux", "linux+gvisor"]
    assert got["on-linux"]["linux+gvisor"] == ("false", "observed")
    assert got["on-a-sysctl"] == {"linux[net.ipv4.tcp_fin_timeout=30]": ("unknown", "unknown")}
    # the gVisor report did not run the send step: unknown there, not linux's observed cell
    assert got["everywhere"]["linux+gvisor"] == ("unknown", "unknown")
    assert list(got["everywhere"]) == ["linux", "linux+gvisor", "darwin", "freebsd", "windows"]


def test_a_variant_run_on_other_scenarios_is_not_a_column_of_the_claim(
    catalog: Catalog, claims_file: Callable[[str], Path]
) -> None:
    text = claim("everywhere", SEND3) + claim("named", SEND3, 'about = ["linux[net.core.somaxconn=4]"]\n')
    elsewhere = [Result("tcp.other-topic", "step", "None", None, "observed", "", "new", {})]
    reports = [("s.json", _report(elsewhere, "linux[net.core.somaxconn=4]", "real"))]
    got = verdicts(catalog, claims_file(text), reports)
    assert list(got["everywhere"]) == ["linux", "darwin", "freebsd", "windows"]
    assert got["named"] == {"linux[net.core.somaxconn=4]": ("unknown", "unknown")}  # named: judged, not run


def test_a_claim_nothing_tests_is_unknown_everywhere(catalog: Catalog, claims_file: Callable[[str], Path]) -> None:
    text = claim("later", "", 'pending = ["tcp.not-written-yet"]\nnote = "being added"\nnote_zh = "正在添加"\n')
    got = verdicts(catalog, claims_file(text))["later"]
    assert set(got.values()) == {("unknown", "unknown")}


def _report(results: list[Result], variant: str, backend: str) -> Report:
    platform = {"os": "linux", "system": "Linux", "release": "4.4.0", "python": "3.11"}
    return build_report(
        results, catalog_version="0" * 16, os_name="linux", backend=backend, platform=platform, variant=variant
    )


BAD = [
    ("nope = [", "not valid TOML"),
    ("", "holds no claims"),
    (claim("bad-one", '{ scenario = "tcp.nope", step = "send", outcome = "3" }'), "no scenario 'tcp.nope'"),
    (claim("bad-one", '{ scenario = "tcp.tiny-send", step = "nope", outcome = "3" }'), "has no step 'nope'"),
    (claim("bad-one", '{ scenario = "tcp.tiny-send", step = "send" }'), "'outcome' must be"),
    (claim("bad-one", '{ scenario = "tcp.tiny-send", step = "send", outcome = "3", negate = "yes" }'), "'negate'"),
    (
        claim("bad-one", '{ scenario = "tcp.tiny-send", step = "send", outcome = "3", colour = 1 }'),
        "unknown key(s) colour",
    ),
    (claim("bad-one", SEND3).replace('zh = "中文转述。"', ""), "'zh' must be a non-empty string"),
    (claim("bad-one", SEND3).replace(SEED, "tutorial.txt"), "not a seed file name"),
    (claim("bad-one", SEND3, 'about = ["plan9"]\n'), "neither an OS nor a variant"),
    (claim("bad-one", SEND3, 'combine = "most"\n'), "'combine' must be"),
    (claim("bad-one", ""), "'note' must say what would"),
    (claim("bad-one", SEND3, 'note = "only in English"\n'), "'note' and 'note_zh'"),
    (claim("Bad Id", SEND3), "an id is"),
    (claim("bad-one", SEND3, "quote = 1\n"), "unknown key(s) quote"),
    (
        claim("bad-one", SEND3, 'pending = ["tcp.not-yet", "tcp.tiny-send"]\n'),
        "pending scenario tcp.tiny-send is in the catalog now",
    ),
]


@pytest.mark.parametrize(("text", "needle"), BAD, ids=[b[1] for b in BAD])
def test_a_malformed_claims_file_is_one_error_naming_file_and_claim(
    catalog: Catalog, claims_file: Callable[[str], Path], text: str, needle: str
) -> None:
    path = claims_file(text)
    with pytest.raises(CatalogError) as caught:
        load_claims(catalog, path)
    message = str(caught.value)
    assert message.startswith(str(path)) and needle in message and "\n" not in message
    if "[" in text and "nope = [" not in text and text:
        assert "claim " in message  # which entry is wrong


def test_the_shipped_claims_load_and_every_claim_has_both_languages() -> None:
    catalog = load_catalog()
    claims = load_claims(catalog)
    assert len(claims) >= 40
    for c in claims:
        assert c.en.isascii() and c.en.strip(), c.id
        assert any("\u4e00" <= ch <= "\u9fff" for ch in c.zh), c.id  # written in Chinese
        assert c.note.isascii() and bool(c.note) == any("\u4e00" <= ch <= "\u9fff" for ch in c.note_zh), c.id
    tested = [c for c in claims if c.holds]
    assert len(tested) >= 30
    assert {"tcp.send-empty", "udp.1472-is-not-a-limit", "tcp.backlog-5"} <= {s for c in tested for s in c.scenarios}
