"""``sockbehave search WORDS``: find the pitfall you have in mind among the scenarios.

Owns: ranking scenarios for a few words. Every word must occur (case-insensitively, anywhere
in the id, title, claim, explanation, topic or step names); a scenario scores more where a
word sits in its id or title than in its claim, and more there than in its explanation, so
"recv empty disconnect" finds the orderly-close pitfall first. Deterministic: ties go by id.
Given the Chinese text (``lang.load_zh``), its title, claim and explanation count as the English
ones do, so ``粘包`` finds the two-sends-one-recv scenario.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .catalog import Catalog
from .lang import Text
from .scenario import Scenario

__all__ = ["Hit", "search"]

#: How much a word counts in each field.
_WEIGHTS = (("id", 4), ("title", 4), ("topic", 3), ("steps", 2), ("claim", 2), ("explanation", 1))


@dataclass(frozen=True)
class Hit:
    scenario: Scenario
    score: int


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w.'-]+", text.lower()) if w]


def search(catalog: Catalog, query: str, zh: Mapping[str, Text] = {}) -> list[Hit]:
    """Scenarios containing every word of ``query`` (in English, or in ``zh``'s Chinese), best first."""
    words = _words(query)
    if not words:
        return []
    hits = []
    for sc in catalog.scenarios:
        cn = zh.get(sc.id)
        fields = {
            "id": sc.id.lower(),
            "title": f"{sc.title} {cn.title if cn else ''}".lower(),
            "topic": sc.topic.lower(),
            "steps": " ".join(catalog.steps(sc.id)).lower(),
            "claim": f"{sc.claim} {cn.claim if cn else ''}".lower(),
            "explanation": f"{sc.explanation} {cn.explanation if cn else ''}".lower(),
        }
        score = 0
        for word in words:
            found = sum(weight for name, weight in _WEIGHTS if word in fields[name])
            if not found:
                break
            score += found
        else:
            hits.append(Hit(sc, score))
    hits.sort(key=lambda h: (-h.score, h.scenario.id))
    return hits
