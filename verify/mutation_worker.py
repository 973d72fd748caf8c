"""The test command of the mutation run, executed inside the scratch copy.

:mod:`focalrd.verify.mutation` copies the sources to a scratch directory and runs
this module there through ``bootstrap.py`` (which makes ``focalrd`` import from the
copy), so the mutant cosmic-ray wrote into the copy is the code that runs.  Two
commands:

``calibrate``
    On the unmutated copy: the lines of ``numeric/`` executed at import, then, each
    in a fresh fork of the loaded process (so that no cache filled by one unit
    hides lines from the next), every probe of :mod:`focalrd.verify.mutation_probe`,
    every claim of ``focalrd verify --quick``, and one whole ``verify --quick`` CLI
    run of the cheapest claim (the reference table and the rendering every run
    does) — each with its own line coverage, CPU seconds and output.  Written to
    ``calibration.json``.

``test``
    One mutant, planned by the driver in ``current.json``: stage 1 runs the probes
    that execute the mutated line and compares their outputs with the calibration;
    unchanged means *equivalent for the probe* (exit 0).  Otherwise stage 2 runs
    ``focalrd verify --quick --jobs 1 --only CLAIM`` in this process for each claim
    whose checks execute the line, cheapest first, and stops at the first exit
    status 1 (killed: a claim did not meet its expectation or a reference value
    disagreed).  The work runs in a forked child with a CPU-time limit: exceeding it
    is a timeout, counted as killed.  Exit status 0 survived or equivalent, 1 killed
    (or timeout), 3 neither (verify crashed on every selected claim, exit 4 say).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Memory limit of a mutant's child process (a mutant may build huge integers).
MEMORY_LIMIT_BYTES = 3 * 2**30
EXIT_SURVIVED, EXIT_KILLED, EXIT_NEITHER = 0, 1, 3


def _cpu() -> float:
    self_usage = resource.getrusage(resource.RUSAGE_SELF)
    return self_usage.ru_utime + self_usage.ru_stime


def _write_json(path: Path, document: Any) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps(document, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


def _load_everything() -> None:
    sys.modules.setdefault("matplotlib", None)  # type: ignore[arg-type]  # no figures
    from focalrd.verify.selftest_bootstrap import _load_everything as load

    load()


def _numeric_root() -> Path:
    import focalrd.numeric

    return Path(focalrd.numeric.__file__).resolve().parent


# -- calibration ---------------------------------------------------------------------------------
def _lines_of(data: Any, root: Path) -> dict[str, list[int]]:
    """{path relative to numeric/: sorted executed lines} of a CoverageData."""
    lines: dict[str, list[int]] = {}
    for name in data.measured_files():
        path = Path(name).resolve()
        if root in path.parents:
            executed = data.lines(name) or []
            if executed:
                lines[str(path.relative_to(root))] = sorted(executed)
    return lines


def _in_fork(unit: Callable[[], Any], root: Path) -> dict[str, Any]:
    """Run ``unit`` in a forked child under line coverage; its result, lines and CPU seconds."""
    import coverage

    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(reader)
        status = 0
        try:
            cov = coverage.Coverage(data_file=None, include=[f"{root}/*"], branch=False)
            started = _cpu()
            cov.start()
            try:
                result = unit()
            finally:
                cov.stop()
            record = {"result": result, "cpu": round(_cpu() - started, 3),
                      "lines": _lines_of(cov.get_data(), root)}
        except BaseException as error:  # noqa: B036 - reported to the parent
            record = {"error": f"{type(error).__name__}: {error}"}
            status = 1
        with os.fdopen(writer, "w", encoding="utf-8") as pipe:
            json.dump(record, pipe)
        os._exit(status)
    os.close(writer)
    with os.fdopen(reader, encoding="utf-8") as pipe:
        text = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(text) if text else {"error": "the child wrote nothing"}


def _claim_unit(claim_id: str) -> Callable[[], Any]:
    def unit() -> dict[str, Any]:
        from focalrd.verify.runner import RunSettings, run_claim

        record = run_claim(claim_id, RunSettings(quick=True))
        return {"status": record["status"], "met": record["met"]}
    return unit


def _verify_unit(claim_id: str) -> Callable[[], Any]:
    return lambda: run_verify(claim_id)


def calibrate(state: Path, import_coverage: Any) -> int:
    from focalrd.verify.mutation_probe import PROBES, run_one
    from focalrd.verify.runner import select_claims

    started = _cpu()
    _load_everything()
    root = _numeric_root()
    import_coverage.stop()
    document: dict[str, Any] = {"import_lines": _lines_of(import_coverage.get_data(), root)}
    document["probes"] = []
    for argv in PROBES:
        record = _in_fork(lambda argv=argv: run_one(argv), root)
        record["argv"] = " ".join(argv)
        document["probes"].append(record)
        print(f"probe {record.get('cpu')} s {record['argv']}", file=sys.stderr)
    document["claims"] = {}
    for claim in select_claims(()):
        record = _in_fork(_claim_unit(claim.id), root)
        document["claims"][claim.id] = record
        print(f"claim {record.get('cpu')} s {claim.id} {record.get('result')}", file=sys.stderr)
    cheapest = min(document["claims"], key=lambda c: document["claims"][c].get("cpu", 1e9))
    document["verify_cli"] = {"claim": cheapest, **_in_fork(_verify_unit(cheapest), root)}
    document["cpu"] = round(_cpu() - started, 3)
    _write_json(state / "calibration.json", document)
    return 0


# -- one mutant --------------------------------------------------------------------------------
def run_verify(claim_id: str) -> dict[str, Any]:
    """``focalrd verify --quick --jobs 1 --only CLAIM`` in this process: exit status and why
    (None when the command could not even be imported: the mutant breaks the package)."""
    with tempfile.TemporaryDirectory(prefix="focalrd-mutation-verify-") as scratch:
        out_dir = Path(scratch) / "reports"
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                from focalrd.verify.cli import main as cli_main

                status = cli_main(["verify", "--quick", "--jobs", "1", "--only", claim_id,
                                   "--out", str(out_dir)])
            except SystemExit as stop:
                status = stop.code if isinstance(stop.code, int) else 2
            except BaseException as error:  # noqa: B036 - a mutant may break anything
                status = None
                err.write(f"{type(error).__name__}: {error}\n")
        not_met: list[dict[str, Any]] = []
        agreed = None
        with contextlib.suppress(OSError, ValueError):
            report = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
            not_met = [{"claim": c["id"], "status": c["status"],
                        "refuting": [e.get("check", "?").removeprefix("focalrd.verify.claims.")
                                     for e in c["evidence"] if e.get("passed") is False]}
                       for c in report.get("claims", []) if not c.get("met")]
        with contextlib.suppress(OSError, ValueError):
            table = json.loads((out_dir / "reference_values.json").read_text(encoding="utf-8"))
            agreed = table.get("agreed")
    lines = [line for line in err.getvalue().splitlines() if line.strip()]
    return {"claim": claim_id, "exit_status": status, "not_met": not_met,
            "reference_agreed": agreed, "stderr": lines[-1][:300] if lines else ""}


def _test_child(plan: dict[str, Any], calibration: dict[str, Any], record_path: Path) -> None:
    from focalrd.verify.mutation_probe import PROBES, run_one

    # Nothing is imported ahead: each command imports what it uses, as `focalrd` does
    # (a mutant that breaks an import shows as a changed probe or a crashed verify).
    sys.modules.setdefault("matplotlib", None)  # type: ignore[arg-type]  # no figures
    record: dict[str, Any] = {"job_id": plan["job_id"], "stage": "probe"}
    changed: list[str] = []
    record["probes_run"] = len(plan["probes"])
    for index in plan["probes"]:
        _write_json(record_path, record)
        output = run_one(PROBES[index])
        if output != calibration["probes"][index]["result"]:
            changed.append(output["argv"])
            record["first_change"] = {"argv": output["argv"], "status": output["status"],
                                      "stdout": str(output["stdout"])[:400],
                                      "stderr": str(output["stderr"])[:300],
                                      "baseline": str(calibration["probes"][index]["result"]
                                                      ["stdout"])[:400]}
            break  # one changed output suffices: the mutant is visible
    record["probes_changed"] = changed
    if plan["probes"] and not changed:
        record["outcome"] = "equivalent-probe"
        record["stage"] = "done"
        _write_json(record_path, record)
        return
    record["stage"] = "verify"
    record["verify_runs"] = []
    for claim_id in plan["claims"]:
        record["current_claim"] = claim_id
        _write_json(record_path, record)
        started = _cpu()
        run = run_verify(claim_id)
        run["cpu"] = round(_cpu() - started, 3)
        record["verify_runs"].append(run)
        if run["exit_status"] == 1:
            record["outcome"] = "killed"
            break
    else:
        crashed = any(run["exit_status"] != 0 for run in record["verify_runs"])
        record["outcome"] = "error" if crashed else "survived"
    record.pop("current_claim", None)
    record["stage"] = "done"
    _write_json(record_path, record)


def test(state: Path) -> int:
    plan = json.loads((state / "current.json").read_text(encoding="utf-8"))
    calibration = json.loads((state / "calibration.json").read_text(encoding="utf-8"))
    record_path = state / "jobs" / f"{plan['job_id']}.json"
    record_path.parent.mkdir(exist_ok=True)
    record_path.unlink(missing_ok=True)
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            limit = int(plan["cpu_limit"])
            resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 10))
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
            _test_child(plan, calibration, record_path)
        except BaseException:  # noqa: B036 - reported through the record
            code = 5
        finally:
            sys.stdout.flush()
            os._exit(code)
    _, wait_status = os.waitpid(pid, 0)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {"job_id": plan["job_id"], "stage": "start"}
    if os.WIFSIGNALED(wait_status) and os.WTERMSIG(wait_status) in (signal.SIGXCPU,
                                                                   signal.SIGKILL):
        record["outcome"] = "timeout"
        record["timeout_stage"] = record.get("stage")
    elif "outcome" not in record:
        record["outcome"] = "error"
        record["child_status"] = wait_status
    record["cpu"] = round(usage.ru_utime + usage.ru_stime, 3)
    record["wall"] = round(time.perf_counter() - started, 3)
    _write_json(record_path, record)
    return {"equivalent-probe": EXIT_SURVIVED, "survived": EXIT_SURVIVED, "killed": EXIT_KILLED,
            "timeout": EXIT_KILLED}.get(record["outcome"], EXIT_NEITHER)


def main(argv: list[str], import_coverage: Any = None) -> int:
    if len(argv) != 2 or argv[0] not in ("calibrate", "test"):
        print("usage: bootstrap.py {calibrate|test} STATE_DIR", file=sys.stderr)
        return 2
    state = Path(argv[1])
    if argv[0] == "calibrate":
        return calibrate(state, import_coverage)
    return test(state)
