"""Elementary inequalities used as lemmas, each itself a checked derivation.

Every lemma ends with a step ``expression ≥ 0``; a derivation citing it through
:meth:`~focalrd.proofs.derivation.Derivation.nonnegative_given` checks that the
cited conclusion is exactly the fact it uses.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from focalrd.proofs.derivation import Derivation

__all__ = [
    "log1p_below",
    "power_below_one",
]


@cache
def log1p_below(var: sp.Symbol) -> Derivation:
    """Lemma: ln(1 + s) ≤ s, i.e. s − ln(1 + s) ≥ 0, for s ≥ 0 (``var`` declared ≥ 0).

    f(s) = s − ln(1 + s) vanishes at 0 and f'(s) = s/(1 + s) ≥ 0, so f ≥ 0.

    >>> log1p_below(sp.Symbol("s", nonnegative=True)).conclusion.relation
    '>='
    """
    f = var - sp.log(1 + var)
    proof = Derivation("ln(1+s) <= s", assumptions=(f"{var} >= 0",))
    proof.substitute("the difference vanishes at the origin", f, var, 0, 0)
    proof.derivative("its derivative", f, var, var / (1 + var))
    proof.nonnegative("the derivative is non-negative", var / (1 + var), [var / (1 + var)])
    proof.monotone("hence the difference is non-negative", f, var, 0, [var / (1 + var)])
    return proof


@cache
def power_below_one(base: sp.Expr, exponent: sp.Symbol) -> Derivation:
    """Lemma: 1 − r^γ ≥ 0 for γ ≥ 0 when ``base`` r satisfies 0 < r < 1.

    ``base`` must be such that sympy proves r > 0 and ln(1/r) > 0 (e.g.
    r = s/(1 + s) with s > 0).  f(γ) = 1 − r^γ vanishes at γ = 0 and
    f'(γ) = r^γ ln(1/r) ≥ 0.
    """
    f = 1 - base**exponent
    slope = base**exponent * sp.log(sp.cancel(1 / base))
    proof = Derivation("1 - r^gamma >= 0 for 0 < r < 1",
                       assumptions=(f"{exponent} >= 0", f"0 < {base} < 1"))
    proof.substitute("the difference vanishes at exponent zero", f, exponent, 0, 0)
    proof.derivative("its derivative in the exponent", f, exponent, slope)
    log_inverse = sp.log(sp.cancel(1 / base))
    proof.positive("the logarithm of 1/r is positive, r lying in (0, 1)", log_inverse,
                   [log_inverse])
    proof.monotone("hence the difference is non-negative", f, exponent, 0, [slope])
    return proof
