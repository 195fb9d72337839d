"""The table loader: valid tables load, every kind of malformed table is named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from sockbehave.catalog import load_catalog
from sockbehave.errors import CatalogError
from sockbehave.tables import split_sources

CELL = '{{ outcome = "{o}", evidence = "observed", source = "test" }}'


def _one_step(**cells: str) -> str:
    lines = ['["tcp.tiny-send".send]']
    lines += [f"{os_name} = {cell}" for os_name, cell in cells.items()]
    return "\n".join(lines) + "\n"


def _all(cell: str) -> dict[str, str]:
    return {o: cell for o in ("linux", "darwin", "freebsd", "windows")}


def test_a_valid_catalog_loads(make_catalog) -> None:  # type: ignore[no-untyped-def]
    cat = load_catalog(make_catalog())
    assert [s.id for s in cat.scenarios] == ["tcp.tiny-send"]
    cell = cat.table["tcp.tiny-send"]["send"]["windows"]
    assert cell.outcomes == ("3",)
    assert cell.evidence == "observed"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not toml [", "not valid TOML"),
        (_one_step(**_all(CELL.format(o="3")), plan9=CELL.format(o="3")), "unknown OS name(s) plan9"),
        (_one_step(linux=CELL.format(o="3")), "missing OS darwin, freebsd, windows"),
        (_one_step(**_all('{ outcome = "3", evidence = "seen", source = "x" }')), "'evidence' must be one of"),
        (_one_step(**_all('{ outcome = "3", evidence = "documented" }')), "needs a 'source'"),
        (
            _one_step(**_all('{ outcome = "unknown", evidence = "documented", source = "x" }')),
            "outcome 'unknown' goes with",
        ),
        (_one_step(**_all('{ outcome = "3", evidence = "unknown" }')), "outcome 'unknown' goes with"),
        (_one_step(**_all('{ outcome = [], evidence = "observed", source = "x" }')), "non-empty list"),
        (_one_step(**_all('{ outcome = 3, evidence = "observed", source = "x" }')), "'outcome' must be a string"),
        (
            _one_step(**_all('{ outcome = "3", evidence = "observed", source = "x", colour = "red" }')),
            "unknown key(s) colour",
        ),
        (_one_step(**_all('"3"')), "expected a table with outcome"),
        ('["tcp.nonexistent".send]\nlinux = 1\n', "no scenario with this id"),
        ('"tcp.tiny-send" = 3\n', "expected one table per step"),
    ],
)
def test_malformed_tables_name_the_file_the_scenario_and_the_problem(make_catalog, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_catalog(table_text=text)
    with pytest.raises(CatalogError) as info:
        load_catalog(root)
    assert str(root / "partial-io" / "expected.toml") in str(info.value)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_a_scenario_without_a_table_entry_is_an_error(make_catalog) -> None:  # type: ignore[no-untyped-def]
    root = make_catalog(table_text="")
    with pytest.raises(CatalogError, match=r"no entry for scenario tcp\.tiny-send"):
        load_catalog(root)


def test_an_unknown_topic_folder_is_an_error(make_catalog) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CatalogError, match="unknown topic folder"):
        load_catalog(make_catalog(topic="sticky-packets"))


def test_a_broken_scenario_module_is_named(make_catalog) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CatalogError, match=r"tiny\.py: failed to import: ZeroDivisionError"):
        load_catalog(make_catalog(scenario_text="1 / 0\n"))


def test_a_scenario_without_docstring_is_rejected(make_catalog) -> None:  # type: ignore[no-untyped-def]
    text = (
        "from sockbehave.scenario import scenario\n"
        "@scenario(id='tcp.tiny-send', title='t', claim='c')\n"
        "def f(net, step):\n    pass\n"
    )
    with pytest.raises(CatalogError, match="needs a docstring"):
        load_catalog(make_catalog(scenario_text=text))


def test_a_range_of_outcomes_is_accepted(make_catalog, tiny_table) -> None:  # type: ignore[no-untyped-def]
    text = tiny_table().replace('outcome = "3"', 'outcome = ["3", "2"]')
    cat = load_catalog(make_catalog(table_text=text))
    assert cat.table["tcp.tiny-send"]["send"]["linux"].accepts("2")


def _darwin(cell: str, tiny_table) -> str:  # type: ignore[no-untyped-def]
    """The tiny table with darwin's send cell replaced by ``cell``."""
    return tiny_table().replace(
        'darwin = { outcome = "3", evidence = "observed", source = "test" }', f"darwin = {cell}", 1
    )


GOOD_SOURCES = [
    (
        "tested",
        "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:2345 (ok: recv after RST fails with WSAECONNRESET)",
    ),
    (
        "tested",
        "freebsd/freebsd-src@release/14.1.0 tests/sys/kern/socket_msg_trunc.c:80-95 (sz bytes received (of 9000))",
    ),
    (
        "tested",
        "apple-oss-distributions/xnu@e3723e1 tests/a.c:5 (x); python/cpython@v3.13.0 Lib/test/test_socket.py:9 (y)",
    ),
    ("documented", "https://man.freebsd.org/cgi/man.cgi?query=listen&sektion=2 (the queue; its length)"),
    ("documented", "FreeBSD 14.1 listen(2) section DESCRIPTION (backlog x 1.5)"),
    ("documented", "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_socket.c:1071-1075 (clamp)"),
    (
        "documented",
        "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_socket.c; FreeBSD 14.1 send(2) section ERRORS",
    ),
    ("inferred", "from FreeBSD 14.1 recv(2) section DESCRIPTION: the rest of the datagram is discarded"),
]


@pytest.mark.parametrize(("evidence", "source"), GOOD_SOURCES)
def test_well_formed_sources_are_accepted(make_catalog, tiny_table, evidence: str, source: str) -> None:  # type: ignore[no-untyped-def]
    cell = f'{{ outcome = "3", evidence = "{evidence}", source = "{source}" }}'
    cat = load_catalog(make_catalog(table_text=_darwin(cell, tiny_table)))
    assert cat.table["tcp.tiny-send"]["send"]["darwin"].evidence == evidence


BAD_SOURCES = [
    # tested: every part of the form, and a fixed version
    ("tested", "Wine's sock.c checks this", "is not 'OWNER/REPO@VERSION PATH:LINE (what the assertion checks)'"),
    ("tested", "wine-mirror/wine dlls/ws2_32/tests/sock.c:2345 (no version)", "is not 'OWNER/REPO@VERSION"),
    ("tested", "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c (no line)", "is not 'OWNER/REPO@VERSION"),
    ("tested", "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:2345", "is not 'OWNER/REPO@VERSION"),
    ("tested", "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:2345 ()", "is not 'OWNER/REPO@VERSION"),
    (
        "tested",
        "wine-mirror/wine@master dlls/ws2_32/tests/sock.c:2345 (ok)",
        "'master' of wine-mirror/wine is a branch",
    ),
    ("tested", "a/b@v1 t.c:1 (ok); see the mailing list", "'see the mailing list' is not"),
    # documented: a URL, a man page with its section, or a file at a version
    ("documented", "POSIX says so", "is not a URL, a man page reference"),
    ("documented", "FreeBSD listen(2)", "is not a URL, a man page reference"),
    ("documented", "FreeBSD 14.1 listen(2)", "is not a URL, a man page reference"),
    ("documented", "apple-oss-distributions/xnu bsd/kern/uipc_socket.c solisten", "is not a URL, a man page reference"),
    (
        "documented",
        "apple-oss-distributions/xnu@main bsd/kern/uipc_socket.c:10",
        "'main' of apple-oss-distributions/xnu",
    ),
    ("documented", "https://example.org/x; and more", "'and more' is not a URL"),
    # inferred: a source a reader can follow, never research notes
    ("inferred", "research notes: macOS answers at once", "cites research notes"),
    ("inferred", "BSD udp_ctlinput (Research Notes from xnu)", "cites research notes"),
    ("documented", "https://example.org/x (see research notes)", "cites research notes"),
    ("inferred", "a.c; ", "an empty source between '; '"),
]


@pytest.mark.parametrize(("evidence", "source", "message"), BAD_SOURCES)
def test_malformed_sources_are_one_line_errors_naming_file_scenario_step_and_os(  # type: ignore[no-untyped-def]
    make_catalog, tiny_table, evidence: str, source: str, message: str
) -> None:
    cell = f'{{ outcome = "3", evidence = "{evidence}", source = "{source}" }}'
    root: Path = make_catalog(table_text=_darwin(cell, tiny_table))
    with pytest.raises(CatalogError) as info:
        load_catalog(root)
    text = str(info.value)
    assert message in text
    assert f"{root / 'partial-io' / 'expected.toml'}: tcp.tiny-send step 'send' os 'darwin'" in text
    assert "\n" not in text


def test_an_unknown_cell_must_say_what_would_settle_it(make_catalog, tiny_table) -> None:  # type: ignore[no-untyped-def]
    bare = '{ outcome = "unknown", evidence = "unknown" }'
    with pytest.raises(CatalogError, match="needs a 'note' saying what would settle it"):
        load_catalog(make_catalog(table_text=_darwin(bare, tiny_table)))
    noted = '{ outcome = "unknown", evidence = "unknown", note = "a run on macOS 15 would settle it" }'
    assert (
        load_catalog(make_catalog(table_text=_darwin(noted, tiny_table)))
        .table["tcp.tiny-send"]["send"]["darwin"]
        .is_unknown
    )


def test_a_semicolon_inside_parentheses_does_not_split_a_source() -> None:
    parts = list(split_sources("https://a.org/x (one; two); FreeBSD 14.1 recv(2) section ERRORS (three)"))
    assert parts == ["https://a.org/x (one; two)", "FreeBSD 14.1 recv(2) section ERRORS (three)"]
