"""``python -m sockbehave`` is the ``sockbehave`` command."""

from ._console import main

raise SystemExit(main())
