"""Planted bugs in the ball assembly of ``eval d-star``/``eval eps-star`` past exact
enumeration (issue 21).

Each is refuted by the checks of :mod:`focalrd.verify.claims.enclosures_blocks`
(python-flint needed): the ball of K* against an exact count, the printed L* against
⌈K*/M⌉, the printed ε* and its enclosure against the exact uncovered mass.
"""

from __future__ import annotations

from focalrd.verify.selftest_catalogue import _bug

B = "focalrd.numeric.balls.blocks"


def _count_midpoint_only(original, module):
    """The ball of K* keeps its midpoint only: the scans' error terms, the bracket of r
    and the unlisted classes are all dropped."""
    def wrong(parts):
        return original(parts).mid()
    return wrong


def _list_size_floor(original, module):
    """L* = ⌊K*/M⌋ instead of ⌈K*/M⌉ where the ball of K*/M decides it."""
    def wrong(k, m_exact, log_m):
        value, log_l = original(k, m_exact, log_m)
        if value is None or value == 1:
            return value, log_l
        from focalrd.numeric.balls.arith import exact

        return value - 1, exact(value - 1).log()
    return wrong


BUGS = (
    _bug("ball-blocks-count-midpoint", "balls", "the ball of K* past exact enumeration keeps "
         "its midpoint only (the scans' error terms dropped)", f"{B}:count_ball",
         ("n.dstar-closed-form",), _count_midpoint_only),
    _bug("ball-blocks-list-size-floor", "balls", "L* = floor(K*/M) instead of ceil(K*/M) on "
         "the proven path past exact enumeration", f"{B}:list_size",
         ("n.dstar-closed-form",), _list_size_floor),
)


def _uncovered_without_crossing_share(original, module):
    """ε*'s ball forgets the unused part of the crossing class: the tail alone."""
    def wrong(parts, s):
        from focalrd.numeric.balls.arith import arb

        return arb((parts.tail, -parts.bits))
    return wrong


BUGS += (
    _bug("ball-blocks-uncovered-no-crossing-share", "balls", "the ball of eps* past exact "
         "enumeration drops the unused share of the crossing type class",
         f"{B}:uncovered_ball", ("n.excess-exact",), _uncovered_without_crossing_share),
)
