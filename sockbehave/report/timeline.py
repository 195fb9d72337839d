"""Packet timelines: a scenario run on the simulator with the trace on, drawn as an inline SVG.

Owns: running one scenario on one simulated OS with ``Network(trace=True)`` and drawing what the
trace recorded: one lifeline per endpoint (address and port), time going down, an arrow per
modelled segment (SYN, SYN-ACK, ACK, data n, FIN, RST, UDP n, ICMP), and the socket calls with
their results in a column on the left, each tied to its socket's lifeline by a dot. It draws only
what the simulator models; the legend says what is abstracted (``sim/trace.py``). A scenario the
simulator cannot run on an OS (not modelled, a run error) gets a figure saying so.

Public surface, for the matrix page and the static site:

* ``timeline_svg(catalog, scenario_id, os_name, lang="en") -> str``: one ``<svg>``.
* ``trace_svg(trace, ident, title, error=None, lang="en") -> str``: any trace (``sockbehave
  simulate --trace`` draws its programs' run with it).
* ``scenario_timelines(catalog, scenario_id, os_names=OSES, lang="en") -> str``: an HTML
  fragment, one ``<figure class="sb-timeline">`` per OS, each with a caption (and the
  simulator's known gaps for that OS, from the tables' ``sim_gap``).

The words around the trace (headings, legend, captions) come from ``lang.label`` in ``lang``;
segment names, call names, results, addresses and the simulator's notes stay as recorded.

Both raise ``InputError`` for an unknown scenario id or OS name and never raise for what the
scenario does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, cast

from ..catalog import Catalog
from ..errors import InputError
from ..lang import label
from ..runner import ScenarioRun, run_scenario
from ..scenario import Scenario
from ..sim.kernel import FD_BASE
from ..sim.trace import Call, Segment, Trace
from ..tables import OSES
from .svg import esc, figure, slug, svg, text

__all__ = ["TracedRun", "scenario_timelines", "timeline_svg", "trace_svg", "traced_run"]

_TOP, _ROW, _CALLS_W, _LANE_W, _HEAD = 20, 24, 330, 170, 52
_SEG_COLOURS = {"RST": "#b3261e", "ICMP port unreachable": "#8a4b00", "FIN": "#4a148c"}


@dataclass(frozen=True)
class TracedRun:
    """A scenario's run on one simulated OS: its steps or error, and the trace."""

    scenario: Scenario
    os_name: str
    run: ScenarioRun
    trace: Optional[Trace]


def _scenario(catalog: Catalog, scenario_id: str) -> Scenario:
    sc = catalog.by_id.get(scenario_id)
    if sc is None:
        raise InputError(f"timeline: no scenario {scenario_id!r} in the catalog")
    return sc


def traced_run(catalog: Catalog, scenario_id: str, os_name: str) -> TracedRun:
    """Run ``scenario_id`` on the simulated ``os_name`` with the packet trace on."""
    sc = _scenario(catalog, scenario_id)
    if os_name not in OSES:
        raise InputError(f"timeline: unknown OS {os_name!r} (choose from {', '.join(OSES)})")
    from ..sim import get_profile
    from ..sim.patching import ScenarioNetwork

    made: list[ScenarioNetwork] = []

    def make(name: str) -> ScenarioNetwork:
        net = ScenarioNetwork(get_profile(os_name), name=name, trace=True)
        made.append(net)
        return net

    run = run_scenario(sc, make)
    return TracedRun(sc, os_name, run, made[0].trace if made else None)


def _lanes(trace: Trace) -> dict[object, int]:
    """Lifeline keys (an endpoint, or ``("fd", n)`` for a socket with no address) in order of appearance."""
    lanes: dict[object, int] = {}
    for event in trace.events:
        keys: tuple[object, ...]
        if isinstance(event, Segment):
            keys = (event.src, event.dst)
        else:
            keys = (event.local if event.local is not None else ("fd", event.fd),)
        for key in keys:
            lanes.setdefault(key, len(lanes))
    return lanes


def _lane_name(key: object, lang: str) -> str:
    if isinstance(key, tuple) and len(key) == 2 and key[0] == "fd":
        return label(lang, "t_no_address").format(n=int(key[1]) - FD_BASE)
    host, port = cast("tuple[str, int]", key)
    return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"


def _arrow(x1: float, x2: float, y: float, colour: str, dashed: bool) -> str:
    head = 7 if x2 > x1 else -7
    dash = ' stroke-dasharray="5 4"' if dashed else ""
    return (
        f'<line x1="{x1:g}" y1="{y:g}" x2="{x2 - head:g}" y2="{y:g}" stroke="{colour}" stroke-width="1.6"{dash}/>'
        f'<path d="M{x2:g},{y:g} l{-head:g},-4 v8 z" fill="{colour}"/>'
    )


def _draw(traced: TracedRun, ident: str, lang: str) -> str:
    title = label(lang, "t_title").format(id=traced.scenario.id, os=traced.os_name)
    return trace_svg(traced.trace, ident, title, traced.run.error, lang)


def trace_svg(trace: Optional[Trace], ident: str, title: str, error: Optional[str] = None, lang: str = "en") -> str:
    """Any run's packet trace as one ``<svg>`` titled ``title`` (a run that ended with ``error``
    says so under the picture): a scenario's, or the programs' of ``sockbehave simulate``."""
    if trace is None or not trace.events:
        why = error or label(lang, "t_no_segments")
        return svg(ident, 640, 60, title, why, [text(12, 34, label(lang, "t_none").format(why=why), 13)])
    lanes = _lanes(trace)
    calls = bool(trace.calls)  # a program's own sockets record none (``sockbehave simulate``)
    x0 = (_CALLS_W if calls else 40) + 40
    xs = {key: x0 + i * _LANE_W + _LANE_W / 2 for key, i in lanes.items()}
    width = x0 + len(lanes) * _LANE_W + 10
    body: list[str] = [text(8, _TOP + 12, label(lang, "t_axis" if calls else "t_axis_time"), 11, extra=' fill="#555"')]
    for key, x in xs.items():
        body.append(
            f'<rect x="{x - _LANE_W / 2 + 6:g}" y="{_TOP:g}" width="{_LANE_W - 12}" height="24" rx="4" '
            f'fill="#eef3fb" stroke="#5b7bb2"/>'
        )
        body.append(text(x, _TOP + 16, _lane_name(key, lang), 11, "middle"))
    y = _TOP + _HEAD
    last_time: Optional[float] = None
    rows: list[str] = []
    for event in trace.events:
        y += _ROW
        if event.time != last_time:
            rows.append(text(8, y + 4, f"t={event.time:.3f} s", 11, extra=' fill="#555"'))
            rows.append(f'<line x1="8" y1="{y - 14:g}" x2="{width - 8:g}" y2="{y - 14:g}" stroke="#eee"/>')
            last_time = event.time
        if isinstance(event, Segment):
            x1, x2 = xs[event.src], xs[event.dst]
            colour = _SEG_COLOURS.get(event.kind, "#1d4f91")
            dashed = event.note.startswith(("dropped", "no answer"))
            rows.append(_arrow(x1, x2, y, colour, dashed))
            name = event.label + (f" ({event.note})" if event.note else "")
            rows.append(text((x1 + x2) / 2, y - 5, name, 11, "middle", f' fill="{colour}" font-weight="600"'))
        else:
            rows.append(_call_row(event, xs, y, lang))
    height = y + _ROW
    body.extend(rows)
    for x in xs.values():
        body.insert(1, f'<line x1="{x:g}" y1="{_TOP + 24:g}" x2="{x:g}" y2="{height:g}" stroke="#9aa9c4"/>')
    legend = label(lang, "t_legend") if calls else label(lang, "t_legend").replace(label(lang, "t_legend_calls"), "")
    notes = [line.rstrip() for line in legend.split("\n") if line.strip()]
    if trace.dropped:
        notes.insert(0, label(lang, "t_capped").format(n=len(trace.events), dropped=trace.dropped))
    if error:
        notes.insert(0, label(lang, "t_error").format(error=error))
    for line in notes:
        height += 16
        body.append(text(8, height, line, 11, extra=' fill="#444"'))
    desc = label(lang, "t_desc").format(segments=len(trace.segments), calls=len(trace.calls), lanes=len(lanes))
    return svg(ident, max(width, 700), height + 12, title, desc, body)


def _call_row(call: Call, xs: dict[object, float], y: float, lang: str) -> str:
    x = xs[call.local if call.local is not None else ("fd", call.fd)]
    colour = "#b3261e" if call.raised else "#1b5e20"
    verb = label(lang, "t_raised") if call.raised else "→"
    return (
        f'<line x1="{_CALLS_W:g}" y1="{y:g}" x2="{x:g}" y2="{y:g}" stroke="#ccc" stroke-dasharray="1 3"/>'
        f'<circle cx="{x:g}" cy="{y:g}" r="4" fill="{colour}"/>'
        + text(78, y + 4, f"{call.name}() {verb} {call.result}", 11, extra=f' fill="{colour}"')
    )


def timeline_svg(catalog: Catalog, scenario_id: str, os_name: str, lang: str = "en") -> str:
    """The packet timeline of ``scenario_id`` on the simulated ``os_name``, as one inline ``<svg>``
    whose words are in ``lang`` (``lang.LANGS``)."""
    return _draw(traced_run(catalog, scenario_id, os_name), f"tl-{slug(scenario_id)}-{slug(os_name)}", lang)


def _gaps(catalog: Catalog, scenario_id: str, os_name: str, lang: str) -> list[str]:
    return [
        label(lang, "t_gap").format(step=step, gap=cells[os_name].sim_gap)
        for step, cells in catalog.steps(scenario_id).items()
        if os_name in cells and cells[os_name].sim_gap
    ]


def scenario_timelines(catalog: Catalog, scenario_id: str, os_names: tuple[str, ...] = OSES, lang: str = "en") -> str:
    """An HTML fragment: one ``<figure class="sb-timeline">`` per OS with the scenario's timeline,
    its words in ``lang``."""
    out = []
    for os_name in os_names:
        traced = traced_run(catalog, scenario_id, os_name)
        picture = _draw(traced, f"tl-{slug(scenario_id)}-{slug(os_name)}", lang)
        caption = label(lang, "t_caption").format(os=os_name)
        gaps = _gaps(catalog, scenario_id, os_name, lang)
        if traced.run.error:
            caption += label(lang, "t_cannot").format(error=traced.run.error)
        if gaps:
            caption += label(lang, "t_gaps") + label(lang, "and").join(gaps)
        out.append(figure("sb-timeline", picture, caption))
    return f'<div class="sb-timelines" data-scenario="{esc(scenario_id)}">{"".join(out)}</div>'
