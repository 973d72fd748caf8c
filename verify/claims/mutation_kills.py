"""Checks that kill surviving mutants of the mutation run (issue 22, reports/mutation.md).

Each check compares a value the run showed to be unchecked with one obtained without
the code under test:

* ``[excess.weighted]``: the achievability is first-fit-decreasing (the claim says so),
  so it must *equal* 1 − (value first fit packs), not merely bound ε*: a first fit
  written here (items by decreasing value per unit size, each into the first bin with
  room, a plain scan over the bins) on sizes τ_γ(d/ω(x)) from the independent τ and
  ω computed exactly, for M = 2, 3, 4 and 7 bins (the sizes of the library's max-tree
  of free capacities where its last internal node matters).
* ``[eval.bits-and-weights]``: an exact rational result prints as its digits: 0 as
  ``0``, an integer in full (more digits than asked), any other rational rounded to
  N significant digits: the printed number equals :mod:`decimal`'s rounding (half to
  even) of numerator ÷ denominator and has N significant digits, whatever the notation.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.oneshot.weighted import weighted_excess_distortion
from focalrd.numeric.precision import significant
from focalrd.verify.claims import _independent as reference
from focalrd.verify.claims import catalogue  # noqa: F401  (defines the claims checked here)
from focalrd.verify.claims.oneshot_edges import independent_weights
from focalrd.verify.registry import CheckContext, Evidence, check

F = Fraction


# -- [excess.weighted]: the achievability is first fit, exactly --------------------------------
def independent_first_fit(values: Sequence[Fraction], sizes: Sequence[mpmath.mpf],
                          bins: int) -> Fraction | None:
    """The value first-fit-decreasing packs (None when a load is within 10^-(dps-10) of 1:
    undecidable here, the instance is skipped)."""
    order = sorted(range(len(values)), key=lambda i: (-reference.number(values[i]) / sizes[i],
                                                      -sizes[i]))
    loads = [mp.zero] * bins
    packed = F(0)
    close = mp.mpf(10) ** -(mp.dps - 10)
    for i in order:
        for b in range(bins):
            if abs(loads[b] + sizes[i] - 1) < close:
                return None
            if loads[b] + sizes[i] < 1:
                loads[b] += sizes[i]
                packed += values[i]
                break
    return packed


def _normalised(q: Sequence[int]) -> tuple[Fraction, ...]:
    return tuple(F(x, sum(q)) for x in q)


#: (source, weights, γ, d, M): every ω > 0; sizes about 0.2-0.6, so that first fit needs
#: every bin and leaves some items out.
_FIRST_FIT_CASES = (
    ((F(3, 10), F(1, 4), F(1, 5), F(3, 20), F(1, 10)), _normalised((1, 2, 3, 2, 1)),
     F(0), F(1, 2), 2),
    ((F(3, 10), F(1, 4), F(1, 5), F(3, 20), F(1, 10)), _normalised((1, 2, 3, 2, 1)),
     F(1), F(1, 4), 3),
    (tuple([F(1, 8)] * 4 + [F(1, 16)] * 8), _normalised([1 + x % 3 for x in range(12)]),
     F(0), F(1, 2), 4),
    (tuple([F(1, 8)] * 4 + [F(1, 16)] * 8), _normalised([1 + x % 3 for x in range(12)]),
     F(2), F(1, 5), 7),
)


@check("excess.weighted", level="reference")
def achievability_is_first_fit(ctx: CheckContext) -> Evidence:
    """The weighted achievability equals 1 − (first-fit-decreasing value), first fit here."""
    failures, count, skipped = [], 0, 0
    dps = max(30, ctx.dps)
    with mp.workdps(dps):
        tolerance = mp.mpf(10) ** -(dps - 5)
        for p, q, gamma, d, m in _FIRST_FIT_CASES:
            omega = independent_weights(p, q)
            with mp.workdps(dps + 20):
                sizes = [reference.tau(gamma, reference.number(d / w)) for w in omega]
                packed = independent_first_fit(p, sizes, min(m, len(p)))
            if packed is None:
                skipped += 1
                continue
            count += 1
            result = weighted_excess_distortion(p, gamma, m, d, weights=q)
            expected = 1 - packed
            if abs(result.achievability - reference.number(expected)) > tolerance:
                failures.append({"source": [str(x) for x in p], "weights": [str(x) for x in q],
                                 "gamma": str(gamma), "d": str(d), "M": m,
                                 "achievability": mpmath.nstr(result.achievability, 20),
                                 "first_fit_here": str(expected)})
    return Evidence.reference(
        "the weighted achievability equals 1 - (value packed by first-fit-decreasing) with "
        "the first fit written here (a scan over the bins) on sizes tau_gamma(d/omega) from "
        f"the independent tau and omega exact, M = 2, 3, 4, 7, to 1e-{dps - 5}",
        not failures, counterexample=failures[0] if failures else None, instances=count,
        skipped_undecidable=skipped)


# -- [eval.bits-and-weights]: exact rationals print as their digits -----------------------------
def decimal_rounding(x: Fraction, digits: int) -> decimal.Decimal:
    """``x`` rounded to ``digits`` significant digits by :mod:`decimal`."""
    with decimal.localcontext() as context:
        context.prec = digits
        context.rounding = decimal.ROUND_HALF_EVEN
        return decimal.Decimal(x.numerator) / decimal.Decimal(x.denominator)


def _printed_digits(text: str) -> decimal.Decimal | None:
    try:
        return decimal.Decimal(text)
    except decimal.InvalidOperation:
        return None


_RATIONALS = (F(1, 3), F(2, 3), F(-7, 4), F(1, 7), F(123456789, 1000), F(1, 128),
              F(5, 10**6 + 3), F(-22, 7))
_INTEGERS = (F(7), F(-3), F(10**25 + 1), F(2**70))


@check("eval.bits-and-weights", level="reference")
def exact_rationals_print_their_digits(ctx: CheckContext) -> Evidence:
    """significant(Fraction): 0 → "0", integers in full, others rounded by :mod:`decimal`."""
    failures, count = [], 0
    for digits in (5, 20):
        for x in (F(0), *_INTEGERS, *_RATIONALS):
            count += 1
            got = significant(x, digits)
            if x.denominator == 1:
                ok = got == str(x.numerator)
                expected = str(x.numerator)
            else:
                # the printed number is the correctly rounded value, with N significant
                # digits (trailing zeros included; fixed or e-notation alike)
                value, rounded = _printed_digits(got), decimal_rounding(x, digits)
                ok = value is not None and value == rounded and \
                    len(value.as_tuple().digits) == digits
                expected = f"{rounded} with {digits} significant digits"
            if not ok:
                failures.append({"value": str(x), "digits": digits, "printed": got,
                                 "expected": expected})
    return Evidence.reference(
        "an exact rational result prints as 0, as the integer in full (10^25 + 1 and 2^70 at "
        "5 and 20 digits), or as N significant digits equal to decimal's rounding (half to "
        "even) of numerator / denominator (N = 5, 20; positive and negative)",
        not failures, counterexample=failures[0] if failures else None, instances=count)


# -- [excess.exact]: the optimal code does what it says, read row by row ----------------------
@check("excess.exact", level="exhaustive")
def optimal_code_achieves_its_probability(ctx: CheckContext) -> Evidence:
    """Each symbol's codeword, read by index from the code's tables (``decoders[m]``,
    ``covered[m]``, and the last row by ``[-1]``), must give it a loss at most d exactly
    when the code lists it as covered, and the covered mass must be ``satisfied``; the
    losses are the independent φ_γ of the decoder's probability of the symbol."""
    from focalrd.numeric.oneshot.excess import optimal_excess_code

    cases = [((F(1, 2), F(1, 4), F(1, 8), F(1, 8)), F(2), 2, F(1, 2)),
             ((F(2, 5), F(3, 10), F(1, 5), F(1, 10)), F(1, 2), 3, F(3, 10)),
             ((F(1, 3), F(1, 3), F(1, 6), F(1, 6)), F(0), 2, F(7, 10)),
             ((F(7, 10), F(1, 5), F(1, 10)), F(5), 1, F(1, 100))]
    failures = []
    with mp.workdps(max(ctx.dps, 20) + 20):
        level = mp.mpf(10) ** (10 - mp.dps)
        for p, gamma, m, d in cases:
            code = optimal_excess_code(p, gamma, m, d)
            rows = list(code.decoders)
            mass = F(0)
            for x, codeword in enumerate(code.encoder):
                try:
                    decoder, covered = code.decoders[codeword], code.covered[codeword]
                except IndexError as error:  # a row the code itself assigns must be there
                    failures.append({"source": str(p), "codeword": codeword,
                                     "unreadable": str(error)})
                    break
                loss = (mp.inf if decoder[x] == 0
                        else reference.phi(gamma, decoder[x]))
                listed = x in covered
                if abs(loss - reference.number(d)) <= level:
                    continue  # on the boundary: not decided at this precision
                if (loss <= reference.number(d)) != listed:
                    failures.append({"source": str(p), "symbol": x, "listed": listed})
                mass += p[x] if listed else 0
            if mass != code.satisfied or code.decoders[-1] != rows[-1] \
                    or code.covered[-1] != list(code.covered)[-1]:
                failures.append({"source": str(p), "satisfied": str(code.satisfied),
                                 "recomputed": str(mass)})
    return Evidence.exhaustive(
        "the optimal one-shot excess-distortion code of 4 sources: each symbol's loss under "
        "its codeword (tables read by index, the last row also by -1) against the "
        "independent phi_gamma, the covered set and the covered mass recomputed",
        not failures, counterexample=failures[0] if failures else None, instances=len(cases))


# -- [excess.tilted-bounds]: the converse printed in bits, where τ = 2^-m exactly ------------
def independent_tilted_converse(p: Sequence[Fraction], m: int, tau: Fraction) -> Fraction:
    """max(0, max over x of P[P(X) ≤ x] − M·x/τ) over the probabilities x with M·x < τ."""
    best = Fraction(0)
    for x in sorted(set(v for v in p if v > 0)):
        if m * x >= tau:
            break
        best = max(best, sum((v for v in p if 0 < v <= x), Fraction(0)) - m * x / tau)
    return best


@check("excess.tilted-bounds", level="reference")
def converse_in_bits_with_a_dyadic_tau(ctx: CheckContext) -> Evidence:
    """``eval eps-star --bits`` where φ_γ(2^-m) = d bits exactly (γ = 0, d = m bits, so
    τ = 2^-m; here m = 1): the printed converse equals the exact converse computed here, on both
    evaluation paths (confirmed, and proven when python-flint is installed)."""
    from contextlib import nullcontext

    from focalrd.verify.claims.oneshot_edges import _EVAL_DPS, _eval
    from focalrd.verify.quantities._proven import certification_wanted, confirmation_only

    # (source, M, d in bits): each with a positive converse (1/4, 3/5, 1/5)
    cases = [((F(1, 2),) + (F(1, 8),) * 4, 1, 1),
             ((F(1, 10),) * 10, 2, 1),
             ((F(2, 5), F(1, 5)) + (F(1, 10),) * 4, 1, 1)]
    failures = []
    paths = [confirmation_only] + ([nullcontext] if certification_wanted() else [])
    for path in paths:
        for p, m, bits_level in cases:
            expected = independent_tilted_converse(p, m, F(1, 2**bits_level))
            with path():
                document = _eval("eps-star", source=",".join(str(v) for v in p), gamma="0",
                                 codewords=str(m), distortion=str(bits_level), bits=True)
            printed = document.get("converse")
            if printed is None or decimal.Decimal(printed) != decimal_rounding(expected,
                                                                              _EVAL_DPS):
                if not (expected == 0 and printed == "0"):
                    failures.append({"source": str(p), "M": m, "d_bits": bits_level,
                                     "printed": printed, "expected": str(expected),
                                     "path": path.__name__})
    return Evidence.reference(
        "eval eps-star --bits --gamma 0 at d = m bits (tau = 2^-m exactly): the printed "
        "converse equals max_x P[P(X) <= x] - M x / tau computed exactly here, on "
        f"{len(paths)} evaluation path(s)", not failures,
        counterexample=failures[0] if failures else None, instances=len(cases) * len(paths))
