"""Benchmarks of the exact searches beside straightforward baselines.

The n-letter excess-distortion limit is timed by :func:`run` (the one-shot
searches are in :mod:`focalrd.verify.benchmarks_oneshot`).

The fast path (:func:`focalrd.numeric.blocks.excess.least_count`) is timed beside a
baseline that evaluates *every* type class at full precision (log-gamma masses
and sizes, sorted by probability, summed until the mass reaches 1 − ε).  Both
give ln K*; the report records their agreement.  A baseline whose estimated time
(from a timed sample of classes) exceeds the budget is skipped, and the report
says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import mpmath
from mpmath import mp

from focalrd.numeric.blocks import excess
from focalrd.numeric.blocks.classes import compositions, type_count
from focalrd.numeric.blocks.grouping import group_source
from focalrd.numeric.blocks.manygroups_limits import many_groups
from focalrd.numeric.precision import significant

CASES = [((Fraction(9, 10), Fraction(1, 10)), n) for n in (10**3, 10**4, 10**5, 10**6, 10**7)] + [
    ((Fraction(1, 2), Fraction(3, 10), Fraction(1, 5)), n) for n in (10**2, 10**3, 10**4)] + [
    # the many-group engine (issue 13): its reach at four, five, six, seven and eight values
    (tuple(Fraction(k, 10) for k in (4, 3, 2, 1)), 1000),
    (tuple(Fraction(k, 15) for k in (5, 4, 3, 2, 1)), 300),
    (tuple(Fraction(k, 21) for k in (6, 5, 4, 3, 2, 1)), 120),
    (tuple(Fraction(x) for x in ("0.3", "0.25", "0.2", "0.12", "0.08", "0.05")), 120),
    (tuple(Fraction(k, 21) for k in (6, 5, 4, 3, 2, 1)), 160),
    (tuple(Fraction(k, 28) for k in (7, 6, 5, 4, 3, 2, 1)), 60),
    (tuple(Fraction(k, 36) for k in (8, 7, 6, 5, 4, 3, 2, 1)), 30)]
EPS = Fraction(1, 10)


def _log_comb(n: int, parts: tuple[int, ...]) -> mpmath.mpf:
    return mp.loggamma(n + 1) - mp.fsum(mp.loggamma(c + 1) for c in parts)


def full_summation_log_k(source, n: int, eps: Fraction,
                         progress: Callable[[int], None] | None = None) -> mpmath.mpf:
    """ln K* by evaluating every type class at the working precision (the baseline)."""
    grouped = group_source(source)
    logs = [mp.log(mp.mpf(v.numerator) / v.denominator) for v in grouped.values]
    log_masses = [mp.log(m * mp.mpf(v.numerator) / v.denominator)
                  for m, v in zip(grouped.multiplicities, grouped.values, strict=True)]
    log_mult = [mp.log(m) for m in grouped.multiplicities]
    classes = []
    for i, counts in enumerate(compositions(n, grouped.groups)):
        log_c = _log_comb(n, counts)
        ell = mp.fsum(c * x for c, x in zip(counts, logs, strict=True))
        mass = mp.exp(log_c + mp.fsum(c * x for c, x in zip(counts, log_masses, strict=True)))
        size_log = log_c + mp.fsum(c * x for c, x in zip(counts, log_mult, strict=True))
        classes.append((ell, mass, size_log))
        if progress and i % 10000 == 0:
            progress(i)
    classes.sort(key=lambda c: c[0], reverse=True)
    target = 1 - mp.mpf(eps.numerator) / eps.denominator
    total, count = mp.zero, mp.zero
    for ell, mass, size_log in classes:
        if total + mass >= target:
            return mp.log(count + mp.ceil((target - total) / mp.exp(ell)))
        total += mass
        count += mp.exp(size_log)
    raise AssertionError("classes carry all the mass")  # pragma: no cover


def _estimate_baseline(source, n: int) -> float:
    """Seconds the baseline would take, from timing 200 classes."""
    grouped = group_source(source)
    sample = 200
    start = time.process_time()
    for i, counts in enumerate(compositions(n, grouped.groups)):
        if i == sample:
            break
        mp.exp(_log_comb(n, counts))
    return (time.process_time() - start) / sample * type_count(grouped.groups, n) * 3


def run(dps: int = 30, budget: float = 60.0,
        progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Time every case; return a JSON-serialisable document."""
    rows = []
    for source, n in CASES:
        if progress:
            progress(f"k = {len(source)}, n = {n}")
        with mp.workdps(dps + 10):
            start, wall = time.process_time(), time.perf_counter()
            fast = excess.least_count(source, n, EPS)
            fast_seconds = time.process_time() - start
            fast_wall = time.perf_counter() - wall
            excess._cached_lattice.cache_clear()  # again: imports done, no cached classes
            excess._exact_classes.cache_clear()
            many_groups.cache_clear()
            start = time.process_time()
            excess.least_count(source, n, EPS)
            warm_seconds = time.process_time() - start
            estimate = _estimate_baseline(source, n)
            row: dict[str, Any] = {
                "source": [str(p) for p in source], "n": n, "eps": str(EPS), "dps": dps,
                "log_K": significant(fast.log, dps),
                "fast_seconds": round(fast_seconds, 4),
                "fast_wall_seconds": round(fast_wall, 4),
                "fast_seconds_warm": round(warm_seconds, 4),
                "types": type_count(len(source), n),
            }
            if not skipped_over_budget(row, estimate, budget):
                start = time.process_time()
                base = full_summation_log_k(source, n, EPS)
                row["baseline_seconds"] = round(time.process_time() - start, 4)
                row["baseline_agrees"] = significant(base, dps) == row["log_K"]
        rows.append(row)
    from focalrd.verify.benchmarks_reach import run_reach

    return {"benchmark": "n-letter K* (excess-distortion limit)", "machine_note":
            "single process, pure-Python mpmath backend unless gmpy2 is installed",
            "mpmath_backend": mpmath.libmp.BACKEND, "rows": rows,
            "reach": run_reach(dps, progress)}


def skipped_over_budget(row: dict[str, Any], estimate: float, budget: float) -> bool:
    """Mark ``row`` as a skipped baseline when its estimated time exceeds the budget."""
    if estimate <= budget:
        return False
    row["baseline_seconds"] = None
    row["baseline_skipped"] = f"estimated {estimate:.0f} s > {budget:.0f} s budget"
    return True


def baseline_cell(row: dict[str, Any]) -> str:
    """The baseline column of a benchmark table: its time, or why it was skipped."""
    if row["baseline_seconds"] is None:
        return f"skipped ({row['baseline_skipped']})"
    return str(row["baseline_seconds"])


def markdown(document: dict[str, Any]) -> str:
    lines = [f"# {document['benchmark']}", "",
             f"mpmath backend: `{document['mpmath_backend']}`; eps = 1/10; "
             "baseline = every type class at full precision. \"fast\" is one evaluation at "
             f"{document['rows'][0]['dps'] if document['rows'] else 30} + 10 digits "
             "(`focalrd eval` adds a second, confirming evaluation at a "
             "higher precision). Times are CPU seconds of the benchmarking process (the machine "
             "may be shared; CPU time is inflated far less than wall time by other jobs), from "
             "one run on the machine that wrote this file; \"fast\" is the first call (empty "
             "caches), \"warm\" a second call with the per-(source, n) caches cleared. "
             "See speed.md for the start-up and the speed targets.",
             "",
             "Sources with four or more distinct probabilities past enumeration use the "
             "many-group engine (sorted planes from six values on); \"fast wall\" is the "
             "wall time of the first call.",
             "",
             "| source | n | types | fast (s) | fast wall (s) | warm (s) | baseline (s) | agree "
             "| ln K* |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in document["rows"]:
        base = baseline_cell(row)
        agree = row.get("baseline_agrees", "—")
        lines.append(f"| ({', '.join(row['source'])}) | {row['n']} | {row['types']} | "
                     f"{row['fast_seconds']} | {row.get('fast_wall_seconds', '—')} | "
                     f"{row['fast_seconds_warm']} | {base} | {agree} | "
                     f"{row['log_K']} |")
    text = "\n".join(lines) + "\n"
    if document.get("reach"):
        from focalrd.verify.benchmarks_reach import markdown_reach

        text += "\n" + markdown_reach(document["reach"])
    return text
