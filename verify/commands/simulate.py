"""``focalrd simulate``: Monte Carlo of the optimal n-letter list code ([n.simulation])."""

from __future__ import annotations

import argparse
import json
import sys
from fractions import Fraction
from typing import Any

from focalrd.numeric.exact import (
    distortion_level,
    distribution,
    focusing_parameter,
    open_unit_interval,
    positive_integer,
)
from focalrd.numeric.precision import confirmed, significant
from focalrd.verify.commands import Command

EPS_DIGITS = 15


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", required=True, metavar="P",
                        help="distribution p0,p1,... (exact decimals or fractions)")
    parser.add_argument("--n", required=True, metavar="N", help="blocklength n >= 1")
    parser.add_argument("--codewords", metavar="M", help="number of codewords M >= 1")
    parser.add_argument("--rate", metavar="R", help="rate in nats: M = floor(e^(nR))")
    parser.add_argument("--distortion", required=True, metavar="D",
                        help="per-symbol distortion level D >= 0 in nats")
    parser.add_argument("--gamma", required=True, metavar="G", help="focusing parameter >= 0")
    parser.add_argument("--trials", default="10000", metavar="T",
                        help="number of blocks drawn (default 10000)")
    parser.add_argument("--seed", default="0", metavar="S",
                        help="seed of numpy's Generator (default 0); a run is reproducible")
    parser.add_argument("--confidence", default="0.95", metavar="C",
                        help="confidence of the Clopper-Pearson interval, in (0, 1) "
                             "(default 0.95)")
    parser.add_argument("--json", action="store_true", help="print exactly one JSON object")
    parser.add_argument("--progress", action="store_true",
                        help="show progress on stderr even when it is not a terminal")


def simulate_document(args: argparse.Namespace) -> dict[str, Any]:
    """Parse, simulate and compare with the exact ε*; the JSON document of the command."""
    import numpy as np

    from focalrd.numeric.blocks.excess import excess_distortion_exact
    from focalrd.numeric.blocks.grouping import codebook_size
    from focalrd.numeric.blocks.simulation import simulate_list_code
    from focalrd.numeric.errors import InvalidInputError
    from focalrd.numeric.phi import phi
    from focalrd.verify.quantities._args import codebook_arguments

    source = distribution(args.source)
    n = positive_integer(args.n, "n")
    m, rate = codebook_arguments(args)
    if m is None:
        size = codebook_size(n, rate=rate)
        if size.exact is None:
            raise InvalidInputError("rate", "a rate with n*R small enough for M to be listed",
                                    args.rate)
        m = size.exact
    d = distortion_level(args.distortion, "distortion")
    gamma = focusing_parameter(args.gamma)
    trials = positive_integer(args.trials, "trials")
    seed = positive_integer(args.seed, "seed", minimum=0)
    confidence = float(open_unit_interval(args.confidence, "confidence"))
    show = args.progress or sys.stderr.isatty()

    def progress(done: int) -> None:
        sys.stderr.write(f"\rsimulate: {done}/{trials} blocks")
        if done == trials:
            sys.stderr.write("\n")
        sys.stderr.flush()

    sim = simulate_list_code(source, n, m, d, gamma, trials, np.random.default_rng(seed),
                             confidence, progress if show else None)
    eps = confirmed(lambda: excess_distortion_exact(source, gamma, n, m, d), EPS_DIGITS)
    lo, hi = sim.interval
    return {
        "source": [str(p) for p in source], "n": n, "codewords": str(m),
        "distortion": str(d), "gamma": str(gamma), "trials": trials, "seed": seed,
        "list_size": str(sim.list_size), "covered_sequences": str(sim.covered),
        "loss_covered": significant(confirmed(
            lambda: phi(gamma, Fraction(1, sim.list_size)) / n, 6), 6),
        "excess_events": sim.excess,
        "frequency": significant(Fraction(sim.excess, trials), 6),
        "confidence": args.confidence, "interval": [_six(lo), _six(hi)],
        "eps_star": significant(eps, EPS_DIGITS),
        "eps_star_inside": bool(lo <= float(eps) <= hi),
        "boundary_draws": sim.boundary_draws, "exact_decisions": sim.exact_decisions,
    }


def _six(x: float) -> str:
    """Six significant digits of a float64 quantile (accurate far beyond six digits)."""
    return "0" if x == 0 else f"{x:.6g}"


def _short(integer: str) -> str:
    """A long decimal integer as its leading digits and length (the JSON has every digit)."""
    return integer if len(integer) <= 24 else f"{integer[:8]}... ({len(integer)} digits)"


def _run(args: argparse.Namespace) -> int:
    doc = simulate_document(args)
    if args.json:
        json.dump(doc, sys.stdout)
        sys.stdout.write("\n")
        return 0
    print(f"optimal list code: n = {doc['n']}, M = {_short(doc['codewords'])}, "
          f"L = {_short(doc['list_size'])} (covers {_short(doc['covered_sequences'])} "
          f"sequences; loss of a covered block {doc['loss_covered']} nats "
          f"<= D = {doc['distortion']})")
    print(f"  {doc['excess_events']} excess events in {doc['trials']} blocks (seed "
          f"{doc['seed']}): frequency {doc['frequency']}")
    print(f"  Clopper-Pearson {doc['confidence']} interval [{doc['interval'][0]}, "
          f"{doc['interval'][1]}]")
    print(f"  exact eps* = {doc['eps_star']}: "
          f"{'inside' if doc['eps_star_inside'] else 'OUTSIDE'} the interval")
    return 0


COMMAND = Command(
    name="simulate",
    summary="Monte Carlo of the optimal n-letter list code against the exact eps*",
    description="Draw blocks X^n from the source (numpy Generator seeded by --seed), encode "
                "them with the optimal list code (the M*L most likely sequences, "
                "L = floor(1/tau_gamma(nD))), decode to the uniform distribution on the "
                "codeword's list, and count blocks whose focal loss exceeds D.  Prints the "
                "frequency, its Clopper-Pearson interval and whether the exact eps* lies in it.",
    add_arguments=_add_arguments,
    run=_run,
    order=70,
)
