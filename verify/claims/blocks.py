"""Checks of THEORY.md §6 (blocks of n symbols)."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction as F

from mpmath import mp

from focalrd.numeric.blocks.average import (
    average_achievability,
    average_converse,
    average_exact,
)
from focalrd.numeric.blocks.excess import distortion_limit, excess_distortion_exact
from focalrd.numeric.blocks.grouping import codebook_size
from focalrd.numeric.blocks.normal import normal_approximation
from focalrd.numeric.c_gamma import c_gamma
from focalrd.numeric.exact import exact_number
from focalrd.numeric.phi import phi
from focalrd.numeric.precision import significant
from focalrd.numeric.source import entropy
from focalrd.numeric.tau import tau
from focalrd.verify.claims._common import random_source
from focalrd.verify.registry import CheckContext, Evidence, check

_SOURCES = [(F(9, 10), F(1, 10)), (F(1, 2), F(3, 10), F(1, 5)), (F(1, 2), F(1, 4), F(1, 4)),
            (F(1, 2), F(1, 4), F(1, 8), F(1, 8))]


def _sorted_probabilities(source, n):
    probs = (math.prod(seq, start=F(1)) for seq in itertools.product(source, repeat=n))
    return sorted((p for p in probs if p > 0), reverse=True)


@check("n.excess-exact")
def excess_exact_brute_force(ctx: CheckContext) -> Evidence:
    """ε* from type classes equals 1 − (top M·L sequence masses) over all k^n sequences."""
    mp.dps = ctx.dps
    max_n = 3 if ctx.quick else 5
    instances = 0
    for source in _SOURCES:
        for n in range(1, max_n + 1):
            probs = _sorted_probabilities(source, n)
            for m, d, gamma in itertools.product((1, 3), (F(1, 3), F(1)), (F(0), F(2))):
                cap = int(mp.floor(1 / tau(gamma, n * d)))
                expected = 1 - sum(probs[:m * cap], F(0))
                got = excess_distortion_exact(source, gamma, n, m, d)
                instances += 1
                if got != expected:
                    return Evidence.exhaustive(
                        "type-class eps* against brute force", False, instances,
                        counterexample={"source": [str(p) for p in source], "n": n, "M": m,
                                        "D": str(d), "gamma": str(gamma), "got": str(got),
                                        "expected": str(expected)})
    return Evidence.exhaustive(
        f"type-class eps* equals brute force over all k^n sequences (exact rationals), "
        f"n = 1..{max_n}, {len(_SOURCES)} sources (including tied probabilities)", True,
        instances)


@check("n.dstar-closed-form")
def dstar_brute_force(ctx: CheckContext) -> Evidence:
    """K*, L* = ⌈K*/M⌉ and D* = φ_γ(1/L*)/n agree with brute force; L* independent of γ."""
    mp.dps = ctx.dps
    rng = ctx.rng
    samples = ctx.effort(30, 150)
    for i in range(samples):
        source = random_source(rng, rng.choice((2, 3)), 30)
        n = rng.randint(1, 5)
        eps = F(rng.randint(1, 99), 100)
        m = rng.randint(1, 20)
        probs = _sorted_probabilities(source, n)
        total, k = F(0), 0
        while total < 1 - eps:
            total += probs[k]
            k += 1
        ell = -(-k // m)
        values = []
        for gamma in (F(0), F(1, 2), F(3)):
            result = distortion_limit(source, gamma, n, m, eps)
            expected = phi(gamma, F(1, ell)) / n
            if (result.K, result.L) != (k, ell) or abs(result.value - expected) > \
                    mp.mpf(10) ** (-ctx.dps + 2) * (1 + expected):
                return Evidence.sampled("closed form against brute force", False, i + 1,
                                        counterexample={"source": [str(p) for p in source],
                                                        "n": n, "M": m, "eps": str(eps),
                                                        "gamma": str(gamma)})
            values.append(result.L)
    return Evidence.sampled(
        f"K*, L* and D* = phi(1/L*)/n against brute-force sorting of all k^n sequences for "
        f"{samples} random (source, n <= 5, M, eps), each at gamma = 0, 1/2, 3 (same L*)",
        True, samples)


@check("n.excess-sandwich")
def excess_sandwich_sampled(ctx: CheckContext) -> Evidence:
    mp.dps = ctx.dps
    rng = ctx.rng
    samples = ctx.effort(10, 40)
    worst = mp.inf
    for i in range(samples):
        p = F(rng.randint(2, 48), 100)
        source = (1 - p, p)
        gamma = F(rng.randint(0, 40), 4)
        n = rng.choice((10, 100, 1000, 10**4, 10**5) if not ctx.quick else (10, 100, 10**4))
        eps = F(rng.randint(1, 99), 100)
        rate = F(rng.randint(1, 60), 100)
        focal = distortion_limit(source, gamma, n, None, eps, rate=rate).value
        log = distortion_limit(source, 0, n, None, eps, rate=rate).value
        c = c_gamma(gamma) / n
        margin = min(log - focal, focal - (log - c))
        worst = min(worst, margin)
        if margin < -mp.mpf(10) ** (-ctx.dps + 3):
            return Evidence.sampled("D*_0 - c/n <= D*_gamma <= D*_0", False, i + 1,
                                    counterexample={"p": str(p), "gamma": str(gamma), "n": n,
                                                    "eps": str(eps), "rate": str(rate)})
    return Evidence.sampled(
        f"D*_0 - c_gamma/n <= D*_gamma <= D*_0 for {samples} random binary instances "
        "(n from 10 to 10^5, rates in nats)", True, samples,
        smallest_margin=significant(worst, 6))


@check("n.excess-sandwich", level="sampled")
def excess_probability_sandwich_sampled(ctx: CheckContext) -> Evidence:
    """eps*_0(n, M, D + c_gamma/n) <= eps*_gamma(n, M, D) <= eps*_0(n, M, D), exactly."""
    mp.dps = ctx.dps
    rng = ctx.rng
    samples = ctx.effort(30, 150)
    counts = {"lower_strict": 0, "upper_strict": 0, "all_equal": 0}
    for i in range(samples):
        k = rng.choice((2, 3))
        source = random_source(rng, k, 30)
        n = rng.randint(1, 24 if k == 2 else 10)
        m = rng.randint(1, 8)
        gamma = F(rng.randint(1, 40), 4)
        # n·D from 0 to just past ln(k^n): the lists then range from one sequence to all.
        nd = F(rng.randint(0, math.ceil(100 * (n * math.log(k) + 1))), 100)
        d = nd / n
        # D + c_gamma/n is irrational: compare at a rational D' <= D + c_gamma/n (c_gamma
        # rounded once at the working precision, less a margin of several ulps).  eps*_0
        # does not increase with D, so eps*_0(D') <= eps*_gamma(D) implies the claim.
        c = c_gamma(gamma)
        margin = F(2) ** -(mp.prec - 4) * (1 + exact_number(c, "c_gamma"))
        shifted = max(d, d + (exact_number(c, "c_gamma") - margin) / n)
        focal = excess_distortion_exact(source, gamma, n, m, d)
        log = excess_distortion_exact(source, 0, n, m, d)
        log_shifted = excess_distortion_exact(source, 0, n, m, shifted)
        if not all(isinstance(v, F) for v in (focal, log, log_shifted)):
            return Evidence.inconclusive("sampled", "eps* sandwich in exact rationals",
                                         "an eps* value was not exact", samples=i)
        if not log_shifted <= focal <= log:
            return Evidence.sampled(
                "eps*_0(D + c/n) <= eps*_gamma(D) <= eps*_0(D)", False, i + 1,
                counterexample={"source": [str(p) for p in source], "n": n, "M": m,
                                "gamma": str(gamma), "D": str(d),
                                "eps_0(D')": str(log_shifted), "eps_gamma(D)": str(focal),
                                "eps_0(D)": str(log)})
        counts["lower_strict"] += log_shifted < focal
        counts["upper_strict"] += focal < log
        counts["all_equal"] += log_shifted == focal == log
    return Evidence.sampled(
        f"eps*_0(n, M, D') <= eps*_gamma(n, M, D) <= eps*_0(n, M, D) in exact rationals for "
        f"{samples} random (source on 2 or 3 symbols, n <= 24, M <= 8, gamma in (0, 10], "
        f"nD in [0, n ln k + 1]), with D' <= D + c_gamma/n rational (so the lower half is "
        f"implied, eps*_0 not increasing in D); strict on the left in "
        f"{counts['lower_strict']}, on the right in {counts['upper_strict']}, all three "
        f"equal in {counts['all_equal']}", True, samples, **counts)


@check("n.second-order")
def second_order_bounded(ctx: CheckContext) -> Evidence:
    mp.dps = 20
    source, rate, eps = (F(9, 10), F(1, 10)), F(1, 5), F(1, 10)
    ns = (100, 1000, 10**4, 10**5) if ctx.quick else (100, 1000, 10**4, 10**5, 10**6)
    scaled = [n * abs(distortion_limit(source, 2, n, None, eps, rate=rate).value
                      - normal_approximation(source, n, rate, eps)) for n in ns]
    bounded = max(scaled) <= 3 * scaled[0] + 1
    return Evidence.sampled(
        "n |D*_2 - normal approximation| for P = (0.9, 0.1), R = 0.2 nats, eps = 0.1 stays "
        f"bounded for n in {list(ns)}", bounded, len(ns),
        scaled_gaps=[significant(x, 6) for x in scaled])


@check("n.avg-sandwich")
def avg_sandwich_exhaustive(ctx: CheckContext) -> Evidence:
    mp.dps = 20
    instances = 0
    for source in ((F(3, 4), F(1, 4)), (F(1, 2), F(1, 2)), (F(9, 10), F(1, 10))):
        for gamma in (F(0), F(1), F(5, 2)):
            for n, m in ((1, 1), (2, 1), (2, 2), (2, 3)):
                size = codebook_size(n, m)
                exact = average_exact(source, gamma, n, size)
                low = average_converse(source, gamma, n, size)
                high = average_achievability(source, gamma, n, size)
                instances += 1
                if not low - mp.mpf(10) ** -15 <= exact <= high + mp.mpf(10) ** -15:
                    return Evidence.exhaustive("converse <= D* <= achievability", False,
                                               instances, counterexample={
                                                   "source": [str(p) for p in source],
                                                   "gamma": str(gamma), "n": n, "M": m})
    return Evidence.exhaustive(
        "converse <= exact D* (search over all partitions of X^n) <= typical-set "
        "achievability, binary sources, n <= 2, M <= 3, gamma in {0, 1, 5/2}", True, instances)


@check("asymptotic.equivalence")
def asymptotic_equivalence_numeric(ctx: CheckContext) -> Evidence:
    mp.dps = 20
    source, eps, gamma = (F(9, 10), F(1, 10)), F(1, 10), F(2)
    h = entropy(source)
    rows = []
    ok = True
    excess_ns = (10**2, 10**4, 10**6)
    average_ns = (50, 400) if ctx.quick else (50, 400, 2000)
    for rate in (F(1, 10), F(1, 2)):
        limit = max(h - mp.mpf(rate.numerator) / rate.denominator, 0)
        excess_gaps = [abs(distortion_limit(source, gamma, n, None, eps, rate=rate).value - limit)
                       for n in excess_ns]
        widths = []
        for n in average_ns:
            size = codebook_size(n, rate=rate)
            widths.append(average_achievability(source, gamma, n, size)
                          - average_converse(source, gamma, n, size))
        ok = ok and (excess_gaps[-1] < excess_gaps[0] or excess_gaps[-1] == 0) and all(
            a > b for a, b in zip(widths, widths[1:], strict=False))
        rows.append({"rate": str(rate), "excess_gap": [significant(x, 4) for x in excess_gaps],
                     "average_sandwich_width": [significant(x, 4) for x in widths]})
    return Evidence.sampled(
        f"numeric demonstration, P = (0.9, 0.1), gamma = 2: |D*(n, R, 0.1) - max(H-R, 0)| for "
        f"n in {list(excess_ns)} and the average-distortion sandwich width for n in "
        f"{list(average_ns)} both shrink (the excess gap is exactly 0 when R > H)",
        ok, len(rows), table=rows)
