"""``python -m sockbehave`` is the ``sockbehave`` command."""

from .cli import main

raise SystemExit(main())
