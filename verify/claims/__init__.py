"""The claims of THEORY.md.

:mod:`.catalogue` defines every claim (id, statement, provenance, expectation);
the other modules of this package add checks to them with
:func:`focalrd.verify.registry.check`, one module per area.  :func:`load_all`
imports the catalogue first, then every other module in name order.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Container


def load_all(on_error: Callable[[str, Exception], None] | None = None,
             skip: Container[str] = ()) -> None:
    """Import the catalogue and every check module of this package (idempotent).

    Modules whose dotted name is in ``skip`` are not imported.  A check module
    that fails to import raises, unless ``on_error`` is given: then
    ``on_error(dotted name, error)`` is called and the other modules still load.
    """
    importlib.import_module(f"{__name__}.catalogue")
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        name = f"{__name__}.{module.name}"
        if module.name == "catalogue" or module.name.startswith("_") or name in skip:
            continue
        try:
            importlib.import_module(name)
        except Exception as error:
            if on_error is None:
                raise
            on_error(name, error)
