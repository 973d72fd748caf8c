"""Checks of the digits ``focalrd eval`` prints, and of the ball enclosures behind them.

Each check evaluates quantities of one claim in two ways and compares both with an
independent value from :mod:`focalrd.verify.claims._independent` (plain mpmath,
written from the definitions), computed at three times the working precision plus
40 digits, so that its own error is negligible (it is given a relative tolerance of
10^-(its digits − 10)):

* the ball of :mod:`focalrd.numeric.balls` at the working precision must contain the
  independent value (a ball and the reference interval that do not even overlap
  refute; a ball too narrow to contain it is what a dropped radius term produces);
* the document of ``focalrd eval`` (its full path: parsing, enclosure, the choice of
  digits) must print the value's correct rounding to N digits, and with python-flint
  its enclosure [lower, upper] must contain the reference interval (a bound rounded the
  wrong way shows up here).

Without python-flint (the ``rigorous`` extra) only the printed digits are checked,
and the evidence says its numbers were confirmed, not proven.  The points are fixed
grids, so the level is ``reference``.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from functools import cache
from typing import Any

import mpmath
from mpmath import mp

from focalrd.numeric import balls
from focalrd.verify.claims import _independent as reference
from focalrd.verify.claims import catalogue  # noqa: F401  (defines the claims checked here)
from focalrd.verify.registry import CheckContext, Evidence, check

#: Guard bits of the ball evaluations over the working precision (as focalrd eval's first).
_GUARD_BITS = 24


def _reference_digits(ctx: CheckContext) -> int:
    return 3 * ctx.dps + 40


def _exact(x: mpmath.mpf) -> Fraction:
    """The binary number x exactly (mpmath's ``man_exp`` drops the sign: read ``_mpf_``)."""
    sign, man, exp, _ = x._mpf_
    value = Fraction(int(man)) * Fraction(2) ** int(exp)
    return -value if sign else value


class _Comparisons:
    """Counts comparisons and keeps the first failures and inconclusive cases."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.count = 0
        self.failures: list[dict[str, Any]] = []
        self.undecided: list[dict[str, Any]] = []
        self.proven = balls.available()

    def reference(self, evaluate: Callable[[], mpmath.mpf]) -> tuple[Fraction, Fraction]:
        """[r − tol, r + tol] for the independent value r at the reference precision."""
        digits = _reference_digits(self.ctx)
        with mp.workdps(digits):
            value = evaluate()
            tol = abs(value) * mp.mpf(10) ** -(digits - 10)
            return _exact(value - tol), _exact(value + tol)

    def ball(self, what: str, point: dict[str, Any], ball: Any,
             ref: tuple[Fraction, Fraction]) -> None:
        """The ball (or ExactReal) must contain the reference interval."""
        from focalrd.numeric.balls.arith import ExactReal, ends

        self.count += 1
        low, high = (ball.value, ball.value) if isinstance(ball, ExactReal) else ends(ball)
        record = {"quantity": what, **{k: str(v) for k, v in point.items()},
                  "ball": [_text(low), _text(high)], "independent": _text(ref[0])}
        if high < ref[0] or low > ref[1]:
            self.failures.append(record)
        elif low == high:
            pass  # an exact point claimed, and the reference agrees with it
        elif not (low <= ref[0] and ref[1] <= high):
            self.undecided.append(record)

    def printed(self, what: str, point: dict[str, Any], document: dict[str, Any],
                ref: tuple[Fraction, Fraction], key: str = "value",
                pair: list[str] | None = None) -> None:
        """The printed digits round the reference; with balls, [lower, upper] contains it."""
        self.count += 1
        text = document[key]
        record = {"quantity": what, **{k: str(v) for k, v in point.items()}, "printed": text,
                  "independent": _text(ref[0])}
        if self.proven and document.get("certified") is not True:
            self.failures.append({**record, "why": "not proven although python-flint is "
                                  "installed: " + str(document.get("certification"))})
            return
        value = Fraction(text)
        half_unit = _half_unit(value, int(document["dps"]))
        if not (ref[0] - half_unit <= value <= ref[1] + half_unit):
            self.failures.append({**record, "why": "not the rounding of the value"})
            return
        if self.proven:
            lower, upper = pair if pair is not None else (document["lower"], document["upper"])
            low, high = Fraction(lower), Fraction(upper)
            exact_and_agreeing = low == high and ref[0] <= low <= ref[1]
            if not (exact_and_agreeing or (low <= ref[0] and ref[1] <= high)):
                self.failures.append({**record, "enclosure": [lower, upper],
                                      "why": "the printed enclosure misses the value"})

    def evidence(self, method: str, region: str) -> Evidence:
        numbers = "proven" if self.proven else "confirmed"
        how = ("balls contain the independent values and the printed digits and enclosures "
               "agree with them" if self.proven else
               "python-flint is not installed: only the printed digits (confirmed at two "
               "precisions) are compared")
        details = {"comparisons": self.count, "numbers": numbers, "how": how,
                   "reference_digits": _reference_digits(self.ctx)}
        if self.failures:
            return Evidence.reference(method, False, counterexample=self.failures[0],
                                      region=region, **details)
        if self.undecided:
            return Evidence.inconclusive("reference", method,
                                         "a ball and the reference interval overlap without "
                                         "containment", region=region, **details,
                                         example=self.undecided[0])
        return Evidence.reference(method, True, region=region, **details)


def _text(x: Fraction) -> str:
    """x with 25 significant digits (computed with room, whatever the working precision)."""
    if not x:
        return "0"
    with mp.workdps(40):
        return mpmath.nstr(mp.mpf(x.numerator) / x.denominator, 25)


def _half_unit(value: Fraction, digits: int) -> Fraction:
    """Half a unit in the last of ``digits`` significant digits of ``value`` (0 for 0)."""
    if value == 0:
        return Fraction(0)
    size, e = abs(value), 0
    while size >= 10:
        size, e = size / 10, e + 1
    while size < 1:
        size, e = size * 10, e - 1
    return Fraction(1, 2) * Fraction(10) ** (e - digits + 1)


def _document(quantity: str, options: dict[str, str | bool], dps: int) -> dict[str, Any]:
    from focalrd.verify.sweeps import evaluate_options

    return evaluate_options(quantity, options, dps)


def _ball_context(ctx: CheckContext):
    from focalrd.numeric.balls.arith import working_bits
    from focalrd.numeric.balls.evaluation import starting_bits

    # one ball per point, not proven()'s rising precision: below 30 digits a point such as
    # p = 1 - 10^-20 would leave the domain of ln (a ball of p reaching past 1), so the
    # check never works at fewer bits than at the default 30 digits
    return working_bits(starting_bits(max(ctx.dps, 30)) + _GUARD_BITS)


# -- [tau.inverse] ------------------------------------------------------------------------
_TAU_POINTS = ((Fraction(0), Fraction(1)), (Fraction(1, 4), Fraction(1, 1000)),
               (Fraction(1), Fraction(1)), (Fraction(5, 2), Fraction(3)),
               (Fraction(10), Fraction(1, 10**12)), (Fraction(1000), Fraction(50)))


@check("tau.inverse", level="reference")
def tau_enclosures(ctx: CheckContext) -> Evidence:
    """Balls of t = ln(1/τ_γ(d)) and the printed τ contain the independent root."""
    tally = _Comparisons(ctx)
    points = _TAU_POINTS if ctx.quick else _TAU_POINTS + (
        (Fraction(1, 100), Fraction(7)), (Fraction(3), Fraction(10**6)))
    for gamma, d in points:
        point = {"gamma": gamma, "d": d}
        t_ref = tally.reference(lambda g=gamma, d=d: reference.log_inverse_tau(g, d))
        tau_ref = tally.reference(lambda g=gamma, d=d: reference.tau(g, d))
        if tally.proven:
            from focalrd.numeric.balls.tau import log_inverse_tau

            with _ball_context(ctx):
                tally.ball("ln(1/tau)", point, log_inverse_tau(gamma, d), t_ref)
        document = _document("tau", {"gamma": str(gamma), "distortion": str(d)}, ctx.dps)
        tally.printed("tau", point, document, tau_ref)
    # in bits: the level is d ln 2
    bits_ref = tally.reference(lambda: reference.tau(2, +mp.ln2))
    tally.printed("tau --bits", {"gamma": 2, "d_bits": 1},
                  _document("tau", {"gamma": "2", "distortion": "1", "bits": True}, ctx.dps),
                  bits_ref)
    return tally.evidence("ball of ln(1/tau) by interval Newton and the printed tau against "
                          "the independent root of ln t + gamma ln(1 - e^-t) = ln d",
                          f"{len(points) + 1} (gamma, d) points, d from 1e-12 to "
                          f"{max(d for _, d in points)}, one in bits")


# -- [c-gamma.values] ---------------------------------------------------------------------
_C_GAMMAS = (Fraction(1, 100), Fraction(1, 2), Fraction(2), Fraction(7), Fraction(10**6))


def _gap_slope_sign(gamma: Fraction, p: Fraction) -> int:
    """The sign of h_γ'(p) = γ(1 − p)^(γ−1) ln(1/p) − (1 − (1 − p)^γ)/p, in plain mpmath."""
    g, x = mp.mpf(gamma.numerator) / gamma.denominator, mp.mpf(p.numerator) / p.denominator
    one_minus = mp.mpf((1 - p).numerator) / (1 - p).denominator
    value = g * mp.power(one_minus, g - 1) * -mp.log(x) + mp.expm1(g * mp.log1p(-x)) / x
    return (value > 0) - (value < 0)


@check("c-gamma.values", level="reference")
def c_gamma_enclosures(ctx: CheckContext) -> Evidence:
    """Balls of c_γ and of its maximiser, and the printed c_γ, against independent values."""
    tally = _Comparisons(ctx)
    gammas = _C_GAMMAS if ctx.quick else _C_GAMMAS + (Fraction(1, 10), Fraction(5, 4),
                                                      Fraction(50), Fraction(10**15))
    for gamma in gammas:
        point = {"gamma": gamma}
        ref = tally.reference(lambda g=gamma: reference.c_gamma(g))
        if tally.proven:
            from focalrd.numeric.balls.arith import ends
            from focalrd.numeric.balls.c_gamma import c_gamma, gap_maximizer

            with _ball_context(ctx):
                maximizer = gap_maximizer(gamma)
                tally.ball("c_gamma", point, c_gamma(gamma, maximizer), ref)
            # the maximiser's ball must hold the sign change of h' (computed here directly)
            low, high = ends(maximizer)
            tally.count += 1
            with mp.workdps(_reference_digits(ctx)):
                signs = (_gap_slope_sign(gamma, low), _gap_slope_sign(gamma, high))
            if signs != (1, -1):
                tally.failures.append({"quantity": "maximizer", "gamma": str(gamma),
                                       "ball": [_text(low), _text(high)],
                                       "slope_signs_at_ends": list(signs)})
        tally.printed("c-gamma", point, _document("c-gamma", {"gamma": str(gamma)}, ctx.dps),
                      ref)
    return tally.evidence("balls of c_gamma (isolation, then interval Newton) and of p*, and "
                          "the printed c_gamma, against the independent maximum of the gap; "
                          "the p* ball must hold the sign change of h'",
                          f"gamma in {{{', '.join(str(g) for g in gammas)}}}")


# -- [phi.reduces-to-log]: digits near a rounding boundary ---------------------------------
def _near_boundary_source(boundary: str, offset: int) -> Fraction:
    """A rational p with ln(1/p) = boundary + offset·10^-24 to within 10^-70."""
    with mp.workdps(90):
        target = mp.mpf(boundary) + offset * mp.mpf(10) ** -24
        return Fraction(mpmath.nstr(mp.exp(-target), 85))


@check("phi.reduces-to-log", level="reference")
def printed_digits_near_rounding_boundaries(ctx: CheckContext) -> Evidence:
    """φ_0(p) = ln(1/p) just above and below a rounding boundary prints the right side.

    ln(1/p) = 0.123455 ± 10^-24 at 5 digits: the first ball (24 guard bits) straddles the
    boundary 0.123455, so the digits are only decided after the precision is raised; a
    decision from one end of the ball, or from a rounded evaluation, prints the wrong side.
    Also φ_γ(p) balls for γ > 0 against the independent formula.
    """
    tally = _Comparisons(ctx)
    for boundary, digits in (("0.123455", 5), ("2.5", 1)):
        for offset in (1, -1):
            p = _near_boundary_source(boundary, offset)
            point = {"boundary": boundary, "side": "+" if offset > 0 else "-", "dps": digits}
            ref = tally.reference(lambda p=p: reference.phi(0, p))
            tally.printed("focal-loss", point,
                          _document("focal-loss", {"gamma": "0", "p": str(p)}, digits), ref)
    for gamma, p in ((Fraction(2), Fraction(1, 3)), (Fraction(1, 2), 1 - Fraction(1, 10**20)),
                     (Fraction(7, 3), Fraction(1, 10**9))):
        point = {"gamma": gamma, "p": p}
        ref = tally.reference(lambda g=gamma, p=p: reference.phi(g, p))
        if tally.proven:
            from focalrd.numeric.balls.phi import focal_loss

            with _ball_context(ctx):
                tally.ball("phi", point, focal_loss(gamma, p), ref)
        tally.printed("focal-loss", point,
                      _document("focal-loss", {"gamma": str(gamma), "p": str(p)}, ctx.dps), ref)
    return tally.evidence("printed digits of ln(1/p) within 1e-24 above and below rounding "
                          "boundaries at 5 and 1 digits, and phi balls, against independent "
                          "values", "4 boundary cases and 3 (gamma, p) points")


# -- [focal-entropy.unique] ---------------------------------------------------------------
_SOURCES = ((Fraction(1, 2), Fraction(3, 10), Fraction(1, 5)),
            (Fraction(7, 10), Fraction(1, 10), Fraction(1, 10), Fraction(1, 10)))


@check("focal-entropy.unique", level="reference")
def focal_entropy_enclosures(ctx: CheckContext) -> Evidence:
    """KKT ball enclosures of F_γ, q* and λ* against the independent nested root search."""
    tally = _Comparisons(ctx)
    gammas = (Fraction(2), Fraction(1, 2)) if ctx.quick else (Fraction(2), Fraction(1, 2),
                                                              Fraction(5))
    sources = _SOURCES[:1] if ctx.quick else _SOURCES
    for source in sources:
        for gamma in gammas:
            point = {"source": ",".join(str(v) for v in source), "gamma": gamma}
            digits = _reference_digits(ctx)
            with mp.workdps(digits):
                q, lam = reference.focal_entropy_minimizer(source, gamma)
                value = mp.fsum(reference.number(a) * reference.phi(gamma, x)
                                for a, x in zip(source, q, strict=True))
            refs = [tally.reference(lambda v=v: v) for v in [value, lam, *q]]
            document = _document("focal-entropy", {"source": point["source"],
                                                   "gamma": str(gamma)}, ctx.dps)
            tally.printed("focal-entropy", point, document, refs[0])
            tally.printed("multiplier", point, document, refs[1], "multiplier",
                          document.get("enclosures", {}).get("multiplier"))
            if tally.proven:
                from focalrd.numeric.balls.focal_entropy import focal_entropy

                with _ball_context(ctx):
                    enclosed = focal_entropy(source, gamma)
                tally.ball("F_gamma", point, enclosed.value, refs[0])
                tally.ball("lambda", point, enclosed.multiplier, refs[1])
                for ball, ref in zip(enclosed.minimizer, refs[2:], strict=True):
                    tally.ball("q", point, ball, ref)
    return tally.evidence("KKT enclosure of the focal entropy, its minimiser and multiplier, "
                          "and the printed value and multiplier, against the independent "
                          "nested root search", f"{len(sources)} sources x gamma in "
                          f"{{{', '.join(str(g) for g in gammas)}}}")


# -- [n.second-order] -------------------------------------------------------------------
@check("n.second-order", level="reference")
def normal_approximation_enclosures(ctx: CheckContext) -> Evidence:
    """Balls of V and of the normal approximation, and their printed digits."""
    tally = _Comparisons(ctx)
    cases = ((Fraction(9, 10), Fraction(1, 10)),
             (Fraction(1, 2), Fraction(1, 4), Fraction(1, 8), Fraction(1, 8)),
             (Fraction(3, 7), Fraction(3, 7), Fraction(1, 7)))
    for source in cases:
        text = ",".join(str(v) for v in source)
        for n, rate, eps in ((1000, Fraction(1, 5), Fraction(1, 10)),
                             (37, Fraction(1, 3), Fraction(1, 1000))):
            point = {"source": text, "n": n, "rate": rate, "eps": eps}

            def value(source=source, n=n, rate=rate, eps=eps):
                return (reference.entropy(source) - reference.number(rate)
                        + mp.sqrt(reference.dispersion(source) / n) * reference.inverse_q(eps)
                        - mp.log(n) / (2 * n))

            ref = tally.reference(value)
            if tally.proven:
                from focalrd.numeric.balls.source import normal_approximation

                with _ball_context(ctx):
                    tally.ball("normal-approx", point,
                               normal_approximation(source, n, rate, eps), ref)
            tally.printed("normal-approx", point, _document(
                "normal-approx", {"source": text, "n": str(n), "rate": str(rate),
                                  "eps": str(eps)}, ctx.dps), ref)
        v_ref = tally.reference(lambda source=source: reference.dispersion(source))
        tally.printed("dispersion", {"source": text},
                      _document("dispersion", {"source": text}, ctx.dps), v_ref)
    return tally.evidence("balls and printed digits of V and of H - R + sqrt(V/n) Qinv(eps) "
                          "- ln(n)/(2n) against independent values (Qinv by findroot on erfc)",
                          f"{len(cases)} sources x 2 (n, R, eps)")


# -- [excess.tilted-bounds] -------------------------------------------------------------
def _converse_reference(source, gamma, m: int, d, bits: bool = False) -> mpmath.mpf:
    """max(0, max over x with M P(x) < τ of P[P(X) ≤ P(x)] − M P(x)/τ), in plain mpmath."""
    tau = reference.tau(gamma, reference.number(d) * mp.ln2 if bits else d)
    best = mp.zero
    for x in sorted(set(source)):
        if m * reference.number(x) < tau:
            mass = sum((v for v in source if v <= x), Fraction(0))
            best = max(best, reference.number(mass) - m * reference.number(x) / tau)
    return best


@check("excess.tilted-bounds", level="reference")
def tilted_converse_enclosures(ctx: CheckContext) -> Evidence:
    """Balls of the tilted converse and the printed converse against the independent maximum."""
    tally = _Comparisons(ctx)
    source = (Fraction(1, 2), Fraction(3, 10), Fraction(1, 10), Fraction(1, 20), Fraction(1, 20))
    text = ",".join(str(v) for v in source)
    for gamma, m, d, bits in ((Fraction(2), 1, Fraction(1, 10), False),
                              (Fraction(1, 2), 2, Fraction(1, 3), False),
                              (Fraction(2), 1, Fraction(1, 10), True)):
        point = {"gamma": gamma, "M": m, "d": d, "bits": bits}
        ref = tally.reference(lambda g=gamma, m=m, d=d, b=bits: _converse_reference(
            source, g, m, d, b))
        if tally.proven:
            from focalrd.numeric.balls.oneshot import tilted_converse

            with _ball_context(ctx):
                tally.ball("converse", point, tilted_converse(source, gamma, m, d, bits)[0],
                           ref)
        options: dict[str, str | bool] = {"source": text, "codewords": str(m),
                                          "distortion": str(d), "gamma": str(gamma)}
        if bits:
            options["bits"] = True
        document = _document("eps-star", options, ctx.dps)
        tally.printed("converse", point, document, ref, "converse",
                      document.get("enclosures", {}).get("converse"))
    return tally.evidence("balls and printed digits of the tilted-information converse "
                          "against the independent maximum over the symbols",
                          "one 5-symbol source x 3 (gamma, M, d), one in bits")


# -- [n.dstar-closed-form] --------------------------------------------------------------
@check("n.dstar-closed-form", level="reference")
def dstar_enclosures(ctx: CheckContext) -> Evidence:
    """Printed D* (and its K*, L*) against the independent exact sort of type classes."""
    tally = _Comparisons(ctx)
    cases = ((Fraction(9, 10), Fraction(1, 10)), (Fraction(1, 2), Fraction(1, 3), Fraction(1, 6)))
    for source in cases:
        text = ",".join(str(v) for v in source)
        for n, m, eps, gamma in ((12, 5, Fraction(1, 10), Fraction(2)),
                                 (9, 2, Fraction(1, 3), Fraction(1, 2))):
            point = {"source": text, "n": n, "M": m, "eps": eps, "gamma": gamma}
            k, ell, _ = reference.dstar(source, gamma, n, m, eps)
            ref = tally.reference(lambda g=gamma, ell=ell, n=n: reference.phi(
                g, Fraction(1, ell)) / n)
            document = _document("d-star", {"source": text, "n": str(n), "codewords": str(m),
                                            "eps": str(eps), "gamma": str(gamma)}, ctx.dps)
            tally.count += 1
            if document.get("K") != str(k) or document.get("L") != str(ell):
                tally.failures.append({**{a: str(b) for a, b in point.items()},
                                       "K": document.get("K"), "L": document.get("L"),
                                       "independent_K": str(k), "independent_L": str(ell)})
            tally.printed("d-star", point, document, ref)
    return tally.evidence("printed D* = phi_gamma(1/L*)/n and its exact K*, L* against the "
                          "independent exact sort of the type classes",
                          f"{len(cases)} sources x 2 (n, M, eps, gamma)")


# -- [n.saddlepoint] --------------------------------------------------------------------
#: (quantity, source, n, the eps or distortion option, lattice span h or None, a start for t)
_SADDLE_CASES = (
    ("d-star-saddlepoint", (Fraction(1, 3), Fraction(2, 3)), 100, ("eps", Fraction(1, 10)),
     True, 65),
    ("eps-star-saddlepoint", (Fraction(2, 5), Fraction(3, 10), Fraction(1, 5), Fraction(1, 10)),
     100, ("distortion", Fraction(1, 20)), False, 100),
)


def _saddle_reference(quantity: str, source, n: int, option, lattice: bool, start: int):
    """The approximation's own value (not D* or ε*), from :mod:`._independent`."""
    h = mp.log(2) if lattice else None
    m = reference.floor_exponential(Fraction(n, 2))   # rate 1/2
    if quantity == "d-star-saddlepoint":
        log_l = reference.saddlepoint_log_k(source, n, option[1], h, mp.mpf(start)) - mp.log(m)
        ell = int(mp.ceil(mp.exp(log_l)))
        return reference.phi(2, Fraction(1, ell)) / n
    ell = int(mp.floor(1 / reference.tau(2, n * option[1])))
    return reference.saddlepoint_excess(source, n, m * ell, h, mp.mpf(start))


@check("n.saddlepoint", level="reference")
def saddlepoint_formula_enclosures(ctx: CheckContext) -> Evidence:
    """The printed saddlepoint approximation (proven: the formula's digits) and its ball
    against the formula recomputed from its definition (findroot, Lugannani-Rice)."""
    tally = _Comparisons(ctx)
    for quantity, source, n, option, lattice, start in _SADDLE_CASES:
        text = ",".join(str(v) for v in source)
        point = {"quantity": quantity, "source": text, "n": n, option[0]: option[1]}
        ref = tally.reference(lambda q=quantity, s=source, n=n, o=option, la=lattice,
                              st=start: _saddle_reference(q, s, n, o, la, st))
        document = _document(quantity, {"source": text, "n": str(n), "rate": "1/2",
                                        option[0]: str(option[1]), "gamma": "2"}, ctx.dps)
        tally.printed(quantity, point, document, ref)
    return tally.evidence("printed digits, enclosures and balls of the saddlepoint "
                          "approximation (the formula's value) against the formula "
                          "recomputed independently", "one lattice D*, one non-lattice eps*")


# -- [summary.hgamma-max] ---------------------------------------------------------------
@cache
def _two_level(k: int, gamma: Fraction, bits: int):
    """The independent two-level maximum, once per (k, gamma, precision)."""
    return reference.two_level_maximum(k, gamma)


@check("summary.hgamma-max", level="reference")
def hgamma_enclosures(ctx: CheckContext) -> Evidence:
    """The printed h_gamma(k) and its maximiser (proven for k <= 4) against the two-level
    formula recomputed independently (findroot on g')."""
    tally = _Comparisons(ctx)
    for k, gamma in ((4, Fraction(10)),):
        point = {"k": k, "gamma": gamma}
        document = _document("h-gamma", {"alphabet": str(k), "gamma": str(gamma)}, ctx.dps)
        ref = tally.reference(lambda k=k, g=gamma: _two_level(k, g, mp.prec)[0])
        tally.printed("h-gamma", point, document, ref)
        enclosures = document.get("enclosures", {})
        for i in range(k):
            ref_p = tally.reference(lambda k=k, g=gamma, i=i: _two_level(k, g, mp.prec)[1][i])
            pair = enclosures.get("maximizer", [None] * k)[i]
            tally.printed("h-gamma maximizer", {**point, "entry": i},
                          {**document, "value": document["maximizer"][i]}, ref_p,
                          pair=pair)
    return tally.evidence("printed h_gamma(k), its maximiser and their enclosures against "
                          "the two-level formula recomputed independently",
                          "k = 4, gamma = 10 (a skewed maximiser)")
