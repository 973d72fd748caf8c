"""Planted bugs from the survivors of the mutation run (issue 22, ``reports/mutation.md``).

Each is the surviving cosmic-ray mutant itself, planted as a one-line edit of the real
source (:func:`focalrd.verify.planted.blocks_edges._edit`), and refuted by a check of
:mod:`focalrd.verify.claims.mutation_kills` or an older one (the claims listed):

* ``numeric/oneshot/excess.py:134`` ``if v > 0`` → ``if not v > 0``: the tilted converse
  sees only the zero masses, so it is 0 with β = None on every source;
* ``numeric/oneshot/packing.py:137`` ``range(width - 1, 0, -1)`` → ``range(width - 2, ...)``:
  first fit's max-tree leaves its last internal node at −1, so the last two bins of the
  tree are never offered (M = 2: nothing packed; the achievability is 1);
* ``numeric/precision.py:114, 116``: an exact rational prints as ``0`` when positive, or
  an integer through floating point (``7.0000``) and any other rational as its numerator;
* ``numeric/entropies/structure.py:236`` ``mid = (lo + hi) / 2`` → ``(lo + hi) // 2``: the
  independent bisection solver of the focal-entropy minimiser no longer converges; it broke
  a supporting check of a claim that is expected to fail, which the claim's expected
  refutation hid until a false claim had to be refuted by exactly its declared checks;
* ``numeric/entropies/certified.py:123`` ``3 / (γ + 1)`` → ``3 / (γ - 1)``: the h_γ branch
  and bound bounds f'' at the wrong point, no longer from above; the true formula is still
  "proven", so only the check that the bounds hold where sampled sees it;
* ``numeric/oneshot/codes.py:55`` ``if index < 0`` → ``if index != 0``: a code's table read
  by a positive index wraps past its end (IndexError): seen once a check reads the
  optimal code's rows by index;
* ``numeric/balls/oneshot.py:54`` ``M·x / τ`` → ``M·x·τ``: the proven tilted converse with
  an exact τ = 2^-m (``--bits``) too large; the converse is now compared with its exact
  value at such a τ on both evaluation paths.
"""

from __future__ import annotations

from focalrd.verify.planted.blocks_edges import _edit
from focalrd.verify.selftest_catalogue import PlantedBug, _bug

N = "focalrd.numeric"

BUGS: tuple[PlantedBug, ...] = (
    _bug("mutation-tilted-converse-zero-masses", "one-shot", "tilted converse built from the "
         "symbols with P(x) = 0 only (`if not v > 0`, a surviving mutant): 0 everywhere",
         f"{N}.oneshot.excess:tilted_converse", ("excess.tilted-bounds",),
         _edit("        if v > 0:", "        if not v > 0:")),
    _bug("mutation-first-fit-tree-last-node", "one-shot", "first fit's max-tree built from "
         "node width - 2 down (a surviving mutant): the last internal node stays -1 and its "
         "two bins are never used (weighted achievability too large)",
         f"{N}.oneshot.packing:first_fit", ("excess.weighted",),
         _edit("range(width - 1, 0, -1)", "range(width - 2, 0, -1)")),
    _bug("mutation-significant-positive-zero", "precision", "significant(Fraction) tests x > 0 "
         "for x == 0 (a surviving mutant): every positive exact result prints as 0",
         f"{N}.precision:significant", ("eval.bits-and-weights",),
         _edit('if x == 0:\n            return "0"\n        if x.denominator',
               'if x > 0:\n            return "0"\n        if x.denominator')),
    _bug("mutation-significant-integer-test-flipped", "precision", "significant(Fraction) with "
         "denominator != 1 for == 1 (a surviving mutant): integers print through floating "
         "point, other rationals as their numerator",
         f"{N}.precision:significant", ("eval.bits-and-weights",),
         _edit("if x.denominator == 1:", "if x.denominator != 1:")),
    _bug("mutation-structure-bisection-floor", "focal entropy", "the independent bisection "
         "solver of q* halves with floor division (a surviving mutant): the existence and "
         "uniqueness check of the (false) structure claim fails beside its refuting checks",
         f"{N}.entropies.structure:minimizer_by_bisection", ("focal-entropy.structure",),
         _edit("            for _ in range(mp.prec + 20):\n                mid = (lo + hi) / 2",
               "            for _ in range(mp.prec + 20):\n                mid = (lo + hi) // 2")),
    _bug("mutation-certified-curvature-point", "h_gamma", "the h_gamma branch and bound "
         "takes its bound of f'' at 3/(gamma - 1) instead of 3/(gamma + 1) (a surviving "
         "mutant): not an upper bound for gamma > 1",
         f"{N}.entropies.certified:_Bounds.f_second_max", ("summary.hgamma-max",),
         _edit("3 / (self.gamma + 1)", "3 / (self.gamma - 1)")),
    _bug("mutation-codeword-table-index", "one-shot", "a codeword table shifts every index "
         "but 0 by its length (`if index != 0`, a surviving mutant): decoders[m] fails for "
         "m > 0", f"{N}.oneshot.codes:CodewordTable.__getitem__", ("excess.exact",),
         _edit("if index < 0:", "if index != 0:")),
    _bug("mutation-ball-converse-exact-tau", "one-shot", "the proven tilted converse with an "
         "exact tau = 2^-m (--bits) takes M x tau for M x / tau (a surviving mutant): too "
         "large", f"{N}.balls.oneshot:tilted_converse", ("excess.tilted-bounds",),
         _edit("ratio = codewords * x / exact_tau", "ratio = codewords * x * exact_tau")),
)
