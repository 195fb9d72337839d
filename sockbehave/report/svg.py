"""The few SVG pieces every picture uses: escaping, text, the accessible wrapper and the figure.

Owns: making untrusted text safe inside SVG (escaped, and stripped of characters XML cannot
hold), the ``<svg>`` element with its ``<title>``/``<desc>`` and ``aria-labelledby``, and the
HTML ``<figure>`` around it. Pictures are inline and self-contained: no links, no scripts, no
external fonts (a generic font family only).
"""

from __future__ import annotations

import html
import re

__all__ = ["FONT", "esc", "figure", "slug", "svg", "text"]

FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif"
#: Characters XML 1.0 cannot hold at all (even escaped).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def esc(value: object) -> str:
    """``value`` as text safe in SVG/HTML content and in quoted attributes."""
    return html.escape(_NOT_XML.sub("?", str(value)), quote=True)


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "x"


def text(x: float, y: float, content: str, size: int = 12, anchor: str = "start", extra: str = "") -> str:
    """A ``<text>`` element; ``content`` is escaped here."""
    attrs = f' text-anchor="{anchor}"' if anchor != "start" else ""
    return f'<text x="{x:g}" y="{y:g}" font-size="{size}"{attrs}{extra}>{esc(content)}</text>'


def svg(ident: str, width: float, height: float, title: str, desc: str, body: list[str]) -> str:
    """An accessible inline SVG: ``ident`` (already a slug) names its title and description."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:g}" height="{height:g}" '
        f'viewBox="0 0 {width:g} {height:g}" aria-labelledby="{ident}-t {ident}-d" '
        f'font-family="{esc(FONT)}" style="max-width:100%;height:auto">'
        f'<title id="{ident}-t">{esc(title)}</title><desc id="{ident}-d">{esc(desc)}</desc>'
        f'<rect width="100%" height="100%" fill="#fff"/>{"".join(body)}</svg>'
    )


def figure(css_class: str, picture: str, caption: str) -> str:
    """An HTML ``<figure>`` holding ``picture`` (already safe) with an escaped caption."""
    return f'<figure class="{esc(css_class)}">{picture}<figcaption>{esc(caption)}</figcaption></figure>'
