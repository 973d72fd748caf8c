"""Checks of [n.saddlepoint]: the saddlepoint APPROXIMATION against exact values.

The approximation (``numeric/blocks/saddlepoint.py``) replaces the two tails of the
information density S = ı(X^n), the mass P[S > t] and the count N{S ≤ t}, by the
Lugannani–Rice formula (Daniels' lattice form when S lives on a lattice).  Each is
accurate to a relative O(1/n) uniformly in the thresholds used, so:

* ln K* (the count at the threshold where the mass reaches 1 − ε, with the crossing
  level split exactly) is off by O(1/n);
* ε* (the mass beyond the threshold where the count reaches S) by a relative O(1/n);
* D*_γ = φ_γ(1/L)/n, L = K*/M, by O(1/n²): the map ln L ↦ φ_γ(1/L) = (1 − e^(−t))^γ t
  has slope (1 − e^(−t))^(γ−1)(1 − e^(−t) + γ t e^(−t)) ≤ Λ_γ(t₀) =
  max(1, (1 − e^(−t₀))^(γ−1))·(1 + γ t₀/(e^(t₀) − 1)) for t ≥ t₀ (each factor is
  monotone in t), with t₀ the lower end of the interval between the two ln L.

The claim fixes the constant of the O(1/n) at 1 (a stated accuracy that the exact
values can refute; the benchmark's worst n·|Δ ln K*| over its table is 0.95).  The
exact values come from the independent best-first count of the type classes
(:func:`._independent.least_count_best_first`, :func:`._independent.
uncovered_mass_best_first`), exact integers and rationals; the saddlepoint's own
rounding (about 2^-prec) is far below 1/n².
"""

from __future__ import annotations

from fractions import Fraction as F

import mpmath
from mpmath import mp

from focalrd.numeric.blocks.saddlepoint import saddlepoint_distortion, saddlepoint_excess
from focalrd.numeric.precision import significant
from focalrd.verify.claims import _independent as ref
from focalrd.verify.claims import catalogue  # noqa: F401  (defines the claims checked here)
from focalrd.verify.registry import CheckContext, Evidence, check

#: (source, n, eps, M, gamma) of the D* checks; lattice binary (the benchmark's row),
#: lattice ternary, non-lattice ternary (ratios 3/2 and 3 are not powers of one number).
_DSTAR = [
    ((F(9, 10), F(1, 10)), 1000, F(1, 10), 1, F(2)),
    ((F(1, 2), F(1, 3), F(1, 6)), 200, F(1, 2), None, F(1, 2)),   # M: K*/M ≈ 7.5
]
_MORE_DSTAR = [
    ((F(1, 2), F(3, 10), F(1, 5)), 300, F(1, 100), 1, F(0)),
    ((F(7, 10), F(3, 10)), 3000, F(9, 10), 1, F(5)),
    ((F(9, 10), F(1, 10)), 100, F(1, 100), 1, F(1)),
    ((F(1, 2), F(3, 10), F(1, 5)), 1000, F(1, 2), 1, F(3)),
    ((F(7, 10), F(2, 10), F(1, 10)), 400, F(9, 10), 7, F(0)),
]
#: (source, n, eps whose K* is the number of sequences covered) of the eps* checks.
_EXCESS = [((F(1, 2), F(3, 10), F(1, 5)), 300, F(1, 10))]
_MORE_EXCESS = [((F(9, 10), F(1, 10)), 1000, F(1, 100)), ((F(1, 2), F(1, 3), F(1, 6)), 300,
                                                            F(1, 2))]


def _slope_bound(gamma: F, t0: mpmath.mpf) -> mpmath.mpf:
    """Λ_γ(t₀): a bound of d/dt (1 − e^(−t))^γ t for t ≥ t₀ > 0 (module docstring)."""
    g = ref.number(gamma)
    one_minus = -mp.expm1(-t0)
    return max(mp.one, one_minus ** (g - 1)) * (1 + g * t0 / mp.expm1(t0))


def _distortion_range(gamma: F, n: int, k: int, m: int, exact: mpmath.mpf
                      ) -> tuple[mpmath.mpf, mpmath.mpf]:
    """The D* values the claim allows: ln K*_sp within 1/n of ln K*, through the map the
    approximation applies (L = max(1, K*/M), its ceiling while ln L < 40).

    For a small list the allowed ceilings ⌈x⌉, x ∈ (K*/M)·[e^(−1/n), e^(1/n)], are listed
    and each mapped exactly; for a large one the slope bound Λ_γ gives
    |ΔD| ≤ Λ_γ(t₀)(1/n + M/K*)/n, M/K* for the ceiling the exact L* takes.
    """
    ratio = F(k, m)
    rounding = mp.ldexp(exact, 4 - mp.prec)   # the approximation's own rounding
    with mp.workdps(mp.dps + 15):
        spread = mp.exp(mp.mpf(1) / n)
        if ratio < 10**17:
            lowest = max(1, int(mp.ceil(ref.number(ratio) / spread)))
            highest = max(1, int(mp.ceil(ref.number(ratio) * spread)))
            values = [ref.phi(gamma, F(1, ell)) / n for ell in (lowest, highest)]
            return min(values) - rounding, max(values) + rounding
        t0 = mp.log(ref.number(ratio)) - mp.mpf(2) / n
        slack = _slope_bound(gamma, t0) * (mp.mpf(1) / n + ref.number(F(m, k))) / n
    return exact - slack, exact + slack


def _text(source) -> list[str]:
    return [str(p) for p in source]


@check("n.saddlepoint", level="sampled")
def saddlepoint_against_exact_counts(ctx: CheckContext) -> Evidence:
    """ln K*, D*_γ and ε* of the saddlepoint approximation within 1/n (relative 1/n for ε*,
    Λ_γ/n² for D*) of the exact values."""
    # 15 digits resolve errors of 1/n^2 ~ 10^-6 with room to spare (the approximation's
    # own rounding is about 10^-15); a higher precision only makes its nested searches slower
    mp.dps = 15
    rows = []
    worst = mp.zero
    dstar = _DSTAR + ([] if ctx.quick else _MORE_DSTAR)
    for source, n, eps, m, gamma in dstar:
        k = ref.least_count_best_first(source, n, eps)
        m = m if m is not None else max(1, 2 * k // 15)   # a small list, K*/M ≈ 7.5
        ell = ref.list_size(k, m)
        with mp.workdps(mp.dps + 15):
            log_k = mp.log(k)
            exact = ref.phi(gamma, F(1, ell)) / n
        value, log_k_sp = saddlepoint_distortion(source, gamma, n, mp.log(m), eps)
        log_error = abs(log_k_sp - log_k)
        low, high = _distortion_range(gamma, n, k, m, exact)
        allowed = max(exact - low, high - exact)
        worst = max(worst, n * log_error)
        row = {"source": _text(source), "n": n, "eps": str(eps), "M": m, "gamma": str(gamma),
               "n_times_log_K_error": significant(n * log_error, 3),
               "D_error": significant(abs(value - exact), 3),
               "D_allowed": significant(allowed, 3), "L*": ell if ell < 10**6 else None}
        rows.append(row)
        if log_error > mp.mpf(1) / n or not low <= value <= high:
            return Evidence.sampled("saddlepoint ln K* and D* against an exact count", False,
                                    len(rows), counterexample=row, rows=rows)
    excess = _EXCESS + ([] if ctx.quick else _MORE_EXCESS)
    for source, n, eps in excess:
        covered = ref.least_count_best_first(source, n, eps)
        exact = ref.number(ref.uncovered_mass_best_first(source, n, covered))
        with mp.workdps(mp.dps + 15):
            log_covered = mp.log(covered)
        value = saddlepoint_excess(source, n, log_covered)
        relative = abs(value - exact) / exact
        row = {"source": _text(source), "n": n, "covered": f"K*(eps = {eps})",
               "eps_star": significant(exact, 8), "saddlepoint": significant(value, 8),
               "n_times_relative_error": significant(n * relative, 3)}
        rows.append(row)
        if relative > mp.mpf(1) / n:
            return Evidence.sampled("saddlepoint eps* against an exact count", False,
                                    len(rows), counterexample=row, rows=rows)
    return Evidence.sampled(
        f"{len(dstar)} D* instances (binary (9/10, 1/10) at n = 1000, eps = 1/10, M = 1 "
        "(lattice) and the non-lattice (1/2, 1/3, 1/6) at n = 200, eps = 1/2, M with "
        "K*/M = 7.5"
        f"{'' if ctx.quick else ', and more up to n = 3000, eps from 1/100 to 9/10'}) and "
        f"{len(excess)} eps* instances (the lattice ternary (1/2, 3/10, 1/5) at n = 300"
        f"{'' if ctx.quick else ' and more'}), at 15 digits: |ln K*_sp - ln K*| <= 1/n, "
        "D*_sp within the image of that interval (every allowed ceiling of K*/M mapped "
        "exactly while K*/M < 10^17, else the slope bound Lambda_gamma (1/n + M/K*)/n) and "
        "|eps*_sp - eps*| <= eps*/n, against exact counts (the type classes best first, in "
        "integers)", True, len(rows), rows=rows,
        largest_n_times_log_K_error=significant(worst, 3))
