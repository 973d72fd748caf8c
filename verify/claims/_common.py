"""Helpers shared by the check modules of :mod:`focalrd.verify.claims`.

The leading underscore keeps :func:`focalrd.verify.claims.load_all` from loading
this module as a check module: it defines no checks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from focalrd.verify.registry import Evidence


def symbolic(method: str, *builders: Callable[[], Any]) -> Evidence:
    """Symbolic evidence from the derivations that ``builders`` construct (and check).

    A step that fails to check (``DerivationError``: an identity that does not
    simplify to zero, a sign that cannot be shown) refutes: ``passed=False`` with
    the failing step, not an inconclusive error.
    """
    from focalrd.proofs.derivation import DerivationError

    try:
        derivations = [build() for build in builders]
    except DerivationError as error:
        return Evidence("symbolic", method, False, {"failed_step": str(error)},
                        counterexample={"failed_step": str(error)})
    return Evidence.symbolic(method, derivations)


def normalised_source(weights: Sequence[int]) -> tuple[Fraction, ...]:
    """The exact distribution proportional to positive integer ``weights``.

    >>> normalised_source([1, 3])
    (Fraction(1, 4), Fraction(3, 4))
    """
    total = sum(weights)
    return tuple(Fraction(w, total) for w in weights)


def random_source(rng: Any, k: int, max_weight: int) -> tuple[Fraction, ...]:
    """A random distribution on ``k`` symbols: weights drawn from 1..``max_weight``, normalised.

    ``rng`` is a :class:`random.Random` (such as ``CheckContext.rng``).
    """
    return normalised_source([rng.randint(1, max_weight) for _ in range(k)])
