"""``focalrd sweep SPEC.toml``: a grid of ``focalrd eval`` points on Dask, stored in SQLite."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from typing import TYPE_CHECKING, Any

from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.exact import positive_integer
from focalrd.verify.commands import Command
from focalrd.verify.store import EXPORT_FORMATS, ResultStore, export_rows, pyarrow_available

if TYPE_CHECKING:
    from focalrd.verify.sweeps import Point, SweepSpec

EXIT_NOT_ALL_OK = 1
#: The most local worker processes --workers accepts.
MAX_LOCAL_WORKERS = 256
#: Points that are not ok named on stderr one by one (the rest are in the store).
SHOWN_FAILURES = 20


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", metavar="SPEC.toml",
                        help="the sweep: quantity = \"NAME\" (a focalrd eval quantity), "
                             "dps = N (default 30), [grid] option = [values...]; a scalar "
                             "fixes an option")
    parser.add_argument("--out", metavar="DIR", default=None,
                        help="directory of the store results.sqlite (default "
                             "sweeps/<SPEC name>/)")
    parser.add_argument("--scheduler", metavar="ADDRESS", default=None,
                        help="an existing Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a "
                             "local cluster of worker processes)")
    parser.add_argument("--workers", metavar="N", default=None,
                        help="worker processes of the local cluster (default: the number of "
                             "cores)")
    parser.add_argument("--export", choices=EXPORT_FORMATS, default=None,
                        help="also write DIR/results.csv, .json or .parquet (parquet needs "
                             "pyarrow), one row per grid point in grid order")
    parser.add_argument("--force", action="store_true",
                        help="recompute every point, even those already stored as ok")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON summary object on stdout")


def _workers(args: argparse.Namespace) -> int:
    if args.workers is None:
        return max(1, os.cpu_count() or 1)
    if args.scheduler is not None:
        raise InvalidInputError("workers", "--workers only with the local cluster (with "
                                "--scheduler the cluster's own workers run the points)")
    workers = positive_integer(args.workers, "workers")
    if workers > MAX_LOCAL_WORKERS:
        raise InvalidInputError("workers", f"an integer from 1 to {MAX_LOCAL_WORKERS}",
                                args.workers)
    return workers


def _run(args: argparse.Namespace) -> int:
    # the sweep machinery (Dask, the TOML spec) is imported when a sweep runs, not at start-up
    from focalrd.verify.sweeps import load_spec

    spec = load_spec(args.spec)
    workers = _workers(args)
    if args.export == "parquet" and not pyarrow_available():
        raise InvalidInputError("export", "csv or json; parquet needs pyarrow "
                                "(pip install pyarrow)", "parquet")
    directory = args.out if args.out is not None else os.path.join("sweeps", spec.name)
    if not directory:
        raise InvalidInputError("out", "a directory name")
    store = ResultStore(directory, spec)
    try:
        return _sweep(args, spec, store, workers)
    finally:
        store.close()


def _sweep(args: argparse.Namespace, spec: SweepSpec, store: ResultStore, workers: int) -> int:
    from focalrd.verify.engine import SweepProgress, dask_client, run_points
    from focalrd.verify.runner import RunInterrupted, interruptible

    points = list(spec.points())
    stored = store.statuses()
    ok_before = sum(stored.get(p.inputs_json()) == "ok" for p in points)
    todo = points if args.force else [p for p in points
                                      if stored.get(p.inputs_json()) != "ok"]
    engine = args.scheduler or (f"local cluster of {workers} worker process"
                                 + ("es" if workers > 1 else ""))
    print(f"sweep {spec.quantity}: {len(points)} points, {ok_before} already stored ok"
          + (" (recomputed: --force)" if args.force and ok_before else "")
          + f", {len(todo)} to evaluate" + (f" on {engine}" if todo else "")
          + f"; store {store.path}", file=sys.stderr)
    run = store.start_run(os.path.abspath(args.spec), len(points), len(todo), engine)
    progress = SweepProgress(len(todo))

    def on_outcome(point: Point, outcome: dict[str, Any]) -> None:
        store.record(point, outcome, run)
        progress.finished(outcome["status"])
        if outcome["status"] != "ok" and progress.failed <= SHOWN_FAILURES:
            print(f"  point {point.index + 1} {point.inputs_json()}: {outcome['status']}: "
                  f"{outcome['message']}", file=sys.stderr)
            if progress.failed == SHOWN_FAILURES:
                print(f"  (further points that are not ok are not shown; they are in "
                      f"{store.path})", file=sys.stderr)

    if todo:
        try:
            with interruptible(), dask_client(args.scheduler, workers) as client:
                run_points(client, spec, todo, on_outcome)
        except RunInterrupted as stop:
            progress.close()
            store.finish_run(run, progress.done)
            print(f"focalrd: sweep interrupted by {signal.Signals(stop.signum).name}; "
                  f"{progress.done} points of this run are stored in {store.path}; run the "
                  "same command again to evaluate the rest", file=sys.stderr)
            return 128 + stop.signum
        progress.close()
    store.finish_run(run, progress.done)
    stored = store.statuses()
    counts = {status: 0 for status in ("ok", "bad-input", "precision", "error")}
    for point in points:
        counts[stored.get(point.inputs_json(), "error")] += 1
    exported = None
    if args.export:
        exported = export_rows(store.rows(points), store.directory, args.export)
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n or s == "ok")
    print(f"{len(points)} points: {summary}; evaluated {progress.done} in this run"
          + (f"; exported {exported}" if exported else ""), file=sys.stderr)
    if args.json:
        json.dump({"spec": args.spec, "quantity": spec.quantity, "dps": spec.dps,
                   "store": store.path, "points": len(points), "already_ok": ok_before,
                   "evaluated": progress.done, "run": run, "statuses": counts,
                   "export": exported, "engine": engine}, sys.stdout)
        sys.stdout.write("\n")
    return 0 if counts["ok"] == len(points) else EXIT_NOT_ALL_OK


COMMAND = Command(
    name="sweep",
    summary="evaluate a quantity over a grid (SPEC.toml) on a Dask cluster, results in SQLite",
    description="Evaluate one 'focalrd eval' quantity at every point of a grid, exactly as "
                "'focalrd eval QUANTITY ... --dps N --json' would, on a local Dask cluster "
                "(default) or an existing one (--scheduler).  Every finished point is stored at "
                "once in DIR/results.sqlite; running the same SPEC again evaluates only the "
                "points that are missing or not ok.  Exit status 0 when every point is ok, 1 "
                "otherwise, 2 for a bad SPEC or option (refused before anything runs).",
    add_arguments=_add_arguments,
    run=_run,
    order=25,
)
