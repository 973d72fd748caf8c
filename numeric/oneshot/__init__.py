"""One-shot (single source symbol) fundamental limits: THEORY.md sections 4 and 5.

* :mod:`.excess` — ε*_γ(M, d) for the unweighted loss (exact), the list size L,
  the optimal code, and the tilted-information converse and achievability;
* :mod:`.weighted` — weighted excess distortion as a bin packing (exact by
  branch and bound in :mod:`.packing`, fractional converse, first-fit achievability);
* :mod:`.focal_entropy` — F_γ(a) and its unique minimiser by the KKT double
  monotone search (float pre-screen in :mod:`._focal_float`, Newton polish in
  :mod:`._focal_polish` in the arithmetic of :mod:`._focal_arithmetic`);
* :mod:`.average` — D*_γ(M) exactly by a search over partitions (:mod:`.partitions`),
  with the optimal code; :mod:`.average_bounds` — the bounds of [avg.sandwich];
* :mod:`.floors` — exact integer floors of transcendental numbers (L, ⌊e^{nR}⌋).
"""

__all__: list[str] = []
