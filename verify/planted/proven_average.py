"""Planted bugs in the ball enclosure of the one-shot average distortion D*_γ(M)
(:mod:`focalrd.numeric.balls.average`, issue 21).

Refuted by ``[avg.exact]``'s check in :mod:`focalrd.verify.claims.enclosures_average`
(python-flint needed), which compares the ball and the printed document with a brute
force over all set partitions.
"""

from __future__ import annotations

from fractions import Fraction

from focalrd.verify.selftest_catalogue import PlantedBug, _bug

A = "focalrd.numeric.balls.average"


def _cell_mass_dropped(original, module):
    """A cell's cost is F_γ of the *normalised* cell: the factor R(A) is lost."""
    def wrong(values, counts, gamma):
        total = sum((v * int(t) for v, t in zip(values, counts, strict=True)), Fraction(0))
        return original([v / total for v in values], counts, gamma)
    return wrong


BUGS: tuple[PlantedBug, ...] = (
    _bug("ball-avg-cell-mass-dropped", "balls", "the average-distortion balls cost a cell by "
         "the focal entropy of the normalised cell (its mass R(A) dropped)",
         f"{A}:cell_ball", ("avg.exact",), _cell_mass_dropped),
)
