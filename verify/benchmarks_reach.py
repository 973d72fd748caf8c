"""The reach of the many-group engine from the command line (issue 20).

The README promises four distinct probabilities at n = 1000, five at n = 300 and six
at n = 120 within 90 s each, from ``focalrd eval``.  :func:`run_reach` runs the whole
``focalrd eval d-star`` (and ``eps-star --n``) process for generic, commensurable (tied)
and skewed sources, γ ∈ {0, 1/2, 2, 5} and ε from 10^-9 to 1 − 10^-9, and ``avg-d-star
--n`` (its achievability, the value being null past enumeration), and records its
wall and CPU seconds (the child's, from ``resource.getrusage``: the machine may be
shared), exit status and value, beside the estimated time of the full enumeration
baseline of :mod:`focalrd.verify.benchmarks` (every type class at full precision).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

#: The promised limit on one command's wall time (seconds).
LIMIT = 90.0
#: A command still running after this long is stopped and recorded as a timeout.
TIMEOUT = 300.0
#: (γ, ε) pairs: every γ and every ε once per source.
GAMMA_EPS = (("0", "1e-9"), ("1/2", "0.1"), ("2", "0.9"), ("5", "0.999999999"))

REACH_SOURCES = {
    1000: ("4/10,3/10,2/10,1/10", "1/2,1/4,1/8,1/16,1/16", "0.9,0.05,0.03,0.02",
           "1/2,1/4,1/8,1/8"),
    300: ("5/15,4/15,3/15,2/15,1/15", "1/2,1/4,1/8,1/16,1/32,1/32",
          "0.9,0.04,0.03,0.02,0.01"),
    120: ("6/21,5/21,4/21,3/21,2/21,1/21", "0.3,0.25,0.2,0.12,0.08,0.05",
          "1/2,1/4,1/8,1/16,1/32,1/64,1/64", "0.9,0.03,0.025,0.02,0.015,0.01"),
}
#: eps-star --n: per-symbol distortions (nats) at M = 2, from ε* near 1 to astronomically small.
EPS_STAR_DISTORTIONS = (("0.5", "2"), ("1.2", "1/2"))


def reach_cases() -> list[list[str]]:
    """The ``focalrd eval`` argument lists: d-star, then eps-star, then avg-d-star."""
    cases = []
    for n, sources in REACH_SOURCES.items():
        for source in sources:
            for gamma, eps in GAMMA_EPS:
                cases.append(["d-star", "--source", source, "--n", str(n), "--codewords", "2",
                              "--eps", eps, "--gamma", gamma])
    for n, sources in REACH_SOURCES.items():
        for source in sources[:2]:
            for d, gamma in EPS_STAR_DISTORTIONS:
                cases.append(["eps-star", "--source", source, "--n", str(n), "--codewords",
                              "2", "--distortion", d, "--gamma", gamma])
    for n, sources in REACH_SOURCES.items():  # the average-distortion achievability window
        cases.append(["avg-d-star", "--source", sources[0], "--n", str(n), "--codewords", "2",
                      "--gamma", "2"])
    return cases


def _timed(argv: list[str]) -> tuple[Any, float, float, str, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "focalrd", "eval", *argv, "--json"],
                              capture_output=True, text=True, timeout=TIMEOUT)
        status, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired:
        status, out, err = "timeout", "", ""
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return status, wall, cpu, out, err


def _distinct(source: str) -> int:
    return len({Fraction(p) for p in source.split(",")})


def run_reach(dps: int = 30, progress: Callable[[str], None] | None = None
              ) -> list[dict[str, Any]]:
    """One row per command: inputs, wall and CPU seconds, exit status, value, baseline."""
    from focalrd.verify.benchmarks import _estimate_baseline

    rows = []
    for argv in reach_cases():
        argv = [*argv, "--dps", str(dps)]
        options = dict(zip(argv[1::2], argv[2::2], strict=False))
        if progress:
            progress(f"reach: {' '.join(argv)}")
        status, wall, cpu, out, err = _timed(argv)
        value = None
        if status == 0:
            document = json.loads(out)
            value = document["value"] if document["value"] is not None else document.get(
                "achievability")
        source = tuple(Fraction(p) for p in options["--source"].split(","))
        n = int(options["--n"])
        rows.append({
            "quantity": argv[0], "source": options["--source"], "distinct": _distinct(
                options["--source"]), "n": n, "gamma": options["--gamma"],
            "eps": options.get("--eps"), "distortion": options.get("--distortion"),
            "codewords": options["--codewords"], "exit": status,
            "wall_seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
            "within_limit": status == 0 and wall <= LIMIT, "value": value,
            "error": err.strip().splitlines()[-1][:200] if status != 0 and err.strip() else None,
            "baseline_estimate_seconds": round(_estimate_baseline(source, n)),
        })
    return rows


def markdown_reach(rows: list[dict[str, Any]]) -> str:
    """The reach section of blocks.md."""
    held = sum(row["within_limit"] for row in rows)
    lines = ["## Reach from the command line", "",
             f"The whole `focalrd eval` process (M = 2, 30 digits, both confirming "
             f"evaluations), wall and CPU seconds of the child process on a machine shared "
             f"with other jobs; the promise is exit 0 within {LIMIT:.0f} s wall. "
             f"{held} of {len(rows)} hold. \"baseline\" is the estimated time of the full "
             "enumeration (every type class at full precision, the estimate of the table "
             "above).", "",
             "| quantity | source | n | γ | ε / D | exit | wall (s) | CPU (s) "
             "| value (avg: achievability) | baseline (s, est.) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        level = row["eps"] if row["eps"] is not None else (
            f"D = {row['distortion']}" if row["distortion"] is not None else "—")
        value = row["value"] if row["value"] is not None else (row["error"] or "—")
        lines.append(f"| {row['quantity']} | ({row['source']}) | {row['n']} | {row['gamma']} "
                     f"| {level} | {row['exit']} | {row['wall_seconds']} | "
                     f"{row['cpu_seconds']} | {value} | {row['baseline_estimate_seconds']} |")
    return "\n".join(lines) + "\n"


def merge_reach(document: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """``document`` (a blocks benchmark) with its reach rows replaced by ``rows``."""
    return {**document, "reach": rows}
