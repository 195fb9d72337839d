"""``explain --lang zh``, the standalone example in place of the scenario's code, and the link to
the scenario in the published matrix (``--base-url``, ``SOCKBEHAVE_BASE_URL``) (issue 12, section 3)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Callable

import pytest

from sockbehave.links import BASE_URL_ENV, DEFAULT_BASE_URL, Example
from sockbehave.report.explain_text import example_location

CLI = Callable[..., tuple[int, str, str]]
ID = "tcp.orderly-close-reads-empty"


def test_explain_in_chinese_translates_the_prose_not_the_outcomes(cli: CLI) -> None:
    code, zh, _ = cli("explain", ID, "--lang", "zh")
    _, en, _ = cli("explain", ID)
    assert code == 0
    assert zh.startswith(f"{ID}: 对方正常关闭后，每次 recv 都返回 b''\n")
    assert "常见说法：对方断开后，recv 只返回一次 b''；再调用就会抛出错误。" in zh
    assert "各操作系统上的答案（步骤：recv · recv-again · recv-third）：" in zh
    assert "流结束的状态会一直保持" in zh and "The claim" not in zh
    # the per-OS answers, the step lines and the sources are the same lines in both languages
    for lines in (zh, en):
        assert "  windows  b'' · b'' · b''" in lines
    assert [line for line in zh.splitlines() if line.startswith("  [")] == [
        line for line in en.splitlines() if line.startswith("  [")
    ]
    assert cli("explain", ID, "--lang", "en")[1] == en


def test_explain_markdown_in_chinese(cli: CLI) -> None:
    code, out, _ = cli("explain", ID, "--lang", "zh", "--format", "md")
    assert code == 0
    assert out.startswith("#### `tcp.orderly-close-reads-empty`: 对方正常关闭后，每次 recv 都返回 b''")
    # the colon outside the bold, or CommonMark leaves the asterisks literal before a Han letter
    assert "**常见说法**：对方断开后" in out and "**实际情况**：正常的 `close()` 会发送 FIN" in out
    assert "| 步骤 | linux | darwin | freebsd | windows |" in out
    assert "\n来源：\n" in out


def test_a_bad_lang_is_a_usage_error(cli: CLI) -> None:
    code, out, _ = cli("explain", ID, "--lang", "fr")
    assert code == 2 and out == ""  # argparse's own message goes to the real stderr


def test_the_link_to_the_matrix_uses_the_flag_the_environment_or_the_default(
    cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(BASE_URL_ENV, raising=False)
    out = cli("explain", ID)[1]
    assert f"In the matrix: {DEFAULT_BASE_URL}index.html#{ID}\n" in out
    assert f"Its page: {DEFAULT_BASE_URL}s/{ID}.html\n" in out
    monkeypatch.setenv(BASE_URL_ENV, "https://teach.example.org/sockets")
    out = cli("explain", ID, "--lang", "zh")[1]
    assert f"在矩阵中查看：https://teach.example.org/sockets/zh/index.html#{ID}\n" in out
    out = cli("explain", ID, "--format", "md", "--base-url", "http://localhost:8000/")[1]
    assert f"In the matrix: <http://localhost:8000/index.html#{ID}>" in out  # the flag wins


@pytest.mark.parametrize(
    "url", ["ftp://example.org/", "example.org", "javascript:alert(1)", "https://", "https://a b/", 'https://x/"><b>']
)
def test_a_bad_base_url_is_one_line_and_exit_2(cli: CLI, monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    code, out, err = cli("explain", ID, "--base-url", url)
    assert code == 2 and out == ""
    assert err.startswith("sockbehave: error: --base-url ") and err.count("\n") == 1
    assert "must be an http:// or https:// URL" in err
    monkeypatch.setenv(BASE_URL_ENV, url)
    code, _, err = cli("explain", ID)
    assert code == 2 and err.startswith(f"sockbehave: error: {BASE_URL_ENV} ")


EXAMPLE = '''\
    """tcp.tiny-send: send returns how many bytes it took."""
    import socket

    with socket.create_server(("127.0.0.1", 0)) as server:
        print("ready", server.getsockname()[0])
'''


def test_explain_shows_the_standalone_example_instead_of_the_scenario_code(
    make_catalog: Callable[..., Path], cli: CLI
) -> None:
    root = make_catalog()
    args = ("--no-builtin", "--catalog", str(root), "explain", "tcp.tiny-send")
    _, before, _ = cli(*args)
    assert "The code (runs under sockbehave run --scenario tcp.tiny-send):" in before
    assert 'step("send", client.send, b"abc")' in before
    example = root / "partial-io" / "examples" / "tcp_tiny_send.py"
    example.parent.mkdir()
    example.write_text(textwrap.dedent(EXAMPLE), encoding="utf-8")
    code, out, _ = cli(*args)
    assert code == 0
    where = example_location(Example(example, ""))  # relative to the working directory when below it
    assert where.endswith("partial-io/examples/tcp_tiny_send.py")
    assert f"A standalone example ({where}; plain Python, standard library only" in out
    assert '        print("ready", server.getsockname()[0])' in out
    assert "step(" not in out  # the scenario's own code, which cannot run alone, is gone
    _, md, _ = cli(*args, "--format", "md")
    assert "A standalone example (`tcp_tiny_send.py`;" in md and "```python\n" + '"""tcp.tiny-send:' in md
    _, zh, _ = cli(*args, "--lang", "zh")
    assert f"可独立运行的示例（{where}；" in zh


def test_search_finds_a_pitfall_by_its_chinese_name(cli: CLI) -> None:
    code, out, _ = cli("search", "粘包")  # the Chinese learners' name for the sticky-packet problem
    assert (
        code == 0
        and out.splitlines()[0]
        == "tcp.two-sends-one-recv  Two sends can arrive as one recv (the 'sticky packet' problem)"
    )
    code, out, _ = cli("search", "--json", "--lang", "zh", "对方", "关闭", "recv")
    rows = json.loads(out)
    assert rows[0]["id"] == "tcp.orderly-close-reads-empty"
    assert rows[0]["title"] == "对方正常关闭后，每次 recv 都返回 b''"
    # English words still rank as before
    assert cli("search", "recv", "empty", "after", "close")[1].startswith("tcp.orderly-close-reads-empty")
