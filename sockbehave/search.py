"""``sockbehave search WORDS``: find the pitfall you have in mind among the scenarios.

Owns: ranking scenarios for a few words. Every word must occur (case-insensitively, anywhere
in the id, title, claim, explanation, topic or step names); a scenario scores more where a
word sits in its id or title than in its claim, and more there than in its explanation, so
"recv empty disconnect" finds the orderly-close pitfall first. Deterministic: ties go by id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .catalog import Catalog
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


def search(catalog: Catalog, query: str) -> list[Hit]:
    """Scenarios containing every word of ``query``, best first."""
    words = _words(query)
    if not words:
        return []
    hits = []
    for sc in catalog.scenarios:
        fields = {
            "id": sc.id.lower(),
            "title": sc.title.lower(),
            "topic": sc.topic.lower(),
            "steps": " ".join(catalog.steps(sc.id)).lower(),
            "claim": sc.claim.lower(),
            "explanation": sc.explanation.lower(),
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
