"""Sweeps: a SPEC (TOML) names one ``focalrd eval`` quantity and a grid of its options.

A point of the grid is evaluated by :func:`evaluate_point`, which runs exactly the
command line ``focalrd eval QUANTITY --OPTION VALUE ... --dps N --json`` would run:
the same argument parser, the same validation and the same
:func:`focalrd.verify.commands.eval.evaluate`, so a stored value carries the same
confirmed digits and the same JSON fields.  Nothing here does I/O beyond reading the
SPEC file; the store is :mod:`focalrd.verify.store`, the engine
:mod:`focalrd.verify.commands.sweep`.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import threading
import time
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from focalrd._version import __version__
from focalrd.numeric.errors import InvalidInputError, PrecisionError
from focalrd.numeric.precision import DEFAULT_DPS, check_dps

__all__ = [
    "MAX_POINTS",
    "STATUSES",
    "Point",
    "SpecError",
    "SweepSpec",
    "eval_argv",
    "evaluate_options",
    "evaluate_point",
    "load_spec",
    "parse_spec",
]

#: Outcomes of a point: a confirmed value, refused input, digits that could not be
#: confirmed, anything else (a bug, or a worker that died too often).
STATUSES = ("ok", "bad-input", "precision", "error")

#: The largest grid a SPEC may describe (refused before anything runs).
MAX_POINTS = 1_000_000

#: SPEC keys that are not options of the quantity.
_SPEC_KEYS = ("quantity", "dps", "grid")


class SpecError(InvalidInputError):
    """A SPEC that cannot be run: one line naming what is wrong and what is accepted."""

    def __init__(self, message: str) -> None:
        ValueError.__init__(self, message)
        self.parameter, self.accepted, self.got = "SPEC", message, None


@dataclass(frozen=True)
class Point:
    """One grid point: its place in grid order and the options given to ``focalrd eval``."""

    index: int
    options: dict[str, str | bool]

    def inputs_json(self) -> str:
        """The canonical JSON of the inputs (exact strings, sorted keys): the store key."""
        return canonical_inputs(self.options)


@dataclass(frozen=True)
class SweepSpec:
    """A parsed, validated SPEC."""

    name: str
    quantity: str
    dps: int
    fixed: dict[str, str | bool]
    grid: dict[str, list[str | bool]]
    option_order: list[str] = field(default_factory=list)
    version: str = __version__

    @property
    def total(self) -> int:
        count = 1
        for values in self.grid.values():
            count *= len(values)
        return count

    def points(self) -> Iterator[Point]:
        """The Cartesian product in grid order (the first grid option varies slowest)."""
        names = list(self.grid)
        for index, combination in enumerate(itertools.product(*self.grid.values())):
            options = dict(self.fixed)
            options.update(zip(names, combination, strict=True))
            yield Point(index, {k: options[k] for k in self.option_order if k in options})


def canonical_inputs(options: Mapping[str, str | bool]) -> str:
    """Sorted-key compact JSON of the options; a ``false`` flag is the flag not given."""
    kept = {k: v for k, v in options.items() if v is not False}
    return json.dumps(kept, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# -- the eval command line ---------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _cli_parser() -> argparse.ArgumentParser:
    from focalrd.verify.cli import build_parser

    return build_parser()


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices.get(name)
    return None


def quantity_names() -> list[str]:
    """Every quantity of ``focalrd eval``."""
    eval_parser = _subparser(_cli_parser(), "eval")
    assert eval_parser is not None
    for action in eval_parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []  # pragma: no cover


def quantity_options(quantity: str) -> dict[str, bool]:
    """The options of ``focalrd eval QUANTITY`` (without --dps/--json/--help), each mapped
    to whether it is a flag (given as ``true``/``false``) rather than a value."""
    eval_parser = _subparser(_cli_parser(), "eval")
    quantity_parser = _subparser(eval_parser, quantity) if eval_parser else None
    if quantity_parser is None:
        raise SpecError(f"unknown quantity {quantity!r}: expected one of "
                        f"{', '.join(quantity_names())}")
    options: dict[str, bool] = {}
    for action in quantity_parser._actions:
        if not action.option_strings or action.dest in ("help", "dps", "json"):
            continue
        options[action.dest] = isinstance(action, argparse._StoreTrueAction)
    return options


def eval_argv(quantity: str, options: Mapping[str, str | bool], dps: int) -> list[str]:
    """The ``focalrd eval`` command line of a point (after ``focalrd``)."""
    argv = ["eval", quantity]
    for name, value in options.items():
        if value is True:
            argv.append(f"--{name}")
        elif value is not False:
            argv.append(f"--{name}={value}")  # '=' keeps a value such as '-1' a value
    return [*argv, f"--dps={dps}", "--json"]


def evaluate_options(quantity: str, options: Mapping[str, str | bool], dps: int) -> dict[str, Any]:
    """The JSON document ``focalrd eval QUANTITY --OPTION VALUE ... --dps DPS --json`` prints.

    Parsed by the ``focalrd`` argument parser itself and computed by the function the
    ``eval`` command calls; raises what the command would report (InvalidInputError,
    PrecisionError).
    """
    from focalrd.verify.commands.eval import evaluate

    args = _cli_parser().parse_args(eval_argv(quantity, options, dps))
    return evaluate(args._quantity, args)


# mpmath's working precision is process-wide state: a worker running several threads
# (``dask worker --nthreads 4``) must not evaluate two points at once.
_MPMATH_LOCK = threading.Lock()


def _one_line(text: str, limit: int = 500) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except Exception:  # not on a Dask worker (an in-process loop, a test)
        return f"pid {os.getpid()}"


def evaluate_point(quantity: str, options: dict[str, str | bool], dps: int) -> dict[str, Any]:
    """Evaluate one point; never raises for a bad point.

    Returns ``status`` (one of :data:`STATUSES`), ``message`` (one line, empty when ok),
    ``document`` (the ``focalrd eval --json`` object, or None), ``seconds`` and ``worker``.
    """
    start = time.perf_counter()
    document, status, message = None, "ok", ""
    with _MPMATH_LOCK:
        try:
            document = evaluate_options(quantity, options, dps)
        except InvalidInputError as error:
            status, message = "bad-input", _one_line(str(error))
        except PrecisionError as error:
            status, message = "precision", _one_line(str(error))
        except Exception as error:  # a bug: stored, named, the sweep goes on
            status, message = "error", _one_line(f"{type(error).__name__}: {error}")
    return {"status": status, "message": message, "document": document,
            "seconds": time.perf_counter() - start, "worker": _worker_name()}


# -- SPEC --------------------------------------------------------------------------------

def _option_value(name: str, value: Any, is_flag: bool) -> str | bool:
    if is_flag:
        if not isinstance(value, bool):
            raise SpecError(f"option {name!r} is a flag: expected true or false, got {value!r}")
        return value
    if isinstance(value, bool):
        raise SpecError(f"option {name!r} takes a value, not {str(value).lower()}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise SpecError(f"option {name!r}: write the number {value!r} as a string (\"{value!r}\")"
                        " so that it is read as the exact decimal you typed")
    if isinstance(value, str):
        return value
    raise SpecError(f"option {name!r}: expected a string, an integer or a list of them, "
                    f"got {type(value).__name__}")


def parse_spec(data: Mapping[str, Any], name: str) -> SweepSpec:
    """Validate a SPEC's TOML table; raises :class:`SpecError` naming the problem."""
    quantity = data.get("quantity")
    if not isinstance(quantity, str):
        raise SpecError("SPEC needs quantity = \"NAME\", one of "
                        + ", ".join(quantity_names()))
    options = quantity_options(quantity)
    dps_value = data.get("dps", DEFAULT_DPS)
    if isinstance(dps_value, bool) or not isinstance(dps_value, int | str):
        raise SpecError(f"dps: expected an integer, got {dps_value!r}")
    dps = check_dps(str(dps_value))
    grid_table = data.get("grid", {})
    if not isinstance(grid_table, dict):
        raise SpecError("[grid] must be a table of option = [values]")
    raw: dict[str, Any] = {k: v for k, v in data.items() if k not in _SPEC_KEYS}
    for key in raw:
        if key in grid_table:
            raise SpecError(f"option {key!r} is given both at the top level and in [grid]")
    raw.update(grid_table)
    fixed: dict[str, str | bool] = {}
    grid: dict[str, list[str | bool]] = {}
    for key, value in raw.items():
        if key not in options:
            raise SpecError(f"unknown option {key!r} of quantity {quantity!r}: expected one of "
                            + ", ".join(list(options) or ["(none)"]))
        if isinstance(value, list):
            if not value:
                raise SpecError(f"[grid] {key} is an empty list: give at least one value")
            values = [_option_value(key, v, options[key]) for v in value]
            seen = set()
            for v in values:
                if v in seen:
                    raise SpecError(f"[grid] {key} lists {v!r} twice")
                seen.add(v)
            grid[key] = values
        else:
            fixed[key] = _option_value(key, value, options[key])
    order = [k for k in options if k in raw]
    spec = SweepSpec(name=name, quantity=quantity, dps=dps, fixed=fixed, grid=grid,
                     option_order=order)
    if spec.total > MAX_POINTS:
        raise SpecError(f"the grid has {spec.total} points: at most {MAX_POINTS} per SPEC "
                        "(split it into several SPECs)")
    # Options the command line itself refuses (a required one missing, two exclusive ones)
    # are SPEC errors, found on the first point before anything runs.  Values are checked
    # per point: a bad value is a 'bad-input' point, not a bad SPEC.
    first = next(spec.points())
    try:
        _cli_parser().parse_args(eval_argv(quantity, first.options, dps))
    except InvalidInputError as error:
        message = str(error).split("error: ", 1)[-1]
        raise SpecError(f"quantity {quantity!r}: {message}") from None
    return spec


def load_spec(path: str) -> SweepSpec:
    """Read and validate a SPEC file (TOML)."""
    if "\x00" in path:  # open() would raise ValueError: an internal error (exit 4)
        raise SpecError(f"cannot read SPEC {path.replace(chr(0), chr(92) + '0')}: a path "
                        "without a NUL character is expected")
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise SpecError(f"cannot read SPEC {path}: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise SpecError(f"SPEC {path} is not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise SpecError(f"SPEC {path} is not UTF-8 text") from None
    name = os.path.splitext(os.path.basename(path))[0] or "sweep"
    return parse_spec(data, name)
