"""Benchmark of ``focalrd sweep``: a 200-point grid on 1 and 2 local Dask workers against a
plain in-process loop over the same points (``verify --jobs 1`` against ``2`` is the
``jobs`` suite of ``focalrd benchmark``).

Run ``python -m focalrd.verify.sweep_benchmark [--out reports/benchmarks]``;
writes ``sweep.md`` and ``sweep.json``.  Wall times on a shared machine are noisy: the
ratios between runs made one after the other in the same invocation are what to read.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from typing import Any

from focalrd.verify.store import ResultStore
from focalrd.verify.sweeps import load_spec

__all__ = ["BENCHMARK_SPEC", "main"]

#: 2 sources x 5 blocklengths x 5 gammas x 4 eps = 200 points at 30 digits.
BENCHMARK_SPEC = """\
quantity = "d-star"
dps = 30
[grid]
source = ["0.89,0.11", "0.5,0.3,0.2"]
n = [10, 100, 1000, 10000, 100000]
eps = ["0.1", "0.05", "0.01", "0.001"]
gamma = ["0", "0.5", "1", "2", "5"]
rate = "0.3"
"""


def _loop(spec_path: str) -> tuple[float, dict[str, str]]:
    """The baseline: every point through the eval code path, in this process, in grid
    order, nothing stored."""
    from focalrd.verify.sweeps import evaluate_point

    spec = load_spec(spec_path)
    start = time.perf_counter()
    values = {}
    for point in spec.points():
        outcome = evaluate_point(spec.quantity, point.options, spec.dps)
        values[point.inputs_json()] = (outcome["document"] or {}).get("value")
    return time.perf_counter() - start, values


def _sweep(spec_path: str, workers: int, out: str) -> tuple[float, dict[str, str]]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "focalrd", "sweep", spec_path, "--out", out,
                             "--workers", str(workers)], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"sweep failed: {result.stderr[-2000:]}")
    spec = load_spec(spec_path)
    store = ResultStore(out, spec)
    try:
        values = {p.inputs_json(): row["value"]
                  for p, row in zip(spec.points(), store.rows(spec.points()), strict=True)}
    finally:
        store.close()
    return seconds, values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m focalrd.verify.sweep_benchmark")
    parser.add_argument("--out", default=os.path.join("reports", "benchmarks"))
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"machine": {"platform": platform.platform(),
                                           "cores": os.cpu_count(),
                                           "load_average_at_start": os.getloadavg()}}
    with tempfile.TemporaryDirectory() as work:
        spec_path = os.path.join(work, "benchmark.toml")
        with open(spec_path, "w") as handle:
            handle.write(BENCHMARK_SPEC)
        points = load_spec(spec_path).total
        loop_seconds, loop_values = _loop(spec_path)
        print(f"in-process loop: {loop_seconds:.1f} s", file=sys.stderr)
        runs = {"loop": loop_seconds}
        agree = True
        for workers in (1, 2):
            seconds, values = _sweep(spec_path, workers, os.path.join(work, f"w{workers}"))
            print(f"sweep, {workers} worker(s): {seconds:.1f} s", file=sys.stderr)
            runs[f"sweep_{workers}_workers"] = seconds
            agree &= values == loop_values
        # the baseline again: the load of a shared machine drifts during the runs
        loop_again, values = _loop(spec_path)
        print(f"in-process loop again: {loop_again:.1f} s", file=sys.stderr)
        runs["loop_again"] = loop_again
        agree &= values == loop_values
        loop_seconds = min(loop_seconds, loop_again)
        results["sweep"] = {"points": points, "spec": BENCHMARK_SPEC, "seconds": runs,
                            "identical_values": agree,
                            "overhead_per_point_1_worker_ms":
                                1000 * (runs["sweep_1_workers"] - loop_seconds) / points,
                            "speedup_2_over_1_workers":
                                runs["sweep_1_workers"] / runs["sweep_2_workers"],
                            "load_average_at_end": os.getloadavg()}
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "sweep.json"), "w") as handle:
        json.dump(results, handle, indent=1)
        handle.write("\n")
    with open(os.path.join(args.out, "sweep.md"), "w") as handle:
        handle.write(_markdown(results))
    return 0 if agree else 1


def _markdown(results: dict[str, Any]) -> str:
    sweep = results["sweep"]
    s = sweep["seconds"]
    lines = [
        "# focalrd sweep: benchmark",
        "",
        f"{sweep['points']} points of `d-star` at 30 digits (binary and ternary sources, n from "
        "10 to 10^5, 5 gammas, 4 eps; SPEC in sweep.json), on "
        f"{results['machine']['cores']} cores. Load average at start "
        f"{results['machine']['load_average_at_start'][0]:.1f}, at end "
        f"{sweep['load_average_at_end'][0]:.1f}: the machine was shared with other jobs, so "
        "wall times are inflated and noisy; compare runs within this table only.",
        "",
        "| run | wall time (s) | loop (first) ÷ run |",
        "|---|---:|---:|",
        f"| plain in-process loop (baseline, nothing stored), first | {s['loop']:.1f} | 1.00 |",
        f"| `focalrd sweep --workers 1` | {s['sweep_1_workers']:.1f} | "
        f"{s['loop'] / s['sweep_1_workers']:.2f} |",
        f"| `focalrd sweep --workers 2` | {s['sweep_2_workers']:.1f} | "
        f"{s['loop'] / s['sweep_2_workers']:.2f} |",
        f"| plain in-process loop again, last | {s['loop_again']:.1f} | "
        f"{s['loop'] / s['loop_again']:.2f} |",
        "",
        f"Overhead of the engine and the store with one worker against the faster of the two "
        f"loops: {sweep['overhead_per_point_1_worker_ms']:.0f} ms per point (cluster and "
        "process start-up included; negative means the load changed more than the overhead "
        "is). 2 workers against 1: "
        f"{sweep['speedup_2_over_1_workers']:.2f}x. Values identical in every run: "
        f"{'yes' if sweep['identical_values'] else 'NO'}.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
