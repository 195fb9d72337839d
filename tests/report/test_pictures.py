"""Summary pictures (SO_REUSEADDR x TIME_WAIT, the UDP size line, backlog counts): drawn from the
tables with evidence weight, real runs shown where they differ, well-formed, self-contained,
escaped, and placed in their topic's section of the HTML matrix."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Callable

import pytest

from sockbehave.catalog import load_catalog
from sockbehave.report.html import render_html
from sockbehave.report.matrix import build_matrix
from sockbehave.report.pictures import PICTURE_TOPICS, topic_pictures
from sockbehave.session import run_catalog
from sockbehave.tables import OSES

from .test_timeline import SVG, self_contained

CATALOG = load_catalog()


def _texts(fragment: str) -> list[str]:
    root = ET.fromstring(fragment)
    return [t.text or "" for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("topic", PICTURE_TOPICS)
def test_each_picture_is_well_formed_accessible_and_self_contained(topic: str) -> None:
    fragment = topic_pictures(CATALOG, topic)
    root = ET.fromstring(fragment)
    assert root.tag == "figure"
    picture = root.find(f"{SVG}svg")
    assert picture is not None and picture.get("role") == "img"
    title, desc = picture.find(f"{SVG}title"), picture.find(f"{SVG}desc")
    assert title is not None and desc is not None and desc.text
    assert (picture.get("aria-labelledby") or "").split() == [title.get("id"), desc.get("id")]
    self_contained(fragment)
    for level in ("observed", "tested", "documented", "inferred", "unknown"):  # the legend
        assert level in _texts(fragment)


def test_a_topic_without_a_picture_gets_nothing() -> None:
    assert topic_pictures(CATALOG, "empty-send") == ""


def test_the_pictures_say_what_the_tables_say_with_their_evidence() -> None:
    reuse = ET.fromstring(topic_pictures(CATALOG, "reuseaddr-restart"))
    desc = reuse.find(f".//{SVG}desc")
    assert desc is not None and desc.text is not None
    assert "linux: old off/new off EADDRINUSE" in desc.text and "windows: old off/new off ok" in desc.text
    udp = ET.fromstring(topic_pictures(CATALOG, "udp-oversize")).find(f".//{SVG}desc")
    assert udp is not None and udp.text is not None
    assert "darwin 65507: sendto: EMSGSIZE (documented)" in udp.text
    assert "windows 65527: ? (unknown)" in udp.text
    assert "linux 1472: sent and received (observed)" in udp.text
    backlog = _texts(topic_pictures(CATALOG, "backlog"))
    assert "2 (observed)" in backlog and "10 (documented)" in backlog and "unknown" in backlog


def test_an_inferred_mark_is_drawn_lighter_than_an_observed_one() -> None:
    fragment = topic_pictures(CATALOG, "reuseaddr-restart")
    widths = {float(w) for w in re.findall(r'stroke-width="([0-9.]+)"', fragment)}
    assert {3.0, 1.2} <= widths
    assert "url(#pic-reuseaddr-hatch)" in fragment  # inferred cells (windows) are hatched


def test_a_real_run_is_shown_and_a_disagreement_with_the_table_too() -> None:
    chosen = CATALOG.select(["reuseaddr-restart"], slow=True)
    sim = run_catalog(CATALOG, chosen, backend="sim", os_name="windows", jobs=2)
    real = replace(
        sim,
        backend="real",
        results=tuple(
            replace(r, observed="OSError(EADDRINUSE)")
            if (r.scenario, r.step) == ("tcp.restart-time-wait-no-reuseaddr", "rebind")
            else r
            for r in sim.results
        ),
    )
    matrix = build_matrix([("windows-real.json", real)], CATALOG, "t")
    texts = _texts(topic_pictures(matrix, "reuseaddr-restart"))
    assert "observed (real run differs)" in texts  # the table says inferred "ok"
    assert texts.count("observed") >= 3  # the other three windows cells agree: now observed


HOSTILE = '''
from sockbehave.scenario import scenario


@scenario(id="tcp.restart-time-wait-no-reuseaddr", title="<script>x</script>", claim="x")
def hostile(net, step):
    """Hostile."""
    step.observe("rebind", "</svg><script>alert(1)</script>")
'''


def test_hostile_table_text_is_escaped(make_catalog: Callable[..., Path]) -> None:
    cells = "".join(
        f'{o} = {{ outcome = "OSError(</text><script>alert(1)</script>)", evidence = "observed", source = "t" }}\n'
        for o in OSES
    )
    root = make_catalog(f'["tcp.restart-time-wait-no-reuseaddr".rebind]\n{cells}', HOSTILE, "reuseaddr-restart")
    fragment = topic_pictures(load_catalog(root), "reuseaddr-restart")
    self_contained(fragment)
    assert "&lt;script&gt;" in fragment
    ET.fromstring(fragment)


def test_the_pictures_sit_in_their_topics_sections_of_the_html_matrix() -> None:
    page = render_html(build_matrix([], CATALOG, "t"))
    for topic in PICTURE_TOPICS:
        section = page.split(f'<section data-topic="{topic}">', 1)[1].split("</section>", 1)[0]
        assert section.count('<figure class="sb-summary">') == 1
        ET.fromstring(section[section.index("<figure") : section.index("</figure>") + 9])
    assert page.count('<figure class="sb-summary">') == len(PICTURE_TOPICS)
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # no id used twice on the page
