"""Planted bugs in the balls of the saddlepoint APPROXIMATION's formula (issue 21),
:mod:`focalrd.numeric.balls.saddlepoint`.

Each is refuted by ``[n.saddlepoint]``'s check in :mod:`focalrd.verify.claims.enclosures`
(python-flint needed), which compares the printed approximation, its enclosure and its
ball with the formula recomputed from its definition.
"""

from __future__ import annotations

from focalrd.verify.selftest_catalogue import PlantedBug, _bug

B = "focalrd.numeric.balls.saddlepoint"


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


BUGS: tuple[PlantedBug, ...] = (
    _bug("ball-saddle-lattice-correction-dropped", "balls", "the saddlepoint balls' "
         "Lugannani-Rice tails ignore the lattice (continuous u on a lattice source)",
         f"{B}:SaddleBalls._lugannani_rice", ("n.saddlepoint",), _lattice_correction_dropped),
    _bug("ball-saddle-count-untilted", "balls", "the saddlepoint balls' count of sequences "
         "takes its tail at s instead of s - 1 (the uniform measure's saddlepoint)",
         f"{B}:SaddleBalls.lower_count_log", ("n.saddlepoint",), _count_untilted),
)
