"""Checks of [eval.bits-and-weights]: the layer behind ``focalrd eval`` (issue 22).

The quantities of :mod:`focalrd.verify.quantities` are run in-process from a real
command line (the parser of ``focalrd eval``, then
:func:`focalrd.verify.commands.eval.evaluate`, which confirms every digit by two
evaluations), and their printed strings compared with values obtained another way:

* ``--bits`` on a value: the printed bits times ln 2 against the printed nats (each
  rounded to N significant digits: the two differ by at most one unit in the last
  place of each, times ln 2 for the bits one), on every path: focal-loss, c-gamma,
  one-shot avg-d-star, block d-star (rate in bits, M = ⌊2^{nR}⌋ = 2^{nR} for an
  integer nR, given in nats as ``--codewords``), avg-d-star --n, dispersion (bits²:
  times ln²2), normal-approx, and the saddlepoint's d-star;
* ``--bits`` on an input: a distortion D in bits is D·ln 2 nats and a rate R in bits
  gives M = ⌊2^{nR}⌋.  tau is compared with the independent τ_γ(D ln 2); one-shot and
  n-letter eps-star with 1 − (mass of the M·⌊1/τ_γ(nD ln 2)⌋ most likely symbols or
  sequences), in exact rationals (the floor decided away from integers, or exactly
  at γ = 0, where 1/τ = 2^{nD});
* ``--weights Q`` with n > 1 (avg-d-star): the printed bounds and value against the
  library's unweighted block functions on R_X = P_X·ω, R_X formed here exactly
  (R(x) = P(x)Q(x)/Σ P Q); n-letter eps-star refuses a non-uniform weighting and
  gives the unweighted value for a uniform one.

A printed value that differs from its comparison by more than its own rounding (one
unit in the last printed place, plus the comparison's rounding) refutes.
"""

from __future__ import annotations

import argparse
import itertools
import math
from fractions import Fraction as F
from typing import Any

import mpmath
from mpmath import mp

from focalrd.numeric.errors import InvalidInputError
from focalrd.verify.claims import _independent as ref
from focalrd.verify.claims import catalogue  # noqa: F401  (defines the claims checked here)
from focalrd.verify.registry import CheckContext, Evidence, check

#: Significant digits asked of ``focalrd eval``.
DIGITS = 20


class _Refuted(Exception):
    """A printed value disagrees with its comparison (the args carry the counterexample)."""


def _parser() -> argparse.ArgumentParser:
    from focalrd.verify.commands.eval import _add_arguments

    parser = argparse.ArgumentParser(prog="focalrd eval")
    _add_arguments(parser)
    return parser


def _unit_in_last_place(text: str) -> mpmath.mpf:
    """One unit in the last printed place of a decimal string with DIGITS significant digits."""
    value = mp.mpf(text)
    if value == 0:
        return mp.zero
    return mp.mpf(10) ** (int(mp.floor(mp.log10(abs(value)))) - DIGITS + 1)


class _Runner:
    def __init__(self) -> None:
        self.parser = _parser()
        self.compared = 0

    def eval(self, *argv: str) -> dict[str, Any]:
        args = self.parser.parse_args([*argv, "--dps", str(DIGITS)])
        from focalrd.verify.commands.eval import evaluate

        return evaluate(args._quantity, args)

    def compute(self, *argv: str) -> dict[str, Any]:
        """The quantity's computation at 15 digits without the confirming second run (for the
        saddlepoint, whose searches cost tenths of a second each)."""
        args = self.parser.parse_args(list(argv))
        quantity = args._quantity
        with mp.workdps(15):
            return quantity.compute(quantity.parse(args), bool(args.bits))

    def same(self, what: str, printed: str | None, expected: mpmath.mpf, scale: mpmath.mpf,
             slack: mpmath.mpf = mp.zero) -> None:
        """``printed`` × ``scale`` equals ``expected`` within the printed rounding + ``slack``."""
        self.compared += 1
        if printed is None:
            raise _Refuted({"what": what, "printed": None, "expected": mpmath.nstr(expected, 15)})
        with mp.workdps(DIGITS + 20):
            got = mp.mpf(printed) * scale
            allowed = _unit_in_last_place(printed) * abs(scale) + slack
            if abs(got - expected) > allowed:
                raise _Refuted({"what": what, "printed": printed,
                                "times": mpmath.nstr(scale, 12),
                                "expected": mpmath.nstr(expected, DIGITS + 2)})

    def bits_match(self, what: str, bits: dict[str, Any], nats: dict[str, Any],
                   keys: tuple[str, ...] = ("value",), power: int = 1) -> None:
        """Every ``keys`` entry of the --bits document × ln^power 2 equals the nats one."""
        for key in keys:
            if nats.get(key) is None:
                if bits.get(key) is not None:
                    raise _Refuted({"what": f"{what} {key}", "bits": bits.get(key),
                                    "nats": None})
                continue
            with mp.workdps(DIGITS + 20):
                nats_value = mp.mpf(nats[key])
                self.same(f"{what} {key} (--bits x ln 2{'^2' if power == 2 else ''})",
                          bits.get(key), nats_value, mp.ln2**power,
                          _unit_in_last_place(nats[key]))


def _floor_inverse_tau(gamma: F, level_bits: F) -> int:
    """⌊1/τ_γ(level_bits · ln 2)⌋ from the independent τ, away from integers.

    Next to an integer k the floor is decided exactly or not at all: 1/τ = k exactly
    iff φ_γ(1/k) = level·ln 2, i.e. (1 − 1/k)^γ log₂ k = level, which for an integer γ
    and k = 2^j is the rational identity (1 − 2^−j)^γ · j = level (γ = 0: k = 2^level).
    """
    if gamma == 0 and level_bits.denominator == 1:
        return 2 ** level_bits.numerator
    with mp.workdps(mp.dps + 20):
        inverse = 1 / ref.tau(gamma, ref.number(level_bits) * mp.ln2)
        floor = int(mp.floor(inverse))
        nearest = int(mp.nint(inverse))
        if abs(inverse - nearest) >= mp.mpf(10) ** -(mp.dps - 5):
            return floor
    j = nearest.bit_length() - 1
    if gamma.denominator == 1 and nearest == 1 << j and \
            (1 - F(1, nearest)) ** int(gamma) * j == level_bits:
        return nearest
    raise ArithmeticError("1/tau lies too close to an integer to take its floor")


def _top_mass_excess(source: tuple[F, ...], n: int, covered: int) -> F:
    """1 − (mass of the ``covered`` most likely of the k^n sequences), by sorting them all."""
    probs = sorted((math.prod(seq, start=F(1)) for seq in itertools.product(source, repeat=n)),
                   reverse=True)
    return 1 - sum(probs[:covered], F(0))


def _csv(values) -> str:
    return ",".join(str(v) for v in values)


def _bits_paths(run: _Runner) -> None:
    ln2 = mp.ln2
    # values in bits: nats / ln 2
    for argv in (("focal-loss", "--gamma", "2", "--p", "1/3"),
                 ("c-gamma", "--gamma", "5/2"),
                 ("focal-entropy", "--source", "0.5,0.3,0.2", "--gamma", "2"),
                 ("avg-d-star", "--source", "0.4,0.3,0.2,0.1", "--codewords", "2",
                  "--gamma", "1/2")):   # a positive converse (at gamma = 2 it is 0)
        run.bits_match(argv[0], run.eval(*argv, "--bits"), run.eval(*argv),
                       ("value", "converse", "achievability"))
    run.bits_match("dispersion", run.eval("dispersion", "--source", "0.5,0.25,0.25", "--bits"),
                   run.eval("dispersion", "--source", "0.5,0.25,0.25"), power=2)
    with mp.workdps(DIGITS + 20):
        run.same("dispersion (nats^2, independent)",
                 run.eval("dispersion", "--source", "0.5,0.25,0.25")["value"],
                 ref.dispersion((F(1, 2), F(1, 4), F(1, 4))), mp.one)
    # block d-star: a rate in bits is M = 2^(nR) codewords
    source = ("--source", "0.9,0.1", "--eps", "0.1", "--gamma", "2")
    bits = run.eval("d-star", *source, "--n", "40", "--rate", "1/4", "--bits")
    nats = run.eval("d-star", *source, "--n", "40", "--codewords", str(2**10))
    run.bits_match("d-star --n 40 --rate 1/4 bits", bits, nats)
    if (bits.get("K"), bits.get("L")) != (nats.get("K"), nats.get("L")):
        raise _Refuted({"what": "d-star K*, L* with the rate in bits", "bits": [bits.get("K"),
                        bits.get("L")], "nats (M = 2^10)": [nats.get("K"), nats.get("L")]})
    # avg-d-star --n: the same codebook, both bounds and the exact value
    # nR = 2: M = 2^2 = 4 (floor(e^2) = 7 would be the slip), and nR = 1 (2 either way)
    for n, rate in ((3, "2/3"), (4, "1/2"), (3, "1/3")):
        argv = ("avg-d-star", "--source", "0.7,0.3", "--gamma", "3/2", "--n", str(n))
        run.bits_match(f"avg-d-star --n {n}", run.eval(*argv, "--rate", rate, "--bits"),
                       run.eval(*argv, "--codewords", str(ref.floor_exponential(
                           n * F(rate), 2))), ("value", "converse", "achievability"))
    # normal-approx: R bits = R ln 2 nats, the value in bits
    p, n, rate, eps = (F(9, 10), F(1, 10)), 1000, F(1, 5), F(1, 10)
    printed = run.eval("normal-approx", "--source", "0.9,0.1", "--n", str(n), "--rate",
                       str(rate), "--eps", str(eps), "--bits")["value"]
    with mp.workdps(DIGITS + 20):
        expected = (ref.entropy(p) - ref.number(rate) * ln2 + mp.sqrt(ref.dispersion(p) / n)
                    * ref.inverse_q_tails(eps) - mp.log(n) / (2 * n))
        run.same("normal-approx --bits (x ln 2, independent)", printed, expected, ln2)
    # inputs in bits: tau and eps-star
    with mp.workdps(DIGITS + 20):
        run.same("tau --distortion 3/2 --bits", run.eval(
            "tau", "--gamma", "5/2", "--distortion", "3/2", "--bits")["value"],
            ref.tau(F(5, 2), F(3, 2) * mp.ln2), mp.one)
    oneshot = (F(1, 2), F(3, 10), F(1, 5), F(0))
    for codebook, m, d, gamma in ((("--codewords", "1"), 1, F(1), F(2)),
                                  (("--rate", "3/2"), 2, F(1, 2), F(0)),   # M = 2, L = 1
                                  (("--codewords", "1"), 1, F(1), F(0))):
        ell = _floor_inverse_tau(gamma, d)
        expected = 1 - sum(sorted(oneshot, reverse=True)[:m * ell], F(0))
        printed = run.eval("eps-star", "--source", _csv(oneshot), *codebook, "--distortion",
                           str(d), "--gamma", str(gamma), "--bits")["value"]
        with mp.workdps(DIGITS + 20):
            run.same(f"eps-star {' '.join(codebook)} --distortion {d} --gamma {gamma} --bits",
                     printed, ref.number(expected), mp.one)
    block = (F(1, 2), F(3, 10), F(1, 5))
    for n, rate, d, gamma in ((3, F(1, 3), F(1, 2), F(2)), (2, F(1, 2), F(1), F(0)),
                              (2, F(1), F(1, 4), F(1))):
        m = ref.floor_exponential(n * rate, 2)
        ell = _floor_inverse_tau(gamma, n * d)
        printed = run.eval("eps-star", "--source", _csv(block), "--n", str(n), "--rate",
                           str(rate), "--distortion", str(d), "--gamma", str(gamma),
                           "--bits")["value"]
        with mp.workdps(DIGITS + 20):
            run.same(f"eps-star --n {n} --rate {rate} --distortion {d} --gamma {gamma} --bits",
                     printed, ref.number(_top_mass_excess(block, n, m * ell)), mp.one)


def _saddlepoint_bits(run: _Runner) -> None:
    """d-star-saddlepoint: --bits with the rate in bits against the nats run on M = 2^(nR)."""
    argv = ("d-star-saddlepoint", "--source", "0.9,0.1", "--n", "100", "--eps", "1/10",
            "--gamma", "2")
    bits = run.compute(*argv, "--rate", "1/4", "--bits")
    nats = run.compute(*argv, "--codewords", str(2**25))
    run.compared += 1
    with mp.workdps(30):
        gap = abs(bits["value"] * mp.ln2 - nats["value"])
        if gap > mp.mpf(10) ** -13 * nats["value"] or abs(bits["log_K"] - nats["log_K"]) > \
                mp.mpf(10) ** -13 * nats["log_K"]:
            raise _Refuted({"what": "d-star-saddlepoint --bits x ln 2 against nats (M = 2^25)",
                            "bits": mpmath.nstr(bits["value"], 15),
                            "nats": mpmath.nstr(nats["value"], 15)})


def _weights_paths(run: _Runner) -> None:
    source, weights = (F(1, 2), F(3, 10), F(1, 5)), (F(1, 5), F(3, 10), F(1, 2))
    total = sum(p * q for p, q in zip(source, weights, strict=True))
    reweighted = tuple(p * q / total for p, q in zip(source, weights, strict=True))
    from focalrd.numeric.blocks.average import (
        average_achievability,
        average_converse,
        average_exact,
    )
    from focalrd.numeric.blocks.grouping import codebook_size

    for n, m, gamma in ((2, 2, F(2)), (3, 4, F(1, 2))):
        printed = run.eval("avg-d-star", "--source", _csv(source), "--weights", _csv(weights),
                           "--n", str(n), "--codewords", str(m), "--gamma", str(gamma))
        with mp.workdps(DIGITS + 20):
            size = codebook_size(n, m)
            for key, function in (("converse", average_converse),
                                  ("achievability", average_achievability),
                                  ("value", average_exact)):
                expected = function(reweighted, gamma, n, size)
                if expected is None:
                    if printed[key] is not None:
                        raise _Refuted({"what": f"avg-d-star --n {n} --weights {key}",
                                        "printed": printed[key], "expected": None})
                    continue
                run.same(f"avg-d-star --n {n} --weights: {key} against the unweighted "
                         f"library on R_X", printed[key], expected, mp.one,
                         mp.ldexp(abs(expected), 4 - mp.prec))
    eps_star = ("eps-star", "--source", _csv(source), "--n", "2", "--codewords", "2",
                "--distortion", "1/2", "--gamma", "2")
    try:
        run.eval(*eps_star, "--weights", _csv(weights))
    except InvalidInputError:
        pass
    else:
        raise _Refuted({"what": "eps-star --n 2 with a non-uniform weighting",
                        "printed": "a value", "expected": "a refusal (unweighted loss only)"})
    run.compared += 1
    uniform = run.eval(*eps_star, "--weights", "1/3,1/3,1/3")["value"]
    if uniform != run.eval(*eps_star)["value"]:
        raise _Refuted({"what": "eps-star --n 2 with uniform weights", "printed": uniform})
    run.compared += 1


@check("eval.bits-and-weights", level="exhaustive")
def command_line_units_and_weights(ctx: CheckContext) -> Evidence:
    """``focalrd eval`` in-process: --bits on every path and --weights with n > 1."""
    from contextlib import nullcontext

    from focalrd.verify.quantities._proven import certification_wanted, confirmation_only

    mp.dps = max(ctx.dps, 20)
    run = _Runner()
    # With python-flint, `eval` prints the proven path, whose enclosures call a quantity's
    # compute() only as a fallback: the confirmed path is a separate code path, so both run.
    paths = [confirmation_only] + ([nullcontext] if certification_wanted() else [])
    try:
        for path in paths:
            with path():
                _bits_paths(run)
                _weights_paths(run)
        _saddlepoint_bits(run)
    except _Refuted as refuted:
        return Evidence.exhaustive("focalrd eval against nats, independent values and R_X",
                                   False, run.compared, counterexample=refuted.args[0])
    except InvalidInputError as error:
        return Evidence.exhaustive("focalrd eval against nats, independent values and R_X",
                                   False, run.compared,
                                   counterexample={"refused valid input": str(error)})
    return Evidence.exhaustive(
        f"{run.compared} comparisons of `focalrd eval` output ({DIGITS} digits, run in-process "
        "from its own parser): --bits x ln 2 (x ln^2 2 for the dispersion) equals the nats "
        "output within the rounding of both for focal-loss, c-gamma, focal-entropy, avg-d-star "
        "(one shot and --n 2, 3 with --rate in bits against --codewords 2^(nR)), "
        "d-star --n 40 --rate 1/4 (K*, L* equal), dispersion and d-star-saddlepoint; "
        "normal-approx --bits, tau, one-shot "
        "and n-letter eps-star with --distortion and --rate in bits against independent values "
        "(D bits = D ln 2 nats, M = floor(2^(nR)), L = floor(1/tau(nD ln 2)), exact top "
        "masses; gamma = 0 with 1/tau = 2^(nD) exactly); avg-d-star --n 2, 3 --weights Q "
        "against the unweighted library on R_X = PQ/sum PQ; eps-star --n 2 refuses a "
        "non-uniform weighting and equals the unweighted value for a uniform one; "
        f"{' and '.join(('confirmed', 'proven')[:len(paths)])} path"
        f"{'s' if len(paths) > 1 else ''} of `eval`", True, run.compared)
