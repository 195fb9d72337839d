"""The ``sockbehave`` console script: the CLI, with Ctrl-C during its start-up handled too.

Owns: only the entry point. ``cli`` handles interruptions once it runs; this catches one that
arrives while ``cli`` itself is still being imported, so no traceback ever reaches the user.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> int:
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("sockbehave: interrupted\n")
        return 130
    return run()
