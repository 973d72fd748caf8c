"""Blocks of n symbols from a memoryless source: THEORY.md section 6.

* :mod:`.excess` — ε*_γ(n, M, D) and D*_γ(n, M, ε) exactly, via type classes
  ([n.excess-exact], [n.dstar-closed-form]); exact integers for small n, a
  fixed-point scan of the classes that matter for large n (:mod:`.lattice`).
* :mod:`.manygroups` / :mod:`.manygroups_limits` — K* and ε* for four to eight
  distinct probabilities past enumeration (fixed-point conditional-binomial rows
  from :mod:`.binomial_tables`, exact band sort); :mod:`.saddlepoint` — the
  saddlepoint APPROXIMATION for any alphabet (issue 13).
* :mod:`.normal` — the dispersion and the normal approximation ([n.second-order]).
* :mod:`.planes` — sorted planes of the last three groups (six or more values).
* :mod:`.average` — average distortion: converse, typical-set achievability and
  the exact value by search for tiny k^n ([n.avg-sandwich]); past enumeration the
  achievability comes from a window of type classes (:mod:`.manygroups_average`).
"""

from focalrd.numeric.blocks.excess import (
    DistortionLimit,
    distortion_limit,
    excess_distortion_limit,
    least_count,
)
from focalrd.numeric.blocks.grouping import codebook_size, group_source
from focalrd.numeric.blocks.normal import binary_dispersion, inverse_q, normal_approximation

__all__ = [
    "DistortionLimit",
    "binary_dispersion",
    "codebook_size",
    "distortion_limit",
    "excess_distortion_limit",
    "group_source",
    "inverse_q",
    "least_count",
    "normal_approximation",
]
