"""sockbehave: socket edge cases as executable, citable facts.

The public surface is small: the ``scenario`` decorator for catalog authors, ``load_catalog``
and ``run`` for tools, and the error hierarchy. Everything else is reachable through the CLI
(``sockbehave``) and the pytest plugin.
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

from .errors import (
    CatalogError,
    DescriptorBudgetError,
    ForbiddenCallError,
    InputError,
    LoopbackOnlyError,
    OutputError,
    ScenarioError,
    SockbehaveError,
)

if TYPE_CHECKING:
    from .catalog import load_catalog
    from .scenario import scenario

__all__ = [
    "CatalogError",
    "DescriptorBudgetError",
    "ForbiddenCallError",
    "InputError",
    "LoopbackOnlyError",
    "OutputError",
    "ScenarioError",
    "SockbehaveError",
    "__version__",
    "load_catalog",
    "scenario",
]


def __getattr__(name: str) -> Any:
    # Imported on first use, so that ``sockbehave`` (the command) starts fast and a Ctrl-C
    # during start-up lands in the command's own handler.
    if name == "load_catalog":
        from .catalog import load_catalog

        return load_catalog
    if name == "scenario":
        from .scenario import scenario

        return scenario
    raise AttributeError(f"module 'sockbehave' has no attribute {name!r}")
