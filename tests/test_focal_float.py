"""The float64 KKT solve of the focal entropy (numeric/oneshot/_focal_float.py).

Two properties: the returned point satisfies the KKT conditions to float accuracy (checked
from the definition of φ_γ in mpmath, not from the solver's own h), and the bracketed
Newton iterations converge like Newton: a near-converged entry is not thrown back into
bisection.  The second is an operation count, not a timing.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from mpmath import mp

from focalrd.numeric.oneshot import _focal_float
from focalrd.strategies import distributions, focusing_parameters


def _kkt_gaps(a: np.ndarray, z: np.ndarray, ell: float, gamma: float) -> tuple[float, float]:
    """max_x |a_x |φ'(q_x)| / λ − 1| and |Σ q − 1| at q = exp(−e^z), from the definition
    φ_γ(q) = (1 − q)^γ ln(1/q), at 40 digits."""
    with mp.workdps(40):
        g, lam = mp.mpf(gamma), mp.exp(ell)
        worst, mass = mp.zero, mp.zero
        for ax, zx in zip(a.tolist(), z.tolist(), strict=True):
            q = mp.exp(-mp.exp(zx))
            slope = mp.diff(lambda t: (1 - t) ** g * mp.log(1 / t), q)
            worst = max(worst, abs(ax * abs(slope) / lam - 1))
            mass += q
        return float(worst), float(abs(mass - 1))


@settings(max_examples=30, deadline=None)
@given(distributions(min_size=2, max_size=12), focusing_parameters(max_value=20))
def test_float_solution_meets_the_kkt_conditions(a, gamma):
    # the tolerance: the solver stops at a relative Newton step of 4e-14 in z = ln ln(1/q);
    # a relative error δ in z moves ln a_x|φ'(q_x)| by at most about δ·|z|·dh/dz, which for
    # these inputs (q ≥ 1e-12, γ ≤ 20) stays below 1e-9 — far above rounding, far below
    # any real failure of the solve (a wrong bracket or sign gives O(1) gaps)
    if gamma == 0:
        return
    log_a = np.log(np.array([float(v) for v in a]))
    z, ell, _ = _focal_float.solve_cells(log_a, np.ones(len(a)), np.zeros(len(a), dtype=int),
                                         1, float(gamma))
    ratio_gap, mass_gap = _kkt_gaps(np.exp(log_a), z, float(ell[0]), float(gamma))
    assert ratio_gap < 1e-9
    assert mass_gap < 1e-12


@pytest.mark.parametrize("gamma", [0.5, 2.0, 7.0])
@pytest.mark.parametrize("family", ["harmonic", "random"])
def test_newton_is_not_sent_back_to_bisection(family, gamma, monkeypatch):
    """Entry evaluations of h over the whole solve, for 1000 well-conditioned entries.

    From the γ = 0 start the outer Newton on ln λ converges quadratically, in at most 6
    steps here, and each inner solve is Newton from the previous z, inside its bracket:
    at most 3 evaluations to converge plus one for the slope.  With one evaluation at the
    end, 25 evaluations per entry (the solver takes 14 to 20).  The solver once rejected
    every converged Newton step (its bracket ends at z itself) and bisected those entries
    back from the middle of the bracket: 21 to 53 evaluations per entry, and more than
    25 in four of these six cases.
    """
    size = 1000
    if family == "harmonic":
        a = 1.0 / np.arange(1, size + 1)
    else:
        a = np.random.default_rng(12).dirichlet(np.ones(size))
    evaluated = []
    original = _focal_float.h_and_slope

    def counting(z, g):
        evaluated.append(len(z))
        return original(z, g)

    monkeypatch.setattr(_focal_float, "h_and_slope", counting)
    z, ell, _ = _focal_float.solve_cells(np.log(a), np.ones(size), np.zeros(size, dtype=int), 1,
                                         gamma)
    assert sum(evaluated) <= 25 * size
    ratio_gap, _ = _kkt_gaps(a[:50], z[:50], float(ell[0]), gamma)
    assert ratio_gap < 1e-9
