"""``scenarios/claims.toml`` paraphrases the tutorials; it never copies them. Every claim's English
and Chinese text (and notes) shares no run of Chinese words with the seeds: API names (``ThreadingTCPServer``)
may match, a sentence may not. Locators may name a seed's headings, never quote its prose."""

from __future__ import annotations

import re

import pytest
from conftest import seeds_folder

from sockbehave.catalog import load_catalog
from sockbehave.claims import load_claims

#: Eight characters, at least six of them Chinese, is a copied phrase, not a shared word.
WINDOW, CJK_MIN = 8, 6
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _copied(text: str, seeds: str) -> list[str]:
    runs = (text[i : i + WINDOW] for i in range(len(text) - WINDOW + 1))
    return [run for run in runs if len(_CJK.findall(run)) >= CJK_MIN and run in seeds]


def test_no_claim_copies_a_seed_sentence() -> None:
    folder = seeds_folder()
    files = sorted(folder.glob("*.txt")) if folder else []
    if not files:
        pytest.skip("the tutorials (seeds) are not there; set SOCKBEHAVE_SEEDS=DIR")
    seeds = "\n".join(p.read_text(encoding="utf-8") for p in files)
    # a heading: a Markdown one, or a short line of its own (one seed is plain text)
    lines = (line.lstrip("#").strip() for line in seeds.splitlines())
    headings = {line for line in lines if 0 < len(line) <= 20}
    names = {p.name for p in files}
    copied = {}
    for claim in load_claims(load_catalog()):
        for lang in ("en", "zh", "note", "note_zh"):
            found = _copied(getattr(claim, lang), seeds)
            if found:
                copied[f"{claim.id} {lang}"] = found
        for place in claim.seen_in:
            assert place.seed in names, f"{claim.id}: no seed {place.seed}"
            prose = [run for run in _copied(place.where, seeds) if not any(run in h for h in headings)]
            if prose:
                copied[f"{claim.id} where"] = prose
    assert not copied, f"copied from the seeds: {copied}"
