"""focalrd: lossy source coding with focal loss, checked symbolically and at arbitrary precision.

The front door for Python and notebooks::

    >>> import focalrd
    >>> from mpmath import mp
    >>> mp.dps = 15                          # values come at mpmath's working precision
    >>> print(focalrd.tau(2, "1"))
    0.2052855757497
    >>> focalrd.distortion_limit("0.89,0.11", 2, 100, None, "0.1", rate="0.3")  # doctest: +SKIP
    DistortionLimit(value=0.0988980582254… nats, K=2.1103…×10^17, L=19748)

Every function accepts ``int``, ``Fraction``, ``Decimal``, decimal or fraction
strings (``"0.11"``, ``"1/3"``) and mpf alike, and sources also as a comma-separated
string; a ``float`` is taken at its exact binary value (see
:mod:`focalrd.numeric.inputs`).  Bad input raises :class:`InvalidInputError` (a
``ValueError``) naming the parameter, with the limits of the command line.
Values are computed at the current ``mpmath.mp`` precision; :func:`confirmed`
evaluates twice and returns a value only when its requested digits agree.
``bits=True`` means what ``--bits`` means on the command line: values in bits.

Importing focalrd is light: the functions below are loaded on first use.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

from focalrd._version import __version__


def _source_tree_layout() -> None:
    # In a source checkout the subpackages live beside this directory (numeric/,
    # proofs/, verify/, mapped to focalrd.* by pyproject.toml).  Installed, they are
    # inside it.  Running from a checkout that is not installed in editable mode
    # (e.g. `python -m pytest` at the repository root with a regular install), this
    # directory shadows the installed package, so look beside it too.
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    if (not os.path.isdir(os.path.join(here, "numeric"))
            and os.path.isfile(os.path.join(root, "numeric", "__init__.py"))
            and os.path.isfile(os.path.join(root, "pyproject.toml"))):
        __path__.append(root)  # type: ignore[name-defined]  # noqa: F821


_source_tree_layout()

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from focalrd import strategies
    from focalrd.api import claims, derivation
    from focalrd.numeric.blocks.excess import distortion_limit, excess_distortion_limit
    from focalrd.numeric.blocks.normal import normal_approximation
    from focalrd.numeric.c_gamma import c_gamma
    from focalrd.numeric.errors import InvalidInputError, PrecisionError
    from focalrd.numeric.oneshot.focal_entropy import focal_entropy
    from focalrd.numeric.phi import phi
    from focalrd.numeric.precision import confirmed
    from focalrd.numeric.source import dispersion, entropy
    from focalrd.numeric.tau import tau

#: public name → the module that defines it (imported on first use).
_LAZY = {
    "phi": "focalrd.numeric.phi",
    "tau": "focalrd.numeric.tau",
    "c_gamma": "focalrd.numeric.c_gamma",
    "entropy": "focalrd.numeric.source",
    "dispersion": "focalrd.numeric.source",
    "focal_entropy": "focalrd.numeric.oneshot.focal_entropy",
    "excess_distortion_limit": "focalrd.numeric.blocks.excess",
    "distortion_limit": "focalrd.numeric.blocks.excess",
    "normal_approximation": "focalrd.numeric.blocks.normal",
    "derivation": "focalrd.api",
    "claims": "focalrd.api",
    "InvalidInputError": "focalrd.numeric.errors",
    "PrecisionError": "focalrd.numeric.errors",
    "confirmed": "focalrd.numeric.precision",
}

#: subpackages and modules reachable as attributes (``focalrd.numeric`` etc.).
_SUBMODULES = ("numeric", "proofs", "verify", "strategies", "api")

__all__ = [
    "InvalidInputError",
    "PrecisionError",
    "__version__",
    "c_gamma",
    "claims",
    "confirmed",
    "derivation",
    "dispersion",
    "distortion_limit",
    "entropy",
    "excess_distortion_limit",
    "focal_entropy",
    "normal_approximation",
    "phi",
    "strategies",
    "tau",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"focalrd.{name}")
    else:
        raise AttributeError(f"module 'focalrd' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | set(_SUBMODULES))
