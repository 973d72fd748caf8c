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
    # -- the saddlepoint approximation ---------------------------------------------------------
    _bug("saddlepoint-lattice-exponent-sign", "saddlepoint", "Daniels' lattice form with "
         "1 − e^(+ŝh) instead of 1 − e^(−ŝh) in the upper tail",
         f"{N}.blocks.saddlepoint:_Tails._lugannani_rice", ("n.saddlepoint",),
         _edit("u = (1 - mp.exp(-s * self.h)) * mp.sqrt(k2) / self.h",
               "u = (1 - mp.exp(s * self.h)) * mp.sqrt(k2) / self.h")),
    _bug("saddlepoint-count-saddle-unshifted", "saddlepoint", "the count tail N{S ≤ t} "
         "evaluated at the saddlepoint ŝ of P instead of ŝ − 1 (the uniform measure's)",
         f"{N}.blocks.saddlepoint:_Tails.lower_count_log", ("n.saddlepoint",),
         _edit("su = s - 1", "su = s")),
    _bug("saddlepoint-crossing-level-dropped", "saddlepoint", "saddlepoint ln K* without the "
         "sequences taken from the partly covered lattice level",
         f"{N}.blocks.saddlepoint:saddlepoint_least_count", ("n.saddlepoint",),
         _edit("return mp.log(mp.exp(below) + partial) if below != mp.ninf else mp.log(partial)",
               "return below if below != mp.ninf else mp.log(partial)")),
    _bug("saddlepoint-correction-sign", "saddlepoint", "Lugannani–Rice upper tail with "
         "1/w − 1/u instead of 1/u − 1/w", f"{N}.blocks.saddlepoint:_Tails._lugannani_rice",
         ("n.saddlepoint",), _edit("return 1 - mp.ncdf(w) + mp.npdf(w) * (1 / u - 1 / w)",
                                   "return 1 - mp.ncdf(w) + mp.npdf(w) * (1 / w - 1 / u)")),
    _bug("saddlepoint-list-floor", "saddlepoint", "saddlepoint D* with L = ⌊K*/M⌋ instead of "
         "⌈K*/M⌉ for a small list", f"{N}.blocks.saddlepoint:saddlepoint_distortion",
         ("n.saddlepoint",), _edit("log_l = mp.log(mp.ceil(mp.exp(log_l)))",
                                   "log_l = mp.log(mp.floor(mp.exp(log_l)))")),
    # -- bits, weights and n on the command-line layer ------------------------------------------
    _bug("codebook-bits-uses-e", "command-line", "block codebook size from a rate in bits "
         "taken as floor(e^(nR)) instead of floor(2^(nR))", f"{N}.blocks.grouping:codebook_size",
         ("eval.bits-and-weights",),
         _edit("m = codewords_for_rate(Fraction(rate), n, bits)",
               "m = codewords_for_rate(Fraction(rate), n, False)")),
    _bug("codewords-bits-power-off-by-one", "command-line", "M = 2^(nR) − 1 for a whole number "
         "nR of bits (the exact power of two one short)",
         f"{N}.oneshot.floors:codewords_for_rate", ("eval.bits-and-weights",),
         _edit("return 1 << int(x)", "return (1 << int(x)) - 1")),
    _bug("codewords-for-rate-ceiling", "command-line", "M = floor(b^(nR)) + 1 (the ceiling) "
         "for a rate whose power is not a whole number", f"{N}.oneshot.floors:codewords_for_rate",
         ("eval.bits-and-weights",), _edit("    return k\n", "    return k + 1\n")),
    _bug("dispersion-bits-single-ln2", "command-line", "`eval dispersion --bits` divides V by "
         "ln 2 instead of ln^2 2", f"{Q}.blocks:QUANTITIES", ("eval.bits-and-weights",),
         _quantity_edit("dispersion", "value = value / mp.ln2**2", "value = value / mp.ln2")),
    _bug("normal-approx-bits-rate-in-nats", "command-line", "`eval normal-approx --bits` "
         "reads the rate in nats (R not multiplied by ln 2) but reports bits",
         f"{Q}.blocks:QUANTITIES", ("eval.bits-and-weights",),
         _quantity_edit("normal-approx", 'rate = to_mpf(inputs["rate"]) * (mp.ln2 if bits else 1)',
                        'rate = to_mpf(inputs["rate"])')),
    _bug("block-d-star-bits-value-in-nats", "command-line", "`eval d-star --bits` prints D* "
         "in nats (the value not divided by ln 2)", f"{Q}.blocks:QUANTITIES",
         ("eval.bits-and-weights",),
         _quantity_edit("d-star", "value = nats_to_bits(result.value) if bits else result.value",
                        "value = result.value")),
    _bug("block-eps-star-distortion-in-nats", "command-line", "`eval eps-star --n N --bits` "
         "reads the distortion level in nats (bits not passed on)",
         f"{Q}._blocks_eval:eps_star_blocks", ("eval.bits-and-weights",),
         _edit("                                    bits=bits)",
               "                                    bits=False)")),
    _bug("saddlepoint-bits-value-in-nats", "command-line", "`eval d-star-saddlepoint --bits` "
         "prints nats", f"{Q}.saddlepoint:QUANTITIES", ("eval.bits-and-weights",),
         _quantity_edit("d-star-saddlepoint",
                        '"value": nats_to_bits(+value) if bits else +value', '"value": +value')),
    _bug("tau-bits-distortion-divided", "command-line", "`eval tau --bits` converts the "
         "distortion with nats_to_bits (D/ln 2) instead of bits_to_nats (D ln 2)",
         f"{Q}.core:QUANTITIES", ("eval.bits-and-weights",),
         _quantity_edit("tau", "d = bits_to_nats(to_mpf(", "d = nats_to_bits(to_mpf(")),
    _bug("c-gamma-bits-unconverted", "command-line", "`eval c-gamma --bits` prints c_gamma "
         "in nats", f"{Q}.core:QUANTITIES", ("eval.bits-and-weights",),
         _quantity_edit("c-gamma", '{"value": nats_to_bits(value) if bits else value}',
                        '{"value": value}')),
    _bug("oneshot-avg-bits-converse-in-nats", "command-line", "`eval avg-d-star --bits` "
         "prints the converse in nats (value and achievability converted)",
         f"{Q}.oneshot:QUANTITIES", ("eval.bits-and-weights",),
         _quantity_edit("avg-d-star", "converse=unit(bounds.converse)",
                        "converse=bounds.converse")),
    _bug("avg-blocks-codebook-bits-dropped", "command-line", "`eval avg-d-star --n N --bits "
         "--rate R` forms M = floor(e^(nR)) (the bits flag not passed to the codebook)",
         f"{Q}._blocks_eval:avg_d_star_blocks", ("eval.bits-and-weights",),
         _edit("m = _codebook(inputs, bits)", "m = _codebook(inputs, False)")),
    _bug("avg-blocks-weights-applied-twice", "command-line", "`eval avg-d-star --n N "
         "--weights Q` re-weights R_X once more (P ω² normalised)",
         f"{Q}._blocks_eval:avg_d_star_blocks", ("eval.bits-and-weights",),
         _edit("r = reweighted_source(source, weights) if",
               "r = reweighted_source(reweighted_source(source, weights), weights) if")),
    _bug("eval-n-two-is-one-shot", "command-line", "`eval eps-star --n 2` computed as the "
         "one-shot problem (the block form taken only from n > 2)",
         f"{Q}.oneshot:QUANTITIES", ("eval.bits-and-weights",),
         _quantity_edit("eps-star", 'if inputs["n"] > 1:', 'if inputs["n"] > 2:')),
    # -- eps near 0 and 1, one distinct probability --------------------------------------------
    _bug("inverse-q-no-tail-guard", "second-order", "Q^-1(eps) without guard bits for eps near "
         "0 or 1 (1 - 2 eps rounds to ±1 for eps = 1e-80)", f"{N}.blocks.normal:inverse_q",
         ("n.second-order",),
         _edit("guard = 20 + max(0, -int(mp.mag(to_mpf(nearest_end) if exact else nearest_end)))",
               "guard = 20")),
    _bug("inverse-q-range-on-rounded-eps", "second-order", "Q^-1 tests 0 < eps < 1 on eps "
         "rounded to the working precision (1 - 1e-80 is refused as 1)",
         f"{N}.blocks.normal:inverse_q", ("n.second-order",),
         _edit("if not 0 < eps < 1:", "if not 0 < (to_mpf(eps) if exact else eps) < 1:")),
    _bug("equiprobable-count-floor", "blocks", "K* of an equiprobable source as "
         "floor((1 - eps) k^n) instead of the ceiling", f"{N}.blocks.excess:least_count",
         ("n.dstar-closed-form",),
         _edit("k = -(-(eps.denominator - eps.numerator) * total // eps.denominator)",
               "k = (eps.denominator - eps.numerator) * total // eps.denominator")),
)
