"""Meta-tests: every sampled claim check refutes a planted bug.

Each check at level "sampled" is run (reduced effort, as in ``verify --quick``)
with a bug of the planted-bug catalogue applied in this process
(:func:`focalrd.verify.selftest_catalogue.planted`, undone afterwards) and must
say ``passed: false``.  That every check passes on the correct implementation is
asserted by the tests that run every check in the quick subset.

Checks that *refute* a false statement of the summary or the literature say
``passed: false`` on the correct code; for them the planted bug hides the
counterexample and the check must notice: its verdict must change to true.  A
check whose failure mode is "inconclusive" by design (unimodality of ψ, which
supports a reading of the claim but cannot refute it) must stop saying true.
"""

from __future__ import annotations

import inspect
import re

import pytest

from focalrd.verify.registry import CheckContext, registered_claims
from focalrd.verify.runner import check_name, load_claims, run_check
from focalrd.verify.selftest_catalogue import find_bug, planted

PREFIX = "focalrd.verify.claims."

#: check (module.function under verify/claims) -> (planted bug, verdict it must give)
SAMPLED_CHECK_BUGS: dict[str, tuple[str, bool | None]] = {
    "numeric_core.phi_decreasing_sampled": ("phi-prime-sign", False),
    "numeric_core.phi_monotone_in_gamma_sampled": ("phi-one-plus-p", False),
    "numeric_core.c_gamma_growth": ("c-gamma-no-root-search", False),
    "numeric_core.tau_round_trip": ("tau-half-precision", False),
    "numeric_core.tau_expansion_numeric": ("tau-first-order", False),
    "oneshot.tilted_bounds_sampled": ("tilted-converse-drops-penalty", False),
    "oneshot.weighted_sampled_large": ("relaxation-one-bin-short", False),
    "oneshot.weight_absorption_sampled": ("reweighted-source-ignores-weights", False),
    "oneshot.focal_entropy_sampled": ("kkt-residual-zero", False),
    "oneshot.avg_sandwich_sampled": ("average-one-cell-short", False),
    "blocks.dstar_brute_force": ("block-list-size-floor", False),
    "blocks.excess_sandwich_sampled": ("dstar-gamma-plus-one", False),
    "blocks.excess_probability_sandwich_sampled": ("block-excess-gamma-plus-one", False),
    "blocks.second_order_bounded": ("normal-log-term-sign", False),
    "blocks.asymptotic_equivalence_numeric": ("limit-plus-0.01", False),
    "blocks_more.simulation_interval_contains_eps_star": ("excess-per-symbol-level", False),
    "summary.formula_against_search": ("hgamma-formula-d-range", False),
    "summary.branch_and_bound_bounds_are_bounds": ("mutation-certified-curvature-point", False),
    "selftest_gaps.phi_second_against_definition": ("phi-second-cross-term", False),
    "selftest_gaps.sums_against_definition": ("hgamma-s-exponent", False),
    "selftest_gaps.printed_kkt_residual": ("printed-kkt-residual-zero", False),
    "structure.exists_unique": ("focal-entropy-minimizer-reversed", False),
    "saddlepoint.saddlepoint_against_exact_counts": ("saddlepoint-correction-sign", False),
    # the runner control's undecided check: a pass on no sample, which the runner must
    # screen; with the screen broken it says true
    "runner_control.no_sample_is_no_evidence": ("runner-zero-samples-pass", True),
    # inconclusive by design when psi is not unimodal: it must stop saying true
    "structure.psi_unimodal_on_grid": ("phi-prime-sign", None),
    # refuting checks of false statements: the bug hides the counterexample
    "summary.monotone_sampled": ("hgamma-log-inverted", True),
    "summary.nonnegative_sampled": ("hgamma-log-inverted", True),
    "structure.phrases": ("focal-entropy-minimizer-reversed", True),
}

#: Checks whose quick sample is too small to meet the bug: run at full effort.
FULL_EFFORT = {"oneshot.weighted_sampled_large"}

#: Sampled checks without a meta-test, and why.
EXEMPT = {
    "structure.extreme_imbalance": "refutes a false phrase of the literature on every input "
                                   "family; no realistic bug of the solver makes the phrase "
                                   "true (its flip would need q*/P decreasing to 0 for the "
                                   "rare symbol, which no small bug produces)",
}


def _checks() -> dict[str, tuple[str, object]]:
    load_claims()
    return {check_name(func).removeprefix(PREFIX): (claim_id, func)
            for claim_id, claim in registered_claims().items() for func in claim.checks}


def _is_sampled(func: object) -> bool:
    if getattr(func, "evidence_level", None) == "sampled":
        return True
    source = inspect.getsource(func)  # type: ignore[arg-type]
    return bool(re.search(r"Evidence\.sampled\(|\b_sampled\(|inconclusive\(\s*\"sampled\"",
                          source))


def test_every_sampled_check_has_a_meta_test():
    sampled = sorted(name for name, (_, func) in _checks().items() if _is_sampled(func))
    missing = [name for name in sampled if name not in SAMPLED_CHECK_BUGS and name not in EXEMPT]
    assert not missing, (f"sampled checks without a meta-test: {missing}; add a planted bug "
                         f"it refutes to SAMPLED_CHECK_BUGS (verify/selftest_catalogue.py)")
    stale = [name for name in SAMPLED_CHECK_BUGS if name not in sampled]
    assert not stale, f"meta-tests of checks that are gone or no longer sampled: {stale}"


@pytest.mark.parametrize("name", sorted(SAMPLED_CHECK_BUGS))
def test_sampled_check_sees_the_planted_bug(name):
    bug_id, verdict = SAMPLED_CHECK_BUGS[name]
    claim_id, func = _checks()[name]
    context = CheckContext(quick=name not in FULL_EFFORT, claim_id=claim_id)
    with planted(find_bug(bug_id)):
        entry = run_check(func, context)
    if verdict is None:
        assert entry["passed"] is not True, (name, bug_id, entry)
    else:
        assert entry["passed"] is verdict, (name, bug_id, entry.get("why"), entry)


def test_planted_bug_is_undone():
    """After the block the library computes what it did before (no cached bugged value)."""
    from fractions import Fraction

    from focalrd.numeric.blocks import excess

    before = excess.distortion_limit((Fraction(9, 10), Fraction(1, 10)), 2, 20, 3,
                                     Fraction(1, 10)).value
    original = excess.phi_of_inverse
    with planted("dstar-gamma-ignored"):
        assert excess.phi_of_inverse is not original
        bugged = excess.distortion_limit((Fraction(9, 10), Fraction(1, 10)), 2, 20, 3,
                                         Fraction(1, 10)).value
    assert excess.phi_of_inverse is original
    after = excess.distortion_limit((Fraction(9, 10), Fraction(1, 10)), 2, 20, 3,
                                    Fraction(1, 10)).value
    assert bugged != before and after == before



def test_planted_bug_reaches_modules_that_imported_by_name():
    """``from ... import phi`` elsewhere sees the bug: φ_0(1/2) becomes φ_1(1/2) = ln(2)/2."""
    from fractions import Fraction

    from mpmath import mp

    from focalrd.numeric.blocks import excess

    with mp.workdps(30), planted("phi-exponent-plus-one"):
        bugged = excess.phi(0, Fraction(1, 2))
        assert abs(bugged - mp.log(2) / 2) < mp.mpf(10) ** -28
    with mp.workdps(30):
        assert abs(excess.phi(0, Fraction(1, 2)) - mp.log(2)) < mp.mpf(10) ** -28
