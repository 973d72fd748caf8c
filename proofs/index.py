"""Every machine-checked derivation of the project, by THEORY.md claim id.

Each proofs module keeps the builders of its own section; this index joins them
so that ``focalrd derive`` and the reports can find any derivation by claim id.
Building a derivation runs all of its checks (and is cached by its module).
"""

from __future__ import annotations

from collections.abc import Callable

from focalrd.proofs import blocks, blocks_average, core, hgamma, oneshot
from focalrd.proofs.derivation import Derivation

__all__ = [
    "BUILDERS",
    "derivations_for",
]

Builder = Callable[[], Derivation]

#: claim id → the functions building its derivations, for every section.
BUILDERS: dict[str, tuple[Builder, ...]] = {
    **core.BUILDERS,
    **oneshot.BUILDERS,
    "n.second-order": (blocks.binary_dispersion, blocks.normal_approximation),
    "n.excess-sandwich": (blocks.excess_sandwich,),
    "n.avg-sandwich": (blocks_average.block_average_sandwich,),
    "asymptotic.equivalence": (blocks.asymptotic_limits,),
    "summary.hgamma-monotone": (hgamma.s_gamma_decreasing,),
    "summary.hgamma-nonnegative": (hgamma.s_gamma_decreasing,),
    "summary.hgamma-max": (hgamma.kkt_structure,),
    "focal-entropy.structure": (hgamma.minimizer_ratio,),
}


def derivations_for(claim_id: str) -> list[Derivation]:
    """The checked derivations supporting ``claim_id`` (a key of :data:`BUILDERS`).

    >>> [d.title for d in derivations_for("phi.reduces-to-log")]
    ['phi_0 is the log loss']
    """
    return [build() for build in BUILDERS[claim_id]]
