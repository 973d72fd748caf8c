"""Helpers shared by the planted-bug modules (the leading underscore: no ``BUGS`` here)."""

from __future__ import annotations

import dataclasses


def quantity_compute(name: str, make_compute):
    """A maker for the ``QUANTITIES`` list of a module of :mod:`focalrd.verify.quantities`:
    the quantity ``name`` gets ``make_compute(original compute, module)`` (a Quantity holds
    its compute function, so the module attribute alone would not reach it)."""
    def make(original, module):
        return [dataclasses.replace(q, compute=make_compute(q.compute, module))
                if q.name == name else q for q in original]
    return make
