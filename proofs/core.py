"""The derivations of THEORY.md §2–3, by claim id.

:func:`core_derivations` builds (once, then from a cache) every derivation of
the symbolic core; :func:`derivations_for` builds those of one claim.  Building
a derivation runs all of its checks, so a claim whose derivation cannot be
checked raises :class:`~focalrd.proofs.derivation.DerivationError` there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from focalrd.proofs import c_gamma, phi_shape, tau_series
from focalrd.proofs.derivation import Derivation

__all__ = [
    "BUILDERS",
    "core_derivations",
    "derivations_for",
]

#: claim id → the functions building its derivations (each returns a Derivation).
BUILDERS: dict[str, tuple[Callable[[], Derivation], ...]] = {
    "phi.reduces-to-log": (phi_shape.reduces_to_log,),
    "phi.decreasing": (phi_shape.decreasing,),
    "phi.convex": (phi_shape.convex_large_gamma, phi_shape.convex_small_gamma),
    "phi.monotone-in-gamma": (phi_shape.monotone_in_gamma,),
    "phi.gap": (phi_shape.gap_bound,),
    "c-gamma.values": (c_gamma.stationarity, c_gamma.value_at_zero, c_gamma.value_at_one,
                       c_gamma.increasing_in_gamma),
    "tau.inverse": (tau_series.inverse,),
    "tau.expansion": (tau_series.expansion,),
    "tilted.reduces-to-log": (tau_series.tilted_reduces_to_log,),
}


@cache
def _built(claim_id: str) -> tuple[Derivation, ...]:
    return tuple(build() for build in BUILDERS[claim_id])


def derivations_for(claim_id: str) -> list[Derivation]:
    """The checked derivations supporting ``claim_id`` (a key of :data:`BUILDERS`).

    >>> [d.title for d in derivations_for("phi.reduces-to-log")]
    ['phi_0 is the log loss']
    """
    return list(_built(claim_id))


def core_derivations() -> dict[str, list[Derivation]]:
    """Every derivation of the symbolic core, by claim id (built once, then cached)."""
    return {claim_id: derivations_for(claim_id) for claim_id in BUILDERS}
