"""Summary pictures of three topics, drawn from the tables (and real runs where the matrix has them).

Owns: three inline SVG pictures and the figure around each:

* ``reuseaddr-restart``: the SO_REUSEADDR x TIME_WAIT grid, one 2x2 panel per OS (reuseaddr on
  the old socket or not, on the new one or not -> the restarted server's ``bind`` works or fails);
* ``udp-oversize``: the UDP size line (1472, 9216, 65507, 65527 bytes), per OS what a datagram
  of that size does (sent and received, or the error);
* ``backlog``: how many connections complete before ``accept`` for ``listen(0)``, ``listen(1)``
  and ``listen(5)``, per OS.

Each mark shows the table's expectation with its evidence level drawn by weight (solid and
heavy for observed, lighter for tested and documented, hatched for inferred, a dashed outline
with "?" for unknown; the level is also written, so colour is never the only cue). Where a
real run observed the cell, the picture shows what was observed, and both when they differ. A
simulated outcome is never drawn: the pictures show what the tables and real runs say.

``topic_pictures(matrix_or_catalog, topic, lang="en") -> str`` is the public entry (an HTML
fragment, empty for a topic without a picture); the matrix page puts it at the top of its
topic's section. Its words come from ``lang.label``; outcomes, errno and call names stay English.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Callable, Optional, Union

from ..catalog import Catalog
from ..lang import label
from ..tables import OSES
from .matrix import Matrix, MatrixCell, build_matrix
from .svg import figure, svg, text

__all__ = ["PICTURE_TOPICS", "topic_pictures"]

#: Stroke width, fill opacity and dash per evidence level (strongest first).
_WEIGHT = {
    "observed": (3.0, 1.0, ""),
    "tested": (2.2, 0.8, ""),
    "documented": (1.6, 0.55, ""),
    "inferred": (1.2, 0.3, "4 3"),
    "unknown": (1.2, 0.0, "2 3"),
}
_OK, _FAIL, _NEUTRAL = "#2e7d32", "#c62828", "#5b7bb2"


@dataclass(frozen=True)
class _Mark:
    """What one OS cell says: its outcome, the evidence it rests on, and a real run's disagreement."""

    outcome: str
    evidence: str
    observed_differs: str = ""


def _mark(cell: Optional[MatrixCell]) -> _Mark:
    if cell is None or cell.expected is None or cell.expected.is_unknown:
        table = _Mark("unknown", "unknown")
    else:
        table = _Mark(" | ".join(cell.expected.outcomes), cell.expected.evidence)
    if cell is not None and cell.real:
        seen = " | ".join(dict.fromkeys(s.outcome for s in cell.real))
        if seen == table.outcome:
            return _Mark(seen, "observed")
        return _Mark(seen, "observed", f"table says {table.outcome} ({table.evidence})")
    return table


def _weaker(a: _Mark, b: _Mark) -> str:
    order = list(_WEIGHT)
    return max(a.evidence, b.evidence, key=lambda lv: order.index(lv) if lv in order else len(order))


def _box(x: float, y: float, w: float, h: float, colour: str, evidence: str, ident: str) -> str:
    """A mark drawn with its evidence level's weight (``ident``: the picture, whose hatch it uses)."""
    stroke, opacity, dash = _WEIGHT.get(evidence, _WEIGHT["unknown"])
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    fill = f"url(#{ident}-hatch)" if evidence == "inferred" else colour
    return (
        f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="4" fill="{fill}" '
        f'fill-opacity="{opacity:g}" stroke="{colour}" stroke-width="{stroke:g}"{dashed}/>'
    )


def _defs(ident: str) -> str:
    return (
        f'<defs><pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#888" stroke-width="2"/></pattern></defs>'
    )


def _legend(y: float, ident: str, lang: str) -> list[str]:
    out = [text(10, y + 14, label(lang, "p_legend"), 11, extra=' fill="#444"')]
    x = 10.0
    for level in _WEIGHT:
        out.append(_box(x, y + 22, 22, 14, _NEUTRAL, level, ident))
        out.append(text(x + 28, y + 33, label(lang, level), 11))
        x += 110
    return out


def _level(lang: str, evidence: str, differs: bool) -> str:
    """An evidence level in ``lang``, and "(real run differs)" when a real run disagrees with the table."""
    return label(lang, evidence) + (label(lang, "p_paren").format(x=label(lang, "p_differs")) if differs else "")


def _cells(matrix: Matrix, scenario: str, step: str) -> dict[str, Optional[MatrixCell]]:
    for row in matrix.rows:
        if row.scenario == scenario and row.step == step:
            return {o: row.cells.get(o) for o in OSES}
    return {o: None for o in OSES}


def _short(outcome: str) -> str:
    """``OSError(EADDRINUSE)`` -> ``EADDRINUSE``; ``None`` -> ``ok``."""
    if outcome == "None":
        return "ok"
    if "(" in outcome and outcome.endswith(")"):
        return outcome[outcome.index("(") + 1 : -1]
    return outcome


def _fails(outcome: str) -> bool:
    return "Error" in outcome or outcome in ("timeout", "error")


# -- SO_REUSEADDR x TIME_WAIT -------------------------------------------------------------

_REUSE = {  # (old socket had SO_REUSEADDR, new socket has it) -> scenario
    (False, False): "tcp.restart-time-wait-no-reuseaddr",
    (False, True): "tcp.restart-time-wait-reuseaddr-new-only",
    (True, False): "tcp.restart-time-wait-reuseaddr-old-only",
    (True, True): "tcp.restart-time-wait-reuseaddr-both",
}


def _on(lang: str, flag: bool) -> str:
    return label(lang, "p_on" if flag else "p_off")


def _reuseaddr(matrix: Matrix, lang: str) -> str:
    ident = "pic-reuseaddr"
    cells = {key: _cells(matrix, sid, "rebind") for key, sid in _REUSE.items()}
    left, panel_w, cell_w, cell_h = 120.0, 214.0, 100.0, 46.0
    body = [_defs(ident), text(10, 38, label(lang, "p_rebind"), 11, extra=' fill="#444" font-weight="600"')]
    body.append(text(10, 54, label(lang, "p_new_socket"), 11, extra=' fill="#444"'))
    for k, old in enumerate((False, True)):
        y = 62 + k * (cell_h + 6)
        body.append(text(10, y + cell_h / 2 - 2, label(lang, "p_old_socket"), 11, extra=' fill="#444"'))
        body.append(text(10, y + cell_h / 2 + 12, _on(lang, old), 11))
    for i, os_name in enumerate(OSES):
        x0 = left + i * panel_w
        body.append(text(x0 + cell_w, 20, os_name, 14, "middle", ' font-weight="700"'))
        for j, new in enumerate((False, True)):
            body.append(text(x0 + j * cell_w + cell_w / 2, 54, _on(lang, new), 11, "middle"))
            for k, old in enumerate((False, True)):
                y = 62 + k * (cell_h + 6)
                m = _mark(cells[(old, new)][os_name])
                x = x0 + j * cell_w
                colour = _NEUTRAL if m.outcome == "unknown" else _FAIL if _fails(m.outcome) else _OK
                word = (
                    "?"
                    if m.outcome == "unknown"
                    else _short(m.outcome)
                    if _fails(m.outcome)
                    else label(lang, "p_bind_works")
                )
                body.append(_box(x + 3, y, cell_w - 6, cell_h, colour, m.evidence, ident))
                ink = "#000" if m.evidence in ("inferred", "unknown", "documented") else "#fff"
                body.append(text(x + cell_w / 2, y + 19, word, 11, "middle", f' fill="{ink}" font-weight="600"'))
                detail = _level(lang, m.evidence, bool(m.observed_differs))
                body.append(text(x + cell_w / 2, y + 35, detail, 10, "middle", f' fill="{ink}"'))
    height = 62 + 2 * (cell_h + 6) + 6
    body += _legend(height, ident, lang)
    summary = label(lang, "and").join(
        o
        + label(lang, "m_colon")
        + ", ".join(
            label(lang, "p_reuse_item").format(
                old=_on(lang, old), new=_on(lang, new), outcome=_short(_mark(cells[(old, new)][o]).outcome)
            )
            for (old, new) in _REUSE
        )
        for o in OSES
    )
    return svg(
        ident,
        left + len(OSES) * panel_w,
        height + 50,
        label(lang, "p_reuse_title"),
        summary,
        body,
    )


# -- the UDP size line --------------------------------------------------------------------

_SIZES = (  # size, scenario, the address family it is sent over
    (1472, "udp.1472-is-not-a-limit", "IPv4"),
    (9216, "udp.largest-datagram-ipv4", "IPv4"),
    (65507, "udp.largest-datagram-ipv4", "IPv4"),
    (65527, "udp.largest-datagram-ipv6", "IPv6"),
)


def _udp_mark(matrix: Matrix, size: int, sid: str, os_name: str, lang: str) -> tuple[str, str, _Mark, _Mark]:
    """(word, colour, sendto mark, recv mark) for one size on one OS."""
    send = _mark(_cells(matrix, sid, f"sendto-{size}")[os_name])
    recv = _mark(_cells(matrix, sid, f"recv-{size}")[os_name])
    if send.outcome == "unknown":
        return "?", _NEUTRAL, send, recv
    if _fails(send.outcome):
        return f"sendto: {_short(send.outcome)}", _FAIL, send, recv
    if recv.outcome == "unknown":
        return label(lang, "p_arrival"), _NEUTRAL, send, recv
    if recv.outcome == str(size):
        return label(lang, "p_received"), _OK, send, recv
    return label(lang, "p_recv").format(outcome=_short(recv.outcome)), _FAIL, send, recv


def _udp_line(matrix: Matrix, lang: str) -> str:
    ident = "pic-udp-size"
    left, step_w, row_h, top = 90.0, 200.0, 50.0, 60.0
    width = left + step_w * len(_SIZES) + 20
    body = [
        _defs(ident),
        f'<line x1="{left:g}" y1="{top - 14:g}" x2="{width - 20:g}" y2="{top - 14:g}" stroke="#555"/>',
    ]
    for i, (size, _, family) in enumerate(_SIZES):
        x = left + step_w * i + step_w / 2
        body.append(f'<line x1="{x:g}" y1="{top - 20:g}" x2="{x:g}" y2="{top - 8:g}" stroke="#555"/>')
        body.append(
            text(
                x, top - 26, label(lang, "p_size").format(size=size, family=family), 12, "middle", ' font-weight="700"'
            )
        )
    parts = []
    for r, os_name in enumerate(OSES):
        y = top + r * row_h
        body.append(text(left - 10, y + 24, os_name, 13, "end", ' font-weight="600"'))
        for i, (size, sid, _) in enumerate(_SIZES):
            word, colour, send, recv = _udp_mark(matrix, size, sid, os_name, lang)
            evidence = _weaker(send, recv)
            x = left + step_w * i + 8
            body.append(_box(x, y + 4, step_w - 16, row_h - 10, colour, evidence, ident))
            ink = "#000" if evidence in ("inferred", "unknown", "documented") else "#fff"
            body.append(text(x + (step_w - 16) / 2, y + 20, word, 12, "middle", f' fill="{ink}" font-weight="600"'))
            level = _level(lang, evidence, bool(send.observed_differs or recv.observed_differs))
            body.append(text(x + (step_w - 16) / 2, y + 34, level, 10, "middle", f' fill="{ink}"'))
            parts.append(
                label(lang, "p_udp_item").format(os=os_name, size=size, word=word, evidence=label(lang, evidence))
            )
    height = top + len(OSES) * row_h + 4
    body.append(
        text(
            left,
            height + 10,
            label(lang, "p_udp_note"),
            11,
            extra=' fill="#444"',
        )
    )
    body += _legend(height + 16, ident, lang)
    return svg(
        ident,
        width,
        height + 70,
        label(lang, "p_udp_title"),
        label(lang, "and").join(parts),
        body,
    )


# -- backlog counts -----------------------------------------------------------------------

_BACKLOGS = ((0, "tcp.backlog-0"), (1, "tcp.backlog-1"), (5, "tcp.backlog-5"))


def _backlog(matrix: Matrix, lang: str) -> str:
    ident = "pic-backlog"
    left, group_h, bar_h, top, unit = 120.0, 86.0, 16.0, 30.0, 30.0
    marks = {(b, o): _mark(_cells(matrix, sid, "completed-before-accept")[o]) for b, sid in _BACKLOGS for o in OSES}
    counts = [int(m.outcome) for m in marks.values() if m.outcome.isdigit()]
    unit = min(unit, 460.0 / max([*counts, 1]))
    body = [_defs(ident), text(left, 18, label(lang, "p_completed"), 12, extra=' fill="#444"')]
    parts = []
    for g, (backlog, _) in enumerate(_BACKLOGS):
        y0 = top + g * group_h
        body.append(text(left - 60, y0 + group_h / 2, f"listen({backlog})", 13, "end", ' font-weight="700"'))
        for r, os_name in enumerate(OSES):
            m = marks[(backlog, os_name)]
            y = y0 + r * (bar_h + 3)
            body.append(text(left - 6, y + 12, os_name, 11, "end"))
            if m.outcome.isdigit():
                w = max(int(m.outcome) * unit, 3.0)
                body.append(_box(left, y, w, bar_h, _NEUTRAL, m.evidence, ident))
                differs = label(lang, "and") + label(lang, "p_differs") if m.observed_differs else ""
                says = m.outcome + label(lang, "p_paren").format(x=label(lang, m.evidence) + differs)
            else:
                w = 24.0
                body.append(_box(left, y, w, bar_h, _NEUTRAL, "unknown", ident))
                body.append(text(left + 12, y + 12, "?", 11, "middle"))
                says = (
                    label(lang, "unknown")
                    if m.outcome == "unknown"
                    else m.outcome + label(lang, "p_paren").format(x=label(lang, m.evidence))
                )
            body.append(text(left + w + 6, y + 12, says, 11))
            parts.append(label(lang, "p_backlog_item").format(backlog=backlog, os=os_name, label=says))
    height = top + len(_BACKLOGS) * group_h
    body += _legend(height, ident, lang)
    return svg(
        ident,
        left + 560,
        height + 50,
        label(lang, "p_backlog_title"),
        label(lang, "and").join(parts),
        body,
    )


#: Each topic's picture and the ``lang.label`` key of its caption.
_PICTURES: dict[str, tuple[Callable[[Matrix, str], str], str]] = {
    "reuseaddr-restart": (_reuseaddr, "p_reuse_caption"),
    "udp-oversize": (_udp_line, "p_udp_caption"),
    "backlog": (_backlog, "p_backlog_caption"),
}
#: The topics that have a summary picture.
PICTURE_TOPICS: Sequence[str] = tuple(_PICTURES)


def topic_pictures(source: Union[Matrix, Catalog], topic: str, lang: str = "en") -> str:
    """The summary picture of ``topic`` as an HTML ``<figure>`` ("" for a topic without one),
    its words in ``lang``.

    ``source`` is a matrix (its tables and real runs), or a catalog (its tables alone)."""
    if topic not in _PICTURES:
        return ""
    matrix = build_matrix([], source, "") if isinstance(source, Catalog) else source
    draw, caption = _PICTURES[topic]
    return figure("sb-summary", draw(matrix, lang), label(lang, caption) + label(lang, "p_drawn"))
