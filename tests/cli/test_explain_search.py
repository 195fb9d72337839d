"""``explain`` leads with one line per OS and prints each source once; ``search`` finds a
pitfall by words (issue 12, section 3)."""

from __future__ import annotations

import json
from typing import Callable

CLI = Callable[..., tuple[int, str, str]]  # the ``cli`` fixture (tests/conftest.py)


def test_explain_leads_with_one_line_per_os_and_numbers_each_source_once(cli: CLI) -> None:
    code, out, _ = cli("explain", "udp.recv-buffer-smaller-than-datagram")
    assert code == 0
    lines = out.splitlines()
    head = lines.index(next(line for line in lines if line.startswith("The answer, per OS")))
    answers = lines[head + 1 : head + 5]
    assert [a.split()[0] for a in answers] == ["linux", "darwin", "freebsd", "windows"]
    assert "OSError(EMSGSIZE)" in answers[3]  # the Windows difference is on its first line
    code_at = next(i for i, line in enumerate(lines) if line.startswith(("The code (", "A standalone example (")))
    assert head < code_at  # the answer comes before the explanation and the code
    sources = [line for line in lines if line.startswith("  [")]
    texts = [s.split("] ", 1)[1] for s in sources]
    assert len(texts) == len(set(texts)) > 0  # each source printed once
    assert len(out.splitlines()) < 113  # shorter than the old form, which repeated every source


def test_search_ranks_the_pitfall_first(cli: CLI) -> None:
    code, out, _ = cli("search", "recv", "empty", "after", "close")
    assert code == 0
    assert out.splitlines()[0].startswith("tcp.orderly-close-reads-empty")
    code, out, _ = cli("search", "--json", "udp", "1472")
    rows = json.loads(out)
    assert rows[0]["id"] == "udp.1472-is-not-a-limit" and rows[0]["score"] > 0


def test_search_with_no_hit_says_so_and_exits_1(cli: CLI) -> None:
    code, out, _ = cli("search", "zzz-no-such-word")
    assert code == 1 and "no scenario mentions all of: zzz-no-such-word" in out
