"""Planted bugs in the interval radii of the certified enclosures (issue 22: "a dropped term
in an error bound or interval radius"), :mod:`focalrd.verify.certify`.

An enclosure that drops a radius is no longer rigorous: it can end below the true maximum,
and the claims that compare a value with the enclosure refute it.  (Two candidates in
:mod:`focalrd.numeric.entropies.certified` were left out: the Taylor bound without its
curvature term stays above the maximum on the checked cases, and the range of p_k without
its width is refuted only after minutes of branch and bound.)
"""

from __future__ import annotations

from focalrd.verify.selftest_catalogue import PlantedBug, _bug


def _box_radius_dropped(original, module):
    def wrong(box):
        # the box's centre, in whichever arithmetic is active (Arb balls or mpmath iv)
        return module.point((box[0] + box[1]) / 2)
    return wrong


BUGS: tuple[PlantedBug, ...] = (
    _bug("certify-box-radius-dropped", "certified", "interval checks evaluate a box as its "
         "centre point (the box's radius dropped)", "focalrd.verify.certify:box_interval",
         ("phi.gap", "tau.bracket", "phi.convex"), _box_radius_dropped),
)
