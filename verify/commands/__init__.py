"""Subcommands of the ``focalrd`` CLI, one module each, discovered at start-up.

A module defines ``COMMAND = Command(...)``; ``order`` fixes its place in
``focalrd --help``.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    summary: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    description: str = ""
    order: int = 50


def discover_commands() -> list[Command]:
    """Every ``COMMAND`` defined in this package, in ``order``."""
    commands = []
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_"):
            continue
        found = getattr(importlib.import_module(f"{__name__}.{module.name}"), "COMMAND", None)
        if found is not None:
            commands.append(found)
    return sorted(commands, key=lambda c: (c.order, c.name))
