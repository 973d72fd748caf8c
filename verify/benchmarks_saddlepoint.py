"""Accuracy benchmark: the saddlepoint and normal approximations against exact D*.

Computation only (the figure is drawn by :mod:`focalrd.verify.benchmarks_figures`
from the JSON document).  For each source and n, the exact D*_0(n, R, ε) =
ln⌈K*/M⌉/n (L* does not depend on γ, so γ = 0 shows the approximation error of
K* itself) is compared with

* the saddlepoint approximation (:mod:`focalrd.numeric.blocks.saddlepoint`), and
* the normal approximation H − R + √(V/n) Q^{-1}(ε) − (ln n)/(2n),

both as absolute errors per symbol in nats.  The same run also times the exact
many-group engine (the reach of issue 13) beside the exhaustive type-class sort.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from mpmath import mp

from focalrd.numeric.blocks.excess import distortion_limit
from focalrd.numeric.blocks.grouping import codebook_size
from focalrd.numeric.blocks.normal import normal_approximation
from focalrd.numeric.blocks.saddlepoint import saddlepoint_distortion
from focalrd.numeric.source import entropy

EPS = Fraction(1, 10)
SOURCES = {
    "binary (9/10, 1/10)": (Fraction(9, 10), Fraction(1, 10)),
    "ternary (1/2, 3/10, 1/5)": (Fraction(1, 2), Fraction(3, 10), Fraction(1, 5)),
    "4 symbols (4,3,2,1)/10": tuple(Fraction(k, 10) for k in (4, 3, 2, 1)),
    "5 symbols (5,4,3,2,1)/15": tuple(Fraction(k, 15) for k in (5, 4, 3, 2, 1)),
    "6 symbols (6,...,1)/21": tuple(Fraction(k, 21) for k in (6, 5, 4, 3, 2, 1)),
}
#: Blocklengths per source (the exact value must be within reach).
LENGTHS = {
    "binary (9/10, 1/10)": (10, 30, 100, 300, 1000, 3000, 10_000),
    "ternary (1/2, 3/10, 1/5)": (10, 30, 100, 300, 1000, 3000, 10_000),
    "4 symbols (4,3,2,1)/10": (10, 30, 100, 300, 1000),
    "5 symbols (5,4,3,2,1)/15": (10, 30, 100, 300),
    "6 symbols (6,...,1)/21": (10, 30, 60),
}


def rate_for(source) -> Fraction:
    """R = H/2 rounded to 1/1000 nat (so that D* is well inside (0, H))."""
    return Fraction(round(float(entropy(source)) * 500), 1000)


def run_saddlepoint(dps: int = 20, budget: float = 60.0,
                    progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    rows = []
    for label, source in SOURCES.items():
        rate = rate_for(source)
        for n in LENGTHS[label]:
            if progress:
                progress(f"saddlepoint: {label}, n = {n}")
            with mp.workdps(dps):
                m = codebook_size(n, rate=rate)
                start = time.perf_counter()
                exact = distortion_limit(source, 0, n, m, EPS).value
                exact_seconds = time.perf_counter() - start
                start = time.perf_counter()
                saddle, _ = saddlepoint_distortion(source, Fraction(0), n, m.log, EPS)
                saddle_seconds = time.perf_counter() - start
                normal = normal_approximation(source, n, rate, EPS)
                rows.append({
                    "source": label, "n": n, "rate": str(rate), "eps": str(EPS),
                    "exact": mp.nstr(exact, 15),
                    "saddlepoint_error": float(abs(saddle - exact)),
                    "normal_error": float(abs(normal - exact)),
                    "exact_seconds": round(exact_seconds, 3),
                    "saddlepoint_seconds": round(saddle_seconds, 3),
                })
    return {"benchmark": "saddlepoint vs normal approximation of D*_0(n, R, eps)",
            "eps": str(EPS), "rows": rows}


def markdown_saddlepoint(document: dict[str, Any]) -> str:
    lines = [f"# {document['benchmark']}", "",
             "Absolute error per symbol (nats) of two APPROXIMATIONS of the exact "
             f"D*_0(n, R, eps), eps = {document['eps']}, R = H/2 (rounded to 1/1000 nat); the "
             "exact value is the library's exact engine (type classes; for 4-6 symbols the "
             "many-group engine of issue 13). Timings are one run on the machine that wrote "
             "this file. Figure: `saddlepoint.png`.", "",
             "| source | n | exact D* (nats) | saddlepoint error | normal error | "
             "exact (s) | saddlepoint (s) |",
             "|---|---|---|---|---|---|---|"]
    for row in document["rows"]:
        lines.append(f"| {row['source']} | {row['n']} | {row['exact']} | "
                     f"{row['saddlepoint_error']:.2e} | {row['normal_error']:.2e} | "
                     f"{row['exact_seconds']} | {row['saddlepoint_seconds']} |")
    return "\n".join(lines) + "\n"


def error_ratio_summary(document: dict[str, Any]) -> dict[str, float]:
    """Median over the rows of normal error / saddlepoint error, per source."""
    out: dict[str, float] = {}
    for label in {row["source"] for row in document["rows"]}:
        ratios = sorted(row["normal_error"] / max(row["saddlepoint_error"], 1e-300)
                        for row in document["rows"] if row["source"] == label)
        out[label] = ratios[len(ratios) // 2] if ratios else math.nan
    return out
