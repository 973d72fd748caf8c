"""Subcommands of the ``focalrd`` CLI, one module each, discovered at start-up.

A module defines ``COMMAND = Command(...)``; ``order`` fixes its place in
``focalrd --help``.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence
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


def print_outcome(lines: Sequence[str], json_document: str | None) -> None:
    """A command's closing lines: on stdout, or on stderr when ``--json`` puts the
    document (``json_document``) alone on stdout."""
    if json_document is not None:
        sys.stdout.write(json_document)
    for line in lines:
        print(line, file=sys.stderr if json_document is not None else sys.stdout)
