"""The on-disk cache of validated tables (``sockbehave._cache``): a hit gives exactly what
validating gives, and anything changed, broken or switched off falls back to validating."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest

from sockbehave import _cache, _toml, tables
from sockbehave.errors import CatalogError

IDS = {"tcp.tiny-send": "tiny.py"}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(_cache.CACHE_ENV, str(where))
    return where


def _table(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "expected.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("parsed although the table was cached")

    monkeypatch.setattr(_toml, "read_toml", refuse)


def test_a_validated_table_comes_back_from_the_cache_unchanged(
    cache: Path, tmp_path: Path, tiny_table: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _table(tmp_path, tiny_table())
    first = tables.load_table(path, IDS)
    assert len(list(cache.glob("table-*.json"))) == 1
    _no_parsing(monkeypatch)
    assert tables.load_table(path, IDS) == first


def test_a_changed_table_or_other_ids_miss(
    cache: Path, tmp_path: Path, tiny_table: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _table(tmp_path, tiny_table())
    tables.load_table(path, IDS)
    path.write_text(tiny_table(send="4"), encoding="utf-8")
    assert tables.load_table(path, IDS)["tcp.tiny-send"]["send"]["linux"].outcomes == ("4",)
    with pytest.raises(CatalogError, match="no scenario with this id"):
        tables.load_table(path, {"tcp.other": "x.py"})  # the ids beside the table are part of the key


def test_an_invalid_table_is_never_cached(cache: Path, tmp_path: Path, tiny_table: Callable[..., str]) -> None:
    path = _table(tmp_path, tiny_table().replace('evidence = "observed"', 'evidence = "rumour"', 1))
    for _ in range(2):
        with pytest.raises(CatalogError, match="rumour"):
            tables.load_table(path, IDS)
    assert not list(cache.glob("table-*.json"))


@pytest.mark.parametrize(
    "garbage",
    [b"not json", b"[]", b'{"tcp.tiny-send": {"send": {"linux": ["3", "observed", "", "", ""]}}}', b"\xff" * 10],
)
def test_a_broken_entry_is_a_miss(cache: Path, tmp_path: Path, tiny_table: Callable[..., str], garbage: bytes) -> None:
    path = _table(tmp_path, tiny_table())
    first = tables.load_table(path, IDS)
    [entry] = cache.glob("table-*.json")
    entry.write_bytes(garbage)
    assert tables.load_table(path, IDS) == first
    assert json.loads(entry.read_text(encoding="utf-8"))  # rewritten by the miss


def test_off_and_unwritable_caches_change_nothing(
    tmp_path: Path, tiny_table: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _table(tmp_path, tiny_table())
    monkeypatch.setenv(_cache.CACHE_ENV, "off")
    expected = tables.load_table(path, IDS)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv(_cache.CACHE_ENV, str(blocker / "cache"))
    assert tables.load_table(path, IDS) == expected
