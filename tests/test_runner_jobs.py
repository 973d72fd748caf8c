"""``verify --jobs``: work is split below the claim level, the results do not depend on it,
and no process outlives the command.

Real worker processes throughout (the runner's spawn pool); the rendezvous claim
can only be verified when two checks of *one* claim run at the same time, so it
fails on a runner that hands out whole claims.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from focalrd.verify.registry import isolated_registry
from focalrd.verify.runner import (
    CHECK_SECONDS,
    RunSettings,
    estimated_seconds,
    load_claims,
    run,
    select_claims,
)
from tests.test_runner_signals import EXIT_GRACE, PATIENCE, left_after_exit, session_processes

#: Seconds a rendezvous check waits for its partner (generous: a loaded machine may take
#: long to start the second worker; the wait ends as soon as the partner is there).
RENDEZVOUS_WAIT = 300

SPLIT_CLAIMS = f'''
import os
import time
from pathlib import Path

from focalrd.verify.registry import Evidence, check, claim

def _meet(ctx, me, other):
    place = Path(os.environ["FOCALRD_TEST_RENDEZVOUS"])
    (place / me).write_text(str(os.getpid()))
    deadline = time.monotonic() + {RENDEZVOUS_WAIT}
    while not (place / other).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    met = (place / other).exists()
    return Evidence.exhaustive("rendezvous of two checks of one claim", met, 1,
                               partner_seen=met)

@claim("user.rendezvous", statement="two checks of one claim run at once", provenance="user")
def first(ctx):
    return _meet(ctx, "first", "second")

@check("user.rendezvous")
def second(ctx):
    return _meet(ctx, "second", "first")

@claim("user.ordered", statement="evidence in check order", provenance="user")
def slow(ctx):
    time.sleep(0.6)
    return Evidence.exhaustive("slowest, registered first", True, 1, mark=0)

@check("user.ordered")
def middle(ctx):
    time.sleep(0.3)
    return Evidence.exhaustive("middle", True, 1, mark=1)

@check("user.ordered")
def fast(ctx):
    return Evidence.exhaustive("fastest, registered last", True, 1, mark=2)
'''


@pytest.fixture
def split_claims(tmp_path, monkeypatch):
    module = tmp_path / "split_claims.py"
    module.write_text(SPLIT_CLAIMS)
    place = tmp_path / "rendezvous"
    place.mkdir()
    monkeypatch.setenv("FOCALRD_TEST_RENDEZVOUS", str(place))  # inherited by the workers
    load_claims()  # the suite's claims stay registered after the isolated block
    with isolated_registry():
        yield str(module)


@pytest.mark.slow  # 2 s: two spawn workers
def test_two_checks_of_one_claim_run_in_two_workers(split_claims):
    settings = RunSettings(quick=True, jobs=2, only=("user.*",), claims_modules=(split_claims,))
    document = run(settings)
    records = {record["id"]: record for record in document["claims"]}
    rendezvous = records["user.rendezvous"]
    assert rendezvous["status"] == "verified", rendezvous["evidence"]
    # The two checks ran in different processes, neither of them the parent.
    place = Path(os.environ["FOCALRD_TEST_RENDEZVOUS"])
    pids = {(place / name).read_text() for name in ("first", "second")}
    assert len(pids) == 2 and str(os.getpid()) not in pids
    # Evidence comes back in the order the checks were registered, whichever finished first.
    ordered = records["user.ordered"]
    assert [entry["mark"] for entry in ordered["evidence"]] == [0, 1, 2]
    assert ordered["status"] == "verified"


def test_unmeasured_checks_are_scheduled_at_the_median(split_claims):
    load_claims([split_claims])
    claims = select_claims(("user.ordered",))
    table = json.loads((Path(__file__).parents[1] / "verify" / CHECK_SECONDS).read_text())
    median = statistics.median_high(table["full"].values())
    assert estimated_seconds(claims, quick=False) == {("user.ordered", i): median
                                                     for i in range(3)}
    suite = select_claims(("focal-entropy.unique",))
    estimate = estimated_seconds(suite, quick=True)
    # measured checks at their measured seconds; a check added since the table was last
    # written (by `focalrd benchmark --suite jobs`) at the median
    keys = [f"focal-entropy.unique:{func.__module__}.{func.__qualname__}"
            for func in suite[0].checks]
    assert sum(key in table["quick"] for key in keys) >= 3
    quick_median = statistics.median_high(table["quick"].values())
    assert list(estimate.values()) == [table["quick"].get(key, quick_median) for key in keys]


def _strip(document):
    if isinstance(document, dict):
        return {k: _strip(v) for k, v in document.items()
                if k not in ("seconds", "created", "jobs")}
    if isinstance(document, list):
        return [_strip(v) for v in document]
    return document


@pytest.mark.slow
def test_two_jobs_write_the_reports_of_one_and_leave_no_process(tmp_path):
    reports = {}
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}"
        process = subprocess.Popen(
            [sys.executable, "-m", "focalrd", "verify", "--quick", "--jobs", str(jobs),
             "--only", "phi.*,tau.*,focal-entropy.unique", "--out", str(out)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, stderr = process.communicate(timeout=PATIENCE)
            left = left_after_exit(process.pid, EXIT_GRACE)
        finally:
            for pid in session_processes(process.pid):
                os.kill(pid, 9)
        assert process.returncode == 0, stderr.decode()[-2000:]
        assert left == [], f"still running after --jobs {jobs} exited: {left}"
        reports[jobs] = out
    assert (_strip(json.loads((reports[1] / "report.json").read_text()))
            == _strip(json.loads((reports[2] / "report.json").read_text())))
    assert ((reports[1] / "reference_values.json").read_bytes()
            == (reports[2] / "reference_values.json").read_bytes())
    # The figures drawn by a worker are the figures drawn in-process.
    figures = sorted(p.name for p in (reports[1] / "figures").iterdir())
    assert figures and figures == sorted(p.name for p in (reports[2] / "figures").iterdir())


UNRULY_CLAIMS = '''
import os

from focalrd.verify.registry import Evidence, check, claim

@claim("user.ends-its-worker", statement="a check that ends its process", provenance="user")
def ends(ctx):
    os._exit(3)

@claim("user.survives", statement="checks that run beside it", provenance="user")
def first(ctx):
    return Evidence.exhaustive("one", True, 1)

@check("user.survives")
def second(ctx):
    return Evidence.exhaustive("two", True, 1)

@check("user.survives")
def third(ctx):
    return Evidence.exhaustive("three", True, 1)
'''


PARENT_ONLY_CLAIMS = '''
import multiprocessing

from focalrd.verify.registry import Evidence, check, claim

if multiprocessing.parent_process() is not None:
    raise RuntimeError("this module refuses to load in a worker process")

@claim("user.parent-only", statement="loads only in the parent", provenance="user")
def one(ctx):
    return Evidence.exhaustive("one", True, 1)

@check("user.parent-only")
def two(ctx):
    return Evidence.exhaustive("two", True, 1)
'''


def _run_two_jobs(module: Path, text: str) -> dict:
    """The report of the claims ``user.*`` of a module holding ``text``, with two workers."""
    module.write_text(text)
    load_claims()  # the suite's claims stay registered after the isolated block
    with isolated_registry():
        return run(RunSettings(quick=True, jobs=2, only=("user.*",),
                               claims_modules=(str(module),)))


@pytest.mark.slow  # 3 s: workers started three times
def test_a_check_that_ends_its_worker_is_inconclusive_and_the_others_run(tmp_path):
    document = _run_two_jobs(tmp_path / "unruly_claims.py", UNRULY_CLAIMS)
    records = {record["id"]: record for record in document["claims"]}
    ended = records["user.ends-its-worker"]
    assert ended["status"] == "inconclusive"
    assert "ended its worker process" in ended["evidence"][0]["why"]
    assert records["user.survives"]["status"] == "verified", records["user.survives"]


def test_workers_that_cannot_start_leave_every_check_inconclusive(tmp_path):
    document = _run_two_jobs(tmp_path / "parent_only_claims.py", PARENT_ONLY_CLAIMS)
    (record,) = document["claims"]
    assert record["status"] == "inconclusive"
    assert [("failed to start" in entry["why"]) for entry in record["evidence"]] == [True, True]
