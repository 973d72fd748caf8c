"""Speed targets (start-up, binary blocks, τ, focal entropy, ternary) beside baselines.

``focalrd benchmark --suite speed`` times, in one run and on one machine:

* the whole ``focalrd eval d-star`` process (binary, n = 10^6) beside
  ``python -c "import mpmath"`` — paired runs, medians of wall and CPU time;
* K* for a binary source at n = 10^3 … 10^7 (warm: imports done, per-(source, n)
  caches cleared) beside a plain loop over the classes it needs (exact integers,
  n ≤ 10^4; beyond, the loop's integers have millions of bits);
* τ_γ(d) beside ``mpmath.findroot`` (Newton, analytic derivative) at 30 and 1000 digits;
* the focal entropy of 10^3 and 10^4 entries at 30 digits beside the float64 KKT
  solve it starts from;
* K* for the ternary source (1/2, 3/10, 1/5) at n = 10^4 and 30 digits.

Each row states its target and whether the run met it, and whether the fast and
baseline values agree.  Timings depend on the machine and its load; the load
average is recorded, and the ratios are the figures to read.
"""

from __future__ import annotations

import math
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

import mpmath
from mpmath import mp

from focalrd.numeric.blocks import excess
from focalrd.numeric.precision import significant, to_mpf

EVAL_ARGS = ["eval", "d-star", "--source", "0.89,0.11", "--n", "1000000", "--rate", "0.3",
             "--eps", "0.1", "--gamma", "2"]
BINARY = (Fraction(89, 100), Fraction(11, 100))
TERNARY = (Fraction(1, 2), Fraction(3, 10), Fraction(1, 5))
EPS = Fraction(1, 10)
#: Largest n at which the plain-loop baseline runs (its integers have ~n·7 bits).
PLAIN_LOOP_MAX_N = 10**4


def _timed(call: Callable[[], Any], repeats: int, setup: Callable[[], None] | None = None
           ) -> tuple[float, float, Any]:
    """Median wall and CPU seconds of ``repeats`` calls (``setup`` before each), and a result."""
    walls, cpus, value = [], [], None
    for _ in range(repeats):
        if setup:
            setup()
        wall, cpu = time.perf_counter(), time.process_time()
        value = call()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls), statistics.median(cpus), value


def _child_run(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, of the child) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _focalrd_command() -> list[str]:
    script = Path(sys.executable).with_name("focalrd")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from focalrd.verify.cli import main; "
            "sys.exit(main())"]


def cold_start(runs: int = 7) -> dict[str, Any]:
    """The whole ``focalrd eval d-star`` process beside ``python -c 'import mpmath'`` (paired)."""
    baseline = [sys.executable, "-c", "import mpmath"]
    command = _focalrd_command() + EVAL_ARGS
    _child_run(baseline)  # warm the file cache for both
    _child_run(command)
    pairs = [(_child_run(baseline), _child_run(command)) for _ in range(runs)]
    base_wall = statistics.median(b[0] for b, _ in pairs)
    base_cpu = statistics.median(b[1] for b, _ in pairs)
    wall = statistics.median(c[0] for _, c in pairs)
    cpu = statistics.median(c[1] for _, c in pairs)
    ratio = cpu / base_cpu
    return {"command": "focalrd " + " ".join(EVAL_ARGS), "runs": runs,
            "seconds": round(wall, 3), "cpu_seconds": round(cpu, 3),
            "baseline": "python -c \"import mpmath\"", "baseline_seconds": round(base_wall, 3),
            "baseline_cpu_seconds": round(base_cpu, 3), "ratio": round(ratio, 2),
            "wall_ratio": round(wall / base_wall, 2),
            "target": "<= 3x the baseline (whole process)", "met": ratio <= 3}


def plain_loop_least_count(source: tuple[Fraction, Fraction], n: int, eps: Fraction) -> int:
    """K* for a binary source by a plain loop over the classes it needs (the baseline).

    Classes s = n, n − 1, … (s symbols of the larger probability) in exact
    integers: size C(n, s), per-sequence weight a^s b^(n−s) over D^n.
    """
    big, small = max(source), min(source)
    d = math.lcm(big.denominator, small.denominator)
    a, b = big.numerator * (d // big.denominator), small.numerator * (d // small.denominator)
    target = (eps.denominator - eps.numerator) * d**n  # (1 − ε)·D^n·den(ε)
    mass = count = 0
    for s in range(n, -1, -1):
        weight = a**s * b ** (n - s) * eps.denominator
        size = math.comb(n, s)
        if mass + size * weight >= target:
            return count + -(-(target - mass) // weight)
        mass += size * weight
        count += size
    raise AssertionError("the classes carry all the mass")  # pragma: no cover


def _clear_block_caches() -> None:
    excess._cached_lattice.cache_clear()
    excess._exact_classes.cache_clear()


def binary_rows(dps: int, progress) -> list[dict[str, Any]]:
    rows = []
    for n in (10**3, 10**4, 10**5, 10**6, 10**7):
        if progress:
            progress(f"speed: binary K*, n = {n}")
        with mp.workdps(dps + 10):
            _clear_block_caches()
            first, _, _ = _timed(lambda n=n: excess.least_count(BINARY, n, EPS), 1)
            wall, cpu, fast = _timed(lambda n=n: excess.least_count(BINARY, n, EPS), 5,
                                     _clear_block_caches)
            row: dict[str, Any] = {"n": n, "first_seconds": round(first, 4),
                                   "seconds": round(wall, 4), "cpu_seconds": round(cpu, 4),
                                   "log_K": significant(fast.log, dps),
                                   "target": "<= 0.030 s warm", "met": cpu <= 0.030}
            if n <= PLAIN_LOOP_MAX_N:
                b_wall, b_cpu, k = _timed(lambda n=n: plain_loop_least_count(BINARY, n, EPS), 3)
                row.update({"baseline_seconds": round(b_wall, 4),
                            "baseline_cpu_seconds": round(b_cpu, 4),
                            "baseline_agrees": significant(mp.log(k), dps) == row["log_K"],
                            "not_slower_than_baseline": cpu <= b_cpu})
                row["met"] = row["met"] and cpu <= b_cpu
        rows.append(row)
    return rows


def tau_rows(progress) -> list[dict[str, Any]]:
    from focalrd.numeric.tau import log_inverse_tau

    rows = []
    for dps in (30, 1000):
        for gamma, d in ((Fraction(2), Fraction(1)), (Fraction(1, 2), Fraction(10))):
            if progress:
                progress(f"speed: tau, {dps} digits")
            repeats = 200 if dps == 30 else 20
            with mp.workdps(dps):
                g, dd = to_mpf(gamma), to_mpf(d)

                def findroot(g=g, dd=dd):
                    start = max(dd, dd ** (1 / (g + 1)))   # the closed-form start of numeric.tau
                    return mp.findroot(lambda t: mp.log(t) + g * mp.log(-mp.expm1(-t)) - mp.log(dd),
                                       start, solver="newton",
                                       df=lambda t: 1 / t + g / mp.expm1(t))

                def fast(gamma=gamma, d=d):
                    return log_inverse_tau(gamma, d)

                wall = statistics.median(_timed(fast, repeats)[1] for _ in range(3))
                value = fast()
                b_wall = statistics.median(_timed(findroot, repeats)[1] for _ in range(3))
                base = findroot()
            shown = min(dps, 30)
            rows.append({"dps": dps, "gamma": str(gamma), "d": str(d),
                         "seconds": f"{wall:.2e}", "baseline_seconds": f"{b_wall:.2e}",
                         "ratio": round(wall / b_wall, 2),
                         "baseline_agrees": significant(value, dps) == significant(base, dps),
                         "t": significant(value, shown) + ("…" if dps > shown else ""),
                         "target": "not slower than findroot", "met": wall <= b_wall})
    return rows


def focal_rows(dps: int, progress) -> list[dict[str, Any]]:
    import numpy as np

    from focalrd.numeric.oneshot import focal_entropy as fe
    from focalrd.numeric.oneshot._focal_arithmetic import Mpmath
    from focalrd.numeric.oneshot._focal_float import solve_cells

    rows = []
    gamma = Fraction(2)
    for size in (10**3, 10**4):
        if progress:
            progress(f"speed: focal entropy, {size} entries")
        a = [Fraction(1, i + 1) for i in range(size)]
        log_a = -np.log(np.arange(1, size + 1, dtype=float))
        ones, cells = np.ones(size), np.zeros(size, dtype=int)
        b_wall, b_cpu, _ = _timed(lambda la=log_a, o=ones, c=cells: solve_cells(la, o, c, 1, 2.0),
                                  3)
        with mp.workdps(dps + 10):
            wall, cpu, value = _timed(lambda a=a: fe.focal_entropy(a, gamma), 3)
            saved = fe._ARITHMETIC
            try:
                fe._ARITHMETIC = Mpmath
                m_wall, _, m_value = _timed(lambda a=a: fe.focal_entropy(a, gamma), 1)
            finally:
                fe._ARITHMETIC = saved
            # the floor of this design: the one pass at the working precision that the
            # value needs (one MPFR exponential and a dozen operations per entry), timed alone
            floor_cpu = _one_pass_cpu(fe, a, gamma)
            # and the least any evaluation of F in MPFR needs: one exponential per entry
            exp_cpu = _exponentials_cpu(fe, a, gamma)
        rows.append({"entries": size, "gamma": str(gamma), "dps": dps,
                     "one_pass_cpu_seconds": round(floor_cpu, 4),
                     "floor_ratio": round((b_cpu + floor_cpu) / b_cpu, 1),
                     "exponentials_cpu_seconds": round(exp_cpu, 4),
                     "exponentials_floor_ratio": round((b_cpu + exp_cpu) / b_cpu, 1),
                     "seconds": round(wall, 4), "cpu_seconds": round(cpu, 4),
                     "arithmetic": fe._ARITHMETIC.__name__.strip("_"),
                     "mpmath_arithmetic_seconds": round(m_wall, 4),
                     "baseline": "float64 KKT solve (numpy)", "baseline_seconds": round(b_wall, 4),
                     "baseline_cpu_seconds": round(b_cpu, 4), "ratio": round(cpu / b_cpu, 1),
                     "agree": significant(value, dps) == significant(m_value, dps),
                     "F": significant(value, dps),
                     "target": "<= 2x the float64 KKT solve", "met": cpu <= 2 * b_cpu})
    return rows


def _float_start_point(fe, a: list[Fraction], gamma: Fraction):
    """The distinct entries of ``a``, their counts, and the float64 start (y in the
    polish's arithmetic, made at the target precision; ln λ as a float), as the polish
    begins: (A, target, values, counts, y, ell0)."""
    values, counts, _ = fe._distinct(fe.nonnegative_vector(a))
    z0, y0, ell0 = fe._float_start(values, fe._floats(values), counts, gamma)
    A, target = fe._ARITHMETIC, mp.prec + fe._GUARD_BITS
    with A.precision(target):
        y = fe._start_point(A, z0, y0)
    return A, target, values, counts, y, ell0


def _exponentials_cpu(fe, a: list[Fraction], gamma: Fraction) -> float:
    """CPU seconds of one exponential per distinct entry of ``a`` at the working precision
    (plus guard bits), in the polish's arithmetic, at the float64 start (median of 3): F
    depends on every entry through q_x = e^(y_x), so an evaluation of F in that arithmetic
    cannot do with less."""
    A, target, _, _, y, _ = _float_start_point(fe, a, gamma)
    with A.precision(target):
        exp = A.exp
        _, cpu, _ = _timed(lambda: [exp(v) for v in y], 3)
    return cpu


def _one_pass_cpu(fe, a: list[Fraction], gamma: Fraction) -> float:
    """CPU seconds of one sweep of the KKT system at the working precision (plus guard
    bits) over the distinct entries of ``a``, at the float64 start: the pass the value
    cannot do without (median of 3)."""
    from focalrd.numeric.oneshot import _focal_polish

    A, target, values, counts, y, ell0 = _float_start_point(fe, a, gamma)
    whole = int(gamma) if gamma.denominator == 1 and gamma >= 1 else 0
    with A.precision(target):
        g, av, ell = A.exact(gamma), [A.exact(v) for v in values], A.number(ell0)
        _, cpu, _ = _timed(lambda: _focal_polish._kkt_pass(A, counts, av, g, whole, y, ell, False,
                                                          True), 3)
    return cpu


def ternary_rows(dps: int, progress) -> list[dict[str, Any]]:
    if progress:
        progress("speed: ternary K*, n = 10^4")
    with mp.workdps(dps + 10):
        _clear_block_caches()
        first, _, _ = _timed(lambda: excess.least_count(TERNARY, 10**4, EPS), 1)
        wall, cpu, fast = _timed(lambda: excess.least_count(TERNARY, 10**4, EPS), 3,
                                 _clear_block_caches)
    return [{"source": [str(p) for p in TERNARY], "n": 10**4, "dps": dps,
             "first_seconds": round(first, 3), "seconds": round(wall, 3),
             "cpu_seconds": round(cpu, 3), "log_K": significant(fast.log, dps),
             "target": "<= 1 s warm", "met": cpu <= 1.0}]


def run_speed(dps: int = 30, budget: float = 60.0,
              progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Every speed target beside its baseline; a JSON-serialisable document."""
    load_before = os.getloadavg()
    document = {"benchmark": "speed targets (issue 12)", "mpmath_backend": mpmath.libmp.BACKEND,
                "cpus": os.cpu_count(),
                "cold_start": cold_start(),
                "binary": binary_rows(dps, progress),
                "tau": tau_rows(progress),
                "focal_entropy": focal_rows(dps, progress),
                "ternary": ternary_rows(dps, progress)}
    document["load_average"] = [round(x, 2) for x in (load_before[0], os.getloadavg()[0])]
    compared = [row for key in ("binary", "tau", "focal_entropy") for row in document[key]
                if "baseline_agrees" in row or "agree" in row]
    document["all_agree"] = all(row.get("baseline_agrees", row.get("agree")) for row in compared)
    return document


def refresh_focal_rows(document: dict[str, Any], dps: int = 30,
                       progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """``document`` with its focal-entropy rows timed again (beside their baseline, in one
    run whose load average is recorded with them), the other sections kept as they are."""
    load_before = os.getloadavg()
    rows = focal_rows(dps, progress)
    refreshed = dict(document, focal_entropy=rows,
                     focal_entropy_load_average=[round(x, 2) for x in
                                                 (load_before[0], os.getloadavg()[0])])
    compared = [row for key in ("binary", "tau", "focal_entropy") for row in refreshed[key]
                if "baseline_agrees" in row or "agree" in row]
    refreshed["all_agree"] = all(row.get("baseline_agrees", row.get("agree")) for row in compared)
    return refreshed


def markdown_speed(document: dict[str, Any]) -> str:
    cold = document["cold_start"]
    load = document["load_average"]
    lines = [f"# {document['benchmark']}", "",
             f"mpmath backend: `{document['mpmath_backend']}`; {document['cpus']} CPUs, load "
             f"average {load[0]} at the start and {load[1]} at the end of the run (other jobs "
             "shared the machine: read the ratios). Times are medians; \"met\" is judged on CPU "
             "time (process time; for the cold start, the child's user + system time), which "
             "the other jobs inflate far less than wall time. \"warm\" means imports done and "
             "the per-(source, n) caches cleared before each call. Each row is timed beside its "
             "baseline in the same run. " + (
                 "Fast and baseline values agree wherever both ran." if document["all_agree"]
                 else "WARNING: fast and baseline values DISAGREE somewhere (see the tables)."),
             "", "## Cold start (whole process)", "",
             "| command | runs | wall (s) | CPU (s) | `python -c \"import mpmath\"` wall (s) | "
             "CPU (s) | ratio (wall) | ratio (CPU) | target | met |",
             "|---|---|---|---|---|---|---|---|---|---|",
             f"| `{cold['command']}` | {cold['runs']} | {cold['seconds']} | {cold['cpu_seconds']} "
             f"| {cold['baseline_seconds']} | {cold['baseline_cpu_seconds']} | "
             f"{cold['wall_ratio']} | "
             f"{cold['ratio']} | {cold['target']} | {cold['met']} |",
             "", "## Binary source (89/100, 11/100), K* at eps = 1/10, 30 digits", "",
             "Baseline: a plain loop over the classes K* needs, in exact integers (run up to "
             f"n = {PLAIN_LOOP_MAX_N}; beyond, its integers have millions of bits).", "",
             "| n | first call (s) | warm (s) | warm CPU (s) | plain loop (s) | agree | target | "
             "met | ln K* |", "|---|---|---|---|---|---|---|---|---|"]
    for row in document["binary"]:
        lines.append(f"| {row['n']} | {row['first_seconds']} | {row['seconds']} | "
                     f"{row['cpu_seconds']} | {row.get('baseline_seconds', '—')} | "
                     f"{row.get('baseline_agrees', '—')} | {row['target']}"
                     f"{' and not slower than the loop' if 'baseline_seconds' in row else ''} | "
                     f"{row['met']} | {row['log_K']} |")
    lines += ["", "## tau_gamma(d) = exp(-t): t from a float64 start and precision-doubling "
              "Newton", "", "Baseline: `mpmath.findroot` (Newton, analytic derivative) on "
              "ln t + gamma ln(1 - e^-t) = ln d from the same closed-form start that numeric.tau "
              "uses without the float start. Agree: equal at every digit of the precision.", "",
              "| digits | gamma | d | fast CPU (s) | findroot CPU (s) | ratio | agree | target | "
              "met | t |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for row in document["tau"]:
        lines.append(f"| {row['dps']} | {row['gamma']} | {row['d']} | {row['seconds']} | "
                     f"{row['baseline_seconds']} | {row['ratio']} | {row['baseline_agrees']} | "
                     f"{row['target']} | {row['met']} | {row['t']} |")
    lines += ["", "## Focal entropy F_2(a), a_i = 1/(i+1), 30 digits", "",
              "Fast (`focal_entropy`, the value alone, at 40 working digits): the float64 KKT "
              "solve, one Newton step with the KKT gap in double-double arithmetic (numpy, "
              "vectorised), then one pass at the working precision in MPFR arithmetic (gmpy2) "
              "whose Lagrangian, stationary at the minimiser and corrected to second order, "
              "gives F. Baseline: the float64 KKT solve alone. Also shown: the same polish in "
              "mpmath arithmetic (the fallback without gmpy2; agree: both give the same "
              "digits); the floor of this design: the float64 solve plus that one "
              "full-precision pass timed alone (one MPFR exponential and about a dozen "
              "Python-level MPFR operations per entry), as a ratio to the baseline; and the "
              "floor of any evaluation of F in MPFR: the float64 solve plus one MPFR "
              "exponential per entry (F depends on each entry through q = e^y), as a ratio to "
              "the baseline. Where that last ratio exceeds 2, the target cannot be met by "
              "evaluating F in MPFR." + (
                  " These rows were timed again on their own, load average "
                  f"{document['focal_entropy_load_average'][0]} at the start and "
                  f"{document['focal_entropy_load_average'][1]} at the end of that run."
                  if "focal_entropy_load_average" in document else ""), "",
              "| entries | fast (s) | CPU (s) | float64 KKT (s) | CPU (s) | ratio (CPU) | "
              "one pass CPU (s) | floor ratio | exponentials CPU (s) | MPFR floor ratio | "
              "mpmath polish (s) | agree | target | met | F |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in document["focal_entropy"]:
        lines.append(f"| {row['entries']} | {row['seconds']} | {row['cpu_seconds']} | "
                     f"{row['baseline_seconds']} | {row['baseline_cpu_seconds']} | "
                     f"{row['ratio']} | {row.get('one_pass_cpu_seconds', '—')} | "
                     f"{row.get('floor_ratio', '—')} | "
                     f"{row.get('exponentials_cpu_seconds', '—')} | "
                     f"{row.get('exponentials_floor_ratio', '—')} | "
                     f"{row['mpmath_arithmetic_seconds']} | {row['agree']} | {row['target']} | "
                     f"{row['met']} | {row['F']} |")
    lines += ["", "## Ternary source (1/2, 3/10, 1/5), K* at eps = 1/10, 30 digits", "",
              "(The full-summation baseline over all 50 015 001 types is in blocks.md: "
              "skipped, estimated far above the budget.)", "",
              "| n | first call (s) | warm (s) | warm CPU (s) | target | met | ln K* |",
              "|---|---|---|---|---|---|---|"]
    for row in document["ternary"]:
        lines.append(f"| {row['n']} | {row['first_seconds']} | {row['seconds']} | "
                     f"{row['cpu_seconds']} | {row['target']} | {row['met']} | {row['log_K']} |")
    return "\n".join(lines) + "\n"
