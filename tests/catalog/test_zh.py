"""Chinese (zh-CN) beside English: every shipped scenario has both, the wheel carries the zh.toml
files, and a broken zh.toml is one line naming the file (exit 2), never a traceback."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import pytest

from sockbehave._toml import toml
from sockbehave.catalog import TOPICS, load_catalog
from sockbehave.errors import CatalogError
from sockbehave.lang import FIELDS, load_zh, text_of

CLI = Callable[..., tuple[int, str, str]]
HAN = re.compile(r"[\u4e00-\u9fff]")
REPO = Path(__file__).resolve().parents[2]


def test_every_shipped_scenario_has_english_and_chinese() -> None:
    catalog = load_catalog()
    zh = load_zh(catalog)
    missing = [sc.id for sc in catalog.scenarios if sc.id not in zh]
    assert missing == [], f"no zh.toml entry for: {', '.join(missing)}"
    for sc in catalog.scenarios:
        en, cn = text_of(sc, "en", zh), text_of(sc, "zh", zh)
        for name in FIELDS:
            assert getattr(en, name).strip(), (sc.id, name)
            assert HAN.search(getattr(cn, name)), f"{sc.id}: the zh {name} has no Chinese in it"
            assert getattr(cn, name) != getattr(en, name)


def test_the_chinese_keeps_the_code_terms_of_the_english() -> None:
    """Translated prose, untranslated code: every ``code`` span of the English explanation
    (errno names, calls, options) appears in the Chinese one too."""
    catalog = load_catalog()
    zh = load_zh(catalog)
    for sc in catalog.scenarios:
        spans = set(sc.explanation.split("``")[1::2])
        assert spans <= set(zh[sc.id].explanation.split("``")[1::2]), sc.id


def test_the_wheel_carries_the_zh_files() -> None:
    config = toml.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = config["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["force-include"]["scenarios"] == "sockbehave/_catalog"  # the whole folder, zh.toml included
    assert not wheel.get("exclude") and not wheel.get("only-include")
    assert len(list((REPO / "scenarios").glob("*/zh.toml"))) == len(TOPICS)


GOOD = '["tcp.tiny-send"]\ntitle = "标题"\nclaim = "说法"\nexplanation = "解释"\n'


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('["tcp.tiny-send"\ntitle = "x"', "not valid TOML"),
        (GOOD.replace("tcp.tiny-send", "tcp.no-such"), "'tcp.no-such'] is not a scenario of this topic folder"),
        (GOOD.replace('claim = "说法"\n', ""), "missing claim"),
        (GOOD + 'hint = "x"\n', "unknown field 'hint'"),
        (GOOD.replace('"解释"', "3"), "explanation must be a non-empty string"),
        (GOOD.replace('"标题"', '"  "'), "title must be a non-empty string"),
        ('"tcp.tiny-send" = "x"\n', "must be a table with title, claim, explanation"),
    ],
)
def test_a_broken_zh_toml_is_one_line_naming_the_file(
    make_catalog: Callable[..., Path], cli: CLI, text: str, problem: str
) -> None:
    root = make_catalog()
    path = root / "partial-io" / "zh.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_zh(load_catalog(root))
    assert str(path) in str(info.value) and problem in str(info.value)
    code, out, err = cli("--no-builtin", "--catalog", str(root), "explain", "tcp.tiny-send", "--lang", "zh")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and problem in err and "Traceback" not in err


def test_bad_utf8_in_zh_toml(make_catalog: Callable[..., Path]) -> None:
    root = make_catalog()
    (root / "partial-io" / "zh.toml").write_bytes(b'["tcp.tiny-send"]\ntitle = "\xff"\n')
    with pytest.raises(CatalogError, match=r"zh\.toml: not UTF-8"):
        load_zh(load_catalog(root))


def test_a_catalog_without_chinese_falls_back_to_english(make_catalog: Callable[..., Path], cli: CLI) -> None:
    root = make_catalog()
    code, out, _ = cli("--no-builtin", "--catalog", str(root), "explain", "tcp.tiny-send", "--lang", "zh")
    assert code == 0
    assert out.startswith("tcp.tiny-send: send returns its length\n")  # the English title
    assert "常见说法：A test claim." in out  # Chinese labels around it
