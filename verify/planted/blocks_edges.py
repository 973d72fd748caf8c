"""Planted bugs of the block-length engines, the saddlepoint approximation and the
command-line layer (issue 22; issue 20's third bullet).

Most bugs here are one-line edits of the real source: :func:`_edit` reads the
target's source, replaces one exact piece of text and compiles the result in the
target's own module globals, so the planted function is the library's function with
exactly that typo.  If the text is no longer in the source, planting raises (the
catalogue tests then fail), so a bug never silently stops being planted.

The ``focalrd eval`` quantities keep their ``compute`` functions inside the module's
``QUANTITIES`` list, so a bug in one of them is planted by replacing that list
(:func:`_quantity_edit`): the eval command and the checks look the list up at run
time.
"""

from __future__ import annotations
import __future__

import dataclasses
import inspect
import textwrap
from typing import Any

from focalrd.verify.selftest_catalogue import Maker, PlantedBug, _bug

N = "focalrd.numeric"
Q = "focalrd.verify.quantities"


def _edited(func: Any, old: str, new: str) -> Any:
    """``func`` recompiled from its source with ``old`` replaced by ``new`` (exactly once)."""
    source = textwrap.dedent(inspect.getsource(func))
    if source.count(old) != 1:
        raise RuntimeError(f"planted bug: {old!r} occurs {source.count(old)} times in "
                           f"{func.__qualname__}, not once")
    namespace: dict[str, Any] = {}
    code = compile(source.replace(old, new), f"<planted {func.__qualname__}>", "exec",
                   flags=__future__.annotations.compiler_flag, dont_inherit=True)
    exec(code, func.__globals__, namespace)  # noqa: S102 - the library's own source, edited
    return namespace[func.__name__]


def _edit(old: str, new: str) -> Maker:
    """A maker replacing ``old`` by ``new`` in the target function's source."""
    return lambda original, module: _edited(original, old, new)


def _quantity_edit(name: str, old: str, new: str) -> Maker:
    """A maker for a module's ``QUANTITIES``: the ``compute`` of ``name`` edited."""
    def make(original, module):
        return [dataclasses.replace(q, compute=_edited(q.compute, old, new))
                if q.name == name else q for q in original]
    return make


BUGS: tuple[PlantedBug, ...] = (
    # -- K* and eps* past exact enumeration (the lattice engine) ----------------------------
    _bug("lattice-count-crossing-class-dropped", "blocks", "K* past enumeration without the "
         "sequences taken from the crossing class (total = N(above) instead of N(above) + r)",
         f"{N}.blocks.excess:_lattice_least_count", ("n.dstar-closed-form",),
         _edit("total = n_above + remainder", "total = n_above")),
    _bug("lattice-count-band-classes-skipped", "blocks", "K* past enumeration counts the "
         "classes above the scan's upper threshold but not those of the band before the "
         "crossing class", f"{N}.blocks.excess:_lattice_least_count", ("n.dstar-closed-form",),
         _edit("                       + mp.fsum(mp.exp(lat.log_size(key)) for key in before))",
               "                       )")),
    _bug("small-lattice-count-floor", "blocks", "small K* past enumeration with "
         "⌊(1 − ε − P(above))/p⌋ sequences of the crossing class instead of the ceiling "
         "(K* one short)", f"{N}.blocks.excess:_small_lattice_count", ("n.dstar-closed-form",),
         _edit("remainder = -(-(target - mass_above) // weight(reference))",
               "remainder = (target - mass_above) // weight(reference)")),
    _bug("lattice-uncovered-share-inverted", "blocks", "eps* past enumeration keeps the share "
         "of the crossing class that is covered instead of the share left out",
         f"{N}.blocks.excess:_lattice_uncovered", ("n.excess-exact",),
         _edit("unused = 1 - (s_value - cum) / size_g", "unused = (s_value - cum) / size_g")),
    _bug("lattice-uncovered-band-below-dropped", "blocks", "eps* past enumeration without the "
         "band classes below the crossing class (only the mass below the scan's lower "
         "threshold)", f"{N}.blocks.excess:_lattice_uncovered", ("n.excess-exact",),
         _edit("below = mass_scan.below + sum(u for key, u in mass_scan.band if key in "
               "below_group)", "below = mass_scan.below")),
    # -- the binary average-distortion window ------------------------------------------------
    _bug("binary-window-size-of-next-class", "blocks", "binary window achievability adds the "
         "size of class a + 1 when class a joins T (off by one class in |T|)",
         f"{N}.blocks.binary_average:_window_minimum", ("n.avg-sandwich",),
         _edit("size = mp.exp(lattice.log_size((0, a)))",
               "size = mp.exp(lattice.log_size((0, a + 1)))")),
    _bug("binary-fits-rest-includes-boundary", "blocks", "binary achievability when the best "
         "set fits in M − 1: the mass outside T summed from class a0 (P(S ≤ a0), the "
         "boundary class counted in both parts)", f"{N}.blocks.binary_average:_all_that_fits",
         ("n.avg-sandwich",), _edit("rest, rest_error = _lower_mass(lattice, a0)",
                                    "rest, rest_error = _lower_mass(lattice, a0 + 1)")),
    _bug("binary-average-one-cell-branch-skipped", "blocks", "binary window achievability "
         "without its M = 1 branch (ln(M − 1) = −inf reaches the screen)",
         f"{N}.blocks.binary_average:binary_average_achievability", ("n.avg-sandwich",),
         _edit("if m.exact == 1:", "if m.exact == 0:")),
    _bug("exact-achievability-m-cells", "blocks", "typical-set achievability from exact "
         "enumeration deals T to M cells instead of M − 1 (⌈|T|/M⌉)",
         f"{N}.blocks.average:average_achievability", ("n.avg-sandwich",),
         _edit("cells = m.exact - 1", "cells = m.exact")),
)
