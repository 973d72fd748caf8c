"""The reports of a mutation run: ``mutation.json``, ``mutation.md`` and the summary that
``focalrd selftest`` puts into ``selftest.md``.

Outcomes of a mutant (see :mod:`focalrd.verify.mutation`):

* ``not-reached``: verify --quick never executes its statement (verify cannot kill it);
* ``not-sampled``: reached, outside the seeded sample; ``pending``: sampled, not run yet;
* ``equivalent-probe``: the probes that execute its line print exactly what the
  unmutated code prints (equivalent *for the probe*: the probe set is finite);
* ``killed``: ``verify --quick --only CLAIM`` exited 1 for a claim whose checks execute
  the line (``kind``: refuted, inconclusive, or a reference value disagreed);
  ``timeout``: the CPU-time limit was exceeded, counted as killed;
* ``survived``: every such claim still met its expectation;
* ``error``: verify crashed (exit status neither 0 nor 1) on every selected claim:
  visible, but no verdict; ``incompetent``: cosmic-ray could not run the mutant.

The *score* is killed (timeouts included) over killed + survived, among the mutants
given to verify (those whose probe output changed, or whose line no probe reaches).
Survivors whose reason for being harmless is known are listed in
:data:`focalrd.verify.mutation_equivalents.EQUIVALENT` and classified as such.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = "focalrd.mutation/1"
KILLED = ("killed", "timeout")
#: Survivors listed in selftest.md at most (all are in mutation.md and mutation.json).
SUMMARY_SURVIVORS = 200


def _read(path: Path, default: Any = None) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def _tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cosmic-ray")
    except PackageNotFoundError:
        return "?"


def _mutated_lines(work: Path, mutant: dict[str, Any]) -> tuple[str, str]:
    """The mutated statement's first line before and after the mutation."""
    import cosmic_ray.plugins
    from cosmic_ray.mutating import mutate_code

    source = (work / "pristine" / mutant["module"]).read_text(encoding="utf-8")
    operator = cosmic_ray.plugins.get_operator(mutant["operator"])()
    mutated = mutate_code(source, operator, mutant["occurrence"]) or source
    before, after = source.splitlines(), mutated.splitlines()
    row = mutant["line"] - 1
    return (before[row].strip() if row < len(before) else "",
            after[row].strip() if row < len(after) else "")


def _kill_kind(record: dict[str, Any]) -> str:
    runs = record.get("verify_runs") or []
    if record["outcome"] == "timeout":
        return f"timeout in {record.get('timeout_stage')}"
    last = runs[-1] if runs else {}
    statuses = {entry["status"] for entry in last.get("not_met", [])}
    if "refuted" in statuses or "verified" in statuses:
        return "refuted"
    if last.get("reference_agreed") is False:
        return "reference value disagreed"
    return "inconclusive" if statuses else "exit 1"


def _equivalents() -> list[dict[str, str]]:
    try:
        from focalrd.verify.mutation_equivalents import EQUIVALENT
    except ImportError:
        return []
    return list(EQUIVALENT)


def _explained(entry: dict[str, Any], table: list[dict[str, str]]) -> str | None:
    for known in table:
        if (known["module"] == entry["module"] and known["operator"] == entry["operator"]
                and known["original"] == entry["original"]
                and known["mutated"] == entry["mutated"]):
            return known["reason"]
    return None


def build_document(work: Path) -> dict[str, Any]:
    """The mutation.json document of the run in ``work``."""
    from cosmic_ray.work_db import WorkDB, use_db

    plan = _read(work / "plan.json")
    calibration = _read(work / "calibration.json", {})
    cpu = _read(work / "cpu.json", {})
    with use_db(str(work / "session.sqlite"), WorkDB.Mode.open) as db:
        results = dict(db.results)
    equivalents = _equivalents()
    per_module: dict[str, Counter] = defaultdict(Counter)
    outcomes: Counter = Counter()
    survivors: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    killed_kinds: Counter = Counter()
    probe_equivalent: list[dict[str, Any]] = []
    job_cpu = 0.0
    for job_id, mutant in plan["mutants"].items():
        module = mutant["module"]
        if not mutant["reached"]:
            outcome = "not-reached"
        elif not mutant["sampled"]:
            outcome = "not-sampled"
        elif mutant.get("static"):
            outcome = "equivalent-static"
        else:
            record = _read(work / "jobs" / f"{job_id}.json")
            result = results.get(job_id)
            if record is not None and "outcome" in record:
                outcome = record["outcome"]
                job_cpu += float(record.get("cpu", 0.0))
            elif result is not None:
                outcome = "incompetent"
            else:
                outcome = "pending"
        per_module[module]["generated"] += 1
        per_module[module][outcome] += 1
        outcomes[outcome] += 1
        if outcome in ("survived", "error", "equivalent-probe") or outcome in KILLED:
            entry = {"module": module, "line": mutant["line"], "col": mutant["col"],
                     "operator": mutant["operator"].removeprefix("core/"),
                     "occurrence": mutant["occurrence"], "job_id": job_id}
            if outcome in KILLED:
                killed_kinds[_kill_kind(record)] += 1
                continue
            entry["original"], entry["mutated"] = _mutated_lines(work, mutant)
            entry["operator_full"] = mutant["operator"]
            if outcome == "equivalent-probe":
                entry["probes_run"] = len(mutant["probes"])
                probe_equivalent.append(entry)
                continue
            entry["probe"] = ("changed: " + record["probes_changed"][0]
                              if record.get("probes_changed") else
                              "no probe executes the line" if not mutant["probes"] else
                              "unchanged")
            entry["claims_run"] = [run["claim"] for run in record.get("verify_runs", [])]
            if outcome == "error":
                entry["verify"] = [f"{run['claim']}: exit {run['exit_status']} "
                                   f"{run['stderr']}" for run in record.get("verify_runs", [])
                                   ] or [f"the test process ended with status "
                                         f"{record.get('child_status')} before verify ran "
                                         "(the package does not import)"]
                errors.append(entry)
                continue
            reason = _explained(entry, equivalents)
            entry["classification"] = (f"equivalent: {reason}" if reason else
                                       "changes output: to kill" if entry["probe"].startswith(
                                           "changed") else "output change unknown: to kill "
                                       "or explain")
            survivors.append(entry)
    killed = outcomes["killed"] + outcomes["timeout"]
    given = killed + outcomes["survived"]
    explained = sum(s["classification"].startswith("equivalent") for s in survivors)
    document = {
        "schema": SCHEMA,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "tool": {"name": "cosmic-ray", "version": _tool_version(),
                 "operators": "every core operator of cosmic-ray",
                 "test": "focalrd verify --quick --jobs 1 --only CLAIM (claims whose checks "
                         "execute the mutated line; every claim for a line run at import), "
                         "after the output probe"},
        "regenerate": "python -m focalrd.verify.mutation run --fresh "
                      + (f"--per-module {plan['per_module']} " if plan["per_module"] else "")
                      + (f"--fraction {plan['fraction']} " if plan["fraction"] else "")
                      + f"--seed {plan['seed']}",
        "sample": {"seed": plan["seed"], "per_module": plan["per_module"],
                   "fraction": plan["fraction"], "size": len(plan["order"])},
        "counts": {
            "generated": len(plan["mutants"]),
            "not_reached": outcomes["not-reached"],
            "reached": len(plan["mutants"]) - outcomes["not-reached"],
            "sampled": len(plan["order"]),
            "run": len(plan["order"]) - outcomes["pending"],
            "pending": outcomes["pending"],
            "equivalent_probe": outcomes["equivalent-probe"],
            "equivalent_static": outcomes["equivalent-static"],
            "given_to_verify": given + outcomes["error"],
            "killed": outcomes["killed"],
            "timeout": outcomes["timeout"],
            "survived": outcomes["survived"],
            "survived_explained_equivalent": explained,
            "error": outcomes["error"],
            "incompetent": outcomes["incompetent"],
        },
        "killed_by": dict(killed_kinds),
        "score": round(killed / given, 4) if given else None,
        "cpu_seconds": {**cpu, "calibration_detail": calibration.get("cpu"),
                        "mutants": round(job_cpu, 1)},
        "per_module": [{"module": m, **{k: c[k] for k in (
            "generated", "not-reached", "not-sampled", "pending", "equivalent-static",
            "equivalent-probe",
            "killed", "timeout", "survived", "error", "incompetent")}}
            for m, c in sorted(per_module.items())],
        "survivors": sorted(survivors, key=lambda s: (s["module"], s["line"], s["operator"])),
        "errors": sorted(errors, key=lambda s: (s["module"], s["line"], s["operator"])),
        "equivalent_probe": sorted(probe_equivalent,
                                   key=lambda s: (s["module"], s["line"], s["operator"])),
    }
    return document


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{_cell(text)}`" if text else ""


def summary_lines(document: dict[str, Any], limit: int | None = SUMMARY_SURVIVORS) -> list[str]:
    """The mutation section of selftest.md (and the head of mutation.md)."""
    c = document["counts"]
    sample = document["sample"]
    size = ("every reached mutant" if not sample["per_module"] and not sample["fraction"] else
            "a seeded random sample per module (seed "
            f"{sample['seed']}; "
            + (f"at most {sample['per_module']} per module" if sample["per_module"] else "")
            + (f"at most a fraction {sample['fraction']} per module"
               if sample["fraction"] else "") + f"): {c['sampled']} mutants")
    score = document["score"]
    lines = [
        "## Mutation testing of numeric/ (cosmic-ray)",
        "",
        f"Tool: cosmic-ray {document['tool']['version']}, {document['tool']['operators']}, "
        f"against {document['tool']['test']}.  A mutant changes output when a probe of "
        "`focalrd eval` that executes its line prints something else "
        "(`verify/mutation_probe.py`); probe-equivalent mutants are equivalent *for the "
        "probe*, a finite set of inputs.  Full list: `reports/mutation.md`; regenerate: "
        f"`{document['regenerate']}`.",
        "",
        f"- **score: {score:.1%}** killed of the mutants given to verify "
        f"({c['killed'] + c['timeout']} killed, {c['timeout']} of them by timeout; "
        f"{c['survived']} survived, {c['survived_explained_equivalent']} of those "
        "explained as equivalent)" if score is not None else "- score: no mutant run yet",
        f"- mutants generated: {c['generated']}; not reached by verify --quick: "
        f"{c['not_reached']}; reached: {c['reached']}",
        f"- run: {size}; {c['run']} run, {c['pending']} pending",
        f"- equivalent without running: {c.get('equivalent_static', 0)} (inside an "
        "annotation never evaluated); equivalent for the probe: "
        f"{c['equivalent_probe']}; given to verify: "
        f"{c['given_to_verify']} (killed {c['killed']}, timeout {c['timeout']}, survived "
        f"{c['survived']}, verify crashed without a verdict {c['error']})",
        "- killed by: " + ", ".join(f"{k} {v}" for k, v in sorted(document["killed_by"].items())),
        "- CPU seconds: " + ", ".join(f"{k} {v}" for k, v in document["cpu_seconds"].items()
                                       if v is not None),
        "",
    ]
    survivors = document["survivors"]
    shown = survivors if limit is None else survivors[:limit]
    lines += ["| survivor | operator | mutated | classification |", "|---|---|---|---|"]
    for s in shown:
        lines.append(f"| `numeric/{s['module']}:{s['line']}` | {s['operator']} | "
                     f"{_code(s['original'])} → {_code(s['mutated'])} | "
                     f"{_cell(s['classification'])} |")
    if len(shown) < len(survivors):
        lines.append(f"| … {len(survivors) - len(shown)} more in reports/mutation.md | | | |")
    return lines + [""]


def render_markdown(document: dict[str, Any]) -> str:
    lines = ["# Mutation testing of numeric/ against focalrd verify --quick", "",
             f"Created {document['created']}.", ""]
    lines += summary_lines(document, limit=None)[2:]
    lines += ["## Per module", "",
              "| module | generated | not reached | not sampled | pending | equivalent "
              "(annotation) | equivalent (probe) | killed | timeout | survived | error |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for m in document["per_module"]:
        lines.append(f"| `{m['module']}` | {m['generated']} | {m['not-reached']} | "
                     f"{m['not-sampled']} | {m['pending']} | {m.get('equivalent-static', 0)} | "
                     f"{m['equivalent-probe']} | "
                     f"{m['killed']} | {m['timeout']} | {m['survived']} | {m['error']} |")
    lines += ["", "## Survivors in detail", ""]
    for s in document["survivors"]:
        lines.append(f"- `numeric/{s['module']}:{s['line']}:{s['col']}` {s['operator']} "
                     f"(occurrence {s['occurrence']}): {_code(s['original'])} → "
                     f"{_code(s['mutated'])}; probe {s['probe']}; claims run: "
                     f"{', '.join(s['claims_run']) or 'none'}; {s['classification']}")
    if document["errors"]:
        lines += ["", "## Verify crashed without a verdict", ""]
        for s in document["errors"]:
            lines.append(f"- `numeric/{s['module']}:{s['line']}` {s['operator']}: "
                         f"{_code(s['original'])} → {_code(s['mutated'])}; "
                         + "; ".join(s["verify"])[:400])
    lines += ["", "## Equivalent for the probe", "",
              "Mutants whose line some probe executes and whose probe outputs are unchanged "
              "(not run through verify).", ""]
    for s in document["equivalent_probe"]:
        lines.append(f"- `numeric/{s['module']}:{s['line']}` {s['operator']}: "
                     f"{_code(s['original'])} → {_code(s['mutated'])} "
                     f"({s['probes_run']} probes)")
    return "\n".join(lines) + "\n"


#: Who works on which part of numeric/ (for the survivors note to the contributors).
AREAS = (("blocks/manygroups", "many-group engine"), ("blocks/", "blocks"),
         ("oneshot/", "one-shot"), ("entropies/", "entropies"), ("", "core"))


def _area(module: str) -> str:
    return next(name for prefix, name in AREAS if module.startswith(prefix))


def survivors_note(document: dict[str, Any], title: str) -> str:
    """A note for the contributors: every survivor (and crash without a verdict), by area,
    with file:line, operator, the line before and after, and what the probe saw."""
    head = summary_lines(document, limit=0)
    lines = [f"# {title}", "", *head[2:head.index("| survivor | operator | mutated | "
                                                    "classification |")],
             "Each entry: `numeric/FILE:LINE:COL` operator — the line before → after; what "
             "the probe saw (a changed `focalrd eval` output is a user-visible change); the "
             "claims `verify --quick --only` ran, none of which exited 1.  Kill a survivor "
             "with a check that fails on it, or explain it as equivalent in "
             "`verify/mutation_equivalents.py`.", ""]
    groups: dict[str, list[str]] = defaultdict(list)
    for s in document["survivors"]:
        groups[_area(s["module"])].append(
            f"- `numeric/{s['module']}:{s['line']}:{s['col']}` {s['operator']} — "
            f"{_code(s['original'])} → {_code(s['mutated'])}; probe {s['probe']}; claims "
            f"run: {', '.join(s['claims_run']) or 'none'}; {s['classification']}")
    for s in document["errors"]:
        groups[_area(s["module"])].append(
            f"- `numeric/{s['module']}:{s['line']}:{s['col']}` {s['operator']} — "
            f"{_code(s['original'])} → {_code(s['mutated'])}; verify crashed without a "
            f"verdict: {'; '.join(s['verify'])[:300]}")
    for _, name in AREAS:
        if groups.get(name):
            lines += [f"## {name} ({len(groups[name])})", "", *groups[name], ""]
    lines += ["## Not reached by verify --quick, per module", "",
              "Mutants whose statement no claim of `verify --quick` executes (verify cannot "
              "kill them); `reached` = generated − not reached.", "",
              "| module | generated | not reached |", "|---|---|---|"]
    lines += [f"| `{m['module']}` | {m['generated']} | {m['not-reached']} |"
              for m in document["per_module"] if m["not-reached"]]
    return "\n".join(lines) + "\n"
