"""Planted bugs in the error bounds of the certified enclosures (issue 22: "a dropped term in an
error bound or interval radius"): :mod:`focalrd.verify.certify` and
:mod:`focalrd.numeric.entropies.certified`.

An enclosure that drops a term is no longer rigorous: it can end below the true maximum,
and the claims that compare a value with the enclosure refute it.
"""

from __future__ import annotations

from mpmath import iv

from focalrd.verify.selftest_catalogue import PlantedBug, _bug

C = "focalrd.numeric.entropies.certified"


def _box_radius_dropped(original, module):
    def wrong(box):
        return iv.mpf((box[0] + box[1]) / 2)        # the box's centre: its radius dropped
    return wrong


def _last_range_from_low_ends(original, module):
    def wrong(lo, hi):
        top = module._high(1 - iv.fsum(iv.mpf(x) for x in lo))
        if top < 0:
            return None
        return max(top, module.mp.zero), min(top, module.mp.one)   # p_k's range: one point
    return wrong


BUGS: tuple[PlantedBug, ...] = (
    _bug("certify-box-radius-dropped", "certified", "interval checks evaluate a box as its "
         "centre point (the box's radius dropped)", "focalrd.verify.certify:box_interval",
         ("phi.gap", "tau.bracket", "phi.convex"), _box_radius_dropped),
    _bug("hgamma-last-range-one-point", "certified", "the range of p_k = 1 - sum p_i on a box "
         "taken from the low ends only (its width dropped)", f"{C}:_last_range",
         ("summary.hgamma-max",), _last_range_from_low_ends),
)
