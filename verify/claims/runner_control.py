"""A control claim for the runner's statuses (issue 22: "no normal run has an inconclusive check").

Every claim of a normal run is verified or refuted, so a runner that reported an
inconclusive claim as verified would go unnoticed.  ``[runner.inconclusive-control]``
has two checks:

* :func:`status_rules` passes when the runner's rules, applied to evidence made up
  here, give what the README states: a claim is refuted when any check refutes it,
  verified only when every check passed, inconclusive otherwise; each expectation
  is met as documented; the summary counts an inconclusive claim expected to hold
  as not met, and such a run exits with status 1 (so does a disagreeing reference
  value); a sampled pass on no sample and a non-boolean verdict are screened to
  inconclusive;
* :func:`no_sample_is_no_evidence` is a sampled check that ran on no sample: it
  returns ``passed: True`` with ``samples: 0``, which the runner must turn into
  inconclusive evidence.

So the claim must come out inconclusive.  It is expected ``"inconclusive"``: it
meets its expectation only then, so a runner that calls it verified (or refuted)
makes ``focalrd verify`` exit with status 1.
"""

from __future__ import annotations

from typing import Any

from focalrd.verify.registry import CheckContext, Claim, Evidence, check, claim

CONTROL = "runner.inconclusive-control"

_PASS = {"level": "reference", "method": "made up", "passed": True}
_REFUTE = {"level": "reference", "method": "made up", "passed": False,
           "counterexample": {"x": 1}}
_UNDECIDED = {"level": "reference", "method": "made up", "passed": None, "why": "made up"}


def _record(expected: str, evidence: list[dict[str, Any]]) -> dict[str, Any]:
    from focalrd.verify import runner

    made_up = Claim("made-up.claim", "made up", "", "user", expected)
    return runner.claim_record(made_up, [dict(e) for e in evidence], 0.0)


#: (expected, evidence, status, met) as the README's "Statuses" paragraph states them.
_RULES = (
    ("holds", [_PASS, _PASS], "verified", True),
    ("holds", [_PASS, _UNDECIDED], "inconclusive", False),
    ("holds", [_UNDECIDED], "inconclusive", False),
    ("holds", [], "inconclusive", False),
    ("holds", [_PASS, _REFUTE, _UNDECIDED], "refuted", False),
    ("fails", [_REFUTE, _PASS], "refuted", True),
    ("fails", [_PASS, _PASS], "verified", False),
    ("fails", [_PASS, _UNDECIDED], "inconclusive", False),
    ("unknown", [_PASS, _UNDECIDED], "inconclusive", True),
    ("inconclusive", [_PASS, _UNDECIDED], "inconclusive", True),
    ("inconclusive", [_PASS, _PASS], "verified", False),
)


@claim(CONTROL, section="runner", expected="inconclusive", provenance="derived here",
       level="reference",
       latex=r"\{\text{passed},\ \text{undecided}\} \Rightarrow \text{inconclusive}",
       statement="Control: a claim with one passing check and one check that cannot decide is "
                 "inconclusive, never verified, and a run whose claims expected to hold are "
                 "not all verified exits with status 1.",
       notes="A control of focalrd verify itself, not of the theory: it is expected to be "
             "inconclusive and meets that expectation only when the runner keeps it so.")
def status_rules(ctx: CheckContext) -> Evidence:
    """The runner's status, expectation, summary and exit-status rules on made-up evidence."""
    from focalrd.verify import runner
    from focalrd.verify.commands.verify import exit_status
    from focalrd.verify.registry import screen_verdict

    failures = []
    records = []
    for expected, evidence, status, met in _RULES:
        record = _record(expected, evidence)
        records.append(record)
        if (record["status"], record["met"]) != (status, met):
            failures.append({"expected": expected,
                             "verdicts": [e["passed"] for e in evidence],
                             "status": record["status"], "met": record["met"],
                             "documented": [status, met]})
    summary = runner.summarize(records, 0.0)
    not_met = sum(1 for _, _, _, met in _RULES if not met)
    counts = {status: sum(1 for rule in _RULES if rule[2] == status)
              for status in ("verified", "refuted", "inconclusive")}
    if summary["not_met"] != not_met or any(summary[k] != v for k, v in counts.items()):
        failures.append({"summary": {k: summary[k] for k in (*counts, "met", "not_met")},
                         "documented_not_met": not_met, "documented": counts})
    inconclusive_only = runner.summarize([_record("holds", [_PASS, _UNDECIDED])], 0.0)
    clean = runner.summarize([_record("holds", [_PASS]), _record("fails", [_REFUTE])], 0.0)
    statuses = {"inconclusive claim expected to hold": (exit_status(inconclusive_only), 1),
                "every claim met": (exit_status(clean), 0),
                "every claim met, a reference value disagrees":
                    (exit_status(clean, ["tau(2, 3)"]), 1)}
    failures += [{"run": name, "exit_status": got, "documented": want}
                 for name, (got, want) in statuses.items() if got != want]
    screened = {"sampled pass on 0 samples": screen_verdict(
                    {"level": "sampled", "passed": True, "samples": 0})["passed"],
                "exhaustive pass on 0 instances": screen_verdict(
                    {"level": "exhaustive", "passed": True, "instances": 0})["passed"],
                "verdict 'yes'": screen_verdict({"level": "reference", "passed": "yes"})["passed"],
                "sampled pass on 1 sample": screen_verdict(
                    {"level": "sampled", "passed": True, "samples": 1})["passed"]}
    documented = {"sampled pass on 0 samples": None, "exhaustive pass on 0 instances": None,
                  "verdict 'yes'": None, "sampled pass on 1 sample": True}
    failures += [{"screen": name, "verdict": screened[name], "documented": want}
                 for name, want in documented.items() if screened[name] is not want]
    return Evidence.reference(
        f"the runner's rules on {len(_RULES)} made-up claims (status from the verdicts, "
        "expectation met), the summary's counts, the exit status of a run with an "
        "inconclusive claim expected to hold (1), of a clean run (0) and of a clean run "
        "with a disagreeing reference value (1), and the screen of untrustworthy verdicts, "
        "all as the README states them", not failures,
        counterexample=failures[0] if failures else None, rules=len(_RULES))


@check(CONTROL, level="sampled")
def no_sample_is_no_evidence(ctx: CheckContext) -> Evidence:
    """A sampled check that ran on no sample: its pass must be screened to inconclusive."""
    return Evidence("sampled", "control: a sampled check that drew no sample (a pass on no "
                    "sample supports nothing; the runner must report it inconclusive)", True,
                    {"samples": 0})
