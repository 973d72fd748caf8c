"""``focalrd selftest``: plant each catalogued bug and check that ``focalrd verify`` refutes it.

For every bug of :mod:`focalrd.verify.selftest_catalogue`, a fresh process runs
``focalrd verify --quick`` with the bug planted at start-up
(:mod:`focalrd.verify.selftest_bootstrap`; the working tree is never modified)
and writes its report into a scratch directory.  The bug is *refuted* when that
run exits with status 1 because a claim did not meet its expectation (or, with
the reference-value cross-checks, because a reference value disagreed): the
claims responsible are recorded.  To keep it fast, the claims the catalogue
lists for the bug run first, one process each, stopping at the first that
refutes it; only if none does do all the other claims run, in one process
(``all_claims`` runs every claim at once and records every refutation).  A bug that survives every
claim, or a run that ends with any other status (a crash is not a refutation),
fails the self-test.

The result goes to ``selftest.json`` and ``selftest.md`` with a fingerprint of
the claim checks and the catalogue, so a stale committed table can be detected
(:func:`fingerprint`, ``tests/test_selftest_fingerprint.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from focalrd.verify.files import prepare_output_directory, write_text_atomic
from focalrd.verify.reporting.model import plural
from focalrd.verify.selftest_catalogue import PlantedBug

SCHEMA = "focalrd.selftest/1"
JSON_NAME = "selftest.json"
MARKDOWN_NAME = "selftest.md"
#: Pseudo-claim naming the reference-value cross-checks of ``focalrd verify``.
REFERENCE_VALUES = "reference-values"
#: The claim run when a bug lists only the reference values (they are computed in
#: every verify run; this claim is the cheapest carrier).
CARRIER_CLAIM = "phi.reduces-to-log"
REGENERATE = "focalrd selftest --jobs 2"
#: A verify run taking longer than this is stopped and counted as an error.
RUN_TIMEOUT_SECONDS = 1800


# -- fingerprint ------------------------------------------------------------------------------
def fingerprinted_files() -> list[Path]:
    """The sources whose change makes the committed table stale.

    The claim checks (``verify/claims/*.py``), the catalogue (``selftest_catalogue.py`` and
    ``verify/planted/*.py``) and the bootstrap.
    """
    from focalrd.verify import claims as claims_package

    verify_dir = Path(__file__).resolve().parent
    claim_files = sorted(Path(claims_package.__file__).resolve().parent.glob("*.py"))
    planted_files = sorted((verify_dir / "planted").glob("*.py"))
    return claim_files + [verify_dir / "selftest_catalogue.py",
                          verify_dir / "selftest_bootstrap.py"] + planted_files


def fingerprint() -> str:
    """SHA-256 over the names and contents (newlines normalised) of :func:`fingerprinted_files`."""
    digest = hashlib.sha256()
    for path in fingerprinted_files():
        digest.update(f"{path.parent.name}/{path.name}\n".encode())
        digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
        digest.update(b"\0")
    return digest.hexdigest()


# -- one bug -----------------------------------------------------------------------------------
@dataclass
class Run:
    """One ``verify`` run with a bug planted."""

    claims: list[str]
    exit_status: int | None
    not_met: list[dict[str, str]]
    reference_disagreement: bool
    seconds: float
    error: str | None = None


def _verify_command(bug: PlantedBug, claims: Sequence[str], out_dir: Path) -> list[str]:
    command = [sys.executable, "-m", "focalrd.verify.selftest_bootstrap", bug.id, "verify",
               "--quick", "--jobs", "1", "--out", str(out_dir)]
    if claims:
        command += ["--only", ",".join(claims)]
    return command


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _short_check(entry: dict[str, Any]) -> str:
    """``module.function`` of a check, without the package and the registration closure."""
    name = str(entry.get("check", "?")).removeprefix("focalrd.verify.claims.")
    return name.replace("._register.<locals>", "")


def run_verify(bug: PlantedBug, claims: Sequence[str]) -> Run:
    """Run ``focalrd verify --quick --only CLAIMS`` (every claim if empty) with ``bug`` planted."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"focalrd-selftest-{bug.id}-") as scratch:
        out_dir = Path(scratch) / "reports"
        env = {**os.environ, "MPLBACKEND": "Agg", "FOCALRD_SELFTEST_BUG": bug.id}
        try:
            done = subprocess.run(_verify_command(bug, claims, out_dir), cwd=scratch, env=env,
                                  capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            return Run(list(claims), None, [], False, time.perf_counter() - started,
                       f"verify did not finish within {RUN_TIMEOUT_SECONDS} s")
        report = _read_json(out_dir / "report.json")
        table = _read_json(out_dir / "reference_values.json")
        not_met = [{"claim": c["id"], "status": c["status"], "expected": c["expected"],
                    "undecided_checks": sum(e.get("passed") is None for e in c["evidence"]),
                    "refuting_checks": [_short_check(e) for e in c["evidence"]
                                        if e.get("passed") is False]}
                   for c in (report or {}).get("claims", []) if not c.get("met")]
        disagreement = table is not None and table.get("agreed") is False
        error = None
        if done.returncode not in (0, 1) or report is None:
            lines = [line for line in done.stderr.splitlines() if line.strip()]
            error = f"exit status {done.returncode}: " + (lines[-1] if lines else "no message")
    return Run(list(claims), done.returncode, not_met, disagreement,
               time.perf_counter() - started, error)


def _strong(entry: dict[str, str]) -> bool:
    """A not-met claim that refutes the bug: refuted though expected to hold, verified
    though expected to fail, ...; never an inconclusive claim (a check that raised or could
    not decide is no refutation), unless every one of its checks decided (then the
    inconclusive status itself is wrong: the verdict machinery is at fault)."""
    return entry["status"] != "inconclusive" or entry.get("undecided_checks") == 0


def _refuted(run: Run) -> bool:
    """The run exited 1 for a real refutation (or a disagreeing reference value)."""
    return run.error is None and run.exit_status == 1 and (
        any(_strong(entry) for entry in run.not_met) or run.reference_disagreement)


def _listed_claims(bug: PlantedBug, known: Sequence[str]) -> list[str]:
    listed = [c for c in bug.claims if c in known]
    return listed or [CARRIER_CLAIM]


def check_bug(bug: PlantedBug, all_claim_ids: Sequence[str], all_claims: bool = False
             ) -> dict[str, Any]:
    """Plant ``bug`` and run verify: each listed claim in turn, stopping at the first
    refutation, then (if none refuted it) every other claim in one run."""
    runs: list[Run] = []
    rest_run: Run | None = None
    if all_claims:
        runs.append(run_verify(bug, []))
    else:
        listed = _listed_claims(bug, all_claim_ids)
        for claim_id in listed:
            runs.append(run_verify(bug, [claim_id]))
            if _refuted(runs[-1]) or runs[-1].error is not None:
                break
        rest = [c for c in all_claim_ids if c not in listed]
        if not _refuted(runs[-1]) and runs[-1].error is None and rest:
            rest_run = run_verify(bug, rest)
            runs.append(rest_run)
    refuting = next((r for r in runs if _refuted(r)), None)
    if refuting is not None:
        outcome = "refuted"
        refuted_by = [f"{m['claim']} ({m['status']}"
                      + (f": {', '.join(m['refuting_checks'])})" if m["refuting_checks"] else ")")
                      for m in refuting.not_met if _strong(m)]
        if refuting.reference_disagreement:
            refuted_by.append(REFERENCE_VALUES)
    else:
        errors = [r.error for r in runs if r.error is not None]
        weak = [f"{m['claim']} ({m['status']})" for r in runs for m in r.not_met]
        outcome = "error" if errors else ("inconclusive" if weak else "survived")
        refuted_by = []
    last = runs[-1]
    error = last.error
    if outcome == "inconclusive":
        error = "only inconclusive: " + ", ".join(weak)
    return {
        **bug.as_dict(),
        "outcome": outcome,
        "refuted_by": refuted_by,
        "stage": "all claims" if all_claims else
                 ("remaining claims" if refuting is not None and refuting is rest_run
                  else "listed claims"),
        "runs": [{"claims": r.claims or ["(all)"], "exit_status": r.exit_status,
                  "not_met": r.not_met, "reference_disagreement": r.reference_disagreement,
                  "seconds": round(r.seconds, 2), "error": r.error} for r in runs],
        "error": error,
        "seconds": round(sum(r.seconds for r in runs), 2),
    }


# -- the whole catalogue -----------------------------------------------------------------------
def registered_claim_ids() -> list[str]:
    from focalrd.verify.registry import registered_claims
    from focalrd.verify.runner import load_claims

    load_claims()
    return list(registered_claims())


def run_selftest(bugs: Sequence[PlantedBug], *, jobs: int = 1, all_claims: bool = False,
                 complete: bool = True,
                 progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Test every bug (``jobs`` at a time) and return the selftest document."""
    started = time.perf_counter()
    claim_ids = registered_claim_ids()
    results: dict[str, dict[str, Any]] = {}
    if progress:
        progress(f"selftest: {plural(len(bugs), 'planted bug')}, {jobs} at a time, each in a fresh "
                 f"`focalrd verify --quick` process")
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(check_bug, bug, claim_ids, all_claims): bug for bug in bugs}
        for future in as_completed(futures):
            bug = futures[future]
            result = future.result()
            results[bug.id] = result
            if progress:
                what = ", ".join(result["refuted_by"]) if result["refuted_by"] else \
                    (result["error"] or "no claim refuted it")
                progress(f"[{len(results)}/{len(bugs)}] {result['outcome']:8} {bug.id}: {what} "
                         f"({result['seconds']:.1f} s)")
    ordered = [results[b.id] for b in bugs]
    seconds = time.perf_counter() - started
    return {
        "schema": SCHEMA,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "fingerprint": fingerprint(),
        "fingerprinted_files": [f"{p.parent.name}/{p.name}" for p in fingerprinted_files()],
        "complete": complete,
        "settings": {"jobs": jobs, "all_claims": all_claims, "quick": True},
        "regenerate": REGENERATE,
        "bugs": ordered,
        "summary": {
            "bugs": len(ordered),
            "refuted": sum(r["outcome"] == "refuted" for r in ordered),
            "survived": [r["id"] for r in ordered if r["outcome"] == "survived"],
            "inconclusive": [r["id"] for r in ordered if r["outcome"] == "inconclusive"],
            "errors": [r["id"] for r in ordered if r["outcome"] == "error"],
            "seconds": round(seconds, 1),
        },
    }


def passed(document: dict[str, Any]) -> bool:
    """Every catalogued bug was refuted, and every negative control survived.

    A control changes nothing; if verify "refuted" it, verify fails on correct code.
    """
    return all(r["outcome"] == ("survived" if r["area"] == "control" else "refuted")
               for r in document["bugs"])


# -- reports -----------------------------------------------------------------------------------
def document_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def document_markdown(document: dict[str, Any], mutation: dict[str, Any] | None = None) -> str:
    """selftest.md; with ``mutation`` (a ``mutation.json`` document), its summary follows."""
    summary = document["summary"]
    lines = [
        "# Self-test: planted bugs and the claims that refute them",
        "",
        "Each row is a small, realistic bug planted in a fresh `focalrd verify --quick` "
        "process (the working tree is not modified); *refuted by* lists the claims that did "
        "not meet their expectation in that run (status and refuting checks in brackets; "
        "*reference-values*: a reference value disagreed with its second method).  The "
        "claims the catalogue lists for a bug run first, one at a time, stopping at the "
        "first that refutes it; the others only if none does.  A claim that merely turned "
        "inconclusive (a check raised) is no refutation.  Catalogue: "
        "`verify/selftest_catalogue.py`; figures are not drawn in these runs.",
        "",
        f"- bugs: {summary['bugs']}, refuted: {summary['refuted']}, survived: "
        f"{len(summary['survived'])}"
        + (f" ({', '.join(summary['survived'])})" if summary["survived"] else "")
        + f", only inconclusive: {len(summary['inconclusive'])}"
        + (f" ({', '.join(summary['inconclusive'])})" if summary["inconclusive"] else "")
        + f", errors: {len(summary['errors'])}"
        + (f" ({', '.join(summary['errors'])})" if summary["errors"] else ""),
        f"- wall time: {summary['seconds']} s with {document['settings']['jobs']} job(s)"
        + ("" if document["complete"] else " (partial run: --only)"),
        f"- fingerprint of the claim checks and the catalogue: `{document['fingerprint']}`",
        f"- regenerate: `{document['regenerate']}`",
        "",
        "| bug | area | planted in | what is wrong | refuted by | seconds |",
        "|---|---|---|---|---|---|",
    ]
    for r in document["bugs"]:
        mark = " (issue 14)" if r["issue14"] else ""
        verdict = ", ".join(r["refuted_by"]) if r["outcome"] == "refuted" else \
            f"**{r['outcome'].upper()}**" + (f": {r['error']}" if r["error"] else "")
        lines.append(f"| `{r['id']}`{mark} | {r['area']} | `{r['target']}` | "
                     f"{_cell(r['description'])} | {_cell(verdict)} | {r['seconds']} |")
    if mutation is not None:
        from focalrd.verify.mutation_report import summary_lines

        lines += ["", *summary_lines(mutation)]
    return "\n".join(lines).rstrip("\n") + "\n"


def _mutation_document(out_dir: Path) -> dict[str, Any] | None:
    """The ``mutation.json`` beside the self-test reports (``python -m
    focalrd.verify.mutation run`` writes it), if there is a readable one."""
    document = _read_json(out_dir / "mutation.json")
    if document is None or not str(document.get("schema", "")).startswith("focalrd.mutation/"):
        return None
    return document


def write_documents(document: dict[str, Any], out_dir: Path | str) -> list[Path]:
    """Write selftest.json and selftest.md into ``out_dir`` atomically."""
    path = prepare_output_directory(out_dir)
    written = []
    markdown = document_markdown(document, _mutation_document(path))
    for name, text in ((JSON_NAME, document_json(document)), (MARKDOWN_NAME, markdown)):
        write_text_atomic(path / name, text)
        written.append(path / name)
    return written
