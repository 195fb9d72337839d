"""Making untrusted text safe to show on a terminal or in a CI log.

Owns: the one rule for every string that came from outside (a report, a catalog, a file
name) before it is printed as text: control characters (C0, DEL, C1), Unicode bidi and
line/paragraph separators and lone surrogates become visible escapes (``\\x1b``,
``\\u202e``, ``\\udc80``), so a hostile report can neither drive the terminal nor forge lines
in a log, and printing never fails with ``UnicodeEncodeError``. HTML and Markdown have their
own escaping (``report.html``, ``report.markdown``); this module is for plain text only.
"""

from __future__ import annotations

import os
import re
from pathlib import PurePath
from typing import Union

__all__ = ["path_text", "printable"]

# C0 controls, DEL and C1 controls; Unicode line/paragraph separators; bidi embeddings,
# overrides and isolates (the "Trojan source" characters); lone surrogates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: object, *, keep_newlines: bool = False) -> str:
    """``text`` with every unsafe character escaped. ``keep_newlines`` keeps ``\\n`` for
    multi-line text that this program composed itself around untrusted parts."""
    s = str(text)
    if keep_newlines:
        return "\n".join(_UNSAFE.sub(_escape, line) for line in s.split("\n"))
    return _UNSAFE.sub(_escape, s)


def path_text(path: Union[str, PurePath]) -> str:
    """A file name as text: bytes that are not UTF-8 are shown as ``\\xNN``, never raised on."""
    raw = os.fsencode(path)
    return printable(raw.decode("utf-8", "backslashreplace"))
