"""docs/maintainers.md shows the sample project's files verbatim: each block marked
``<!-- file: PATH -->`` must be that file, so the documentation cannot drift from the tests."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"<!-- file: (?P<path>\S+) -->\n```\w*\n(?P<code>.*?)```\n", re.S)


def test_every_code_block_is_the_file_it_names() -> None:
    doc = (ROOT / "docs" / "maintainers.md").read_text(encoding="utf-8")
    blocks = list(BLOCK.finditer(doc))
    assert len(blocks) >= 4
    for m in blocks:
        assert (ROOT / m["path"]).read_text(encoding="utf-8") == m["code"], m["path"]
