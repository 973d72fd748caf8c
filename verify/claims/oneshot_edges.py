"""Edge branches of the one-shot quantities (issue 22), each against an independent value.

* ``[excess.tilted-bounds]``: the bounds are known *exactly*, so they are compared for
  equality, not only as converse ≤ ε* ≤ achievability (which a looser bound passes):
  the achievability is P[P(X) < 1/(M·L)] on sources with P(x) = 1/(M·L) exactly
  (where < and ≤ differ), and the converse is its supremum over β, attained at
  β = ln(τ/(M·P(x))) for a symbol with M·P(x) < τ, where it equals
  P[P(X) ≤ P(x)] − M·P(x)/τ (or 0), on sources with ties; τ from :mod:`._independent`.
* ``[excess.weighted]``: weightings with Q(x) = 0, so ω(x) = 0 and x is satisfied by
  every reconstruction; the bin packing by brute force, with ω computed here and the
  sizes τ_γ(d/ω(x)) from the independent τ, in nats and in bits.
* ``[avg.weight-absorption]``: the same weightings: ω and R_X computed here exactly,
  D*_0 against H(R) − max_f H(f(R)) over every encoder, and D*_γ where R is uniform
  on its support against the closed form of :mod:`.equiprobable`; the partition
  must still cover every symbol.
* ``[excess.exact]``: list sizes at an exact integer, 1/τ = 2^m with d in bits
  (d = m((2^m − 1)/2^m)^γ), and just below it; ``focalrd eval eps-star --bits``.
* ``[avg.exact]``, ``[focal-entropy.unique]``: ``focalrd eval avg-d-star | focal-entropy
  --bits`` against nats ÷ ln 2.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import mpmath
from mpmath import mp

from focalrd.numeric.oneshot.average import average_distortion_limit
from focalrd.numeric.oneshot.excess import (
    excess_exact,
    tilted_achievability,
    tilted_converse,
)
from focalrd.numeric.oneshot.floors import list_size
from focalrd.numeric.oneshot.weighted import weighted_excess_distortion
from focalrd.numeric.source import class_weights, reweighted_source
from focalrd.verify.claims import _independent as reference
from focalrd.verify.claims import catalogue  # noqa: F401  (defines the claims checked here)
from focalrd.verify.claims.equiprobable import independent_list_size, top_mass, uniform_dstar
from focalrd.verify.registry import CheckContext, Evidence, check

F = Fraction


def _text(x: Any) -> str:
    return mpmath.nstr(x, 20) if isinstance(x, mpmath.mpf) else str(x)


def _source_text(p: Sequence[Fraction]) -> list[str]:
    return [str(v) for v in p]


# -- [excess.tilted-bounds]: equalities ------------------------------------------------------
def _boundary_source(total: int) -> tuple[Fraction, ...]:
    """A source with a symbol of probability exactly 1/total, two of 1/(2 total), and the
    rest of the mass on one symbol above 1/total (total ≥ 4)."""
    rest = 1 - F(2, total)
    if not rest > F(1, total):
        raise ValueError("total too small")
    return (rest, F(1, total), F(1, 2 * total), F(1, 2 * total))


def independent_converse(p: Sequence[Fraction], m: int, tau: Any,
                         exact_tau: Fraction | None) -> tuple[mpmath.mpf, mpmath.mpf | None]:
    """sup_β (P[P(X) ≤ τe^(−β)/M] − e^(−β)) = max(0, max over values v with M v < τ of
    P[P(X) ≤ v] − M v/τ), and the β = ln(τ/(M v)) attaining it (None at 0)."""
    best, beta = mp.zero, None
    for v in sorted(set(x for x in p if x > 0)):
        below = exact_tau is not None and m * v < exact_tau or \
            exact_tau is None and m * reference.number(v) < tau
        if not below:
            continue
        mass = sum((x for x in p if 0 < x <= v), F(0))
        ratio = reference.number(m * v / exact_tau) if exact_tau is not None else \
            m * reference.number(v) / tau
        bound = reference.number(mass) - ratio
        if bound > best:
            best, beta = bound, -mp.log(ratio)
    return best, beta


def _tilted_cases() -> list[tuple[tuple[Fraction, ...], Fraction, int, Fraction, bool]]:
    """(source, γ, M, d, bits): boundary sources for M·L ∈ {4, 6, 8, ...}, tied sources,
    d = 0 (τ = 1) and d in bits with τ = 2^-m exactly."""
    cases = []
    for gamma, d, m in ((F(0), F(1), 2), (F(1, 2), F(2), 1), (F(2), F(3), 3), (F(0), F(3), 1),
                        (F(5), F(5, 2), 2)):
        cases.append((None, gamma, m, d, False))
    ties = ((F(1, 4), F(1, 4), F(1, 4), F(1, 8), F(1, 8)), (F(1, 3), F(1, 3), F(1, 6), F(1, 6)),
            (F(1, 10),) * 6 + (F(1, 5), F(1, 5)))
    for p, (gamma, d, m) in itertools.product(ties, ((F(0), F(0), 1), (F(1, 2), F(1, 3), 1),
                                                     (F(2), F(1, 2), 2), (F(0), F(1), 1),
                                                     (F(0), F(3), 3))):
        cases.append((p, gamma, m, d, False))
    # bits: tau_0(2 bits) = 1/4 and tau_1(3/2 bits) = 1/4 exactly; 1 bit at gamma = 1/2 is not
    for p, (gamma, d, m) in itertools.product(ties[:2], ((F(0), F(2), 1), (F(1), F(3, 2), 2),
                                                         (F(1, 2), F(1), 1))):
        cases.append((p, gamma, m, d, True))
    return cases


@check("excess.tilted-bounds", level="reference")
def tilted_bounds_equal_their_formulas(ctx: CheckContext) -> Evidence:
    """Achievability = P[P(X) < 1/(M L)] and converse = its β-supremum, as equalities."""
    failures, count = [], 0
    dps = max(30, ctx.dps)
    with mp.workdps(dps):
        tolerance = mp.mpf(10) ** -(dps - 5)
        for p, gamma, m, d, bits in _tilted_cases():
            count += 1
            nats = reference.number(d) * mp.ln2 if bits else d
            ell = independent_list_size(gamma, nats) if not (bits and _power_of_two(gamma, d))\
                else _power_of_two(gamma, d)
            if p is None:
                p = _boundary_source(m * ell)
            with mp.workdps(dps + 20):
                tau = mp.one if d == 0 else reference.tau(gamma, nats)
                exact_tau = F(1) if d == 0 else (F(1, ell) if bits and _power_of_two(gamma, d)
                                                 else None)
                expected_converse, expected_beta = independent_converse(p, m, tau, exact_tau)
            expected_achievability = sum((x for x in p if 0 < x and m * ell * x < 1), F(0))
            achievability = tilted_achievability(p, gamma, m, d, bits)
            converse, beta = tilted_converse(p, gamma, m, d, bits)
            ok = (achievability == expected_achievability
                  and abs(converse - expected_converse) <= tolerance
                  and (beta is None) == (expected_beta is None)
                  and (beta is None or abs(beta - expected_beta) <= tolerance * (1 + beta)))
            if not ok:
                failures.append({"source": _source_text(p), "gamma": str(gamma), "M": m,
                                 "d": str(d), "bits": bits, "L": ell,
                                 "achievability": str(achievability),
                                 "expected_achievability": str(expected_achievability),
                                 "converse": _text(converse), "beta": _text(beta),
                                 "expected_converse": _text(expected_converse),
                                 "expected_beta": _text(expected_beta)})
    return Evidence.reference(
        "the tilted achievability equals P[P(X) < 1/(M L)] exactly on sources with P(x) = "
        "1/(M L) (and on tied sources), and the beta-optimised converse equals max(0, max_v "
        "P[P(X) <= v] - M v / tau) with its beta = ln(tau/(M v)), tau and L from the "
        f"independent tau (exact at d = 0 and at tau = 2^-m in bits), to 1e-{dps - 5}",
        not failures, counterexample=failures[0] if failures else None, instances=count)


def _power_of_two(gamma: Fraction, d_bits: Fraction) -> int | None:
    """2^m when d (bits) = m((2^m − 1)/2^m)^γ for an integer γ and some m ≤ 20, else None:
    then φ_γ(2^-m) = d ln 2 and τ = 2^-m exactly."""
    if gamma.denominator != 1:
        return None
    for m in range(1, 21):
        if m * F(2**m - 1, 2**m) ** int(gamma) == d_bits:
            return 2**m
    return None


# -- [excess.exact]: L at an exact integer, and eps-star --bits ---------------------------------
@check("excess.exact", level="reference")
def list_size_at_exact_integers(ctx: CheckContext) -> Evidence:
    """L = 2^m where 1/τ = 2^m exactly (d in bits), L = 2^m − 1 just below; ε* there."""
    failures, count = [], 0
    p = tuple([F(1, 20)] * 10 + [F(1, 40)] * 20)
    with mp.workdps(max(30, ctx.dps)):
        for gamma, m in itertools.product((F(0), F(1), F(3)), (1, 2, 3, 5)):
            d = m * F(2**m - 1, 2**m) ** int(gamma)
            below = d - F(1, 10**6)
            with mp.workdps(mp.dps + 20):
                # the construction: phi_gamma(2^-m) = d ln 2 (independent phi)
                assert abs(reference.phi(gamma, F(1, 2**m)) - reference.number(d) * mp.ln2) \
                    <= mp.mpf(10) ** -(mp.dps - 5)
                expected_below = independent_list_size(gamma, reference.number(below) * mp.ln2)
            for level, expected in ((d, 2**m), (below, expected_below)):
                count += 1
                got = list_size(gamma, level, bits=True)
                eps = excess_exact(p, gamma, 1, level, bits=True)
                expected_eps = 1 - top_mass(p, expected)
                if got != expected or eps != expected_eps:
                    failures.append({"gamma": str(gamma), "d_bits": str(level), "L": got,
                                     "expected_L": expected, "eps": str(eps),
                                     "expected_eps": str(expected_eps)})
    return Evidence.reference(
        "with d = m((2^m - 1)/2^m)^gamma bits (gamma = 0, 1, 3; m = 1, 2, 3, 5), phi_gamma(2^-m) "
        "= d ln 2 exactly, so L = floor(1/tau) = 2^m; 1e-6 bits below, L from the independent "
        "tau; eps* (M = 1, 30 symbols with ties) with those L", not failures,
        counterexample=failures[0] if failures else None, instances=count)


_EVAL_DPS = 20


def _eval(name: str, **arguments: Any) -> dict[str, Any]:
    from focalrd.verify.commands.eval import evaluate
    from focalrd.verify.quantities import discover_quantities

    quantity = next(q for q in discover_quantities() if q.name == name)
    defaults = {"weights": None, "codewords": None, "rate": None, "n": "1", "bits": False}
    values = {**defaults, **arguments}
    args = argparse.Namespace(dps=str(_EVAL_DPS), **{
        k: v if v is None or isinstance(v, bool) else str(v) for k, v in values.items()})
    return evaluate(quantity, args)


def _close(printed: str | None, expected: Any, scale: Any = None) -> bool:
    """A number printed with 20 significant digits within 2·10^-19 of ``expected`` (relative,
    or relative to ``scale``): its own rounding, and that of a printed ``expected``."""
    if printed is None:
        return False
    with mp.workdps(_EVAL_DPS + 20):
        expected = reference.number(expected) if isinstance(expected, Fraction) else expected
        size = abs(expected) if scale is None else scale
        return abs(mp.mpf(printed) - expected) <= 2 * mp.mpf(10) ** (1 - _EVAL_DPS) * size


def codewords_in_bits(rate: Fraction) -> int:
    """M = ⌊2^R⌋ for a rate R in bits, exactly: the largest M with M^b ≤ 2^a, R = a/b."""
    m = 1
    while (m + 1) ** rate.denominator <= 2**rate.numerator:
        m += 1
    return m


@check("excess.exact", level="reference")
def eps_star_in_bits(ctx: CheckContext) -> Evidence:
    """``eval eps-star --bits``: d and R read in bits (L = ⌊1/τ(d ln 2)⌋, M = ⌊2^R⌋)."""
    failures = []
    source = "0.3,0.2,0.2,0.1,0.1,0.05,0.05"
    p = tuple(F(x) for x in source.split(","))
    for gamma, d, codewords, rate in ((F(0), F(5, 2), 1, None), (F(2), F(3, 2), None, F(3, 2)),
                                      (F(1, 2), F(1), None, F(2))):
        document = _eval("eps-star", source=source, gamma=gamma, distortion=d,
                         codewords=codewords, rate=rate, bits=True)
        with mp.workdps(_EVAL_DPS + 20):
            nats = reference.number(d) * mp.ln2
            ell = independent_list_size(gamma, nats)
            m = codewords if codewords is not None else codewords_in_bits(rate)
            tau = reference.tau(gamma, nats)
            converse, _ = independent_converse(p, m, tau, None)
        expected = 1 - top_mass(p, m * ell)
        achievability = sum((x for x in p if m * ell * x < 1), F(0))
        ok = (_close(document["value"], expected, 1) and str(document["list_size"]) == str(ell)
              and _close(document["achievability"], achievability, 1)
              and _close(document["converse"], converse, 1)
              and (rate is None or str(document["codewords"]) == str(m)))
        if not ok:
            failures.append({"gamma": str(gamma), "d_bits": str(d), "codewords": codewords,
                             "rate_bits": str(rate), "printed": {k: document.get(k) for k in (
                                 "value", "list_size", "converse", "achievability",
                                 "codewords")},
                             "expected": {"value": str(expected), "list_size": ell,
                                          "converse": _text(converse), "M": m,
                                          "achievability": str(achievability)}})
    return Evidence.reference(
        "focalrd eval eps-star --bits reads d and the rate in bits: eps*, the list size "
        "floor(1/tau(d ln 2)), the tilted converse and achievability and M = floor(2^R) "
        "equal their values from the independent tau (20 printed digits)", not failures,
        counterexample=failures[0] if failures else None, instances=3)


# -- [excess.weighted]: weights with Q(x) = 0 ----------------------------------------------------
def independent_weights(p: Sequence[Fraction], q: Sequence[Fraction]) -> tuple[Fraction, ...]:
    """ω(x) = Q(x) / Σ_a P(a) Q(a), exactly."""
    norm = sum((a * b for a, b in zip(p, q, strict=True)), F(0))
    return tuple(b / norm for b in q)


_ZERO_WEIGHTINGS = {3: ((F(0), F(1, 2), F(1, 2)), (F(1, 2), F(0), F(1, 2)), (F(0), F(0), F(1)),
                        (F(1, 4), F(3, 4), F(0))),
                    2: ((F(0), F(1)), (F(1), F(0)))}


def _packing_brute_force(p, sizes, m) -> Fraction | None:
    """1 − max satisfied mass over every assignment of the symbols to M bins or none;
    an item of size None (ω = 0) fits anywhere.  None when a load is too close to 1 to
    decide in floating point (the instance is then skipped)."""
    best = F(0)
    k = len(p)
    for assignment in itertools.product(range(m + 1), repeat=k):
        loads = [mp.zero] * m
        for x, b in enumerate(assignment):
            if b < m and sizes[x] is not None:
                loads[b] += sizes[x]
        if any(abs(load - 1) < mp.mpf(10) ** -(mp.dps - 10) for load in loads):
            return None
        if all(load <= 1 for load in loads):
            best = max(best, sum((p[x] for x, b in enumerate(assignment) if b < m), F(0)))
    return 1 - best


def _grid(k: int, denominator: int) -> list[tuple[Fraction, ...]]:
    return [tuple(F(v, denominator) for v in parts)
            for parts in itertools.product(range(1, denominator), repeat=k)
            if sum(parts) == denominator]


@check("excess.weighted", level="exhaustive")
def weighted_with_zero_weights(ctx: CheckContext) -> Evidence:
    """Weighted ε* with ω(x) = 0 for some x against a brute-force packing (ω and τ here)."""
    count, skipped, failures = 0, 0, []
    with mp.workdps(max(30, ctx.dps)):
        for k in (2, 3):
            for p in _grid(k, 4):
                for q in _ZERO_WEIGHTINGS[k]:
                    omega = independent_weights(p, q)
                    for gamma, d, bits, m in itertools.product((F(0), F(2)), (F(1, 2), F(3, 2)),
                                                               (False, True), (1, 2)):
                        with mp.workdps(mp.dps + 20):
                            sizes = [None if w == 0 else reference.tau(
                                gamma, reference.number(d / w) * (mp.ln2 if bits else 1))
                                for w in omega]
                            brute = _packing_brute_force(p, sizes, m)
                        if brute is None:
                            skipped += 1
                            continue
                        count += 1
                        result = weighted_excess_distortion(p, gamma, m, d, weights=q, bits=bits)
                        code = result.code
                        free = [x for x in range(k) if omega[x] == 0]
                        ok = (result.exact == brute and code.epsilon == brute
                              and result.converse <= result.value <= result.achievability
                              and all(x in code.covered[code.encoder[x]] for x in free))
                        if not ok:
                            failures.append({"source": _source_text(p),
                                             "weights": _source_text(q), "gamma": str(gamma),
                                             "d": str(d), "bits": bits, "M": m,
                                             "search": str(result.exact),
                                             "code_eps": str(code.epsilon),
                                             "brute_force": str(brute)})
    return Evidence.exhaustive(
        "weightings Q with zero entries (omega(x) = 0: x satisfied by any reconstruction): "
        "the exact eps* and its code equal a brute force over all assignments to bins with "
        "omega computed here and sizes tau_gamma(d/omega) from the independent tau, in nats "
        "and in bits; converse <= eps* <= achievability; each omega = 0 symbol is covered",
        not failures, count, counterexample=failures[0] if failures else None,
        skipped_undecidable=skipped, sources="every P on 2-3 symbols with entries in "
        "{1/4, 1/2, 3/4}", gammas=["0", "2"], levels=["1/2", "3/2"], codewords=[1, 2])


# -- [avg.weight-absorption]: weights with Q(x) = 0 -----------------------------------------------
def _log_loss_dstar(r: Sequence[Fraction], m: int) -> mpmath.mpf:
    """D*_0(M) = H(R) − max over encoders f: X → [M] of H(f(X)), enumerated."""
    best = max(mp.fsum(-reference.number(w) * mp.log(reference.number(w)) for w in (
        sum((r[x] for x in range(len(r)) if f[x] == c), F(0)) for c in range(m)) if w > 0)
        for f in itertools.product(range(m), repeat=len(r)))
    return reference.entropy(r) - best


#: (P, Q) with Q(x) = 0 somewhere; the last three make R uniform on its support.
_ABSORPTION_CASES = (((F(1, 2), F(1, 4), F(1, 4)), (F(0), F(1, 2), F(1, 2))),
                     ((F(1, 6), F(1, 6), F(1, 3), F(1, 3)), (F(1, 2), F(1, 2), F(0), F(0))),
                     ((F(1, 5), F(2, 5), F(2, 5)), (F(1, 2), F(1, 4), F(1, 4))),
                     ((F(1, 10), F(3, 10), F(3, 5)), (F(3, 4), F(1, 4), F(0))),
                     ((F(1, 3), F(1, 3), F(1, 3)), (F(0), F(0), F(1))),
                     ((F(1, 4), F(1, 4), F(1, 4), F(1, 4)), (F(0), F(1, 3), F(1, 3), F(1, 3))))


@check("avg.weight-absorption", level="reference")
def absorption_with_zero_weights(ctx: CheckContext) -> Evidence:
    """ω and R_X exactly, and D*_γ for (P, Q) with Q(x) = 0, against values computed here."""
    failures, count = [], 0
    dps = max(30, ctx.dps)
    with mp.workdps(dps):
        tolerance = mp.mpf(10) ** -(dps - 5)
        for p, q in _ABSORPTION_CASES:
            omega = independent_weights(p, q)
            r = tuple(a * w for a, w in zip(p, omega, strict=True))
            if class_weights(p, q) != omega or reweighted_source(p, q) != r:
                failures.append({"source": _source_text(p), "weights": _source_text(q),
                                 "omega": _source_text(class_weights(p, q)),
                                 "expected_omega": _source_text(omega)})
                continue
            support = [x for x in r if x > 0]
            for m in (1, 2):
                gammas = [F(0)] + ([F(1, 2), F(3)] if len(set(support)) == 1 else [])
                for gamma in gammas:
                    count += 1
                    got = average_distortion_limit(p, gamma, m, weights=q)
                    with mp.workdps(dps + 15):
                        expected = _log_loss_dstar(r, m) if gamma == 0 else \
                            uniform_dstar(len(support), gamma, m)
                    cells = sorted(x for cell in got.partition for x in cell)
                    encoder_ok = all(x in got.partition[got.encoder[x]] for x in range(len(p)))
                    if abs(got.value - expected) > tolerance or cells != list(range(len(p))) \
                            or not encoder_ok:
                        failures.append({"source": _source_text(p), "weights": _source_text(q),
                                         "gamma": str(gamma), "M": m, "value": _text(got.value),
                                         "expected": _text(expected),
                                         "partition": [list(c) for c in got.partition]})
    return Evidence.reference(
        "weightings Q with zero entries: omega = Q / sum P Q and R = P omega equal the exact "
        "values computed here; D*_0 for (P, Q) equals H(R) - max_f H(f(X)) over every encoder, "
        "and where R is uniform on its support D*_gamma equals min sum (t/k) phi_gamma(1/t); "
        "the partition covers every symbol once and the encoder sends each symbol to its cell",
        not failures, counterexample=failures[0] if failures else None, instances=count)


# -- [avg.exact]: avg-d-star --bits ---------------------------------------------------------------
@check("avg.exact", level="reference")
def avg_d_star_in_bits(ctx: CheckContext) -> Evidence:
    """``eval avg-d-star --bits`` prints D*, converse and achievability in nats ÷ ln 2, and
    M = ⌊2^R⌋ for a rate in bits; D* itself against the uniform closed form."""
    failures = []
    source = "0.25,0.25,0.25,0.25"
    for gamma, codewords, rate in ((F(2), 2, None), (F(1, 2), None, F(3, 2))):
        m = codewords if codewords is not None else codewords_in_bits(rate)
        bits = _eval("avg-d-star", source=source, gamma=gamma, codewords=codewords, rate=rate,
                     bits=True)
        nats = _eval("avg-d-star", source=source, gamma=gamma, codewords=m)
        with mp.workdps(_EVAL_DPS + 20):
            expected = uniform_dstar(4, gamma, m)
            ok = _close(bits["value"], expected / mp.ln2) and _close(nats["value"], expected)
            for key in ("converse", "achievability"):
                ok = ok and _close(bits[key], mp.mpf(nats[key]) / mp.ln2,
                                   mp.mpf(nats[key]) / mp.ln2 + mp.mpf(10) ** -(_EVAL_DPS - 1))
        if rate is not None:
            ok = ok and str(bits.get("codewords")) == str(m)
        if not ok:
            failures.append({"gamma": str(gamma), "codewords": codewords, "rate_bits": str(rate),
                             "bits": {k: bits.get(k) for k in ("value", "converse",
                                                               "achievability", "codewords")},
                             "nats": {k: nats.get(k) for k in ("value", "converse",
                                                               "achievability")},
                             "expected_nats": _text(expected)})
    return Evidence.reference(
        "focalrd eval avg-d-star --bits: D* (the uniform closed form), converse and "
        "achievability equal the nats values divided by ln 2, and a rate of 3/2 bits gives "
        "M = floor(2^(3/2)) = 2", not failures,
        counterexample=failures[0] if failures else None, instances=2)


# -- [focal-entropy.unique]: focal-entropy --bits -------------------------------------------------
@check("focal-entropy.unique", level="reference")
def focal_entropy_in_bits(ctx: CheckContext) -> Evidence:
    """``eval focal-entropy --bits`` prints F_γ/ln 2 (φ_γ(1/k)/ln 2 for a uniform source) and the
    same minimiser as in nats."""
    failures = []
    for source, gamma in (("0.25,0.25,0.25,0.25", F(2)), ("0.5,0.25,0.25", F(1, 2))):
        bits = _eval("focal-entropy", source=source, gamma=gamma, bits=True)
        nats = _eval("focal-entropy", source=source, gamma=gamma)
        with mp.workdps(_EVAL_DPS + 20):
            if source.startswith("0.25"):
                expected = reference.phi(gamma, F(1, 4))
            else:
                a = tuple(F(x) for x in source.split(","))
                q, _ = reference.focal_entropy_minimizer(a, gamma)
                expected = mp.fsum(reference.number(v) * reference.phi(gamma, x)
                                   for v, x in zip(a, q, strict=True))
            expected_bits = expected / mp.ln2  # here, not at the session's precision
        ok = (_close(bits["value"], expected_bits) and _close(nats["value"], expected)
              and bits["minimizer"] == nats["minimizer"])
        if not ok:
            failures.append({"source": source, "gamma": str(gamma), "bits": bits["value"],
                             "nats": nats["value"], "expected_nats": _text(expected)})
    return Evidence.reference(
        "focalrd eval focal-entropy --bits prints F_gamma / ln 2 (F from the uniform closed form "
        "phi_gamma(1/4) and from the independent minimiser) and the minimiser of the nats run",
        not failures, counterexample=failures[0] if failures else None, instances=2)
