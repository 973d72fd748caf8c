"""The runner's control claim [runner.inconclusive-control] and the exit status of undecided runs.

The control has one passing check and one undecided check (a sampled pass on no
sample), so it must be inconclusive, and it is expected "inconclusive": met only then.
A run with an inconclusive claim expected to hold exits with status 1.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from focalrd.verify import runner
from focalrd.verify.claims import runner_control
from focalrd.verify.commands.verify import exit_status
from focalrd.verify.registry import CheckContext, registered_claims
from focalrd.verify.selftest_catalogue import planted

CONTROL = runner_control.CONTROL


def _control_record() -> dict:
    runner.load_claims()
    return runner.run_claim(CONTROL, runner.RunSettings(quick=True))


def test_the_control_is_inconclusive_and_meets_its_expectation():
    record = _control_record()
    assert record["status"] == "inconclusive" and record["met"], record
    assert [e["passed"] for e in record["evidence"]] == [True, None]
    assert "0 samples" in record["why"]
    assert exit_status(runner.summarize([record], 0.0)) == 0


def test_runner_bugs_that_turn_undecided_into_verified_fail_the_control():
    for bug in ("runner-inconclusive-as-verified", "runner-verified-if-one-passed",
                "runner-zero-samples-pass", "summary-inconclusive-met"):
        with planted(bug):
            record = _control_record()
            assert not record["met"], (bug, record["status"])
            assert exit_status(runner.summarize([record], 0.0)) == 1, bug


def test_the_undecided_check_alone_catches_inconclusive_as_verified():
    """Without the rules check, the control's status still exposes the bug: a passing
    check and the undecided one give "verified", which the expectation refuses."""
    runner.load_claims()
    claim = registered_claims()[CONTROL]
    context = CheckContext(quick=True, claim_id=CONTROL)
    evidence = [{"level": "reference", "method": "passes", "passed": True, "check": "pass"},
                runner.run_check(runner_control.no_sample_is_no_evidence, context)]
    assert runner.claim_record(claim, evidence, 0.0)["met"]
    with planted("runner-inconclusive-as-verified"):
        from focalrd.verify import runner as bugged

        record = bugged.claim_record(claim, evidence, 0.0)
    assert record["status"] == "verified" and not record["met"]


def test_an_inconclusive_claim_expected_to_hold_makes_verify_exit_1(tmp_path):
    module = tmp_path / "undecided_claims.py"
    module.write_text(textwrap.dedent('''
        from focalrd.verify.registry import Evidence, check, claim

        @claim("user.undecided", statement="one pass, one undecided", provenance="user")
        def passes(ctx):
            return Evidence.reference("passes", True)

        @check("user.undecided")
        def undecided(ctx):
            return Evidence.inconclusive("reference", "cannot decide", "too hard")
        '''), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "focalrd", "verify", "--claims", str(module),
                           "--only", "user.*,runner.*", "--quick", "--out", str(tmp_path / "r")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "2 claims: 0 verified, 0 refuted, 2 inconclusive; 1 met their expectation, 1 did " \
           "not (user.undecided)" in done.stdout
