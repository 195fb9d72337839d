"""Where things about a scenario are found: its standalone example, and its place in the published site.

Owns: the example file's path (``<topic>/examples/<id with '.' and '-' as '_'>.py`` beside the
scenario), the site's base URL (``--base-url``, else ``SOCKBEHAVE_BASE_URL``, else
``DEFAULT_BASE_URL``) and its validation, and the stable relative addresses of the site's
pages and anchors, which ``sockbehave site`` writes and ``explain`` links to:

* ``index.html#<id>`` the scenario's rows in the matrix, ``index.html#<id>/<step>/<os>`` one cell;
* ``s/<id>.html`` the scenario's page; the Chinese pages are the same paths under ``zh/``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from urllib.parse import quote, urlsplit

from .display import printable
from .errors import InputError
from .scenario import Scenario

__all__ = ["BASE_URL_ENV", "DEFAULT_BASE_URL", "Example", "base_url", "example_of", "page_path", "site_url"]

#: A placeholder: the project has not published its site yet. ``OWNER`` as in docs/ci.md.
DEFAULT_BASE_URL = "https://OWNER.github.io/sockbehave/"
BASE_URL_ENV = "SOCKBEHAVE_BASE_URL"
#: An example larger than this is not "a few lines for a lesson".
MAX_EXAMPLE_BYTES = 64 * 1024
#: Characters a base URL may not hold: they would end the Markdown autolink or HTML attribute it lands in.
_UNSAFE = set("<>\"'`\\")


@dataclass(frozen=True)
class Example:
    path: Path
    code: str


def example_of(sc: Scenario) -> Optional[Example]:
    """The scenario's standalone example, if it has one (read as UTF-8; an unreadable one is
    treated as absent, since the scenario's own code can still be shown)."""
    if not sc.source_file:
        return None
    name = sc.id.replace(".", "_").replace("-", "_") + ".py"
    path = Path(sc.source_file).parent / "examples" / name
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if len(raw) > MAX_EXAMPLE_BYTES:
        return None
    return Example(path, raw.decode("utf-8", "replace"))


def base_url(flag: Optional[str] = None) -> str:
    """The site's base URL, ending in ``/``: the flag, else the environment, else the default.
    Anything but an absolute http(s) URL with a host is an ``InputError`` naming where it came from."""
    env = os.environ.get(BASE_URL_ENV)
    where, value = ("--base-url", flag) if flag is not None else (BASE_URL_ENV, env) if env else ("", None)
    if value is None:
        return DEFAULT_BASE_URL
    try:
        parts = urlsplit(value)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok or any(c.isspace() or ord(c) < 0x20 or c in _UNSAFE for c in value):
        raise InputError(f"{where} {printable(repr(value))}: must be an http:// or https:// URL with a host")
    return value if value.endswith("/") else value + "/"


def page_path(scenario_id: str, lang: str = "en") -> str:
    """The scenario's page, relative to the site's root."""
    return f"{'zh/' if lang == 'zh' else ''}s/{scenario_id}.html"


def site_url(base: str, scenario_id: str, lang: str = "en", anchor: Optional[str] = None) -> str:
    """The scenario's rows (or, with ``anchor`` as ``step/os``, one cell) in the published matrix."""
    target = scenario_id if anchor is None else f"{scenario_id}/{anchor}"
    return f"{base}{'zh/' if lang == 'zh' else ''}index.html#{quote(target, safe='/')}"
