"""The typical-set achievability of [n.avg-sandwich] past enumeration (three to eight values).

For T = {x^n : ℓ(x^n) > θ} (the most likely type classes, ℓ = ln P(x^n)), C = M − 1
cells and S = |support|^n sequences,

    f(T) = P(T)·φ_γ(1/⌈|T|/C⌉) + (1 − P(T))·φ_γ(1/(S − |T|)),

and the bound is min_T f(T)/n over the unions of most likely classes (T = ∅ and
T = everything included).  Method:

1. a float64 screen of f(θ) over thresholds (the many-group engine's float masses
   and counts) locates the best threshold θ*, and a window (lo, hi] around it;
2. outside the window every threshold is excluded by an interval bound: for all
   T between T_b = {ℓ > b} and T_a = {ℓ > a} (a < b), because φ_γ(1/K) grows with K,

       f(T) ≥ P(T_b)·φ_γ(1/⌈|T_b|/C⌉) + (1 − P(T_a))·φ_γ(1/(S − |T_a|))   (monotone),

   and, writing φ1(N) = φ_γ(1/⌈N/C⌉), φ2(N) = φ_γ(1/(S − N)), ΔN = |T| − |T_b|,

       f(T) − f(T_b) = ΔP·(φ1 − φ2)(|T|) + P(T_b)·(φ1(|T|) − φ1(|T_b|))
                       + (1 − P(T_b))·(φ2(|T|) − φ2(|T_b|))

   with ΔP ≤ ΔN·e^b (every added sequence has probability ≤ e^b), φ1 − φ2
   increasing in N, φ1(|T|) − φ1(|T_b|) ≥ (1 − 1/K_b)^γ·ΔN/|T_a| and φ2
   decreasing: a bound linear in ΔN, least at an end (first order).  This one
   stays close to f near the optimum, where f is flat.  The screen splits
   intervals until the larger bound exceeds f(θ*) by a relative margin of 10^-8
   (far above the float error); an interval narrower than :data:`SPLIT_WIDTH`
   that cannot be excluded joins the window;
3. one high-precision pass of the engine gives P(T_hi), |T_hi| (rigorous bounds)
   and the classes in the window, sorted exactly (ties merged); f is evaluated at
   every class boundary in the window with an error bound, and the least value is
   returned when its error is below the working precision (else PrecisionError).
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.blocks.grouping import CodebookSize, GroupedSource
from focalrd.numeric.blocks.manygroups_limits import (
    _bits_for,
    _float_cut,
    _scan,
    _sorted_band,
    _TooManyClasses,
    _types_at_least,
    many_groups,
)
from focalrd.numeric.errors import PrecisionError


class OutOfReach(Exception):
    """The screen could not isolate a window of manageable size (past this method's reach)."""


#: Relative margin by which the float screen must exclude a threshold interval.
SCREEN_MARGIN = 1e-8
#: Most float evaluations of the screen.
MAX_SCREEN = 1500
#: Threshold intervals (nats) narrower than this are not split: they join the window.
SPLIT_WIDTH = 0.02


def _float_phi_inverse(gamma: float, log_k: float) -> float:
    """φ_γ(1/K) = (1 − 1/K)^γ ln K in float64, from ln K ≥ 0."""
    if log_k <= 0:
        return 0.0
    return (-math.expm1(-log_k)) ** gamma * log_k if gamma else log_k


def _float_phi_of_share(gamma: float, log_n: float, log_c: float) -> float:
    """φ_γ(1/⌈N/C⌉) in float64 from ln N and ln C: the ceiling kept while N/C is small
    enough for it to show (below e^36), where it can make a set just over C much worse."""
    d = log_n - log_c
    if not d > 0:   # N ≤ C: one sequence per cell
        return 0.0
    if d < 36.0:
        return _float_phi_inverse(gamma, math.log(math.ceil(math.exp(d) * (1 - 1e-12))))
    return _float_phi_inverse(gamma, d)


def _float_phi_of_complement(gamma: float, log_n: float, log_s: float) -> float:
    """φ_γ(1/(S − N)) in float64 from ln N and ln S (0 when N ≥ S)."""
    gap = math.exp(log_n - log_s) if math.isfinite(log_n) else 0.0
    return _float_phi_inverse(gamma, log_s + math.log1p(-gap)) if gap < 1 else 0.0


def float_round_robin(gamma: float, log_c: float, log_s: float, p: float, log_n: float,
                      q: float, log_n_out: float) -> float:
    """P·φ_γ(1/⌈N/C⌉) + Q·φ_γ(1/(S − N_out)) in float64 (the screens' f; N_out = N
    except in the interval bounds, which pair one set's mass with another's count)."""
    first = 0.0
    if p > 0 and math.isfinite(log_n):
        first = p * _float_phi_of_share(gamma, log_n, log_c)
    rest = q * _float_phi_of_complement(gamma, log_n_out, log_s) if q > 0 else 0.0
    return first + rest


class _Screen:
    """Float64 f(θ) and the interval bound, memoised per threshold."""

    def __init__(self, engine, gamma: float, log_c: float, log_s: float, cut: float) -> None:
        self.engine, self.gamma, self.log_c, self.log_s, self.cut = engine, gamma, log_c, log_s, cut
        self.memo: dict[float, tuple[float, float, float]] = {}

    def point(self, theta: float) -> tuple[float, float, float]:
        """(P(T_θ), 1 − P(T_θ), ln |T_θ|) in float64."""
        value = self.memo.get(theta)
        if value is None:
            if len(self.memo) > MAX_SCREEN:
                raise OutOfReach("could not locate the best typical-set threshold")
            above, below, log_n = self.engine.float_point(theta, self.cut)
            value = self.memo[theta] = (math.exp(above), math.exp(below), log_n)
        return value

    def _parts(self, p: float, log_n: float, q: float, log_n_out: float) -> float:
        return float_round_robin(self.gamma, self.log_c, self.log_s, p, log_n, q, log_n_out)

    def value(self, theta: float) -> float:
        p, q, log_n = self.point(theta)
        return self._parts(p, log_n, q, log_n)

    def lower(self, a: float, b: float) -> float:
        """A lower bound of f over every T with T_b ⊆ T ⊆ T_a (a < b): the larger of
        the monotone bound and the first-order bound (module docstring)."""
        p_b, q_b, log_n_b = self.point(b)
        _, q_a, log_n_a = self.point(a)
        crude = self._parts(p_b, log_n_b, q_a, log_n_a)
        if not (math.isfinite(log_n_b) and math.isfinite(log_n_a)) or p_b <= 0:
            return crude
        f_b = self._parts(p_b, log_n_b, q_b, log_n_b)
        # f(T) − f(T_b) = ΔP(φ1 − φ2)(N) + P_b(φ1(N) − φ1(N_b)) + (1 − P_b)(φ2(N) − φ2(N_b)),
        # ΔP ≤ ΔN·e^b, φ1(N) − φ1(N_b) ≥ w·ΔN/N_a, φ2 decreasing in N
        log_k_b = max(log_n_b - self.log_c, 0.0)
        phi_in = _float_phi_inverse(self.gamma, log_k_b)
        phi_out_b = self._out(log_n_b)
        phi_out_a = self._out(log_n_a)
        w = (-math.expm1(-log_k_b)) ** self.gamma if log_k_b > 0 else 0.0
        spread = -math.expm1(log_n_b - log_n_a)  # (N_a − N_b)/N_a
        slope = p_b * w - math.exp(log_n_a + b) * max(0.0, phi_out_b - phi_in)
        first = f_b + q_b * (phi_out_a - phi_out_b) + min(0.0, spread * slope)
        return max(crude, first)

    def _out(self, log_n: float) -> float:
        """φ_γ(1/(S − N)) in float64."""
        return _float_phi_of_complement(self.gamma, log_n, self.log_s)


def _locate(screen: _Screen, low: float, high: float) -> tuple[float, float]:
    """A window (lo, hi) of thresholds outside which the screen excludes every T."""
    grid = [low + (high - low) * k / 24 for k in range(25)]
    values = [screen.value(t) for t in grid]
    best = min(range(len(grid)), key=values.__getitem__)
    a, b = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    for _ in range(80):  # golden-section refinement of the best threshold
        if b - a < 1e-6 * (1 + abs(a)):
            break
        x1, x2 = b - 0.618 * (b - a), a + 0.618 * (b - a)
        if screen.value(x1) <= screen.value(x2):
            b = x2
        else:
            a = x1
    star = min((t for t in screen.memo), key=screen.value)
    target = screen.value(star) * (1 + SCREEN_MARGIN)
    width = 1e-5 * (1 + abs(star))
    while True:  # a window whose edges are clearly worse than the best threshold
        lo, hi = star - width, star + width
        if (screen.value(lo) > target or lo <= low) and (screen.value(hi) > target or hi >= high):
            break
        width *= 2
    # exclude everything outside (lo, hi) by interval bounds, splitting where needed; an
    # interval that cannot be excluded (a heavy class inside it) joins the window
    points = sorted(set(grid))
    while True:
        pairs = list(zip(points, points[1:], strict=False))
        pending = [(t0, min(t1, lo)) for t0, t1 in pairs if t0 < lo]
        pending += [(max(t0, hi), t1) for t0, t1 in pairs if t1 > hi]
        stuck = None
        while pending and stuck is None:
            a, b = pending.pop()
            if b <= a or screen.lower(a, b) > target:
                continue
            if b - a < SPLIT_WIDTH:
                stuck = (a, b)
                break
            mid = (a + b) / 2
            pending += [(a, mid), (mid, b)]
        if stuck is None:
            return lo, hi
        lo, hi = min(lo, stuck[0]), max(hi, stuck[1])


def many_average_achievability(grouped: GroupedSource, gamma: Fraction, n: int,
                               m: CodebookSize) -> mpmath.mpf:
    """min over T of f(T)/n (see the module docstring), per symbol in nats."""
    from focalrd.numeric.phi import phi

    support = grouped.support
    if m.exact == 1:
        with mp.workprec(mp.prec + 20):
            return +(phi(gamma, Fraction(1, support**n)) / n)
    engine = many_groups(grouped, n)
    with mp.workprec(mp.prec + 20):
        log_c = m.log + mp.log1p(-mp.exp(-m.log))  # ln(M − 1)
    # the window is a float64 decision, the same at every working precision: keyed by M
    # itself (float(ln(M − 1)) may differ in its last bit between the two evaluations,
    # which made the confirming evaluation repeat the whole screen)
    key = ("average", gamma, m.exact if m.exact is not None else round(float(m.log), 9))
    window = engine.brackets.get(key)
    if window is None:
        cut = _float_cut(None) + 20.0  # rows lighter than e^-65: below the float error
        screen = _Screen(engine, float(gamma), float(log_c), n * math.log(support), cut)
        low, high = engine.float_ell_range()
        window = engine.brackets[key] = _locate(screen, low - 1.0, high + 1.0)
    lo_f, hi_f = window
    wp = mp.prec
    bits = _bits_for(None)
    for _ in range(6):
        with mp.workprec(bits + 3 * n.bit_length() + 64):
            try:
                value, error = _window_minimum(engine, gamma, n, m, log_c, hi_f, lo_f, bits)
            except PrecisionError as exc:
                if "too many type classes between" in str(exc):
                    raise OutOfReach(str(exc)) from None
                raise
            if error <= mp.ldexp(abs(value), -(wp + 12)):
                return value / n
        bits += 64
    raise PrecisionError("could not confirm the typical-set achievability")


def _window_minimum(engine, gamma, n, m, log_c, hi_f, lo_f, bits):
    """(min f over the class boundaries in the window, its error bound)."""
    scan, hi, _ = _scan(engine, mp.mpf(hi_f), mp.mpf(lo_f), bits)
    groups = _sorted_band(engine, scan)
    n_count, count_slack = scan.count_above(hi)
    # the mass above hi, then the band's prefix
    mass_error = (2 * scan.error + 2) * mp.ldexp(1, -bits)
    bound = RoundRobin(gamma, mp.mpf(engine.source.support) ** n, m, log_c)
    best = best_error = None
    mass_units = scan.above
    count = n_count
    index = 0
    while True:
        at = bound.at(mp.ldexp(mass_units, -bits), mass_error, count, count_slack)
        if at is None:   # ⌈|T|/(M − 1)⌉ is undecided at this precision
            if m.exact is None:
                raise OutOfReach("⌈|T|/(M − 1)⌉ matters and M is known only by its logarithm")
            return _exact_window(engine, gamma, n, m.exact - 1, groups)
        value, error = at
        if best is None or value < best:
            best, best_error = value, error
        if index == len(groups):
            break
        group = groups[index]
        mass_units += sum(u for _, u in group)
        count += sum(engine.size(c) for c, _ in group)
        index += 1
    return best, best_error


def phi_inverse(g: mpmath.mpf, k) -> mpmath.mpf:
    """φ_γ(1/K) = (1 − 1/K)^γ ln K for K ≥ 1 (0 for K ≤ 1), γ = ``g``."""
    if k <= 1:
        return mp.zero
    return (1 - 1 / k) ** g * mp.log(k) if g else mp.log(k)


class RoundRobin:
    """f(T) = P(T)·φ_γ(1/⌈|T|/C⌉) + (1 − P(T))·φ_γ(1/(S − |T|)) with an error bound, from
    P(T) and |T| known to within ``mass_error`` and ``count_slack`` (C = M − 1, S the
    number of sequences), at the current precision."""

    def __init__(self, gamma: Fraction, total: mpmath.mpf, m: CodebookSize,
                 log_c: mpmath.mpf) -> None:
        self.g = mp.mpf(gamma.numerator) / gamma.denominator
        self.total, self.log_c = total, log_c
        self.c_exact = m.exact - 1 if m.exact is not None else None

    def at(self, p, mass_error, count, count_slack,
           exact_count: int | None = None) -> tuple[mpmath.mpf, mpmath.mpf] | None:
        """(f, its error bound), or None when ⌈|T|/C⌉ cannot be decided: it differs across
        |T|'s bound, or it matters and M is known only by its logarithm.  ``exact_count``,
        when given, is |T| as an integer (then ⌈|T|/C⌉ is always decided)."""
        c_exact = self.c_exact
        cells = count / c_exact if c_exact is not None else count * mp.exp(-self.log_c)
        k_in = cells
        ceiling_error = mp.zero
        if cells < mp.ldexp(1, mp.prec // 2) and count > 0:
            # ⌈|T|/(M − 1)⌉ matters: it must be the same at both ends of |T|'s bound
            if c_exact is None:
                return None
            if exact_count is not None:
                k_in = mp.mpf(-(-exact_count // c_exact))
            else:
                k_in = mp.ceil((count - count_slack) / c_exact)
                if k_in != mp.ceil((count + count_slack) / c_exact):
                    return None
        elif count > 0:
            # ⌈x⌉ taken as x: φ_γ(1/K) grows by at most (1 + γ)/x from K = x to ⌈x⌉
            ceiling_error = p * (1 + self.g) / cells
        k_out = self.total - count
        # S − |T| errs by |T|'s slack and by the rounding of S (a power of the support)
        out_slack = count_slack + mp.ldexp(self.total, 2 - mp.prec)
        if 0 < k_out < mp.ldexp(1, mp.prec // 2):
            # a small complement: S − |T| is an integer, decided when the slack is below 1/4
            if out_slack >= 0.25:
                raise PrecisionError("the complement of the typical set is too small here")
            k_out, out_slack = mp.nint(k_out), mp.zero
        phi_in, phi_out = phi_inverse(self.g, k_in), phi_inverse(self.g, k_out)
        value = p * phi_in + (1 - p) * phi_out
        # errors: the masses (±mass_error, weighted by both φ's), the counts (relative
        # count_slack/|T| and out_slack/(S − |T|) in the logarithms, ≤ 1 + γ each)
        error = (mass_error * (phi_in + phi_out + 1) + ceiling_error
                 + (1 + self.g) * (count_slack / max(count, 1)
                                   + out_slack / max(k_out, 1)) * 2)
        return value, error


def _exact_window(engine, gamma, n, cells, groups):
    """The window's minimum from every class down to its last one, in exact integers.

    Used when |T|/(M − 1) is small enough for its ceiling to matter: the classes
    more likely than the window's last class are listed (when they are few), sorted
    by their exact weights, and f is evaluated at each boundary with exact |T|, P(T).
    """
    from focalrd.numeric.phi import phi

    reference = groups[-1][0][0]
    try:
        above = _types_at_least(engine, reference)
    except _TooManyClasses:
        # a limit of this method's reach (the achievability is then not available), not a
        # failure to confirm digits
        raise OutOfReach("too many type classes to round |T|/(M − 1) exactly") from None
    above += [counts for counts, _ in groups[-1]]
    merged: dict[int, int] = {}
    for counts in above:
        weight = engine.weight(counts)
        merged[weight] = merged.get(weight, 0) + engine.size(counts)
    total_mass = engine.source.denominator**n
    sequences = engine.source.support**n
    best = phi(gamma, Fraction(1, sequences))
    count = mass = 0
    for weight in sorted(merged, reverse=True):
        count += merged[weight]
        mass += weight * merged[weight]
        p = Fraction(mass, total_mass)
        share = mpmath.mpf(p.numerator) / p.denominator
        value = share * phi(gamma, Fraction(1, -(-count // cells)))
        if count < sequences:
            value += (1 - share) * phi(gamma, Fraction(1, sequences - count))
        best = min(best, value)
    return best, mp.zero
