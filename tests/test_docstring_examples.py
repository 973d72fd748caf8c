"""The runnable examples in the docstrings of the numeric and proofs layers are correct."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest
from mpmath import mp

import focalrd.numeric
import focalrd.proofs


def _modules(package) -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + "."))


@pytest.mark.parametrize("name", ["focalrd", *_modules(focalrd.numeric), *_modules(focalrd.proofs)])
def test_docstring_examples(name):
    if name.startswith("focalrd.numeric.balls.") and name != "focalrd.numeric.balls.digits":
        pytest.importorskip("flint")  # the ball arithmetic needs the rigorous extra
    module = importlib.import_module(name)
    saved = mp.prec
    try:
        flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
        result = doctest.testmod(module, optionflags=flags)
    finally:
        mp.prec = saved
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
