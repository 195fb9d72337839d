"""The languages sockbehave speaks to learners: English (the scenarios' own text) and Chinese (zh-CN).

Owns: reading and validating each topic folder's ``zh.toml`` (the Chinese title, claim and
explanation of its scenarios), choosing a scenario's text in a language, and the few fixed
words that ``explain`` and the site put around that text. Shape of ``zh.toml``::

    ["tcp.send-empty"]                  # a scenario id defined in this topic folder
    title = "TCP 的 send(b'') 返回 0，对方什么也收不到"
    claim = "..."
    explanation = '''..."''"..'''       # ``double backticks`` mark code, as in docstrings

Every entry needs all three fields as non-empty strings and nothing else; an id that the
folder does not define, a missing or extra field, bad TOML or bad UTF-8 is one ``CatalogError``
naming the file. A scenario without an entry falls back to English (a user's catalog need not
be translated; the shipped one is, and a test keeps it so). Outcomes, errno names, step names
and sources are never translated: they are what a learner will see on their own screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ._toml import toml
from .catalog import Catalog
from .display import path_text, printable
from .errors import CatalogError
from .scenario import Scenario

__all__ = ["FIELDS", "LANGS", "ZH_FILE", "Text", "heading", "label", "load_zh", "text_of"]

LANGS = ("en", "zh")
ZH_FILE = "zh.toml"
FIELDS = ("title", "claim", "explanation")
#: A zh.toml larger than this is not a translation of a few scenarios.
MAX_BYTES = 1 << 20


@dataclass(frozen=True)
class Text:
    """What a learner reads about one scenario, in one language."""

    title: str
    claim: str
    explanation: str


def _entry(path: Path, sid: str, value: object, ids: set[str]) -> Text:
    where = f"{path_text(path)}: [{printable(repr(sid))}]"
    if sid not in ids:
        known = ", ".join(sorted(ids))
        raise CatalogError(f"{where} is not a scenario of this topic folder (its scenarios: {known})")
    if not isinstance(value, dict):
        raise CatalogError(f"{where} must be a table with {', '.join(FIELDS)}")
    extra = sorted(set(value) - set(FIELDS))
    if extra:
        raise CatalogError(f"{where}: unknown field {printable(repr(extra[0]))} (fields are {', '.join(FIELDS)})")
    for name in FIELDS:
        field = value.get(name)
        if field is None:
            raise CatalogError(f"{where}: missing {name}")
        if not isinstance(field, str) or not field.strip():
            raise CatalogError(f"{where}: {name} must be a non-empty string")
    return Text(value["title"].strip(), value["claim"].strip(), value["explanation"].strip())


def _load_file(path: Path, ids: set[str]) -> dict[str, Text]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"{path_text(path)}: cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise CatalogError(f"{path_text(path)}: larger than {MAX_BYTES} bytes")
    try:
        data = toml.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise CatalogError(f"{path_text(path)}: not UTF-8") from None
    except toml.TOMLDecodeError as exc:
        raise CatalogError(f"{path_text(path)}: not valid TOML: {printable(exc)}") from None
    return {sid: _entry(path, sid, value, ids) for sid, value in data.items()}


def load_zh(catalog: Catalog) -> dict[str, Text]:
    """The Chinese text of every scenario that has one, by id, from the ``zh.toml`` beside it.
    Raises ``CatalogError`` naming the file for any malformed one."""
    folders: dict[Path, set[str]] = {}
    for sc in catalog.scenarios:
        if sc.source_file:
            folders.setdefault(Path(sc.source_file).parent, set()).add(sc.id)
    found: dict[str, Text] = {}
    for folder in sorted(folders):
        path = folder / ZH_FILE
        if path.is_file():
            found.update(_load_file(path, folders[folder]))
    return found


def text_of(sc: Scenario, lang: str, zh: Mapping[str, Text]) -> Text:
    """``sc``'s text in ``lang``; English where no translation exists."""
    if lang == "zh" and sc.id in zh:
        return zh[sc.id]
    return Text(sc.title, sc.claim, sc.explanation)


#: The fixed words around the scenarios' text, by language.
_LABELS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "claim": "The claim",
        "answer": "The answer, per OS",
        "steps": "steps",
        "step": "step",
        "example": "A standalone example",
        "example_note": "plain Python, standard library only: paste it into a lesson and run it on any OS",
        "code": "The code",
        "code_note": "runs under sockbehave run --scenario",
        "step_by_step": "Step by step (outcome, evidence, sources below)",
        "sources": "Sources",
        "references": "References",
        "matrix": "In the matrix",
        "page": "Its page",
        "what_happens": "What really happens",
        "note": "note",
        "and": "; ",
        "bytes": "Bytes are shown literally up to {n}; errno names are POSIX-style on every OS.",
        "home": "Matrix",
        "claims": "Claims",
        "language": "中文",
        "pictures": "Pictures",
        "claims_title": "What tutorials claim, and what really happens",
        "claims_intro": "Each scenario tests one claim that socket tutorials make or rely on.",
        "index_intro": "Each scenario's → opens its page: the explanation, the answer per OS with its sources, and the code.",
    },
    "zh": {
        "claim": "常见说法",
        "answer": "各操作系统上的答案",
        "steps": "步骤",
        "step": "步骤",
        "example": "可独立运行的示例",
        "example_note": "纯 Python，只用标准库：可以直接放进课堂，在任何操作系统上运行",
        "code": "场景代码",
        "code_note": "通过 sockbehave run --scenario 运行",
        "step_by_step": "逐步结果（结果、证据；来源列在下面）",
        "sources": "来源",
        "references": "参考资料",
        "matrix": "在矩阵中查看",
        "page": "场景页面",
        "what_happens": "实际情况",
        "note": "注",
        "and": "；",
        "bytes": "不超过 {n} 字节的数据按原样显示；各系统上的 errno 名称都采用 POSIX 写法。",
        "home": "矩阵",
        "claims": "常见说法",
        "language": "English",
        "pictures": "图示",
        "claims_title": "教程里的说法与实际情况",
        "claims_intro": "每个场景检验一条套接字教程提出或默认的说法。",
        "index_intro": "矩阵的说明文字是英文的；点击场景标题后的 → 打开它的中文页面：解释、各系统上的答案与来源，以及代码。",
    },
}


def label(lang: str, key: str) -> str:
    """One fixed phrase in ``lang`` (``KeyError`` for a key no renderer should use)."""
    return _LABELS[lang][key]


def heading(lang: str, key: str, detail: str = "", then: str = "") -> str:
    """``Label (detail): then`` in English, ``标签（detail）：then`` in Chinese (full-width
    punctuation, which needs no space after it)."""
    if lang == "zh":
        return (f"{label(lang, key)}（{detail}）：" if detail else f"{label(lang, key)}：") + then
    return (f"{label(lang, key)} ({detail}):" if detail else f"{label(lang, key)}:") + (f" {then}" if then else "")
