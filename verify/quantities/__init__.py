"""Quantities of ``focalrd eval``, one or more per module, discovered at start-up.

A module defines ``QUANTITIES = [Quantity(...), ...]``.  The contract of
``focalrd eval QUANTITY ... --json`` (stable; documented in the README): one JSON
object with at least ``"quantity"``, ``"value"`` (a decimal string with the
requested number of significant digits, or null where a quantity documents it),
``"dps"``, ``"unit"`` (of the value: ``"nats"``, ``"bits"``, ``"nats^2"``, or null for a
probability) and ``"inputs"`` (the exact inputs as strings); further keys
are quantity-specific.  Every real number in the output is confirmed to every
printed digit by :func:`focalrd.numeric.precision.confirmed`.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Quantity:
    """One quantity of ``focalrd eval``.

    ``parse`` turns the parsed arguments into validated exact inputs (raising
    ``InvalidInputError``); ``compute(inputs, bits)`` returns a dict with at
    least ``"value"``, computed at the current mpmath precision (it is run
    twice, at two precisions, to confirm the digits); ``example`` is one
    command line shown in the help and the README.
    """

    name: str
    summary: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    parse: Callable[[argparse.Namespace], dict[str, Any]]
    compute: Callable[[dict[str, Any], bool], dict[str, Any]]
    example: str = ""
    description: str = ""
    has_unit: bool = True
    #: the unit of ``"value"``: ``"{unit}"`` (nats or bits), ``"{unit}^2"``, or None for a
    #: probability (``--bits`` may still apply to the inputs, e.g. a distortion level).
    value_unit: str | None = "{unit}"
    order: int = 50


def discover_quantities() -> list[Quantity]:
    """Every quantity defined in this package, in ``order``."""
    found: list[Quantity] = []
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_"):
            continue
        found.extend(getattr(importlib.import_module(f"{__name__}.{module.name}"),
                             "QUANTITIES", []))
    return sorted(found, key=lambda q: (q.order, q.name))
