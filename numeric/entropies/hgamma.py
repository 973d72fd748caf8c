"""The summary's quantities S_γ(P), H_γ(P) and h_γ(k) (THEORY.md §7).

    f_γ(p)  = p (1 − p)^γ,
    S_γ(P)  = Σ_x f_γ(P(x)),           H_γ(P) = ln S_γ(P),
    h_γ(k)  = max over distributions P on k symbols of H_γ(P).

Two independent ways to compute h_γ(k) live here:

* :func:`hgamma_max_formula` — the summary's two-level formula: for every
  d ∈ {1, …, k−1} the one-dimensional maximum over q ∈ [0, 1] of

      g_d(q) = (1 − q) q^γ + d·(q/d)(1 − q/d)^γ,

  which is S_γ of the distribution with one symbol of mass 1 − q and d symbols
  of mass q/d (d + 1 ≤ k symbols).  Each inner maximum is found by locating the
  local maxima of g_d on a float64 grid (pre-screening only) and solving
  g_d'(q) = 0 in each bracket at the working precision; the exact stationary
  point q = d/(d+1) (the uniform distribution on d + 1 symbols) is always a
  candidate.
* :func:`hgamma_max_search` — a global search over the whole simplex that knows
  nothing of the two-level structure: multi-start local optimisation in float64
  (scipy SLSQP; pre-screening), each local maximum refined at the working
  precision by Newton's method on the full KKT system f_γ'(p_x) = λ, Σ p_x = 1.

:mod:`focalrd.numeric.entropies.certified` adds a third, rigorous one for k ≤ 4.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import mpmath
from mpmath import mp

from focalrd.numeric._lazy import numpy as np
from focalrd.numeric.display import ShortDisplay
from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.exact import distribution, focusing_parameter, positive_integer
from focalrd.numeric.precision import to_mpf
from focalrd.numeric.roots import bracketed_root

__all__ = [
    "HgammaMax",
    "MAX_SEARCH_ALPHABET",
    "hgamma",
    "hgamma_max",
    "hgamma_max_formula",
    "hgamma_max_search",
    "inner_two_level_max",
    "s_gamma",
    "two_level_sum",
]

Real = Fraction | int | mpmath.mpf

_GUARD_BITS = 24
#: Largest alphabet the global search accepts (its cost grows with k).
MAX_SEARCH_ALPHABET = 64


# -- the objective ------------------------------------------------------------------------
def _f(g: mpmath.mpf, p: mpmath.mpf) -> mpmath.mpf:
    """f_γ(p) = p(1 − p)^γ with 0^0 = 1 (so f_0(p) = p)."""
    if g == 0:
        return p
    return p * (1 - p) ** g if p < 1 else mp.zero


def _f_prime(g: mpmath.mpf, p: mpmath.mpf) -> mpmath.mpf:
    """f_γ'(p) = (1 − p)^(γ−1) (1 − (γ+1)p)."""
    return (1 - p) ** (g - 1) * (1 - (g + 1) * p)


def _f_second(g: mpmath.mpf, p: mpmath.mpf) -> mpmath.mpf:
    """f_γ''(p) = γ (1 − p)^(γ−2) ((γ+1)p − 2)."""
    return g * (1 - p) ** (g - 2) * ((g + 1) * p - 2)


def s_gamma(source: Sequence[Fraction] | str, gamma: Real) -> mpmath.mpf:
    """S_γ(P) = Σ_x P(x)(1 − P(x))^γ (with 0^0 = 1, so S_0 = 1).

    ``source`` is validated as an exact distribution; 1 − P(x) is formed exactly.

    >>> mp.dps = 15
    >>> print(s_gamma([Fraction(1, 2), Fraction(1, 2)], 1))    # 2 · (1/2)(1/2)
    0.5
    """
    gamma = focusing_parameter(gamma)
    probs = distribution(source)
    with mp.workprec(mp.prec + _GUARD_BITS):
        g = to_mpf(gamma)
        total = mp.fsum(to_mpf(p) * (to_mpf(1 - p) ** g if g != 0 else 1)
                        for p in probs if p > 0)
    return +total


def hgamma(source: Sequence[Fraction] | str, gamma: Real) -> mpmath.mpf:
    """H_γ(P) = ln Σ_x P(x)(1 − P(x))^γ; −∞ for a point mass when γ > 0.

    >>> mp.dps = 15
    >>> print(hgamma([Fraction(1, 2), Fraction(1, 2)], 1))     # ln(1/2)
    -0.693147180559945
    """
    with mp.workprec(mp.prec + _GUARD_BITS):
        total = s_gamma(source, gamma)
        value = mp.log(total) if total > 0 else mp.ninf
    return +value


def two_level_sum(d: int, q: Real, gamma: Real) -> mpmath.mpf:
    """g_d(q) = (1 − q) q^γ + d·(q/d)(1 − q/d)^γ: S_γ of (1 − q, q/d, …, q/d)."""
    with mp.workprec(mp.prec + _GUARD_BITS):
        g, qq = to_mpf(gamma), to_mpf(q)
        value = _f(g, 1 - qq) + d * _f(g, qq / d)
    return +value


# -- results --------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class HgammaMax(ShortDisplay):
    """h_γ(k) = ln max S_γ with where it is attained.

    ``maximizer`` is sorted in decreasing order (None at γ = 0, where every P
    attains S_0 = 1).  For the formula, ``d`` and ``q`` name the maximising
    two-level distribution; for the search, ``local_maxima`` counts the distinct
    KKT points the refined local searches reached, ``starts`` the starting points
    used and ``converged`` whether Newton's method converged at the best one.
    """

    value: mpmath.mpf
    s_value: mpmath.mpf
    maximizer: tuple[mpmath.mpf, ...] | None
    d: int | None = None
    q: mpmath.mpf | None = None
    local_maxima: int | None = None
    starts: int | None = None
    converged: bool = True


def _check_k_gamma(k: int, gamma: Real, k_max: int | None = None) -> tuple[int, Fraction]:
    k = positive_integer(k, "alphabet", minimum=2)
    if k_max is not None and k > k_max:
        raise InvalidInputError("alphabet", f"an integer from 2 to {k_max}", k)
    return k, focusing_parameter(gamma)


# -- the two-level formula ------------------------------------------------------------------
def _grid(gamma: float) -> np.ndarray:
    """Pre-screening grid on [0, 1]: uniform, plus geometric points near 0 where the
    skewed maximum sits (q ≈ d/γ) when γ is large."""
    uniform = np.linspace(0.0, 1.0, 4001)
    small = np.geomspace(1e-12, 1e-3, 400)
    near_one = 1.0 - np.geomspace(1e-12, 1e-3, 200)
    return np.unique(np.concatenate([uniform, small, near_one]))


def _g_float(d: int, q: np.ndarray, gamma: float) -> np.ndarray:
    with np.errstate(all="ignore"):
        a = (1 - q) * q**gamma
        b = q * (1 - q / d) ** gamma
    return np.nan_to_num(a + b)


@lru_cache(maxsize=256)
def _formula_brackets(d: int, gamma: float) -> tuple[tuple[float, float], ...]:
    """Float64 brackets [q_lo, q_hi] around every local maximum of g_d on the grid."""
    q = _grid(gamma)
    v = _g_float(d, q, gamma)
    out = []
    for i in range(1, len(q) - 1):
        if v[i] >= v[i - 1] and v[i] >= v[i + 1] and v[i] > 0:
            out.append((float(q[i - 1]), float(q[i + 1])))
    return tuple(out)


def _g_prime(g: mpmath.mpf, d: int, q: mpmath.mpf) -> mpmath.mpf:
    """g_d'(q) = f'(q/d) − f'(1 − q)."""
    return _f_prime(g, q / d) - _f_prime(g, 1 - q)


def inner_two_level_max(d: int, gamma: Real) -> tuple[mpmath.mpf, mpmath.mpf]:
    """max over q ∈ [0, 1] of g_d(q) (γ > 0), and the maximising q.

    Candidates: the end points, the exact stationary point q = d/(d+1), and a
    root of g_d' in the bracket of every local maximum of a float64 grid.
    """
    with mp.workprec(mp.prec + _GUARD_BITS):
        g = to_mpf(gamma)
        candidates = [mp.zero, mp.one, mp.mpf(d) / (d + 1)]
        for lo, hi in _formula_brackets(d, float(gamma)):
            root = bracketed_root(lambda q: _g_prime(g, d, q), mp.mpf(lo), mp.mpf(hi))
            if root is not None:
                candidates.append(root)
        best_q, best = None, None
        for q in candidates:
            value = _f(g, 1 - q) + d * _f(g, q / d)
            # Ties within rounding keep the earlier, exact candidate (q = d/(d+1) at a
            # degenerate maximum), so the reported maximiser is stable.
            if best is None or value > best + mp.ldexp(abs(best), -(mp.prec - 8)):
                best_q, best = q, value
    return +best, +best_q


def hgamma_max_formula(k: int, gamma: Real) -> HgammaMax:
    """h_γ(k) by the summary's formula: max over d ∈ [1:k−1], q ∈ [0,1] of ln g_d(q).

    >>> mp.dps = 15
    >>> print(hgamma_max_formula(2, 1).value)        # uniform: ln(1/2)
    -0.693147180559945
    """
    k, gamma = _check_k_gamma(k, gamma)
    if gamma == 0:
        return HgammaMax(mp.zero, mp.one, None, d=None, q=None)
    with mp.workprec(mp.prec + _GUARD_BITS):
        best: tuple[mpmath.mpf, mpmath.mpf, int] | None = None
        for d in range(1, k):
            value, q = inner_two_level_max(d, gamma)
            if best is None or value > best[0]:
                best = (value, q, d)
        s_value, q, d = best
        maximizer = [1 - q] + [q / d] * d + [mp.zero] * (k - 1 - d)
        maximizer.sort(reverse=True)
        value = mp.log(s_value)
    return HgammaMax(+value, +s_value, tuple(+p for p in maximizer), d=d, q=+q)


# -- the global search ----------------------------------------------------------------------
def _neg_s_float(p: np.ndarray, gamma: float) -> float:
    p = np.clip(p, 0.0, 1.0)
    return -float(np.sum(p * (1 - p) ** gamma))


def _neg_s_grad(p: np.ndarray, gamma: float) -> np.ndarray:
    p = np.clip(p, 0.0, 1.0)
    with np.errstate(all="ignore"):
        grad = (1 - p) ** (gamma - 1) * (1 - (gamma + 1) * p)
    return -np.nan_to_num(grad, posinf=1e300, neginf=-1e300)


def _starts(k: int, count: int, seed: int) -> list[np.ndarray]:
    """Uniform, near-vertex and Dirichlet random starting points (no two-level bias)."""
    rng = np.random.default_rng(seed)
    pts = [np.full(k, 1.0 / k)]
    for i in range(min(k, 3)):
        v = np.full(k, 0.1 / (k - 1))
        v[i] = 0.9
        pts.append(v)
    while len(pts) < count:
        pts.append(rng.dirichlet(np.full(k, rng.choice([0.3, 1.0, 3.0]))))
    return pts


@lru_cache(maxsize=128)
def _float_local_maxima(k: int, gamma: float, count: int, seed: int
                        ) -> tuple[tuple[float, ...], ...]:
    """Distinct (up to permutation) local maxima of S_γ on the simplex found by SLSQP."""
    from scipy.optimize import minimize

    found: list[np.ndarray] = []
    cons = ({"type": "eq", "fun": lambda p: np.sum(p) - 1.0, "jac": lambda p: np.ones_like(p)},)
    for start in _starts(k, count, seed):
        res = minimize(_neg_s_float, start, args=(gamma,), jac=_neg_s_grad, method="SLSQP",
                       bounds=[(1e-15, 1.0)] * k, constraints=cons,
                       options={"ftol": 1e-15, "maxiter": 500})
        p = np.sort(np.clip(res.x, 1e-15, 1.0))[::-1]
        p = p / p.sum()
        if not any(np.max(np.abs(p - other)) < 1e-6 for other in found):
            found.append(p)
    return tuple(tuple(float(x) for x in p) for p in found)


def _kkt_newton(g: mpmath.mpf, start: Sequence[float]) -> tuple[list[mpmath.mpf], bool]:
    """Refine a local maximum by Newton's method on f'(p_x) = λ, Σ p_x = 1.

    The Hessian of S is diagonal, so a Newton step solves the bordered system
    Δp_x = (λ + Δλ − f'(p_x)) / f''(p_x) with Δλ fixed by Σ Δp = 1 − Σ p.  Eliminating
    λ and Δλ gives

        Δp_x = w_x · (1 − Σ p + Σ_y (f'(p_y) − f'(p_x)) w_y) / Σ_y w_y,   w = 1/f'',

    which is what is computed: the form through λ subtracts two nearly equal numbers
    when one f'' is tiny (a coordinate near 1 at large γ, where 1/f'' is of order
    10^300), so its steps were rounding noise and the refinement failed at some
    precisions.  O(k²) per step; k is small.
    """
    p = [mp.mpf(x) for x in start]
    total = mp.fsum(p)
    p = [x / total for x in p]
    tol = mp.ldexp(1, -(mp.prec - 8))
    for _ in range(200):
        slope = [_f_prime(g, x) for x in p]
        hess = [_f_second(g, x) for x in p]
        if any(h == 0 for h in hess):
            return p, False
        weight = [1 / h for h in hess]
        total_weight = mp.fsum(weight)
        deficit = 1 - mp.fsum(p)
        step = [w_x * (deficit + mp.fsum((s_y - s_x) * w_y
                                         for s_y, w_y in zip(slope, weight, strict=True)))
                / total_weight for s_x, w_x in zip(slope, weight, strict=True)]
        scale = 1
        while any(not 0 < x + scale * s < 1 for x, s in zip(p, step, strict=True)):
            scale /= 2
            if scale < 1e-6:
                return p, False
        p = [x + scale * s for x, s in zip(p, step, strict=True)]
        if scale == 1 and max(abs(s) for s in step) <= tol:
            return p, True
    return p, False


def hgamma_max_search(k: int, gamma: Real, starts: int = 24, seed: int = 0) -> HgammaMax:
    """h_γ(k) by a global search over the simplex (independent of the two-level formula).

    ``starts`` float64 local optimisations (uniform, near-vertex and seeded
    Dirichlet starts) locate the local maxima; each is refined by Newton's method
    on the KKT system at the working precision and the best is returned.  A
    local search cannot prove global optimality: for k ≤ 4 see
    :func:`focalrd.numeric.entropies.certified.hgamma_max_enclosure`.

    >>> mp.dps = 15
    >>> print(hgamma_max_search(2, 1).value)
    -0.693147180559945
    """
    k, gamma = _check_k_gamma(k, gamma, MAX_SEARCH_ALPHABET)
    if gamma == 0:
        return HgammaMax(mp.zero, mp.one, None, local_maxima=None, starts=0)
    local = _float_local_maxima(k, float(gamma), starts, seed)
    with mp.workprec(mp.prec + _GUARD_BITS):
        g = to_mpf(gamma)
        best: tuple[mpmath.mpf, list[mpmath.mpf], bool] | None = None
        refined: list[list[mpmath.mpf]] = []
        close = mp.ldexp(1, -(mp.prec // 2))
        for start in local:
            p, ok = _kkt_newton(g, start)
            p.sort(reverse=True)
            if not any(max(abs(x - y) for x, y in zip(p, o, strict=True)) < close
                       for o in refined):
                refined.append(p)
            value = mp.fsum(_f(g, x) for x in p)
            if best is None or value > best[0]:
                best = (value, p, ok)
        s_value, p, ok = best
        value = mp.log(s_value)
    return HgammaMax(+value, +s_value, tuple(+x for x in p), local_maxima=len(refined),
                     starts=starts, converged=ok)


def hgamma_max(k: int, gamma: Real) -> HgammaMax:
    """h_γ(k) = max_P H_γ(P) on k symbols (by the two-level formula; see the module)."""
    return hgamma_max_formula(k, gamma)
