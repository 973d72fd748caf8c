"""The fast paths of issue 12 against independent references.

* start-up: ``focalrd eval d-star`` imports none of the heavy modules;
* binary blocks: the class-index pre-screen brackets the crossing class exactly
  as the exact integer tails say (tight to one class), and the lazy walk over
  the classes of a two-valued source lists them as a brute-force enumeration does.

Timings are not asserted here (they are in reports/benchmarks/); these tests
fail when a fast path gives a wrong or a loose answer.
"""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
from collections import Counter
from fractions import Fraction as F

import pytest

from focalrd.numeric.blocks import excess
from focalrd.numeric.blocks.classes import ExactClasses
from focalrd.numeric.blocks.grouping import group_source
from focalrd.numeric.blocks.lattice import Lattice

HEAVY = ("scipy", "sympy", "matplotlib", "hypothesis", "numpy")

_PROBE = """
import sys
from focalrd.verify.cli import main
status = main(sys.argv[1:])
print("MODULES", " ".join(sorted(sys.modules)))
sys.exit(status)
"""


@pytest.mark.parametrize("arguments", [
    ["eval", "d-star", "--source", "0.89,0.11", "--n", "1000000", "--rate", "0.3",
     "--eps", "0.1", "--gamma", "2"],
    ["eval", "d-star", "--source", "0.89,0.11", "--n", "1000", "--codewords", "7",
     "--eps", "0.1", "--gamma", "2"],
])
def test_eval_d_star_imports_no_heavy_module(arguments):
    """The cold start of ``focalrd eval d-star`` (binary) stays free of heavy imports."""
    done = subprocess.run([sys.executable, "-c", _PROBE, *arguments], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "value =" in done.stdout  # the quantity was really evaluated
    modules = done.stdout.split("MODULES", 1)[1].split()
    assert "mpmath" in modules and "focalrd.numeric.blocks.excess" in modules
    heavy = sorted({m for m in modules if m.split(".")[0] in HEAVY})
    assert not heavy, f"imported at start-up: {heavy[:10]}"


def _exact_tail(n: int, q: F, a: int) -> F:
    """P[Bin(n, q) >= a], exactly (independent of the code under test)."""
    return sum((math.comb(n, s) * q**s * (1 - q) ** (n - s) for s in range(a, n + 1)), F(0))


@pytest.mark.parametrize("source, n", [((F(9, 10), F(1, 10)), 400),
                                       ((F(2, 3), F(1, 6), F(1, 6)), 300),
                                       ((F(11, 20), F(9, 20)), 500)])
@pytest.mark.parametrize("eps", [F(1, 10), F(1, 2), F(9, 10), F(1, 10**12), F(1, 10**400)])
def test_binary_bracket_is_the_tightest_class_bracket(source, n, eps):
    """a_hi is the least class index whose upper tail is <= (1 - eps)(1 - eta) and a_lo the
    largest whose tail is >= (1 - eps)(1 + eta) (eta = 1e-6; tails taken on the side of the
    smaller of eps and 1 - eps, as the pre-screen does), by exact rational tails."""
    grouped = group_source(source)
    lat = Lattice(grouped, n)
    hi, lo = excess._binary_mass_bracket(lat, eps)
    # thresholds sit between classes: recover the class indices they stand for
    lam_h, lam_l = lat._flog[-2], lat._flog[-1]
    a_hi = math.floor((hi - n * lam_l) / (lam_h - lam_l)) + 1
    a_lo = math.floor((lo - n * lam_l) / (lam_h - lam_l)) + 1
    q = lat.q
    target, eta = 1 - eps, F(1, 10**6)
    if target <= F(1, 2):
        upper = lambda a: _exact_tail(n, q, a) <= target * (1 - eta)  # noqa: E731
        lower = lambda a: _exact_tail(n, q, a) >= target * (1 + eta)  # noqa: E731
    else:
        upper = lambda a: 1 - _exact_tail(n, q, a) >= eps * (1 + eta)  # noqa: E731
        lower = lambda a: 1 - _exact_tail(n, q, a) <= eps * (1 - eta)  # noqa: E731
    assert upper(a_hi) and (a_hi == 0 or not upper(a_hi - 1))
    assert lower(a_lo) and (a_lo == n + 1 or not lower(a_lo + 1))
    assert _exact_tail(n, q, a_hi) < target <= _exact_tail(n, q, a_lo)


@pytest.mark.parametrize("source", [(F(3, 4), F(1, 4)), (F(1, 6), F(1, 6), F(2, 3)),
                                    (F(1, 10), F(1, 10), F(1, 10), F(7, 10)),
                                    (F(2, 5), F(1, 5), F(1, 5), F(1, 5))])
def test_lazy_binary_classes_match_brute_force(source):
    """The lazy walk over the classes of a two-valued source, against all k^n sequences."""
    grouped = group_source(source)
    for n in (1, 2, 3, 6):
        counts = Counter(math.prod(seq, start=F(1)) for seq in itertools.product(source,
                                                                                 repeat=n))
        expected = sorted(counts.items(), reverse=True)
        classes = ExactClasses(grouped, n)
        got = [(F(c.weight, classes.total), c.size) for c in classes._ordered()]
        assert got == expected


def test_lazy_binary_walk_stops_at_the_needed_class():
    """K* at binary n = 10^3 touches only the classes down to the crossing one."""
    grouped = group_source((F(89, 100), F(11, 100)))
    classes = ExactClasses(grouped, 1000)
    assert classes.least_count(F(1, 10)) > 0
    assert classes._classes is None  # the full class list was never built


def test_binary_window_holds_the_classes_that_matter_and_no_more():
    """At n = 10^6 the tabulated window is about sqrt(2·depth) standard deviations either
    side of the mode (not all n + 1 classes), and the tails are normalised to mass 1."""
    n, depth = 10**6, 80.0
    lat = Lattice(group_source((F(89, 100), F(11, 100))), n)
    s_lo, up, down, logs = lat.binary_log_tails(depth)
    width = len(up) - 1
    sd = math.sqrt(n * 0.89 * 0.11)
    # classes within e^-80 of the mode lie within sqrt(2·80) ≈ 12.6 sd of it (Chernoff)
    assert not logs and 2 * 12 * sd < width < 2 * 14 * sd
    assert abs(s_lo + width / 2 - 0.89 * n) < 2 * sd
    assert abs(up[0] - 1) < 1e-12 and abs(down[-1] - 1) < 1e-12 and up[-1] == down[0] == 0.0


@pytest.mark.parametrize("gamma, d", [(F(2), F(1)), (F(1, 3), F(7, 3)), (F(50), F(1, 10**6)),
                                      (F(2), F(10**300)), (F(3), F(1, 10**300)),
                                      (F(1, 2), F(1, 10**1000))])
@pytest.mark.parametrize("dps", [30, 1000])
def test_tau_precision_doubling_against_findroot(gamma, d, dps):
    """t = ln(1/τ_γ(d)) from the float start and the precision ladder (or, with d outside
    the float range, from the closed-form start) against mpmath.findroot (secant) on
    ln t + γ ln(1 − e^(−t)) = ln d in the variable ln t, at 40 more digits."""
    from mpmath import mp

    from focalrd.numeric.tau import log_inverse_tau

    with mp.workdps(dps):
        t = log_inverse_tau(gamma, d)
    with mp.workdps(dps + 40):
        g, dd = mp.mpf(gamma.numerator) / gamma.denominator, mp.mpf(d.numerator) / d.denominator
        # in x = ln t, so that the secant's absolute tolerance is relative in t
        x = mp.findroot(lambda x: x + g * mp.log(-mp.expm1(-mp.exp(x))) - mp.log(dd), mp.log(t),
                        tol=mp.mpf(10) ** (-2 * dps - 60), verify=False)
        reference = mp.exp(x)
        assert abs(t - reference) <= abs(reference) * mp.mpf(10) ** -(dps - 1)


_FOCAL_CASES = [([F(1, i + 1) for i in range(40)], F(2)),
                ([F(1, 3), F(1, 3), F(1, 6), F(1, 6)], F(5, 2)),
                ([F(999, 1000), F(1, 10**6), F(1, 10**6), F(7, 10**4)], F(7)),
                ([F(1, 2), F(1, 3), F(1, 6)], F(1, 3))]


@pytest.mark.parametrize("arithmetic", ["Mpfr", "Mpmath"])
@pytest.mark.parametrize("dps", [30, 300])
@pytest.mark.parametrize("a, gamma", _FOCAL_CASES)
def test_focal_entropy_polish_meets_kkt_at_the_working_precision(monkeypatch, arithmetic, dps,
                                                                  a, gamma):
    """The polished minimiser satisfies a_x |φ'(q_x)| = λ and Σ q = 1 to the working precision,
    and the value is Σ a_x φ(q_x), all re-evaluated with φ, φ' at 30 more digits (independent
    of the polish), in both arithmetics (MPFR and mpmath)."""
    from mpmath import mp

    from focalrd.numeric.oneshot import _focal_arithmetic
    from focalrd.numeric.oneshot import focal_entropy as fe
    from focalrd.numeric.phi import phi, phi_prime

    monkeypatch.setattr(fe, "_ARITHMETIC", getattr(_focal_arithmetic, arithmetic))
    with mp.workdps(dps):
        solution = fe.focal_entropy_solution(a, gamma)
    with mp.workdps(dps + 30):
        q, lam = solution.minimizer, solution.multiplier
        gaps = [abs(mp.mpf(x.numerator) / x.denominator * abs(phi_prime(gamma, qx)) / lam - 1)
                for x, qx in zip(a, q, strict=True)]
        tolerance = mp.mpf(10) ** -(dps - 2)
        assert max(gaps) < tolerance and abs(mp.fsum(q) - 1) < tolerance
        value = mp.fsum(mp.mpf(x.numerator) / x.denominator * phi(gamma, qx)
                        for x, qx in zip(a, q, strict=True))
        assert abs(solution.value - value) <= tolerance * value
        assert solution.kkt_residual < tolerance


@pytest.mark.parametrize("m, p", [(60, F(3, 5)), (400, F(1, 20)), (1000, F(1, 2))])
def test_rowed_prescreen_binomial_tails_against_exact_sums(m, p):
    """The float64 binomial log-tails of the three-value pre-screen (scipy.special, no
    scipy.stats) against exact rational sums, including both ends of the support."""
    from focalrd.numeric.blocks import lattice

    ks = [-1, 0, 1, m // 3, m // 2, int(m * p), m - 2, m - 1, m]
    sf = lattice._binom_logsf([float(k) for k in ks], [float(m)] * len(ks), float(p))
    cdf = lattice._binom_logcdf([float(k) for k in ks], [float(m)] * len(ks), float(p))
    pmf = lattice._binom_logpmf(__import__("numpy").array(ks[1:], dtype=float), m, float(p))
    for i, k in enumerate(ks):
        upper = _exact_tail(m, p, k + 1)   # P[X > k]
        lower = 1 - upper                  # P[X <= k]
        for got, exact in ((sf[i], upper), (cdf[i], lower)):
            if exact == 0:
                assert got == -math.inf
            elif exact < F(1, 2**1000):  # below the float64 range: -inf, as documented
                assert got == -math.inf or got < -690
            else:
                expected = math.log(exact.numerator) - math.log(exact.denominator)
                assert abs(got - expected) <= 1e-9 * max(1.0, abs(expected))
    for k, got in zip(ks[1:], pmf, strict=True):
        exact = math.comb(m, k) * p**k * (1 - p) ** (m - k)
        assert abs(got - (math.log(exact.numerator) - math.log(exact.denominator))) <= 1e-9 * m
