"""The verification runner: statuses, expectations, determinism, parallel runs, the CLI."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from focalrd.numeric.errors import InvalidInputError
from focalrd.verify.progress import Progress
from focalrd.verify.registry import isolated_registry
from focalrd.verify.runner import (
    REPORT_NAME,
    SCHEMA,
    RunSettings,
    document_json,
    load_claims,
    load_user_module,
    run,
    select_claims,
    split_patterns,
    write_report,
)

USER_CLAIMS = '''
import random

import numpy
from hypothesis import strategies as st
from focalrd.verify.registry import Evidence, claim, define, falsify

@claim("user.squares", statement="n^2 >= 0 for integers n", provenance="user")
def squares(ctx):
    drawn = [ctx.rng.randint(-10**9, 10**9) for _ in range(ctx.effort(5, 20))]
    # numpy.bool_ verdict and a draw from the global generator: the runner copes with both.
    return Evidence.sampled("seeded integers", numpy.bool_(all(n * n >= 0 for n in drawn)),
                            len(drawn), drawn=drawn[:3], global_draw=random.random())

def _below_17(ctx):
    out = falsify(st.fixed_dictionaries({"n": st.integers(0, 10**6)}), lambda x: x["n"] < 17,
                  ctx.effort(100, 300), seed=f"{ctx.seed}:{ctx.claim_id}")
    return Evidence.sampled("hypothesis search", out.counterexample is None, out.examples,
                            counterexample=out.counterexample)

claim("user.below-17-fails", statement="every n in 0..10^6 is < 17", provenance="user",
      expected="fails")(_below_17)
claim("user.below-17-holds", statement="every n in 0..10^6 is < 17 (wrongly expected)",
      provenance="user")(_below_17)

define("user.unchecked", statement="nobody checks this", provenance="user")

@claim("user.crashes", statement="a check that raises", provenance="user", level="certified")
def crashes(ctx):
    raise RuntimeError("deliberate failure")

@claim("user.unknown", statement="undecided", provenance="user", expected="unknown")
def undecided(ctx):
    return Evidence.inconclusive("sampled", "cannot tell", "too hard")
'''


@pytest.fixture
def user_claims(tmp_path: Path):
    """A user claims module in tmp_path; the claims it registers are forgotten afterwards."""
    load_claims()  # the suite's own claims stay registered after the test
    path = tmp_path / "user_claims.py"
    path.write_text(USER_CLAIMS)
    with isolated_registry():
        yield str(path)


def _settings(module: str, only: str = "user.*", **kwargs) -> RunSettings:
    return RunSettings(quick=True, only=split_patterns(only), claims_modules=(module,), **kwargs)


def _without_timings(value):
    """The document without the keys that may differ between identical runs."""
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k not in ("seconds", "created")}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def test_statuses_expectations_and_summary(user_claims):
    document = run(_settings(user_claims))
    records = {r["id"]: r for r in document["claims"]}
    assert list(records) == ["user.squares", "user.below-17-fails", "user.below-17-holds",
                             "user.unchecked", "user.crashes", "user.unknown"]

    assert records["user.squares"]["status"] == "verified" and records["user.squares"]["met"]
    # A false claim expected to fail: refuted with the least counterexample, and met.
    refuted = records["user.below-17-fails"]
    assert refuted["status"] == "refuted" and refuted["met"]
    assert refuted["counterexample"] == {"n": 17}
    assert refuted["evidence"][0]["counterexample"] == {"n": 17}
    assert "the suite working" in refuted["met_reason"]
    # The same check, but the claim expected to hold: not met.
    wrong = records["user.below-17-holds"]
    assert wrong["status"] == "refuted" and not wrong["met"]

    unchecked = records["user.unchecked"]
    assert unchecked["status"] == "inconclusive" and not unchecked["met"]
    assert unchecked["why"] == "no check registered" and unchecked["evidence"] == []

    crashed = records["user.crashes"]
    assert crashed["status"] == "inconclusive" and not crashed["met"]
    entry = crashed["evidence"][0]
    assert entry["passed"] is None and entry["level"] == "certified"
    assert "RuntimeError: deliberate failure" in entry["why"] and "user_claims.py" in entry["why"]

    unknown = records["user.unknown"]
    assert unknown["status"] == "inconclusive" and unknown["met"]
    assert "too hard" in unknown["why"] and "unknown" in unknown["met_reason"]

    summary = document["summary"]
    assert (summary["claims"], summary["verified"], summary["refuted"],
            summary["inconclusive"]) == (6, 1, 2, 3)
    assert (summary["met"], summary["not_met"]) == (3, 3)
    assert summary["not_met_ids"] == ["user.below-17-holds", "user.unchecked", "user.crashes"]
    assert summary["by_level"] == {"sampled": 1, "reference": 0, "exhaustive": 0,
                                   "certified": 0, "symbolic": 0}


def test_document_follows_the_documented_schema(user_claims):
    document = run(_settings(user_claims, only="user.squares"))
    assert document["schema"] == SCHEMA
    assert set(document) >= {"schema", "focalrd_version", "created", "settings", "environment",
                             "load_errors", "claims", "summary"}
    assert document["settings"] == {"dps": 30, "quick": True, "seed": 0, "jobs": 1,
                                     "only": ["user.squares"], "claims_modules": [user_claims]}
    assert set(document["environment"]) == {"python", "platform", "packages", "mpmath_backend",
                                            "git_revision"}
    assert document["environment"]["packages"]["mpmath"]
    record = document["claims"][0]
    assert set(record) >= {"id", "section", "statement", "latex", "provenance", "expected",
                           "status", "met", "why", "evidence", "counterexample", "notes",
                           "seconds"}
    assert set(record["evidence"][0]) >= {"level", "method", "passed", "samples", "seconds",
                                          "check"}
    json.loads(document_json(document))  # JSON-serialisable as it stands


def test_same_seed_same_json_and_the_seed_matters(user_claims):
    settings = _settings(user_claims, only="user.squares,user.below-17-*")
    first, second = run(settings), run(settings)
    assert first["created"] and first["summary"]["seconds"] >= 0
    strip = _without_timings
    assert document_json(strip(first)) == document_json(strip(second))
    other = run(_settings(user_claims, only="user.squares", seed=1))
    assert other["claims"][0]["evidence"][0]["drawn"] != first["claims"][0]["evidence"][0]["drawn"]


@pytest.mark.slow
def test_parallel_jobs_give_the_same_results(user_claims):
    serial = run(_settings(user_claims, only="user.*"))
    parallel = run(_settings(user_claims, only="user.*", jobs=2))
    assert parallel["settings"]["jobs"] == 2
    for key in ("claims", "summary"):
        assert _without_timings(parallel[key]) == _without_timings(serial[key])


def test_only_patterns_select_in_registration_order(user_claims):
    load_claims([user_claims])
    assert split_patterns("a.*, b ,,c") == ("a.*", "b", "c")
    chosen = [c.id for c in select_claims(split_patterns("user.unknown,user.sq*"))]
    assert chosen == ["user.squares", "user.unknown"]
    with pytest.raises(InvalidInputError, match="only"):
        select_claims(("user.nothing-like-this",))


def test_user_modules_that_cannot_be_loaded_are_usage_errors(tmp_path):
    with pytest.raises(InvalidInputError, match="no such .py file"):
        load_user_module(str(tmp_path / "missing.py"))
    with pytest.raises(InvalidInputError, match="module not found"):
        load_user_module("focalrd_no_such_module_here")
    broken = tmp_path / "broken.py"
    broken.write_text("def oops(:\n")
    with pytest.raises(InvalidInputError, match="SyntaxError") as caught:
        load_user_module(str(broken))
    assert "\n" not in str(caught.value)


def test_report_is_written_atomically(tmp_path, user_claims):
    document = run(_settings(user_claims, only="user.squares"))
    out = tmp_path / "nested" / "out"
    path = write_report(document, out)
    assert path == out / REPORT_NAME
    assert json.loads(path.read_text()) == document
    assert sorted(p.name for p in out.iterdir()) == [REPORT_NAME]  # no temporary file left


def test_progress_prints_one_line_per_claim():
    stream = io.StringIO()
    progress = Progress(2, stream, live=False)
    for claim_id, status, met in (("a.one", "verified", True), ("b.two", "refuted", False)):
        progress.started(claim_id)
        progress.finished({"id": claim_id, "status": status, "met": met, "seconds": 0.5})
    progress.close()
    lines = stream.getvalue().splitlines()
    assert lines == ["[1/2] verified     a.one  0.50 s",
                     "[2/2] refuted      b.two  0.50 s  (expectation not met)"]


def test_live_progress_rewrites_one_line_and_keeps_finished_claims():
    stream = io.StringIO()
    progress = Progress(2, stream, live=True)
    progress.started("a.one")
    progress.started("b.two")
    progress.finished({"id": "a.one", "status": "verified", "met": True, "seconds": 0.25})
    progress.finished({"id": "b.two", "status": "inconclusive", "met": False, "seconds": 1})
    progress.close()
    text = stream.getvalue()
    assert "running a.one, b.two" in text
    # What the terminal shows at the end: each finished claim on its own line.
    shown = [line.split("\r")[-1].rstrip() for line in text.split("\n")]
    assert shown == ["[1/2] verified     a.one  0.25 s",
                     "[2/2] inconclusive b.two  1.00 s  (expectation not met)", ""]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "focalrd.verify.cli", "verify", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=600)


@pytest.mark.slow
def test_cli_exit_statuses(tmp_path, user_claims):
    out = tmp_path / "reports"
    met = _cli("--claims", user_claims, "--only", "user.squares,user.below-17-fails", "--quick",
               "--out", str(out), "--json", cwd=tmp_path)
    assert met.returncode == 0, met.stderr
    document = json.loads(met.stdout)  # stdout holds the document and nothing else
    assert [r["status"] for r in document["claims"]] == ["verified", "refuted"]
    assert json.loads((out / REPORT_NAME).read_text())["claims"] == document["claims"]
    assert "user.squares" in met.stderr  # progress on stderr

    not_met = _cli("--claims", user_claims, "--only", "user.below-17-holds", "--quick",
                   "--out", str(out), cwd=tmp_path)
    assert not_met.returncode == 1, not_met.stderr
    assert "user.below-17-holds" in not_met.stdout

    usage = _cli("--only", "no.such.claim", "--out", str(out), cwd=tmp_path)
    assert usage.returncode == 2
    assert usage.stderr.count("\n") == 1 and "only" in usage.stderr
    assert "Traceback" not in usage.stderr and usage.stdout == ""


UNSUPPORTED_CLAIMS = """
from focalrd.verify.registry import Evidence, claim

@claim("user.string-verdict", statement="a check answering 'yes'", provenance="user")
def string_verdict(ctx):
    return Evidence("reference", "a verdict that is a string", "yes")

@claim("user.no-samples", statement="a pass on no sample", provenance="user")
def no_samples(ctx):
    return Evidence("sampled", "nothing drawn", True, {"samples": 0})

@claim("user.no-instances", statement="a pass on no instance", provenance="user")
def no_instances(ctx):
    return Evidence("exhaustive", "nothing enumerated", True, {"instances": 0})

@claim("user.three-samples", statement="a pass on three samples", provenance="user")
def three_samples(ctx):
    return Evidence("sampled", "three drawn", True, {"samples": 3})
"""


def test_unsupported_verdicts_are_inconclusive_not_verified(tmp_path):
    load_claims()
    path = tmp_path / "unsupported_claims.py"
    path.write_text(UNSUPPORTED_CLAIMS)
    with isolated_registry():
        document = run(_settings(str(path)))
    records = {r["id"]: r for r in document["claims"]}
    assert records["user.three-samples"]["status"] == "verified"
    for claim_id, reason in (("user.string-verdict", "non-boolean verdict"),
                             ("user.no-samples", "0 samples"),
                             ("user.no-instances", "0 instances")):
        record = records[claim_id]
        assert record["status"] == "inconclusive" and not record["met"], claim_id
        assert record["evidence"][0]["passed"] is None and reason in record["why"], claim_id
    assert document["summary"]["verified"] == 1


@pytest.mark.slow
def test_a_suite_module_that_failed_to_import_is_not_met(tmp_path, user_claims, monkeypatch,
                                                          capsys):
    from focalrd.verify import runner
    from focalrd.verify.cli import main

    monkeypatch.setitem(runner._LOAD_ERRORS, "focalrd.verify.claims.broken",
                        "SyntaxError: invalid syntax")
    document = run(_settings(user_claims, only="user.squares"))
    assert document["claims"][0]["status"] == "verified"
    summary = document["summary"]
    assert (summary["met"], summary["not_met"], summary["load_errors"]) == (1, 1, 1)
    assert summary["not_met_ids"] == ["focalrd.verify.claims.broken (failed to import)"]

    out = tmp_path / "out"
    status = main(["verify", "--claims", user_claims, "--only", "user.squares", "--quick",
                   "--out", str(out)])
    captured = capsys.readouterr()
    assert status == 1
    assert "focalrd.verify.claims.broken" in captured.err and "not meet" in captured.err
    assert "does not meet its expectation" in (out / "report.md").read_text()


TWO_CHECKS = """
from focalrd.verify.registry import Evidence, check, claim

@claim("user.two-streams", statement="two checks of one claim", provenance="user")
def first(ctx):
    return Evidence.sampled("draws", True, 3, drawn=[ctx.rng.random() for _ in range(3)])

@check("user.two-streams")
def second(ctx):
    return Evidence.sampled("draws", True, 3, drawn=[ctx.rng.random() for _ in range(3)])
"""


def test_each_check_of_a_claim_has_its_own_random_stream(tmp_path):
    load_claims()
    path = tmp_path / "two_checks.py"
    path.write_text(TWO_CHECKS)
    with isolated_registry():
        runs = [run(_settings(str(path), only="user.two-streams")) for _ in range(2)]
    first, second = (entry["drawn"] for entry in runs[0]["claims"][0]["evidence"])
    assert first != second
    assert _without_timings(runs[0]["claims"]) == _without_timings(runs[1]["claims"])


def test_a_negative_seed_is_accepted_by_the_simulation_check():
    load_claims()
    document = run(RunSettings(quick=True, seed=-1, only=("n.simulation",)))
    record = document["claims"][0]
    assert record["status"] == "verified", record
    assert all(0 <= run_["seed"] for run_ in record["evidence"][0]["runs"])


def test_a_false_claim_is_met_only_when_its_declared_checks_refute_it():
    # a bug that breaks a supporting check of a claim expected to fail must not hide
    # behind the expected refutation (issue 22: mutants in verify's own structure checks)
    from focalrd.verify.registry import Claim
    from focalrd.verify.runner import claim_record

    def entry(name, passed):
        return {"check": f"focalrd.verify.claims.demo.{name}", "passed": passed}

    claim = Claim("demo.false", "a false statement", "", "derived here", "fails",
                  refuted_by=("counterexample",))
    expected = claim_record(claim, [entry("identity", True), entry("counterexample", False)], 0)
    assert expected["status"] == "refuted" and expected["met"]
    broken = claim_record(claim, [entry("identity", False), entry("counterexample", False)], 0)
    assert broken["status"] == "refuted" and not broken["met"]
    assert "identity" in broken["met_reason"]
    undecided = claim_record(claim, [entry("identity", None), entry("counterexample", False)], 0)
    assert not undecided["met"]
    lost = claim_record(claim, [entry("identity", True), entry("counterexample", True)], 0)
    assert lost["status"] == "verified" and not lost["met"]
