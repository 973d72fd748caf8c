"""Planted bugs of the many-group engine (four to eight distinct probabilities, issue 20).

Each is a one-line edit of the real source (the edit helper of
:mod:`focalrd.verify.planted.blocks_edges`: if the text is no longer there, planting
raises) and is refuted by :mod:`focalrd.verify.claims.blocks_many_groups`, which
compares K*, L* and D* past enumeration with an independent exact count.
"""

from __future__ import annotations

from focalrd.verify.planted.blocks_edges import _edit
from focalrd.verify.selftest_catalogue import PlantedBug, _bug

N = "focalrd.numeric"

BUGS: tuple[PlantedBug, ...] = (
    _bug("anysource-crossing-ceiling-dropped", "blocks", "K* of the many-group engine "
         "(exact when below 2^(prec+24)) with ⌊r/p_G⌋ sequences of the crossing class "
         "instead of the ceiling ⌈r/p_G⌉ (K* one short)",
         f"{N}.blocks.manygroups_limits:_small_least_count", ("n.dstar-closed-form",),
         _edit("remainder = -(-(target - mass) // engine.weight(reference))",
               "remainder = (target - mass) // engine.weight(reference)")),
    _bug("anysource-types-above-inclusive", "blocks", "the exact recount of the many-group "
         "engine counts the classes at least as likely as the crossing one (≥ instead of >), "
         "so the crossing class (and its ties) is counted in full before its share",
         f"{N}.blocks.manygroups_limits:_types_at_least", ("n.dstar-closed-form",),
         _edit("if engine.compare(counts, reference) > 0:",
               "if engine.compare(counts, reference) >= 0:")),
    _bug("anysource-class-size-multinomial", "blocks", "the number of sequences of a class "
         "of the many-group engine as Π C(n, n_i) (the symbols left never decremented) "
         "instead of the multinomial", f"{N}.blocks.manygroups:ManyGroups.size",
         ("n.dstar-closed-form",),
         _edit("left -= c", "left -= 0")),
)
