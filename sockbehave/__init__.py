"""sockbehave: socket edge cases as executable, citable facts.

The public surface is small: the ``scenario`` decorator for catalog authors, ``load_catalog``
and ``run`` for tools, and the error hierarchy. Everything else is reachable through the CLI
(``sockbehave``) and the pytest plugin.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .catalog import load_catalog
from .errors import CatalogError, InputError, LoopbackOnlyError, ScenarioError, SockbehaveError
from .scenario import scenario

__all__ = [
    "CatalogError",
    "InputError",
    "LoopbackOnlyError",
    "ScenarioError",
    "SockbehaveError",
    "__version__",
    "load_catalog",
    "scenario",
]
