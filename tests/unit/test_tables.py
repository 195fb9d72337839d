"""The table loader: valid tables load, every kind of malformed table is named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from sockbehave.catalog import load_catalog
from sockbehave.errors import CatalogError

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
