"""Packet timelines: every scenario's SVG on every simulated OS is well-formed, self-contained and
accessible, draws the modelled segments in order, escapes what a scenario can put in it, and says
so when the simulator cannot run a scenario."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable

import pytest

from sockbehave.catalog import load_catalog
from sockbehave.errors import InputError
from sockbehave.report.timeline import scenario_timelines, timeline_svg, traced_run
from sockbehave.tables import OSES

CATALOG = load_catalog()
SVG = "{http://www.w3.org/2000/svg}"


def self_contained(markup: str) -> None:
    """No script, no link, no external reference of any kind (``url(#id)`` names a pattern inside)."""
    low = markup.lower()
    for banned in ("<script", "href", "src=", "@import", "<foreignobject", "javascript:", "<image", "<use"):
        assert banned not in low, banned
    assert not re.search(r"url\((?!#[a-z0-9-]+\))", low)


@pytest.mark.parametrize("os_name", OSES)
def test_every_scenario_draws_a_well_formed_self_contained_svg(os_name: str) -> None:
    for sc in CATALOG.scenarios:
        picture = timeline_svg(CATALOG, sc.id, os_name)
        root = ET.fromstring(picture)
        assert root.tag == f"{SVG}svg" and root.get("role") == "img"
        title = root.find(f"{SVG}title")
        assert title is not None and sc.id in (title.text or "")
        labelled = (root.get("aria-labelledby") or "").split()
        assert title.get("id") in labelled and len(labelled) == 2
        self_contained(picture)


def _labels(picture: str) -> list[str]:
    root = ET.fromstring(picture)
    return [t.text or "" for t in root.iter(f"{SVG}text") if t.get("font-weight") == "600"]


def test_the_rst_scenario_shows_handshake_data_and_rst_in_order() -> None:
    labels = _labels(timeline_svg(CATALOG, "tcp.close-with-unread-data-sends-rst", "linux"))
    assert labels[:3] == ["SYN", "SYN-ACK", "ACK"]
    assert [x for x in labels if x.startswith(("data", "RST"))] == ["data 10", "data 3", "RST"]
    calls = ET.fromstring(timeline_svg(CATALOG, "tcp.close-with-unread-data-sends-rst", "linux"))
    texts = [t.text or "" for t in calls.iter(f"{SVG}text")]
    assert "recv() raised ConnectionResetError ECONNRESET" in texts


def test_a_refused_connect_and_an_unreachable_port() -> None:
    windows = _labels(timeline_svg(CATALOG, "tcp.connect-closed-port-refused", "windows"))
    assert windows[0] == "SYN" and windows[1].startswith("RST (refused; connect fails after")
    udp = _labels(timeline_svg(CATALOG, "udp.unconnected-port-unreachable", "linux"))
    assert any(x.startswith("ICMP port unreachable") for x in udp)


def test_timelines_are_deterministic() -> None:
    one = scenario_timelines(CATALOG, "tcp.orderly-close-reads-empty")
    assert one == scenario_timelines(CATALOG, "tcp.orderly-close-reads-empty")
    assert one.count('<figure class="sb-timeline">') == len(OSES)
    assert len(set(re.findall(r'<title id="([^"]+)"', one))) == len(OSES)  # ids unique on a page


HOSTILE = '''
from sockbehave.kit import tcp_pair
from sockbehave.scenario import scenario


@scenario(id="tcp.hostile", title="<script>alert(1)</script>", claim="x")
def hostile(net, step):
    """Hostile."""
    client, server = tcp_pair(net)
    step("send", client.send, b"abc")
    raise RuntimeError('</svg><script>alert("x")</script>\\x00')
'''

UNMODELLED = '''
import socket
from sockbehave.scenario import scenario


@scenario(id="tcp.unmodelled", title="t", claim="x")
def unmodelled(net, step):
    """Raw sockets are not modelled."""
    net.socket(socket.AF_INET, socket.SOCK_RAW)
'''


def _table(sid: str) -> str:
    cells = "".join(
        f'{o} = {{ outcome = "3", evidence = "observed", source = "t", sim_gap = "<b>gap</b>" }}\n' for o in OSES
    )
    return f'["{sid}".send]\n{cells}'


def test_what_a_scenario_puts_in_a_picture_is_escaped(make_catalog: Callable[..., Path]) -> None:
    catalog = load_catalog(make_catalog(_table("tcp.hostile"), HOSTILE))
    fragment = scenario_timelines(catalog, "tcp.hostile", ("linux",))
    self_contained(fragment)
    assert "&lt;script&gt;" in fragment and "&lt;b&gt;gap&lt;/b&gt;" in fragment
    ET.fromstring(f"<div>{fragment}</div>")  # still well-formed: nothing closed early, no NUL


def test_a_scenario_the_simulator_cannot_run_gets_a_figure_saying_so(make_catalog: Callable[..., Path]) -> None:
    catalog = load_catalog(make_catalog(_table("tcp.unmodelled").replace(".send", ".x"), UNMODELLED))
    assert traced_run(catalog, "tcp.unmodelled", "windows").run.error
    fragment = scenario_timelines(catalog, "tcp.unmodelled", ("windows",))
    assert "cannot run this scenario" in fragment and "SOCK_RAW" in fragment
    ET.fromstring(f"<div>{fragment}</div>")


def test_unknown_scenario_or_os_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no scenario"):
        timeline_svg(CATALOG, "tcp.nope", "linux")
    with pytest.raises(InputError, match="unknown OS"):
        timeline_svg(CATALOG, "tcp.send-empty", "plan9")
