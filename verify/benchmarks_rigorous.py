"""Benchmark of the ball arithmetic (issue 21): proven ``focalrd eval`` beside confirmed, and
the certified branch and bound on Arb balls beside mpmath ``iv``.

1. *eval*: every quantity that ``focalrd eval`` proves, at 30 and 1000 digits, as a whole
   process (start-up included: python-flint's import is part of the cost), proven
   (python-flint installed) beside confirmed (``FOCALRD_CONFIRM_ONLY=1``: two evaluations at
   two precisions, the path without the extra).  CPU seconds (user + system of the child),
   median of paired runs; both must print the same value; the target is at most 1.5×.
2. *branch and bound*: the certified checks of [phi.convex], [phi.gap] and [tau.bracket]
   (quick and full γ grids) and the certified h_γ(k) enclosure of [summary.hgamma-max] in
   each arithmetic, in this process: CPU seconds and boxes; tightness as the widths of the
   enclosures and of h_γ over single boxes.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from mpmath import mp

#: ``focalrd eval`` command lines of the proven quantities (without --dps/--json).
EVAL_CASES: list[tuple[str, list[str]]] = [
    ("focal-loss", ["focal-loss", "--gamma", "2", "--p", "1/3"]),
    ("tau", ["tau", "--gamma", "5", "--distortion", "3"]),
    ("c-gamma", ["c-gamma", "--gamma", "2"]),
    ("eps-star (one shot)", ["eps-star", "--source", "0.5,0.3,0.1,0.05,0.05", "--codewords",
                             "2", "--distortion", "1/3", "--gamma", "2"]),
    ("focal-entropy", ["focal-entropy", "--source", "0.5,0.3,0.2", "--gamma", "2"]),
    ("d-star (n = 1000, exact K*)", ["d-star", "--source", "0.9,0.1", "--n", "1000",
                                     "--rate", "0.2", "--eps", "0.1", "--gamma", "2"]),
    ("d-star (binary n = 12000, past enumeration)",
     ["d-star", "--source", "1/3,2/3", "--n", "12000", "--codewords", "1", "--eps", "1/10",
      "--gamma", "2"]),
    ("eps-star (n = 6000, past enumeration)",
     ["eps-star", "--source", "0.99,0.01", "--n", "6000", "--codewords", "3", "--distortion",
      "1/100", "--gamma", "2"]),
    ("dispersion", ["dispersion", "--source", "0.5,0.25,0.125,0.125"]),
    ("normal-approx", ["normal-approx", "--source", "0.9,0.1", "--n", "1000", "--rate", "0.2",
                       "--eps", "0.1"]),
    # issue 21: the saddlepoint approximation's formula (lattice sources: the non-lattice
    # confirmed path bisects its threshold at full precision, minutes at 1000 digits) and h_γ
    ("d-star-saddlepoint", ["d-star-saddlepoint", "--gamma", "2", "--n", "100", "--rate", "0.5",
                            "--eps", "0.1", "--source", "1/3,2/3"]),
    ("eps-star-saddlepoint", ["eps-star-saddlepoint", "--gamma", "2", "--n", "100", "--rate",
                              "0.5", "--distortion", "0.05", "--source", "1/3,2/3"]),
    ("h-gamma (k = 3, uniform)", ["h-gamma", "--alphabet", "3", "--gamma", "2"]),
    ("h-gamma (k = 4, skewed)", ["h-gamma", "--alphabet", "4", "--gamma", "10"]),
]
DIGITS = (30, 1000)
#: At most this ratio of CPU seconds, proven over confirmed.
TARGET = 1.5


def _focalrd() -> list[str]:
    script = Path(sys.executable).with_name("focalrd")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from focalrd.verify.cli import main; "
            "sys.exit(main())"]


def _child(command: list[str], confirm_only: bool) -> tuple[float, dict[str, Any] | None]:
    """CPU seconds of one process (user + system), and its JSON output (or None)."""
    env = dict(os.environ)
    env.pop("FOCALRD_CONFIRM_ONLY", None)
    if confirm_only:
        env["FOCALRD_CONFIRM_ONLY"] = "1"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    try:
        document = json.loads(done.stdout) if done.returncode == 0 else None
    except ValueError:
        document = None
    return cpu, document


def eval_rows(runs: int, progress: Callable[[str], None] | None) -> list[dict[str, Any]]:
    rows = []
    for digits in DIGITS:
        for label, argv in EVAL_CASES:
            if progress:
                progress(f"eval {label} at {digits} digits")
            command = _focalrd() + ["eval", *argv, "--dps", str(digits), "--json"]
            _child(command, False)  # warm the file cache
            proven, confirmed, docs = [], [], [None, None]
            for _ in range(runs):  # paired, alternating
                cpu, docs[0] = _child(command, False)
                proven.append(cpu)
                cpu, docs[1] = _child(command, True)
                confirmed.append(cpu)
            p, c = statistics.median(proven), statistics.median(confirmed)
            ok = all(d is not None for d in docs)
            rows.append({
                "quantity": label, "command": "focalrd eval " + " ".join(argv),
                "digits": digits, "runs": runs,
                "proven_cpu_seconds": round(p, 3), "confirmed_cpu_seconds": round(c, 3),
                "ratio": round(p / c, 2) if c else None,
                "within_target": bool(c and p / c <= TARGET),
                "certified": bool(ok and docs[0].get("certified")),
                "same_value": bool(ok and docs[0]["value"] == docs[1]["value"]),
            })
    return rows


def _startup(runs: int) -> dict[str, Any]:
    cases = {"python -c 'import mpmath'": [sys.executable, "-c", "import mpmath"],
             "python -c 'import flint'": [sys.executable, "-c", "import flint"]}
    out = {}
    for name, command in cases.items():
        _child(command, False)
        out[name] = round(statistics.median(_child(command, False)[0] for _ in range(runs)), 3)
    return out


def _arithmetics():
    from focalrd.numeric import balls
    from focalrd.numeric.intervals import ArbIntervals, MpmathIntervals

    found = [MpmathIntervals()]
    if balls.available():
        found.insert(0, ArbIntervals())
    return found


def branch_and_bound_rows(progress: Callable[[str], None] | None) -> list[dict[str, Any]]:
    """The certified checks in each arithmetic: CPU seconds, boxes, outcome."""
    from focalrd.verify import certify
    from focalrd.verify.claims import (
        catalogue,  # noqa: F401
        certified,
    )
    from focalrd.verify.registry import CheckContext

    checks = [("phi.convex", certified.phi_convex_certified),
              ("phi.gap", certified.phi_gap_certified),
              ("tau.bracket", certified.tau_bracket_certified)]
    rows = []
    saved = (certified.preferred, certify.preferred)
    try:
        for quick in (True, False):
            for arithmetic in _arithmetics():
                certified.preferred = certify.preferred = lambda a=arithmetic, **_: a
                certified._gap_maximum.cache_clear()
                for claim, check in checks:
                    if progress:
                        progress(f"{claim} ({'quick' if quick else 'full'}) in "
                                 f"{arithmetic.name}")
                    start = time.process_time()
                    evidence = check(CheckContext(quick=quick, claim_id=claim))
                    seconds = time.process_time() - start
                    boxes = evidence.details.get("boxes")
                    rows.append({"claim": claim, "grid": "quick" if quick else "full",
                                 "arithmetic": arithmetic.name,
                                 "cpu_seconds": round(seconds, 3),
                                 "boxes": sum(boxes.values()) if isinstance(boxes, dict)
                                 else boxes, "passed": evidence.passed})
    finally:
        certified.preferred, certify.preferred = saved
        certified._gap_maximum.cache_clear()
    return rows


def hgamma_rows(progress: Callable[[str], None] | None) -> list[dict[str, Any]]:
    """The certified h_γ(k) enclosure (k ≤ 4) in each arithmetic: CPU seconds, splits, width."""
    from focalrd.numeric.entropies.certified import hgamma_max_enclosure

    rows = []
    for k, gamma in ((3, Fraction(2)), (4, Fraction(1, 2)), (4, Fraction(5)), (3, Fraction(10))):
        row: dict[str, Any] = {"k": k, "gamma": str(gamma)}
        for arithmetic in _arithmetics():
            if progress:
                progress(f"h_gamma enclosure k = {k}, gamma = {gamma} in {arithmetic.name}")
            with mp.workdps(30):
                start = time.process_time()
                enclosure = hgamma_max_enclosure(k, gamma, arithmetic=arithmetic)
                row[f"{arithmetic.name}_cpu_seconds"] = round(time.process_time() - start, 3)
                row[f"{arithmetic.name}_splits"] = enclosure.boxes
                row[f"{arithmetic.name}_width"] = mp.nstr(enclosure.upper - enclosure.lower, 3)
        rows.append(row)
    return rows


def tightness_rows() -> list[dict[str, Any]]:
    """Widths of the c_γ enclosures (tolerance 1e-15) and of h_γ over one box, per arithmetic."""
    from focalrd.verify import certify
    from focalrd.verify.claims import certified

    rows = []
    for gamma in (Fraction(1, 2), Fraction(2), Fraction(10)):
        row: dict[str, Any] = {"gamma": str(gamma)}
        for arithmetic in _arithmetics():
            enclosure, _ = certified._gap_maximum(gamma, 15, arithmetic)
            row[f"{arithmetic.name}_c_gamma_width"] = mp.nstr(enclosure.upper - enclosure.lower, 3)
            row[f"{arithmetic.name}_c_gamma_boxes"] = enclosure.boxes
            with certify.interval_precision(certified.INTERVAL_DPS, arithmetic):
                g = certify.exact_interval(gamma)
                for exponent in (2, 6, 12):
                    lo = mp.mpf("0.3")
                    hi = lo * (1 + mp.mpf(10) ** -exponent)
                    value = certified._gap(g, certify.box_interval((lo, hi)))
                    width = certify.upper(value) - certify.lower(value)
                    row[f"{arithmetic.name}_h_width_box_1e-{exponent}"] = mp.nstr(width, 4)
        rows.append(row)
    return rows


def run_rigorous(dps: int = 30, budget: float = 60.0,
                 progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Both parts; ``dps`` and ``budget`` are not used (the digits are fixed at 30 and 1000)."""
    from focalrd.numeric import balls

    runs = 5
    document: dict[str, Any] = {
        "benchmark": "ball arithmetic (python-flint Arb): proven eval and certified branch "
                     "and bound",
        "python_flint": _flint_version(),
        "startup_cpu_seconds": _startup(runs),
    }
    if not balls.available():
        document["note"] = "python-flint is not installed: only mpmath iv rows"
        document["eval"] = []
    else:
        document["eval"] = eval_rows(runs, progress)
    document["branch_and_bound"] = branch_and_bound_rows(progress)
    document["hgamma"] = hgamma_rows(progress)
    document["tightness"] = tightness_rows()
    document["all_agree"] = all(r["same_value"] for r in document["eval"]) and all(
        r["passed"] for r in document["branch_and_bound"])
    document["eval_within_target"] = all(r["within_target"] for r in document["eval"])
    return document


def _flint_version() -> str | None:
    try:
        from importlib.metadata import version

        return version("python-flint")
    except Exception:  # not installed
        return None


def markdown_rigorous(document: dict[str, Any]) -> str:
    lines = [f"# {document['benchmark']}", "",
             f"python-flint {document.get('python_flint') or 'not installed'}. CPU seconds "
             "(user + system) from one run on the machine that wrote this file (shared: CPU "
             "time is inflated far less than wall time by other jobs).", ""]
    startup = document["startup_cpu_seconds"]
    lines += ["Start-up: " + "; ".join(f"`{k}` {v} s" for k, v in startup.items()) + ".", ""]
    if document["eval"]:
        lines += ["## `focalrd eval`: proven (balls) beside confirmed (two precisions)", "",
                  "Whole processes, start-up included, median of "
                  f"{document['eval'][0]['runs']} paired runs; confirmed = "
                  "`FOCALRD_CONFIRM_ONLY=1` (the path without the rigorous extra). Target: "
                  f"proven at most {TARGET}x confirmed.", "",
                  "| quantity | digits | proven (s) | confirmed (s) | ratio | within 1.5x | "
                  "certified | same value |", "|---|---|---|---|---|---|---|---|"]
        for row in document["eval"]:
            lines.append(f"| {row['quantity']} | {row['digits']} | {row['proven_cpu_seconds']} | "
                         f"{row['confirmed_cpu_seconds']} | {row['ratio']} | "
                         f"{'yes' if row['within_target'] else 'NO'} | "
                         f"{'yes' if row['certified'] else 'no'} | "
                         f"{'yes' if row['same_value'] else 'NO'} |")
        lines.append("")
    lines += ["## Certified branch and bound: Arb balls beside mpmath iv", "",
              "The certified checks themselves (in this process, caches cleared per "
              "arithmetic); boxes = boxes proven (phi.convex, tau.bracket) or evaluated "
              "(phi.gap).", "",
              "| claim | grid | arithmetic | CPU (s) | boxes | passed |",
              "|---|---|---|---|---|---|"]
    for row in document["branch_and_bound"]:
        lines.append(f"| {row['claim']} | {row['grid']} | {row['arithmetic']} | "
                     f"{row['cpu_seconds']} | {row['boxes']} | {row['passed']} |")
    if document.get("hgamma"):
        keys = [k for k in document["hgamma"][0] if k not in ("k", "gamma")]
        lines += ["", "The certified enclosure of max_P S_gamma(P) on k <= 4 symbols "
                  "(summary.hgamma-max; relative tolerance 1e-12, 30 digits):", "",
                  "| k | gamma | " + " | ".join(keys) + " |", "|---" * (len(keys) + 2) + "|"]
        for row in document["hgamma"]:
            lines.append(f"| {row['k']} | {row['gamma']} | "
                         + " | ".join(str(row[k]) for k in keys) + " |")
    lines += ["", "Tightness: width of the certified c_gamma enclosure at tolerance 1e-15 (and "
              "the boxes it took), and width of h_gamma over one box [0.3, 0.3(1 + w)] at "
              f"{40} digits.", ""]
    rows = document["tightness"]
    if rows:
        keys = [k for k in rows[0] if k != "gamma"]
        lines += ["| gamma | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
        for row in rows:
            lines.append(f"| {row['gamma']} | " + " | ".join(str(row[k]) for k in keys) + " |")
    return "\n".join(lines) + "\n"
