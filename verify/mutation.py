"""Mutation testing of ``numeric/`` against ``focalrd verify --quick``, with cosmic-ray.

``python -m focalrd.verify.mutation run`` (needs the ``mutation`` extra: cosmic-ray and
coverage) measures how many small faults in ``numeric/`` the verification catches:

1. *Scratch copy.*  The sources (``focalrd/``, ``numeric/``, ``proofs/``, ``verify/``)
   are copied to a work directory (default ``/tmp/focalrd-mutation``); cosmic-ray
   mutates files there in place, so the working tree is never touched.  A
   ``bootstrap.py`` makes ``focalrd`` import from the copy.
2. *Calibration* (:mod:`focalrd.verify.mutation_worker` ``calibrate``): on the
   unmutated copy, the line coverage of the import, of every output probe
   (:mod:`focalrd.verify.mutation_probe`) and of every claim of ``verify --quick``,
   each in a fresh fork, with its CPU seconds and output.
3. *Mutants.*  ``cosmic-ray init`` enumerates every mutant of every core operator over
   ``numeric/``.  A mutant is *reached* when the statement it mutates is executed by
   ``verify --quick`` (at import, by a claim's checks, or by the reference table and
   rendering every run does); the others cannot be killed by verify and are reported
   as "not reached by verify --quick", per module.  They and the reached mutants
   outside the seeded sample are marked skipped in cosmic-ray's session, as its own
   filters do.
4. *Execution.*  Each sampled mutant is applied and tested by cosmic-ray's own
   ``mutate_and_test`` (the loop of its local distributor), whose test command is the
   worker's ``test``: stage 1, the probes that execute the mutated line (unchanged
   outputs: *equivalent for the probe*); stage 2, ``focalrd verify --quick --only
   CLAIM`` for each claim whose checks execute the line, cheapest first, stopping at
   the first exit status 1 (killed).  A mutant in a function's header (a default, a
   decorator) counts the units that run the function's body; one in a statement run
   at import (a constant, a class body) goes to every claim with no probe shortcut.  A CPU-time
   limit (a multiple of the calibrated cost) turns a hung mutant into a timeout,
   counted as killed.  The run can stop on a CPU budget and resume later.
5. *Report*: ``reports/mutation.json`` and ``reports/mutation.md``
   (:mod:`focalrd.verify.mutation_report`), whose summary ``focalrd selftest`` includes
   in ``selftest.md``.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

DEFAULT_WORK = Path("/tmp/focalrd-mutation")
COPIED = ("focalrd", "numeric", "proofs", "verify")
#: The CPU-time limit of a mutant: this multiple of its calibrated cost, plus a margin.
TIMEOUT_FACTOR = 4
TIMEOUT_MARGIN_SECONDS = 30
#: CPU seconds of one ``verify`` CLI run beyond its claim (reference table, rendering).
VERIFY_OVERHEAD_FALLBACK = 1.0

BOOTSTRAP = '''"""Run focalrd.verify.mutation_worker with ``focalrd`` imported from this copy."""
import importlib.abc
import importlib.util
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "src"
ROOTS = {"focalrd": SOURCE / "focalrd", "focalrd.numeric": SOURCE / "numeric",
         "focalrd.proofs": SOURCE / "proofs", "focalrd.verify": SOURCE / "verify"}


class CopyFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        root = ROOTS.get(name)
        if root is None:
            return None
        return importlib.util.spec_from_file_location(
            name, root / "__init__.py", submodule_search_locations=[str(root)])


sys.meta_path.insert(0, CopyFinder())
coverage_of_import = None
if sys.argv[1:2] == ["calibrate"]:
    import coverage
    coverage_of_import = coverage.Coverage(data_file=None,
                                           include=[str(SOURCE / "numeric") + "/*"])
    coverage_of_import.start()
from focalrd.verify.mutation_worker import main  # noqa: E402

sys.exit(main(sys.argv[1:], coverage_of_import))
'''


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _write_json(path: Path, document: Any) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def source_root() -> Path:
    """The directory holding ``numeric/``, ``verify/``, ... of the code being measured."""
    import focalrd.numeric

    return Path(focalrd.numeric.__file__).resolve().parent.parent


# -- 1. the scratch copy -------------------------------------------------------------------------
def prepare(work: Path) -> None:
    """Copy the sources into ``work/src`` (and ``work/pristine``), write the bootstrap."""
    root = source_root()
    if (work / "src").exists():
        shutil.rmtree(work / "src")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.tmp")
    for name in COPIED:
        shutil.copytree(root / name, work / "src" / name, ignore=ignore)
    if (work / "pristine").exists():
        shutil.rmtree(work / "pristine")
    shutil.copytree(root / "numeric", work / "pristine", ignore=ignore)
    (work / "bootstrap.py").write_text(BOOTSTRAP, encoding="utf-8")
    config = (f'[cosmic-ray]\nmodule-path = "{work / "src" / "numeric"}"\ntimeout = 36000.0\n'
              f'excluded-modules = []\ntest-command = "{sys.executable} {work / "bootstrap.py"} '
              f'test {work}"\n\n[cosmic-ray.distributor]\nname = "local"\n')
    (work / "cosmic-ray.toml").write_text(config, encoding="utf-8")


def _run_logged(command: list[str], log: Path, cwd: Path) -> tuple[int, float]:
    before = _children_cpu()
    with log.open("w", encoding="utf-8") as handle:
        done = subprocess.run(command, cwd=cwd, stdout=handle, stderr=subprocess.STDOUT,
                              env={**os.environ, "MPLBACKEND": "Agg"})
    return done.returncode, round(_children_cpu() - before, 2)


# -- 3. mutants: reach, selection, sample --------------------------------------------------------
def _header_end(node: ast.stmt) -> int:
    body = getattr(node, "body", None)
    if isinstance(body, list) and body and isinstance(body[0], ast.AST):
        return max(node.lineno, body[0].lineno - 1)
    return node.end_lineno or node.lineno


def statement_lines(tree: ast.Module, row: int) -> tuple[int, int]:
    """The line range of the innermost statement (or compound-statement header) at ``row``."""
    return statement_at(tree, row)[:2]


def statement_at(tree: ast.Module, row: int) -> tuple[int, int, tuple[int, int] | None]:
    """:func:`statement_lines`, and when ``row`` is in the header of a function definition
    (decorators, defaults, annotations), the line range of that function's body: such a
    mutant matters exactly when the function is called, i.e. when its body runs."""
    best: tuple[int, int, tuple[int, int] | None] = (row, row, None)
    nodes: list[ast.AST] = list(tree.body)
    while nodes:
        node = nodes.pop()
        if not isinstance(node, ast.stmt | ast.ExceptHandler | ast.match_case):
            continue
        first = min([getattr(node, "lineno", row)]
                    + [d.lineno for d in getattr(node, "decorator_list", [])])
        last = getattr(node, "end_lineno", None) or getattr(node, "lineno", row)
        if isinstance(node, ast.match_case):
            first, last = node.pattern.lineno, node.body[-1].end_lineno or row
        if not first <= row <= last:
            continue
        children = [child for field in ("body", "orelse", "finalbody", "handlers", "cases")
                    for child in getattr(node, field, []) or []]
        inside = [c for c in children
                  if min([getattr(c, "lineno", 0)] + [d.lineno for d in
                         getattr(c, "decorator_list", [])]) <= row
                  <= (getattr(c, "end_lineno", 0) or 0)]
        if inside:
            nodes.extend(inside)
            continue
        header_end = _header_end(node) if children else last
        body = None
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and row <= header_end:
            body = (node.body[0].lineno, last)
        best = (first, header_end if row <= header_end else last, body)
    return best


def annotation_spans(tree: ast.Module, source: str) -> list[tuple[int, int, int, int]]:
    """(first row, first column, last row, end column) of every annotation, columns in
    characters, when the module postpones their evaluation (``from __future__ import
    annotations``): a mutant inside one changes a string nobody evaluates."""
    postponed = any(isinstance(node, ast.ImportFrom) and node.module == "__future__"
                    and any(alias.name == "annotations" for alias in node.names)
                    for node in tree.body)
    if not postponed:
        return []
    lines = source.splitlines()

    def column(row: int, offset: int) -> int:
        return len(lines[row - 1].encode("utf-8")[:offset].decode("utf-8", "replace"))

    spans = []
    for node in ast.walk(tree):
        annotations = []
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            annotations.append(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns:
            annotations.append(node.returns)
        if isinstance(node, ast.AnnAssign) and node.value is not None and not node.simple:
            continue  # an attribute target is evaluated; keep it out
        for a in annotations:
            spans.append((a.lineno, column(a.lineno, a.col_offset), a.end_lineno or a.lineno,
                          column(a.end_lineno or a.lineno, a.end_col_offset or 0)))
    return spans


def in_spans(spans: list[tuple[int, int, int, int]], row: int, col: int) -> bool:
    return any((r0, c0) <= (row, col) < (r1, c1) for r0, c0, r1, c1 in spans)


STATIC_ANNOTATION = "inside an annotation that is never evaluated (from __future__ import " \
    "annotations)"


def mark_static(work: Path, plan: dict[str, Any]) -> int:
    """Classify the sampled mutants inside never-evaluated annotations as equivalent
    without running them (skipped in the session, ``static`` in the plan).  Idempotent;
    returns how many are so marked."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    spans: dict[str, list[tuple[int, int, int, int]]] = {}
    marked = []
    for job_id, mutant in plan["mutants"].items():
        module = mutant["module"]
        if module not in spans:
            source = (work / "pristine" / module).read_text(encoding="utf-8")
            spans[module] = annotation_spans(ast.parse(source), source)
        if in_spans(spans[module], mutant["line"], mutant["col"]):
            mutant["static"] = STATIC_ANNOTATION
            marked.append(job_id)
    with use_db(str(work / "session.sqlite"), WorkDB.Mode.open) as db:
        done = {job_id for job_id, _ in db.results}
        pending = [j for j in marked if j not in done]
        if pending:
            db.set_multiple_results(pending, WorkResult(
                output=f"skipped by focalrd.verify.mutation: equivalent, {STATIC_ANNOTATION}",
                worker_outcome=WorkerOutcome.SKIPPED))
    _write_json(work / "plan.json", plan)
    return len(marked)


def _line_index(calibration: dict[str, Any]) -> dict[str, dict[int, set[str]]]:
    """{module: {line: units executing it}}; units are 'import', 'probe:I', 'claim:ID',
    'cli'."""
    index: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))

    def add(unit: str, lines: dict[str, list[int]]) -> None:
        for module, numbers in lines.items():
            for number in numbers:
                index[module][number].add(unit)

    add("import", calibration["import_lines"])
    for i, probe in enumerate(calibration["probes"]):
        add(f"probe:{i}", probe.get("lines", {}))
    for claim_id, record in calibration["claims"].items():
        add(f"claim:{claim_id}", record.get("lines", {}))
    add("cli", calibration["verify_cli"].get("lines", {}))
    return index


def plan_mutants(work: Path, seed: int, per_module: int | None, fraction: float | None
                 ) -> dict[str, Any]:
    """Classify every mutant of the session (reached or not), draw the sample, and mark
    the rest skipped in the session; returns the plan (also written to ``plan.json``)."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    calibration = _read_json(work / "calibration.json")
    index = _line_index(calibration)
    claim_cpu = {c: float(r.get("cpu", 1.0)) for c, r in calibration["claims"].items()}
    probe_cpu = [float(p.get("cpu", 1.0)) for p in calibration["probes"]]
    overhead = max(0.0, float(calibration["verify_cli"].get("cpu", 0.0))
                   - claim_cpu.get(calibration["verify_cli"]["claim"], 0.0)) \
        or VERIFY_OVERHEAD_FALLBACK
    numeric_dir = work / "src" / "numeric"
    trees: dict[str, ast.Module] = {}
    mutants: dict[str, dict[str, Any]] = {}
    by_module: dict[str, list[str]] = defaultdict(list)
    with use_db(str(work / "session.sqlite"), WorkDB.Mode.open) as db:
        items = list(db.work_items)
        for item in items:
            spec = item.mutations[0]
            module = str(Path(spec.module_path).resolve().relative_to(numeric_dir.resolve()))
            if module not in trees:
                trees[module] = ast.parse((work / "pristine" / module).read_text("utf-8"))
            first, last, body = statement_at(trees[module], spec.start_pos[0])
            lines = range(first, last + 1) if body is None else range(body[0], body[1] + 1)
            units = set().union(*(index.get(module, {}).get(n, set()) for n in lines))
            # A line run at import (a module constant, a class body) may matter to any
            # claim, whoever uses it: every claim, and no probe shortcut (a probe that
            # imports a constant need not use it).
            import_level = "import" in units
            claims = sorted((u.split(":", 1)[1] for u in units if u.startswith("claim:")),
                            key=lambda c: (claim_cpu.get(c, 1e9), c))
            if import_level:
                claims = sorted(claim_cpu, key=lambda c: (claim_cpu[c], c))
            elif not claims and "cli" in units:
                claims = [calibration["verify_cli"]["claim"]]
            probes = sorted(int(u.split(":")[1]) for u in units if u.startswith("probe:"))
            if import_level:
                probes = []
            cost = (sum(probe_cpu[i] for i in probes)
                    + sum(claim_cpu[c] + overhead for c in claims))
            mutants[item.job_id] = {
                "job_id": item.job_id, "module": module, "operator": spec.operator_name,
                "occurrence": spec.occurrence, "line": spec.start_pos[0],
                "col": spec.start_pos[1], "statement": [first, last],
                "function_body": list(body) if body else None,
                "reached": bool(claims), "import_level": import_level,
                "probes": probes, "claims": claims,
                "cpu_limit": int(TIMEOUT_FACTOR * cost + TIMEOUT_MARGIN_SECONDS)}
            by_module[module].append(item.job_id)
        sample: list[str] = []
        for module in sorted(by_module):
            reached = sorted((j for j in by_module[module] if mutants[j]["reached"]),
                             key=lambda j: (mutants[j]["operator"], mutants[j]["occurrence"]))
            size = len(reached)
            if per_module is not None:
                size = min(size, per_module)
            if fraction is not None:
                size = min(size, max(1, round(fraction * len(reached)))) if reached else 0
            chosen = random.Random(f"{seed}:{module}").sample(reached, size)
            sample.extend(chosen)
        random.Random(seed).shuffle(sample)
        chosen_set = set(sample)
        for job_id, mutant in mutants.items():
            mutant["sampled"] = job_id in chosen_set
        skipped_unreached = [j for j, m in mutants.items() if not m["reached"]]
        skipped_unsampled = [j for j, m in mutants.items() if m["reached"] and not m["sampled"]]
        done = {job_id for job_id, _ in db.results}
        for job_ids, why in ((skipped_unreached, "not reached by focalrd verify --quick"),
                             (skipped_unsampled, "not in the seeded sample")):
            pending = [j for j in job_ids if j not in done]
            if pending:
                db.set_multiple_results(pending, WorkResult(
                    output=f"skipped by focalrd.verify.mutation: {why}",
                    worker_outcome=WorkerOutcome.SKIPPED))
    plan = {"seed": seed, "per_module": per_module, "fraction": fraction,
            "order": sample, "mutants": mutants}
    _write_json(work / "plan.json", plan)
    return plan


# -- 4. execution ----------------------------------------------------------------------------------
def execute(work: Path, plan: dict[str, Any], max_cpu: float | None,
            max_mutants: int | None) -> dict[str, float]:
    """Run pending sampled mutants through cosmic-ray's ``mutate_and_test`` until done or
    out of budget.  Returns the CPU seconds used and the count run."""
    from cosmic_ray.mutating import mutate_and_test
    from cosmic_ray.work_db import WorkDB, use_db

    config = (work / "cosmic-ray.toml").read_text(encoding="utf-8")
    test_command = config.split('test-command = "', 1)[1].split('"', 1)[0]
    started = _children_cpu()
    count = 0
    os.chdir(work)  # the test command's working directory (its scratch files stay here)
    with use_db(str(work / "session.sqlite"), WorkDB.Mode.open) as db:
        done = {job_id for job_id, _ in db.results}
        items = {item.job_id: item for item in db.work_items}
        for job_id in plan["order"]:
            if job_id in done or plan["mutants"][job_id].get("static"):
                continue
            used = _children_cpu() - started
            if (max_cpu is not None and used >= max_cpu) or (
                    max_mutants is not None and count >= max_mutants):
                break
            mutant = plan["mutants"][job_id]
            _write_json(work / "current.json", mutant)
            result = mutate_and_test(items[job_id].mutations, test_command,
                                     timeout=10 * mutant["cpu_limit"] + 600)
            db.set_result(job_id, result)
            count += 1
            record = _job_record(work, job_id)
            print(f"[{count}] {mutant['module']}:{mutant['line']} {mutant['operator']} -> "
                  f"{record.get('outcome', result.test_outcome)} "
                  f"({record.get('cpu', '?')} s; {used:.0f} s so far)", file=sys.stderr)
    return {"cpu": round(_children_cpu() - started, 2), "mutants": count}


def _job_record(work: Path, job_id: str) -> dict[str, Any]:
    try:
        return _read_json(work / "jobs" / f"{job_id}.json")
    except (OSError, ValueError):
        return {}


# -- the command ----------------------------------------------------------------------------------
def _log_cpu(work: Path, step: str, seconds: float) -> None:
    path = work / "cpu.json"
    cpu = _read_json(path) if path.exists() else {}
    cpu[step] = round(cpu.get(step, 0.0) + seconds, 2)
    _write_json(path, cpu)


def restore_copy(work: Path) -> list[str]:
    """Put back any file of the copy's numeric/ that differs from the pristine copy (a run
    killed while a mutant was applied); returns the files restored."""
    restored = []
    for pristine in sorted((work / "pristine").rglob("*.py")):
        module = pristine.relative_to(work / "pristine")
        target = work / "src" / "numeric" / module
        if not target.exists() or target.read_bytes() != pristine.read_bytes():
            shutil.copy2(pristine, target)
            restored.append(str(module))
    return restored


def reset_results(work: Path) -> None:
    """Forget every result of the session (and the worker records), keeping its mutants."""
    import sqlite3

    with sqlite3.connect(work / "session.sqlite") as connection:
        connection.execute("DELETE FROM work_results")
    if (work / "jobs").exists():
        shutil.rmtree(work / "jobs")
    if (work / "cpu.json").exists():
        cpu = _read_json(work / "cpu.json")
        _write_json(work / "cpu.json", {k: v for k, v in cpu.items() if k != "execute"})


def run(args: argparse.Namespace) -> int:
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    restored = restore_copy(work) if (work / "pristine").exists() else []
    if restored:
        print(f"restored from the pristine copy: {', '.join(restored)}", file=sys.stderr)
    fresh = args.fresh or not (work / "session.sqlite").exists()
    if fresh:
        for name in ("session.sqlite", "calibration.json", "plan.json", "cpu.json", "jobs"):
            path = work / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
        prepare(work)
        print("calibrating (coverage of every probe and claim) ...", file=sys.stderr)
        status, cpu = _run_logged([sys.executable, str(work / "bootstrap.py"), "calibrate",
                                   str(work)], work / "calibrate.log", work)
        _log_cpu(work, "calibrate", cpu)
        if status != 0:
            print(f"calibration failed (exit {status}); see {work / 'calibrate.log'}",
                  file=sys.stderr)
            return 4
        bad = [c for c, r in _read_json(work / "calibration.json")["claims"].items()
               if not (r.get("result") or {}).get("met")]
        if bad:
            print(f"unmutated claims not met: {', '.join(bad)}; a mutation run needs a green "
                  "verify --quick", file=sys.stderr)
            return 1
        print("cosmic-ray init ...", file=sys.stderr)
        cosmic_ray = str(Path(sys.executable).with_name("cosmic-ray"))
        status, cpu = _run_logged([cosmic_ray, "init", str(work / "cosmic-ray.toml"),
                                   str(work / "session.sqlite")], work / "init.log", work)
        _log_cpu(work, "init", cpu)
        if status != 0:
            print(f"cosmic-ray init failed; see {work / 'init.log'}", file=sys.stderr)
            return 4
        started = time.process_time()
        plan = plan_mutants(work, args.seed, args.per_module, args.fraction)
        _log_cpu(work, "plan", time.process_time() - started)
    elif args.replan or not (work / "plan.json").exists():
        reset_results(work)
        started = time.process_time()
        plan = plan_mutants(work, args.seed, args.per_module, args.fraction)
        _log_cpu(work, "plan", time.process_time() - started)
    else:
        plan = _read_json(work / "plan.json")
    if not plan.get("static_marked"):
        plan["static_marked"] = True
        print(f"{mark_static(work, plan)} mutants inside never-evaluated annotations",
              file=sys.stderr)
    used = execute(work, plan, args.max_cpu, args.max_mutants)
    _log_cpu(work, "execute", used["cpu"])
    return write_reports(work, Path(args.out))


def write_reports(work: Path, out: Path, notes: Path | None = None) -> int:
    from focalrd.verify.mutation_report import build_document, render_markdown, survivors_note

    document = build_document(work)
    if notes is not None:
        notes.write_text(survivors_note(document, "Surviving mutants of numeric/"),
                         encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    _write_json(out / "mutation.json", document)
    temporary = out / "mutation.md.tmp"
    temporary.write_text(render_markdown(document), encoding="utf-8")
    os.replace(temporary, out / "mutation.md")
    print(f"wrote {out / 'mutation.json'} and {out / 'mutation.md'}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m focalrd.verify.mutation",
                                     description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="prepare (or resume) and execute a mutation run")
    run_parser.add_argument("--work", type=Path, default=DEFAULT_WORK,
                            help=f"scratch directory (default {DEFAULT_WORK})")
    run_parser.add_argument("--fresh", action="store_true",
                            help="start over: new copy, calibration, session and sample")
    run_parser.add_argument("--replan", action="store_true",
                            help="keep the copy, calibration and mutants; forget the results "
                                 "and draw the sample again")
    run_parser.add_argument("--seed", type=int, default=0, help="seed of the sample")
    run_parser.add_argument("--per-module", type=int, default=None, metavar="N",
                            help="at most N reached mutants per module (default: all)")
    run_parser.add_argument("--fraction", type=float, default=None, metavar="F",
                            help="at most a fraction F of the reached mutants per module")
    run_parser.add_argument("--max-cpu", type=float, default=None, metavar="SECONDS",
                            help="stop starting mutants after this many CPU seconds")
    run_parser.add_argument("--max-mutants", type=int, default=None, metavar="N",
                            help="stop after N mutants in this invocation")
    run_parser.add_argument("--out", default="reports", help="where mutation.{json,md} go")
    report_parser = sub.add_parser("report", help="write the reports of a run so far")
    report_parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    report_parser.add_argument("--out", default="reports")
    report_parser.add_argument("--notes", type=Path, default=None, metavar="PATH",
                               help="also write the survivors, by area, to PATH (Markdown)")
    args = parser.parse_args(argv)
    args.work, args.out = args.work.resolve(), str(Path(args.out).resolve())
    if args.command == "run":
        return run(args)
    return write_reports(args.work, Path(args.out), args.notes)


if __name__ == "__main__":
    sys.exit(main())
