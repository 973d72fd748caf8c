"""Modules imported on first use, to keep ``focalrd`` start-up fast.

numpy (~0.07 s) and scipy.special (~0.1 s) are needed only by the float64
pre-screens and searches, not by every command; ``focalrd eval`` of a binary
block quantity, for example, never touches them.  ``lazy_module("numpy")``
returns a stand-in whose first attribute access imports the module.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """A module imported on first attribute access (then every access is delegated)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def lazy_module(name: str) -> Any:
    """A stand-in for module ``name``, imported when an attribute is first used."""
    return LazyModule(name)


numpy = lazy_module("numpy")
scipy_special = lazy_module("scipy.special")
