"""Benchmark of ``focalrd verify --jobs``: one worker process against two.

Each configuration (full run, ``--quick``) is timed as a whole process, the way a
user runs it, with ``--jobs 1`` and ``--jobs 2`` alternating (1, 2, 1, 2, …) so
that a drift in the machine's load affects both alike; the medians are compared.
Beside the times the benchmark checks what the speed-up must not cost:

* the reports are identical (``report.json`` apart from the ``"seconds"`` and
  ``"created"`` keys and ``settings.jobs``, and ``reference_values.json`` byte for
  byte);
* no process is left behind: each run starts in a session of its own, and once
  it has exited no process of that session may remain (polled for a few
  seconds, the time a worker needs to notice its parent is gone).

The per-check seconds of the one-job runs are written to
``focalrd/verify/check_seconds.json``, the table the runner uses to hand out the
checks longest first (only their order depends on it).
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from focalrd.verify.runner import CHECK_SECONDS

__all__ = ["markdown_jobs", "run_jobs"]

#: Runs of each (mode, jobs) pair; alternating 1, 2, 1, 2, ...
REPEATS = 3
#: Seconds a run's session may take to empty after the command exits.
SESSION_GRACE = 5.0


def _strip(document: Any) -> Any:
    """A report with the keys that legitimately differ between runs removed."""
    if isinstance(document, dict):
        return {key: _strip(value) for key, value in document.items()
                if key not in ("seconds", "created")}
    if isinstance(document, list):
        return [_strip(value) for value in document]
    return document


def _session_left(session: int) -> list[int]:
    """Live processes still in session ``session`` (from /proc; empty where /proc is absent)."""
    left = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # fields after "pid (command)": state, ..., field 6 of stat is the session id
        if int(fields[3]) == session and fields[0] not in ("Z", "X"):
            left.append(int(entry.name))
    return left


def _verify_once(jobs: int, quick: bool, out: Path) -> dict[str, Any]:
    """One whole-process ``focalrd verify`` run: wall and CPU seconds, the reports."""
    argv = [sys.executable, "-m", "focalrd", "verify", "--jobs", str(jobs), "--out", str(out)]
    argv += ["--quick"] if quick else []
    before = os.times()
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             start_new_session=True)
    _, stderr = child.communicate()
    wall = time.perf_counter() - started
    after = os.times()
    deadline = time.monotonic() + SESSION_GRACE
    while (left := _session_left(child.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in left:  # do not let a leftover disturb the next run
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    if child.returncode not in (0, 1):
        raise RuntimeError(f"focalrd verify --jobs {jobs} exited {child.returncode}: "
                           f"{stderr.decode(errors='replace')[-2000:]}")
    report = json.loads((out / "report.json").read_text())
    return {"wall": wall,
            "cpu_children": (after.children_user + after.children_system
                             - before.children_user - before.children_system),
            "left_behind": len(left),
            "report": report,
            "reference": (out / "reference_values.json").read_bytes()}


def _check_seconds(report: dict[str, Any]) -> dict[str, float]:
    return {f"{claim['id']}:{entry['check']}": entry["seconds"]
            for claim in report["claims"] for entry in claim["evidence"]}


def run_jobs(dps: int = 30, budget: float = 0.0,
             progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Time ``verify --jobs 1`` against ``--jobs 2``, full and quick, and compare the reports.

    ``dps`` and ``budget`` are accepted for the benchmark command's interface; the runs
    use verify's defaults (30 digits).
    """
    say = progress or (lambda text: None)
    document: dict[str, Any] = {"suite": "jobs", "cores": os.cpu_count(),
                                "load_average_at_start": list(os.getloadavg()),
                                "repeats": REPEATS, "runs": []}
    seconds_table: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="focalrd-jobs-") as work:
        for mode in ("full", "quick"):
            runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
            for repeat in range(REPEATS):
                for jobs in (1, 2):
                    out = Path(work) / f"{mode}-{jobs}-{repeat}"
                    result = _verify_once(jobs, mode == "quick", out)
                    say(f"verify{' --quick' if mode == 'quick' else ''} --jobs {jobs}: "
                        f"{result['wall']:.1f} s")
                    runs[jobs].append(result)
            reference = runs[1][0]
            same_report = all(
                _strip(_without_jobs(r["report"])) == _strip(_without_jobs(reference["report"]))
                for r in runs[1] + runs[2])
            same_reference = all(r["reference"] == reference["reference"]
                                 for r in runs[1] + runs[2])
            walls = {jobs: [r["wall"] for r in runs[jobs]] for jobs in (1, 2)}
            cpus = {jobs: [r["cpu_children"] for r in runs[jobs]] for jobs in (1, 2)}
            median = {jobs: statistics.median(walls[jobs]) for jobs in (1, 2)}
            checks = [_check_seconds(r["report"]) for r in runs[1]]
            seconds_table[mode] = {key: round(statistics.median(c[key] for c in checks), 3)
                                   for key in checks[0]}
            longest = max(seconds_table[mode].items(), key=lambda item: item[1])
            document["runs"].append({
                "mode": mode,
                "wall_jobs_1": walls[1], "wall_jobs_2": walls[2],
                "cpu_jobs_1": cpus[1], "cpu_jobs_2": cpus[2],
                "median_jobs_1": median[1], "median_jobs_2": median[2],
                "speedup": median[1] / median[2],
                "sum_of_check_seconds": round(sum(seconds_table[mode].values()), 2),
                "longest_check": {"check": longest[0], "seconds": longest[1]},
                "identical_reports": same_report and same_reference,
                "processes_left_behind": sum(r["left_behind"] for r in runs[1] + runs[2]),
                "target": None, "met": None})
    full = document["runs"][0]
    full["target"] = ">= 1.6x with --jobs 2, identical reports, no process left behind"
    full["met"] = (full["speedup"] >= 1.6 and full["identical_reports"]
                   and full["processes_left_behind"] == 0)
    document["load_average_at_end"] = list(os.getloadavg())
    document["all_agree"] = all(m["identical_reports"] and m["processes_left_behind"] == 0
                                for m in document["runs"])
    document["check_seconds_written_to"] = _write_check_seconds(seconds_table)
    return document


def _write_check_seconds(table: dict[str, dict[str, float]]) -> str:
    """Install the measured per-check seconds beside the runner (atomically); where it went."""
    target = Path(__file__).with_name(CHECK_SECONDS)
    temporary = target.with_name(f".{CHECK_SECONDS}.{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
        os.replace(temporary, target)
    except OSError as error:  # an installed, read-only package: the table is only a hint
        temporary.unlink(missing_ok=True)
        return f"nowhere ({target} is not writable: {error.strerror})"
    return f"focalrd/verify/{CHECK_SECONDS}"


def _without_jobs(report: dict[str, Any]) -> dict[str, Any]:
    return {**report, "settings": {k: v for k, v in report["settings"].items() if k != "jobs"}}


def markdown_jobs(document: dict[str, Any]) -> str:
    """The benchmark as a Markdown page."""
    lines = [
        "# focalrd verify --jobs: one worker process against two",
        "",
        f"{document['cores']} cores; load average {document['load_average_at_start'][0]:.2f} "
        f"at the start and {document['load_average_at_end'][0]:.2f} at the end of the run. "
        f"Whole-process wall time of `focalrd verify`, {document['repeats']} runs of each, "
        "`--jobs 1` and `--jobs 2` alternating; the medians are compared. CPU is the user + "
        "system time of the process and its workers.",
        "",
        "| run | --jobs 1 wall (s) | --jobs 2 wall (s) | speed-up (medians) | "
        "--jobs 1 CPU (s) | --jobs 2 CPU (s) | sum of check seconds | longest check (s) | "
        "identical reports | processes left | target | met |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in document["runs"]:
        command = "`focalrd verify`" if row["mode"] == "full" else "`focalrd verify --quick`"
        lines.append(
            f"| {command} | {_list(row['wall_jobs_1'])} | {_list(row['wall_jobs_2'])} | "
            f"{row['speedup']:.2f} | {_list(row['cpu_jobs_1'])} | {_list(row['cpu_jobs_2'])} | "
            f"{row['sum_of_check_seconds']} | {row['longest_check']['seconds']} | "
            f"{'yes' if row['identical_reports'] else 'NO'} | {row['processes_left_behind']} | "
            f"{row.get('target') or '—'} | {row['met'] if row['met'] is not None else '—'} |")
    lines += [
        "",
        "How: the runner hands out single checks, not whole claims, longest first by the "
        "per-check seconds of the one-job runs (written to "
        f"`{document['check_seconds_written_to']}`), to worker processes that load the "
        "claims once and live for the whole run; the "
        "figures and the reference-value table are drawn by the workers alongside the checks. "
        "Each check is seeded by its own name, so the reports do not depend on the number of "
        "jobs (compared above: report.json without its timing keys, reference_values.json "
        "byte for byte). Processes left: processes of the run's session still alive "
        f"{SESSION_GRACE:g} s after the command exited.",
        "",
    ]
    return "\n".join(lines)


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:.1f}" for v in values)
