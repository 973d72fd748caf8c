"""Planted bugs in the enclosures added by issue 21: the balls of the saddlepoint
APPROXIMATION's formula (:mod:`focalrd.numeric.balls.saddlepoint`) and of h_γ(k)
(:mod:`focalrd.numeric.balls.hgamma`).

Each is refuted by a check of :mod:`focalrd.verify.claims.enclosures` (python-flint
needed) — ``[n.saddlepoint]``'s or ``[summary.hgamma-max]``'s — which compares the
printed numbers and their enclosures with values recomputed independently.
"""

from __future__ import annotations

from focalrd.verify.selftest_catalogue import PlantedBug, _bug

B = "focalrd.numeric.balls.saddlepoint"
H = "focalrd.numeric.balls.hgamma"


def _lattice_correction_dropped(original, module):
    """The tails use the continuous u = ŝ√(nκ'') also on a lattice (wrong branch)."""
    def wrong(self, s, t, k_value, k2, upper):
        span, self.h = self.h, None
        try:
            return original(self, s, t, k_value, k2, upper)
        finally:
            self.h = span
    return wrong


def _count_untilted(original, module):
    """The count's tail under U is evaluated at the saddlepoint ŝ instead of ŝ − 1."""
    def wrong(self, t):
        from focalrd.numeric.balls.arith import exact

        s = self.saddle(t)
        m = self.moments(s)
        log_k = exact(self.support).log()
        tail = self._lugannani_rice(s, t, self.n * (m.kappa - log_k), self.n * m.var,
                                    upper=False)
        return self.n * log_k + tail.log()
    return wrong


def _hull_always_contains(original, module):
    """The containment test of the isolating boxes always answers yes (so the uniform P is
    taken as the maximiser whatever the boxes say)."""
    return lambda point, hull: True


BUGS: tuple[PlantedBug, ...] = (
    _bug("ball-saddle-lattice-correction-dropped", "balls", "the saddlepoint balls' "
         "Lugannani-Rice tails ignore the lattice (continuous u on a lattice source)",
         f"{B}:SaddleBalls._lugannani_rice", ("n.saddlepoint",), _lattice_correction_dropped),
    _bug("ball-saddle-count-untilted", "balls", "the saddlepoint balls' count of sequences "
         "takes its tail at s instead of s - 1 (the uniform measure's saddlepoint)",
         f"{B}:SaddleBalls.lower_count_log", ("n.saddlepoint",), _count_untilted),
    _bug("ball-hgamma-hull-always-contains", "balls", "h_gamma's isolating boxes are taken "
         "to contain every point (the uniform P taken as the maximiser)", f"{H}:in_hull",
         ("summary.hgamma-max",), _hull_always_contains),
)
