"""Issue 13 item 1, second round: sorted planes (six or more distinct probabilities) and the
average-distortion sandwich past enumeration.

* the plane path and the row walk of one scan agree within their error bounds, and
  the plane path's bound holds at low precision against the independent sort;
* K* through the planes equals the independent sort's (tie sources included);
* the typical-set achievability past enumeration (a window of type classes) equals
  the minimum over every class boundary of the independent sort;
* slow: six distinct probabilities at n = 120 — ε* lies between the n-letter tilted
  converse and achievability, the uncovered mass at K* is ε (a second route), and the
  average-distortion converse lies below the achievability.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from mpmath import mp
from type_class_reference import least_count as reference_least_count
from type_class_reference import sorted_classes

from focalrd.numeric.blocks.grouping import codebook_size, group_source
from focalrd.numeric.blocks.manygroups import ManyGroups
from focalrd.numeric.blocks.manygroups_average import many_average_achievability
from focalrd.numeric.blocks.manygroups_limits import many_least_count, many_uncovered_mass

SIX = [
    tuple(F(k, 21) for k in (6, 5, 4, 3, 2, 1)),
    tuple(F(x) for x in ("0.3", "0.25", "0.2", "0.12", "0.08", "0.05")),
    tuple(F(k, 63) for k in (32, 16, 8, 4, 2, 1)),  # commensurable: many exact ties
    tuple(F(k, 36) for k in (8, 7, 6, 5, 4, 3, 2, 1)),  # eight values
]


def _threshold_between(classes, total, n, denominator, quantile):
    mass = 0
    for index, (weight, size) in enumerate(classes):  # noqa: B007 - the index is kept
        mass += weight * size
        if mass >= quantile * total:
            break
    upper, lower = classes[index][0], classes[index + 1][0]
    theta = (mp.log(upper) + mp.log(lower)) / 2 - n * mp.log(denominator)
    return theta, index


@pytest.mark.parametrize("source", SIX[:3])
def test_planes_and_rows_agree_within_their_bounds(source):
    n = 16
    engine = ManyGroups(group_source(source), n)
    low, high = engine.float_ell_range()
    with mp.workprec(300):
        for fraction in (0.35, 0.55, 0.7):
            hi = mp.mpf(low + (high - low) * fraction)
            lo = hi - mp.mpf("0.05")
            rows = engine.scan(hi, lo, 120, 100, planes=False)
            planes = engine.scan(hi, lo, 120, 100, planes=True)
            for name in ("above", "below"):
                gap = abs(getattr(rows, name) - getattr(planes, name))
                assert gap <= rows.error + planes.error, name
            band = abs(sum(u for _, u in rows.band) - sum(u for _, u in planes.band))
            assert band <= rows.error + planes.error
            (c1, s1), (c2, s2) = rows.count_above(hi), planes.count_above(hi)
            assert abs(c1 - c2) <= s1 + s2


@pytest.mark.parametrize("source", SIX)
def test_plane_error_bound_holds_at_low_precision(source):
    """At 40 bits the mass and count above a threshold lie within the plane path's bounds."""
    n = 12 if len(source) <= 6 else 9
    grouped = group_source(source)
    engine = ManyGroups(grouped, n)
    assert engine.uses_planes()
    classes, total = sorted_classes(source, n)
    with mp.workprec(200):
        for quantile in (F(1, 50), F(1, 3), F(4, 5)):
            theta, index = _threshold_between(classes, total, n, grouped.denominator, quantile)
            scan = engine.scan(theta, theta, 40, depth=34)
            exact_above = F(sum(w * s for w, s in classes[: index + 1]), total)
            assert abs(F(scan.above, 1 << 40) - exact_above) <= F(scan.error, 1 << 40)
            count, slack = scan.count_above(theta)
            assert abs(count - sum(s for _, s in classes[: index + 1])) <= slack


@pytest.mark.parametrize("source", SIX)
@pytest.mark.parametrize("eps", [F(1, 10**5), F(1, 10), F(3, 4)])
def test_k_star_through_planes_matches_the_reference(source, eps):
    mp.dps = 40
    n = 12 if len(source) <= 6 else 8
    k = many_least_count(group_source(source), n, eps)
    expected = reference_least_count(source, n, eps)
    assert abs(k.log - mp.log(expected)) <= mp.mpf(10) ** -35 * mp.log(expected + 1)
    if k.exact is not None:
        assert k.exact == expected


def _reference_achievability(source, n, gamma, codewords):
    """min over every class boundary of the typical-set bound, from the independent sort."""
    classes, total = sorted_classes(source, n)
    sequences = len([p for p in source if p > 0]) ** n
    cells = codewords - 1
    g = mp.mpf(gamma.numerator) / gamma.denominator

    def phi_inverse(k):
        return mp.zero if k <= 1 else (1 - mp.mpf(1) / k) ** g * mp.log(k)

    best = phi_inverse(sequences)
    count = mass = 0
    for weight, size in classes:
        if not cells:
            break
        count += size
        mass += weight * size
        share = mp.mpf(mass) / total
        best = min(best, share * phi_inverse(-(-count // cells))
                   + (1 - share) * phi_inverse(sequences - count))
    return best / n


AVERAGE_CASES = [
    (tuple(F(k, 10) for k in (4, 3, 2, 1)), 20, 403),
    (tuple(F(k, 10) for k in (4, 3, 2, 1)), 24, 7),      # small |T|/(M − 1): exact ceilings
    ((F(4, 10), F(2, 10), F(1, 10), F(1, 10), F(2, 10)), 16, 50),  # ties: 4·1 = 2·2
    (tuple(F(k, 15) for k in (5, 4, 3, 2, 1)), 12, 1000),
    (SIX[0], 10, 30),
    (SIX[1], 10, 1000),
    (SIX[2], 10, 2),
]


@pytest.mark.parametrize("source, n, codewords", AVERAGE_CASES)
def test_average_achievability_window_matches_the_reference(source, n, codewords):
    mp.dps = 40
    gamma = F(2)
    got = many_average_achievability(group_source(source), gamma, n,
                                     codebook_size(n, codewords, None, False))
    expected = _reference_achievability(source, n, gamma, codewords)
    assert abs(got - expected) <= mp.mpf(10) ** -35 * expected


@pytest.mark.slow
def test_six_values_at_n_120():
    """The new reach: ε* between the tilted bounds, K* by a second route, avg sandwich order."""
    from test_blocks_issue13_properties import _check_tilted_bounds

    from focalrd.numeric.blocks.excess import list_size

    source, n = SIX[0], 120
    grouped = group_source(source)
    mp.dps = 30
    eps = F(1, 10)
    k = many_least_count(grouped, n, eps)
    # 1 − (mass of the K* most likely sequences) is ε to within one sequence's probability
    # (< e^-120 here), found through the count bracket instead of the mass bracket
    with mp.workprec(200):
        uncovered = many_uncovered_mass(grouped, n, k.log, k.exact)
    assert abs(uncovered - mp.mpf(eps.numerator) / eps.denominator) <= mp.mpf(10) ** -25
    gamma, d, m = F(2), F(6, 5), 10**20
    with mp.workprec(200):
        ell = list_size(gamma, d, n)
        covered = m * ell.exact if ell.exact is not None else None
        eps_star = many_uncovered_mass(grouped, n, mp.log(m) + ell.log, covered)
    _check_tilted_bounds(source, n, m, d, gamma, eps_star)


@pytest.mark.parametrize("source", [SIX[0], SIX[2], tuple(F(k, 15) for k in (5, 4, 3, 2, 1))])
@pytest.mark.parametrize("planes", [True, False])
@pytest.mark.parametrize("depth", [8, 14])
def test_pruned_prefixes_are_in_the_bound(source, planes, depth):
    """Pruning prefixes lighter than 2^-depth (shallow here, so the pruned mass is large):
    the mass and the count above a threshold still lie within the returned bounds."""
    n = 12
    grouped = group_source(source)
    engine = ManyGroups(grouped, n)
    classes, total = sorted_classes(source, n)
    with mp.workprec(200):
        for quantile in (F(1, 20), F(1, 2), F(9, 10)):
            theta, index = _threshold_between(classes, total, n, grouped.denominator, quantile)
            scan = engine.scan(theta, theta, 40, depth=depth, planes=planes)
            exact_above = F(sum(w * s for w, s in classes[: index + 1]), total)
            assert abs(F(scan.above, 1 << 40) - exact_above) <= F(scan.error, 1 << 40)
            count, slack = scan.count_above(theta)
            assert abs(count - sum(s for _, s in classes[: index + 1])) <= slack


@pytest.mark.parametrize("source, n, codewords", [AVERAGE_CASES[0], AVERAGE_CASES[3],
                                                  AVERAGE_CASES[5]])
def test_interval_lower_bound_of_the_screen_holds(source, n, codewords):
    """The screen's bound over a threshold interval is below f at every class boundary in it
    (f from the independent sort), for intervals of every width around the best one."""
    import math

    from focalrd.numeric.blocks.manygroups_average import _Screen

    grouped = group_source(source)
    engine = ManyGroups(grouped, n)
    m = codebook_size(n, codewords, None, False)
    log_s = n * math.log(len(source))
    screen = _Screen(engine, 2.0, math.log(codewords - 1), log_s, 65.0)
    classes, total = sorted_classes(source, n)
    sequences = len(source) ** n
    ells, values = [], []
    count = mass = 0
    for weight, size in classes:  # f after each class, in float64 (γ = 2)
        count += size
        mass += weight * size
        share = mass / total
        k_in = -(-count // (codewords - 1))
        value = share * (1 - 1 / k_in) ** 2 * math.log(k_in)
        if count < sequences:
            k_out = sequences - count
            value += (1 - share) * (1 - 1 / k_out) ** 2 * math.log(k_out)
        ells.append(math.log(weight) - n * math.log(grouped.denominator))
        values.append(value)
    best = min(range(len(values)), key=values.__getitem__)
    assert m.exact == codewords
    for width in (0.01, 0.1, 0.5, 2.0, 8.0):
        for shift in (-1.0, -0.5, 0.0, 0.5):
            a = ells[best] - width * (0.5 - shift)
            b = a + width
            inside = [v for ell, v in zip(ells, values, strict=True) if a < ell <= b]
            # T_b ⊆ T ⊆ T_a: the boundaries after the classes in (a, b], and T_b itself
            before = [v for ell, v in zip(ells, values, strict=True) if ell > b]
            if before:
                inside.append(before[-1])
            if inside:
                assert screen.lower(a, b) <= min(inside) * (1 + 1e-9) + 1e-12


@pytest.mark.slow
def test_average_sandwich_six_values_past_enumeration():
    """Past enumeration (six values at n = 80: 32.8 million type classes; n = 120, the
    documented reach, costs a minute here): converse ≤ achievability, and the
    achievability's digits agree between two working precisions (the window is
    float-located once, the rest redone)."""
    from focalrd.numeric.blocks.average import average_achievability, average_converse

    source, n = SIX[0], 80
    m = codebook_size(n, None, F(1, 2), False)
    gamma = F(2)
    with mp.workdps(40):
        low = average_achievability(source, gamma, n, m)
        converse = average_converse(source, gamma, n, m)
    with mp.workdps(70):
        high = average_achievability(source, gamma, n, m)
    assert low is not None
    assert converse <= low
    assert abs(low - high) <= mp.mpf(10) ** -38 * high
