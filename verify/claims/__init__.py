"""The claims of THEORY.md.

:mod:`.catalogue` defines every claim (id, statement, provenance, expectation);
the other modules of this package add checks to them with
:func:`focalrd.verify.registry.check`, one module per area.  :func:`load_all`
imports the catalogue first, then every other module in name order.
"""

from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    """Import the catalogue and every check module of this package (idempotent)."""
    importlib.import_module(f"{__name__}.catalogue")
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name != "catalogue" and not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
