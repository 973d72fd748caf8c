"""The claim registry: decorators, isolation, JSON conversion and minimised counterexamples."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import pytest
from hypothesis import strategies as st

from focalrd.verify.registry import (
    ClaimRegistryError,
    Evidence,
    check,
    claim,
    declared_level,
    define,
    falsify,
    isolated_registry,
    jsonable,
    registered_claims,
    search_counterexample,
)


def test_isolated_registry_forgets_claims_and_checks_added_inside():
    with isolated_registry():
        define("test.isolated", statement="s", provenance="user")
        assert "test.isolated" in registered_claims()
    assert "test.isolated" not in registered_claims()


def test_claim_and_check_register_in_order_and_declare_levels():
    with isolated_registry():
        @claim("test.two-checks", statement="s", provenance="user", level="sampled")
        def first(ctx):
            return Evidence.sampled("m", True, 1)

        @check("test.two-checks", level="certified")
        def second(ctx):
            return Evidence.certified("m", True, "r")

        assert registered_claims()["test.two-checks"].checks == [first, second]
        assert declared_level(first) == "sampled" and declared_level(second) == "certified"


@pytest.mark.parametrize("kwargs", [{"provenance": "rumour"}, {"expected": "maybe"}])
def test_define_rejects_unknown_provenance_and_expectation(kwargs):
    with isolated_registry(), pytest.raises(ClaimRegistryError):
        define("test.bad", statement="s", **kwargs)


def test_duplicate_ids_unknown_claims_and_unknown_levels_are_rejected():
    with isolated_registry():
        define("test.dup", statement="s", provenance="user")
        with pytest.raises(ClaimRegistryError):
            define("test.dup", statement="s", provenance="user")
        with pytest.raises(ClaimRegistryError):
            check("test.nowhere")(lambda ctx: None)
        with pytest.raises(ClaimRegistryError):
            check("test.dup", level="hearsay")(lambda ctx: None)


def test_jsonable_keeps_exact_values_exact():
    converted = jsonable({"p": Fraction(1, 3), "pair": (1, Fraction(2)), "x": mpmath.mpf(2) / 8,
                          1: None, "ok": True})
    assert converted == {"p": "1/3", "pair": [1, "2"], "x": "0.25", "1": None, "ok": True}


def test_falsify_shrinks_to_the_least_counterexample():
    # n < 17 fails exactly for n >= 17: the least counterexample is 17.
    outcome = falsify(st.fixed_dictionaries({"n": st.integers(0, 10**6)}),
                      lambda x: x["n"] < 17, 200, seed="shrink")
    assert outcome.counterexample == {"n": 17}
    assert 1 <= outcome.examples <= 200


def test_falsify_counts_examples_when_the_property_holds():
    outcome = falsify(st.integers(0, 10**6), lambda n: n >= 0, 40, seed=1)
    assert outcome.counterexample is None and outcome.examples == 40
    # A finite strategy is exhausted before the budget: the count says so.
    small = falsify(st.integers(0, 3), lambda n: n >= 0, 40, seed=1)
    assert small.counterexample is None and small.examples == 4


def test_falsify_is_deterministic_per_seed_and_lets_errors_propagate():
    strategy = st.fixed_dictionaries({"a": st.integers(0, 100), "b": st.integers(0, 100)})
    runs = [falsify(strategy, lambda x: x["a"] * x["b"] < 50, 100, seed="s") for _ in range(2)]
    assert runs[0] == runs[1]
    # Shrunk: the pair fails, and lowering either coordinate by one makes it hold.
    a, b = runs[0].counterexample["a"], runs[0].counterexample["b"]
    assert a * b >= 50 and (a - 1) * b < 50 and a * (b - 1) < 50

    def broken(x):
        raise ZeroDivisionError("inside the property")

    with pytest.raises(ZeroDivisionError):
        falsify(st.integers(), broken, 10)


def _gap_float(gamma: int, n: int) -> float:
    """ln(1/p) − φ_γ(p) at p = 1/n, in floating point (independent of focalrd)."""
    return (1 - (1 - 1 / n) ** gamma) * math.log(n)


def test_search_counterexample_describes_the_minimal_failure():
    # Claim (false): the focal loss never falls more than 0.1 below the log loss,
    # i.e. (1 - (1-p)^gamma) ln(1/p) <= 0.1, over gamma in 0..50 and p = 1/n.
    from focalrd.numeric.phi import phi

    def holds(x):
        p = Fraction(1, x["n"])
        with mpmath.workdps(30):
            return -mpmath.log(mpmath.mpf(x["n"]) ** -1) - phi(x["gamma"], p) <= mpmath.mpf("0.1")

    found = search_counterexample(
        st.fixed_dictionaries({"gamma": st.integers(0, 50), "n": st.integers(1, 10**6)}), holds,
        300, seed=0, describe=lambda x: {"gap": _gap_float(x["gamma"], x["n"])})
    # Brute force: the componentwise least failing (gamma, n).
    failing = [(g, n) for g in range(4) for n in range(1, 40) if _gap_float(g, n) > 0.1]
    least = min(failing)
    assert all(g >= least[0] and n >= least[1] for g, n in failing)
    assert (found["gamma"], found["n"]) == least
    assert float(found["gap"]) > 0.1


def _theory_ids() -> list[str]:
    import re
    from pathlib import Path

    for candidate in (Path(__file__).resolve().parents[1] / "THEORY.md",
                      Path("/work/shared/THEORY.md")):
        if candidate.is_file():
            return re.findall(r"`\[([a-z0-9]+[.-][a-z0-9.-]+)\]`", candidate.read_text())
    pytest.skip("THEORY.md is not available here")


def test_every_theory_claim_id_is_registered():
    from focalrd.verify.runner import load_claims

    load_claims()
    ids = _theory_ids()
    assert len(ids) >= 25
    missing = sorted(set(ids) - set(registered_claims()))
    assert missing == []


def test_evidence_without_support_is_not_a_pass():
    import numpy

    with pytest.raises(ValueError, match="derivation"):
        Evidence.symbolic("nothing derived", [])
    for empty in (Evidence.sampled("no draws", True, 0),
                  Evidence.exhaustive("no cases", True, instances=0)):
        assert empty.passed is None and "no evidence" in empty.details["why"]
    # A refutation needs no count to be a refutation; a real count keeps the pass.
    assert Evidence.sampled("drawn", False, 0).passed is False
    kept = Evidence.sampled("drawn", numpy.bool_(True), numpy.int64(3))
    assert kept.passed is True and type(kept.passed) is bool
    for verdict in ("yes", 1, [True]):
        odd = Evidence.sampled("odd", verdict, 5)
        assert odd.passed is None and "non-boolean verdict" in odd.details["why"]


def test_seed_for_is_non_negative_deterministic_and_separates_streams():
    from focalrd.verify.registry import CheckContext

    base = CheckContext(seed=-1, claim_id="n.simulation", check="mod.check")
    seeds = {base.seed_for("run 0"), base.seed_for("run 1"),
             CheckContext(seed=0, claim_id="n.simulation", check="mod.check").seed_for("run 0"),
             CheckContext(seed=-1, claim_id="n.other", check="mod.check").seed_for("run 0"),
             CheckContext(seed=-1, claim_id="n.simulation", check="mod.b").seed_for("run 0")}
    assert len(seeds) == 5 and all(0 <= s < 2**63 for s in seeds)
    assert base.seed_for("run 0") == CheckContext(seed=-1, claim_id="n.simulation",
                                                  check="mod.check").seed_for("run 0")


def test_rng_differs_between_checks_of_one_claim_and_repeats_per_check():
    from focalrd.verify.registry import CheckContext

    def draws(check_name):
        rng = CheckContext(seed=3, claim_id="c", check=check_name).rng
        return [rng.random() for _ in range(3)]

    assert draws("m.first") == draws("m.first")
    assert draws("m.first") != draws("m.second")
