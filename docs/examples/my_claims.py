"""A worked example of user claims (see docs/guide/own-claims.md).

Run it with:

    focalrd verify --claims docs/examples/my_claims.py --only 'my.*'

Two statements about the focal penalty phi_gamma(p) = (1 - p)^gamma ln(1/p):

* my.phi-below-odds — phi_gamma(p) <= (1 - p)^gamma (1 - p)/p, true because
  ln(1/p) <= 1/p - 1;
* my.phi-below-miss — phi_gamma(p) <= 1 - p, a plausible-looking but false
  variant (already at gamma = 0, ln(1/p) > 1 - p for every p < 1).

``tests/test_docs.py`` runs this file through ``focalrd verify`` and checks
that the first claim is verified and the second refuted with a counterexample.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st
from mpmath import mp

from focalrd import phi
from focalrd.strategies import focusing_parameters, probabilities
from focalrd.verify.registry import CheckContext, Evidence, check, claim, falsify

# gamma and p as exact fractions, drawn by the shared domain strategies.
CASES = st.fixed_dictionaries({"gamma": focusing_parameters(max_value=20),
                               "p": probabilities()})


def real(x: Fraction) -> mp.mpf:
    """An exact fraction as an mpf (mpf does not compare with Fraction)."""
    return mp.mpf(x.numerator) / x.denominator


def odds_bound(gamma: Fraction, p: Fraction) -> mp.mpf:
    """(1 - p)^gamma (1 - p)/p, at the working precision."""
    return (1 - real(p)) ** real(gamma) * (1 - real(p)) / real(p)


METHOD = "hypothesis search over gamma in [0, 20] and p in (0, 1]"


@claim("my.phi-below-odds", provenance="user", expected="holds",
       statement="phi_gamma(p) <= (1-p)^gamma (1-p)/p for gamma >= 0, p in (0, 1]",
       latex=r"\varphi_\gamma(p) \le (1-p)^\gamma\,\frac{1-p}{p}")
def odds_search(ctx: CheckContext) -> Evidence:
    """Search for (gamma, p) violating the bound; hypothesis shrinks any it finds."""
    def holds(x: dict) -> bool:
        return phi(x["gamma"], x["p"]) <= odds_bound(x["gamma"], x["p"])

    with mp.workdps(ctx.dps):
        found = falsify(CASES, holds, ctx.effort(100, 1000),
                        seed=ctx.seed_for("search"))
    return Evidence.sampled(METHOD, found.counterexample is None, found.examples,
                            counterexample=found.counterexample)


@claim("my.phi-below-miss", provenance="user", expected="fails",
       statement="phi_gamma(p) <= 1 - p for gamma >= 0, p in (0, 1]",
       latex=r"\varphi_\gamma(p) \le 1 - p")
def miss_search(ctx: CheckContext) -> Evidence:
    """The same search for the false variant; the counterexample shows both sides."""
    def holds(x: dict) -> bool:
        return phi(x["gamma"], x["p"]) <= 1 - real(x["p"])

    def describe(x: dict) -> dict:
        return {"phi": phi(x["gamma"], x["p"]), "bound": 1 - real(x["p"])}

    with mp.workdps(ctx.dps):
        found = falsify(CASES, holds, ctx.effort(100, 1000),
                        seed=ctx.seed_for("search"), describe=describe)
    return Evidence.sampled(METHOD, found.counterexample is None, found.examples,
                            counterexample=found.counterexample)


@check("my.phi-below-miss", level="reference")
def miss_at_a_point(ctx: CheckContext) -> Evidence:
    """A second, independent check: the log loss at p = 1/2 is ln 2 > 1/2."""
    holds = mp.log(2) <= real(Fraction(1, 2))
    found = {"gamma": "0", "p": "1/2", "phi": str(mp.log(2)), "bound": "1/2"}
    return Evidence.reference("closed form at gamma = 0, p = 1/2: ln 2 vs 1/2",
                              holds, counterexample=None if holds else found)
