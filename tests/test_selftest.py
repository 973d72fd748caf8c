"""The planted-bug catalogue, the committed self-test table and ``focalrd selftest`` itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from focalrd.verify.registry import registered_claims
from focalrd.verify.runner import load_claims
from focalrd.verify.selftest import REFERENCE_VALUES, REGENERATE, fingerprint
from focalrd.verify.selftest_catalogue import (
    CATALOGUE,
    CONTROLS,
    _resolve,
    apply_bug,
    select_bugs,
    undo_bug,
)

COMMITTED = Path(__file__).resolve().parent.parent / "reports" / "selftest.json"

#: The planted bugs of issue 14's table that live in the library (the two about
#: the KKT residual are one bug here: a residual reported as 0 hiding a wrong minimiser).
ISSUE_14 = {"dstar-gamma-ignored", "dstar-gamma-plus-one", "dstar-log-k",
            "normal-log-term-sign", "limit-plus-0.01", "focal-entropy-one-step",
            "kkt-residual-zero"}
AREAS = {"phi", "tau", "c_gamma", "one-shot", "blocks", "second-order", "focal-entropy",
         "h_gamma", "certified", "precision", "runner"}


def test_catalogue_is_large_unique_and_covers_every_area():
    ids = [bug.id for bug in CATALOGUE]
    assert len(ids) >= 25 and len(set(ids)) == len(ids)
    assert AREAS <= {bug.area for bug in CATALOGUE}
    assert ISSUE_14 <= {bug.id for bug in CATALOGUE if bug.issue14}
    assert not {c.id for c in CONTROLS} & set(ids)


def test_every_bug_names_a_real_target_and_real_claims():
    load_claims()
    known = set(registered_claims()) | {REFERENCE_VALUES}
    for bug in CATALOGUE + CONTROLS:
        _resolve(bug)  # raises when the module or attribute does not exist
        assert bug.claims and set(bug.claims) <= known, bug.id
        assert bug.description and "\n" not in bug.description


def test_every_bug_changes_its_target_and_is_undone():
    for bug in CATALOGUE:
        _, owner, name, original = _resolve(bug)
        undo = apply_bug(bug)
        try:
            assert getattr(owner, name) is not original, bug.id
        finally:
            undo_bug(undo)
        assert getattr(owner, name) is original, bug.id


def test_selection_by_glob_and_controls_by_exact_id():
    assert [b.id for b in select_bugs(("dstar-*",))] == [
        "dstar-gamma-ignored", "dstar-gamma-plus-one", "dstar-log-k"]
    assert [b.id for b in select_bugs(("control-no-op",))] == ["control-no-op"]
    with pytest.raises(ValueError, match="only"):
        select_bugs(("no-such-bug",))


def test_committed_table_is_current():
    """reports/selftest.json was made from the current claim checks and catalogue."""
    assert COMMITTED.is_file(), f"reports/selftest.json is missing: run `{REGENERATE}`"
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert document["fingerprint"] == fingerprint(), (
        "the claim checks or the planted-bug catalogue changed since reports/selftest.md was "
        f"generated: regenerate it with `{REGENERATE}` and commit reports/selftest.*")
    assert document["complete"], f"the committed table is from a partial run: `{REGENERATE}`"
    assert [r["id"] for r in document["bugs"]] == [b.id for b in CATALOGUE]


def test_committed_table_shows_every_bug_refuted():
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    survivors = [r["id"] for r in document["bugs"] if r["outcome"] != "refuted"]
    assert not survivors, f"planted bugs not refuted by focalrd verify --quick: {survivors}"
    assert all(r["refuted_by"] for r in document["bugs"])


def test_selftest_usage_errors_are_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "focalrd.verify.cli", "selftest", "--only",
                           "no-such-bug"], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "only" in done.stderr


@pytest.mark.slow
def test_selftest_end_to_end(tmp_path):
    """Two catalogued bugs are refuted and the no-op control survives: exit status 0."""
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "focalrd.verify.cli", "selftest", "--only",
         "dstar-gamma-ignored,runner-refuted-as-verified,control-no-op", "--jobs", "2",
         "--out", str(out), "--json"],
        capture_output=True, text=True, cwd=tmp_path, timeout=1800)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    outcomes = {r["id"]: r for r in document["bugs"]}
    assert outcomes["dstar-gamma-ignored"]["outcome"] == "refuted"
    assert any(c.startswith(("n.dstar-closed-form", "asymptotic.equivalence",
                             "n.excess-sandwich", "n.second-order"))
               for c in outcomes["dstar-gamma-ignored"]["refuted_by"])
    assert outcomes["runner-refuted-as-verified"]["refuted_by"][0].startswith(
        "summary.hgamma-monotone (verified")
    assert outcomes["control-no-op"]["outcome"] == "survived"
    assert not document["complete"]
    assert json.loads((out / "selftest.json").read_text()) == document
    assert "control-no-op" in (out / "selftest.md").read_text()
    assert "[3/3]" in done.stderr  # progress on stderr


def _run(exit_status, *not_met, disagreement=False):
    from focalrd.verify.selftest import Run

    return Run(["x"], exit_status, list(not_met), disagreement, 0.0)


def test_only_a_decided_verdict_refutes_a_bug():
    from focalrd.verify.selftest import _refuted

    refuted = {"claim": "a", "status": "refuted", "expected": "holds", "undecided_checks": 0}
    raised = {"claim": "a", "status": "inconclusive", "expected": "holds",
              "undecided_checks": 1}
    mislabelled = {"claim": "b", "status": "inconclusive", "expected": "fails",
                   "undecided_checks": 0}
    assert _refuted(_run(1, refuted))
    assert not _refuted(_run(1, raised))          # a check that raised is no refutation
    assert _refuted(_run(1, raised, mislabelled))  # every check decided: the status is wrong
    assert _refuted(_run(1, disagreement=True))    # a reference value disagreed
    assert not _refuted(_run(0))
    assert not _refuted(_run(4, refuted))         # an internal error is not a verdict
