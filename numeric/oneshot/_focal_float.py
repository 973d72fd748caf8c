"""float64 pre-screen of the focal-entropy cell problem, many cells at once (numpy).

Used only to locate the minimiser (the arbitrary-precision polish in
:mod:`.focal_entropy` starts from it) and to rank cells in the partition search
(which re-evaluates every candidate at full precision).  Nothing computed here
is reported.

Variables.  For an entry with q = e^y (y < 0) the solver works in z = ln(−y),
which keeps full relative accuracy both for tiny q (z large) and for q close
to 1 (z very negative).  With A = 1 − q and B = A − γ·y·q,

    h(z) = ln|φ_γ'(q)| = (γ − 1)·ln A − y + ln B,

strictly increasing in z (|φ_γ'| decreases in q, and q decreases in z).  The
KKT condition of the cell problem, a_x·|φ_γ'(q_x)| = λ, reads
h(z_x) = ln λ − ln a_x: for each λ one monotone equation per entry (inner
search), and Σ q_x(λ) = 1 is monotone in λ (outer search).  Both searches are
Newton iterations kept inside a bracket (bisection when Newton leaves it).
"""

from __future__ import annotations

import math

from focalrd.numeric._lazy import numpy as np

# |φ'| bounds used for the brackets: h ≥ −y − _LOG_BOUND·max(1, γ) for y ≤ −1,
# with _LOG_BOUND ≥ −ln(1 − e^{−1}) = 0.4587; and h ≤ γ·z + 2 + ln(1 + γ) for z ≤ 0.
_LOG_BOUND = 0.46
_Z_MAX = 700.0
#: Relative step at which the float Newton iterations stop (a few ulps, so they cannot cycle).
_Z_TOLERANCE = 4e-14


def h_and_slope(z: np.ndarray, gamma: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """h(z), dh/dz and log A = ln(1 − q) for q = exp(−e^z), elementwise."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        y = -np.exp(z)
        q = np.exp(y)
        a = -np.expm1(y)
        b = a - gamma * y * q
        log_a = np.where(a > 0, np.log(a), z)
        log_b = np.where(b > 0, np.log(b), z + math.log1p(gamma))
        h = (gamma - 1) * log_a - y + log_b
        y_over_a = np.where(a > 0, y / a, -1.0)
        y_over_b = np.where(b > 0, y / b, -1.0 / (1 + gamma))
        slope = -(gamma - 1) * q * y_over_a - y - q * (1 + gamma + gamma * y) * y_over_b
    return h, slope, log_a


def _inner(target: np.ndarray, z: np.ndarray, gamma: float) -> tuple[np.ndarray, np.ndarray]:
    """Solve h(z) = target elementwise from the warm start z; return (z, dh/dz).

    Only the entries not yet converged are iterated (an active set).
    """
    top = np.log(np.maximum(1.0, target + _LOG_BOUND * max(1.0, gamma) + 1.0))
    top = np.minimum(top, _Z_MAX)
    bottom = np.minimum(0.0, (target - 3.0 - math.log1p(gamma)) / gamma)
    z = np.clip(z, bottom, top)
    active = np.arange(len(z))
    for _ in range(200):
        za, ta = z[active], target[active]
        h, slope, _ = h_and_slope(za, gamma)
        gap = h - ta
        top[active] = np.where(gap > 0, za, top[active])
        bottom[active] = np.where(gap < 0, za, bottom[active])
        lo, hi = bottom[active], top[active]
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = np.where(gap == 0, za, za - gap / slope)
        # a Newton step within rounding of z has converged; it must not count as leaving
        # the bracket (whose end is z itself), or the entry is thrown to the bracket's
        # middle and bisected back (that once took most of the solve)
        tolerance = _Z_TOLERANCE * (1.0 + np.abs(za))
        converged = np.abs(newton - za) <= tolerance
        inside = ((newton > lo) & (newton < hi) & np.isfinite(newton)) | converged
        new = np.where(inside, newton, 0.5 * (lo + hi))
        z[active] = new
        # ... and a bisection whose bracket has closed has converged too
        active = active[~(converged | (np.abs(new - za) <= tolerance))]
        if not len(active):
            break
    _, slope, _ = h_and_slope(z, gamma)
    return z, slope


def mass_condition(q: np.ndarray, y: np.ndarray, one_minus_q: np.ndarray, count: np.ndarray,
                   cell: np.ndarray, cells: int) -> tuple[np.ndarray, np.ndarray]:
    """The outer equation G = 0 (⇔ Σ count·q = 1) per cell and dG/dz per entry.

    When one entry of a cell (of multiplicity 1) has q > 1/2, the cell uses
    G = ln(Σ_others count·q) − ln(1 − q_big), which stays well scaled when
    1 − q_big is far below the float resolution near 1; otherwise G = ln Σ count·q.
    Both have the sign of Σ count·q − 1 and decrease in λ.
    """
    big = (q > 0.5) & (count == 1)
    big_cells = np.bincount(cell, big, cells) == 1
    big = big & big_cells[cell]
    others = np.bincount(cell, np.where(big, 0.0, count * q), cells)
    with np.errstate(divide="ignore"):
        log_big = np.log(np.bincount(cell, np.where(big, one_minus_q, 0.0), cells))
    g = np.where(big_cells, np.log(others) - log_big, np.log(others))
    big_complement = np.where(big, one_minus_q, 1.0)
    slope = np.where(big, q * y / big_complement, count * q * y / others[cell])
    return g, slope


def solve_cells(log_a: np.ndarray, count: np.ndarray, cell: np.ndarray, cells: int,
                gamma: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Minimise Σ count·a·φ_γ(q) over Σ count·q = 1, separately in every cell.

    ``log_a``, ``count`` and ``cell`` (the cell index of each entry) describe
    the entries; every cell must have total count ≥ 2 and γ > 0.  Returns
    (z per entry, ln λ per cell, F per cell), all float64.
    """
    log_sum = np.log(np.bincount(cell, count * np.exp(log_a - log_a.max()), cells)) + log_a.max()
    ell = log_sum.copy()  # the γ = 0 multiplier, a good start
    low = np.full(cells, -np.inf)
    high = np.full(cells, np.inf)
    with np.errstate(divide="ignore"):
        z = np.log(np.maximum(ell[cell] - log_a, 1e-300))
    for _ in range(200):
        z, slope = _inner(ell[cell] - log_a, z, gamma)
        y = -np.exp(z)
        q = np.exp(y)
        outer, outer_z = mass_condition(q, y, -np.expm1(y), count, cell, cells)
        low = np.where(outer > 0, ell, low)
        high = np.where(outer < 0, ell, high)
        newton = ell - outer / np.bincount(cell, outer_z / slope, cells)
        step = np.clip(newton - ell, -4.0, 4.0)
        guess = ell + step
        # as in _inner: a step within rounding has converged, even though ℓ is an end
        # of its own bracket
        done = (np.abs(step) <= _Z_TOLERANCE * (1.0 + np.abs(ell))) | (outer == 0)
        inside = ((guess > low) & (guess < high) & np.isfinite(guess)) | done
        both = np.isfinite(low) & np.isfinite(high)
        with np.errstate(invalid="ignore"):  # inf + (-inf) where no bracket yet: not used
            middle = 0.5 * (low + high)
        new = np.where(inside, guess, np.where(both, middle, guess))
        done |= np.abs(new - ell) <= _Z_TOLERANCE * (1.0 + np.abs(ell))
        ell = new
        if done.all():
            break
    z, slope = _inner(ell[cell] - log_a, z, gamma)
    _, _, log_one_minus_q = h_and_slope(z, gamma)
    # φ_γ(q) = (1 − q)^γ · ln(1/q) = exp(γ ln(1 − q) + z)
    values = np.bincount(cell, count * np.exp(log_a + gamma * log_one_minus_q + z), cells)
    # first-order correction for the residual mass error δ = Σ q − 1: a_x φ'(q_x) = −λ, so
    # moving onto the simplex changes the value by λ·δ (large relative to F when γ is large)
    mass_error = np.bincount(cell, count * np.exp(-np.exp(z)), cells) - 1
    values = values + np.exp(ell) * mass_error
    return z, ell, values
