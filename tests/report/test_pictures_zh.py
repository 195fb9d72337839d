"""The pictures in Chinese (issue 12, section 3): timelines and summary pictures drawn with
``lang="zh"`` are still well-formed, self-contained and escaped, carry Chinese headings, legends
and captions and none of the English sentences, keep segment, call and errno names as they are;
and ``lang="en"`` (the default) draws exactly what it drew before the pictures learned Chinese."""

from __future__ import annotations

import hashlib
import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable

import pytest

from sockbehave.catalog import load_catalog
from sockbehave.lang import label
from sockbehave.report.html import render_html
from sockbehave.report.matrix import build_matrix
from sockbehave.report.pictures import PICTURE_TOPICS, topic_pictures
from sockbehave.report.timeline import scenario_timelines, timeline_svg
from sockbehave.tables import OSES

from .test_timeline import HOSTILE, SVG, UNMODELLED, _table, self_contained

CATALOG = load_catalog()
CJK = re.compile("[\u4e00-\u9fff]")

#: sha256 of ``timeline_svg`` for these (scenario, OS) as drawn before ``lang`` existed (a257da6).
#: They depend on the simulator and the scenario only; redraw them if either changes on purpose.
EN_TIMELINES = {
    (
        "tcp.close-with-unread-data-sends-rst",
        "linux",
    ): "938f6d8333ed26f9378d419a9eeafcbb861dce156b8cce81ec01401a753cf2b2",
    ("tcp.connect-closed-port-refused", "windows"): "c2e1c9f96a7c97af0f70168ffe5a5e7b34cce53a7d80a4cacd2feda001b22547",
    ("udp.unconnected-port-unreachable", "darwin"): "d968802fb045b50bc8a42da5a56922356682d7bf586221083dc34572d75e70db",
}


def _words(markup: str) -> str:
    """Everything a reader sees: text nodes and the accessible title/desc, unescaped."""
    return "\n".join(html.unescape(t) for t in re.findall(r">([^<>]+)<", markup))


def _english_fragments() -> list[str]:
    """The English picture phrases (t_*, p_* labels), cut at their {fields}, long enough to be sentences."""
    from sockbehave.lang import _LABELS

    out = []
    for key, value in _LABELS["en"].items():
        if key.startswith(("t_", "p_")):
            out += [f.strip() for f in re.split(r"\{[a-z]+\}|\n", value) if len(f.strip()) >= 8]
    return out


ENGLISH = _english_fragments()


def _no_english(markup: str) -> None:
    seen = _words(markup)
    for fragment in ENGLISH:
        assert fragment not in seen, fragment


@pytest.mark.parametrize(("sid", "os_name"), sorted(EN_TIMELINES))
def test_english_timelines_are_byte_identical_to_before(sid: str, os_name: str) -> None:
    picture = timeline_svg(CATALOG, sid, os_name)
    assert hashlib.sha256(picture.encode()).hexdigest() == EN_TIMELINES[(sid, os_name)]
    assert picture == timeline_svg(CATALOG, sid, os_name, "en")


def test_english_captions_and_summary_pictures_keep_their_exact_words() -> None:
    fragment = scenario_timelines(CATALOG, "tcp.orderly-close-reads-empty", ("linux",))
    assert fragment == scenario_timelines(CATALOG, "tcp.orderly-close-reads-empty", ("linux",), "en")
    assert "linux (simulated): what the simulator predicts goes over loopback." in fragment
    assert "virtual time / socket call → result" in fragment
    assert "One lifeline per address: a listener and the connections it accepted share theirs." in fragment
    backlog = topic_pictures(CATALOG, "backlog")
    assert backlog == topic_pictures(CATALOG, "backlog", "en")
    assert (
        "The listen() backlog: connections completed before the first accept, per OS. "
        "Drawn from the tables; heavier means stronger evidence.</figcaption>"
    ) in backlog
    assert "Evidence (the table&#x27;s level; a real run counts as observed):" in backlog
    assert ">2 (observed)<" in backlog and "listen(1) on linux: 2 (observed); listen(1) on darwin" in backlog
    reuse = _words(topic_pictures(CATALOG, "reuseaddr-restart"))
    assert "bind() again: works, or its error" in reuse and "old off/new on " in reuse
    udp = _words(topic_pictures(CATALOG, "udp-oversize"))
    assert "65507 bytes (IPv4)" in udp and "linux 1472: sent and received (observed)" in udp


@pytest.mark.parametrize("os_name", OSES)
def test_chinese_timelines_are_well_formed_self_contained_and_chinese(os_name: str) -> None:
    for sc in CATALOG.scenarios:
        picture = timeline_svg(CATALOG, sc.id, os_name, "zh")
        root = ET.fromstring(picture)
        title = root.find(f"{SVG}title")
        assert title is not None and sc.id in (title.text or "") and CJK.search(title.text or "")
        self_contained(picture)
        _no_english(picture)


def test_a_chinese_timeline_keeps_segment_call_and_errno_names() -> None:
    texts = _words(timeline_svg(CATALOG, "tcp.close-with-unread-data-sends-rst", "linux", "zh"))
    assert label("zh", "t_axis") in texts and "三次握手" in texts
    assert "SYN" in texts and "RST" in texts and "recv() 抛出 ConnectionResetError ECONNRESET" in texts


def test_chinese_figure_captions() -> None:
    fragment = scenario_timelines(CATALOG, "tcp.orderly-close-reads-empty", lang="zh")
    captions = re.findall(r"<figcaption>([^<]*)</figcaption>", fragment)
    assert [c.split("（")[0] for c in captions] == list(OSES)
    assert all("模拟器预测" in c for c in captions)
    _no_english(fragment)
    ET.fromstring(f"<div>{fragment}</div>")


def test_chinese_cannot_run_figure_and_escaping(make_catalog: Callable[..., Path]) -> None:
    unmodelled = load_catalog(make_catalog(_table("tcp.unmodelled").replace(".send", ".x"), UNMODELLED))
    fragment = scenario_timelines(unmodelled, "tcp.unmodelled", ("windows",), "zh")
    assert "模拟器无法在这个系统上运行这个场景：" in fragment and "SOCK_RAW" in fragment
    _no_english(fragment)
    hostile = load_catalog(make_catalog(_table("tcp.hostile"), HOSTILE))
    fragment = scenario_timelines(hostile, "tcp.hostile", ("linux",), "zh")
    self_contained(fragment)
    assert "&lt;script&gt;" in fragment and "步骤 send：&lt;b&gt;gap&lt;/b&gt;" in fragment
    ET.fromstring(f"<div>{fragment}</div>")


@pytest.mark.parametrize("topic", PICTURE_TOPICS)
def test_chinese_summary_pictures(topic: str) -> None:
    fragment = topic_pictures(CATALOG, topic, "zh")
    root = ET.fromstring(fragment)
    picture = root.find(f"{SVG}svg")
    assert picture is not None
    self_contained(fragment)
    _no_english(fragment)
    caption = root.find("figcaption")
    assert caption is not None and caption.text and caption.text.endswith(label("zh", "p_drawn"))
    words = _words(fragment)
    assert label("zh", "p_legend") in words and "测试套件验证" in words and "推断" in words
    for os_name in OSES:
        assert os_name in words


def test_chinese_summary_picture_keeps_outcomes_and_errno_names() -> None:
    words = _words(topic_pictures(CATALOG, "reuseaddr-restart", "zh"))
    assert "EADDRINUSE" in words and "bind 成功" in words and "旧套接字" in words
    assert "1（实测）" in _words(topic_pictures(CATALOG, "backlog", "zh"))
    assert "65507 字节（IPv4）" in _words(topic_pictures(CATALOG, "udp-oversize", "zh"))


def test_the_chinese_matrix_page_draws_chinese_pictures() -> None:
    matrix = build_matrix([], CATALOG, "t")
    page = render_html(matrix, lang="zh")
    section = page.split('<section data-topic="backlog">', 1)[1].split("</section>", 1)[0]
    assert label("zh", "p_backlog_caption") in section and label("zh", "p_completed") in section
    assert "connections completed before the first accept()" not in page
    assert "connections completed before the first accept()" in render_html(matrix)
