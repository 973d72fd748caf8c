"""Planted bugs in the runner's statuses (issue 22): inconclusive reported as verified.

The catalogue's older runner bugs turn refuted into verified; no theory claim of a
normal run is inconclusive, so these are refuted by the control claim
``[runner.inconclusive-control]`` (:mod:`focalrd.verify.claims.runner_control`):
expected inconclusive, with one passing and one undecided check.
"""

from __future__ import annotations

from focalrd.verify.selftest_catalogue import PlantedBug, _bug, _with_status

R = "focalrd.verify.runner"
CONTROL = ("runner.inconclusive-control",)


def _inconclusive_as_verified(original, module):
    def wrong(claim, evidence, seconds, why=None):
        record = original(claim, evidence, seconds, why)
        if record["status"] == "inconclusive" and evidence:
            return _with_status(record, "verified", module)
        return record
    return wrong


def _verified_if_one_passed(original, module):
    def wrong(claim, evidence, seconds, why=None):
        record = original(claim, evidence, seconds, why)
        verdicts = [e.get("passed") for e in evidence]
        if record["status"] == "inconclusive" and any(v is True for v in verdicts):
            return _with_status(record, "verified", module)   # any() for all()
        return record
    return wrong


def _zero_samples_kept(original, module):
    def wrong(entry):
        count = entry.get("samples") if entry.get("level") == "sampled" else None
        if entry.get("passed") is True and count == 0:
            return dict(entry)                 # `count < 0` for `count < 1`: 0 samples pass
        return original(entry)
    return wrong


def _summary_skips_inconclusive(original, module):
    def wrong(records, seconds, load_errors=()):
        summary = original(records, seconds, load_errors)
        skipped = [r["id"] for r in records if not r["met"] and r["status"] == "inconclusive"]
        ids = [i for i in summary["not_met_ids"] if i not in skipped]
        return {**summary, "not_met_ids": ids, "not_met": len(ids),
                "met": summary["met"] + len(skipped)}
    return wrong


def _exit_ignores_reference_values(original, module):
    return lambda summary, disagreeing=(): original(summary, ())


BUGS: tuple[PlantedBug, ...] = (
    _bug("runner-inconclusive-as-verified", "runner", "an inconclusive claim (a check that "
         "could not decide) reported as verified", f"{R}:claim_record", CONTROL,
         _inconclusive_as_verified),
    _bug("runner-verified-if-one-passed", "runner", "a claim verified when any check passed and "
         "none refuted (any() for all(): undecided checks ignored)", f"{R}:claim_record",
         CONTROL, _verified_if_one_passed),
    _bug("runner-zero-samples-pass", "runner", "a sampled pass on 0 samples kept as a pass "
         "(the screen's count < 1 written count < 0)",
         "focalrd.verify.registry:screen_verdict", CONTROL, _zero_samples_kept),
    _bug("summary-inconclusive-met", "runner", "the run's summary counts an inconclusive claim "
         "expected to hold as met (so the run exits 0)", f"{R}:summarize", CONTROL,
         _summary_skips_inconclusive),
    _bug("verify-exit-ignores-reference-values", "runner", "`focalrd verify` exits 0 although a "
         "reference value disagrees with its second method",
         "focalrd.verify.commands.verify:exit_status", CONTROL, _exit_ignores_reference_values),
)
