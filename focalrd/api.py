"""The claim registry and the derivations, for Python and notebooks.

:func:`claims` returns the registered claims (the suite's own, loaded on first
use, and any you defined with :func:`focalrd.verify.registry.claim`);
:func:`derivation` returns the machine-checked derivation supporting a claim.
Both display as LaTeX in Jupyter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from focalrd.numeric.errors import InvalidInputError

if TYPE_CHECKING:  # pragma: no cover
    from focalrd.proofs.derivation import Derivation
    from focalrd.verify.registry import Claim

__all__ = ["DerivationSet", "claims", "derivation"]


def claims() -> dict[str, Claim]:
    """Every registered claim by id, the suite's own loaded on first use.

    >>> "tau.bracket" in claims()                       # doctest: +SKIP
    True
    """
    from focalrd.verify.registry import registered_claims
    from focalrd.verify.runner import load_claims

    load_claims()
    return registered_claims()


class DerivationSet(tuple):
    """Several checked derivations supporting one claim (shown one after the other)."""

    claim_id: str

    def __new__(cls, claim_id: str, parts: list[Derivation]) -> DerivationSet:
        made = super().__new__(cls, parts)
        made.claim_id = claim_id
        return made

    def to_latex(self) -> str:
        return "\n".join(part.to_latex() for part in self)

    def _repr_latex_(self) -> str:
        return "\n\n".join(part._repr_latex_() for part in self)

    def __repr__(self) -> str:
        titles = ", ".join(repr(part.title) for part in self)
        return f"DerivationSet({self.claim_id!r}: {titles})"


def derivation(claim_id: str) -> Derivation | DerivationSet:
    """The machine-checked derivation of ``claim_id`` (building it runs its checks).

    A claim supported by several derivations gives a :class:`DerivationSet`.

    >>> derivation("phi.reduces-to-log").title                  # doctest: +SKIP
    'phi_0 is the log loss'
    """
    from focalrd.proofs.index import BUILDERS, derivations_for

    if not isinstance(claim_id, str) or claim_id not in BUILDERS:
        known = ", ".join(sorted(BUILDERS)[:4])
        raise InvalidInputError("claim_id", f"the id of a claim with a derivation ({known}, …; "
                                "see focalrd derive --list)", claim_id)
    parts = derivations_for(claim_id)
    return parts[0] if len(parts) == 1 else DerivationSet(claim_id, parts)
