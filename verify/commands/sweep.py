"""``focalrd sweep SPEC.toml``: a grid of ``focalrd eval`` points on Dask, stored in SQLite."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.exact import positive_integer
from focalrd.verify.commands import Command
from focalrd.verify.runner import RunInterrupted, interruptible
from focalrd.verify.store import EXPORT_FORMATS, ResultStore, export_rows, pyarrow_available
from focalrd.verify.sweeps import Point, SweepSpec, evaluate_point, load_spec

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


class SweepProgress:
    """``[done/total] failures, rate, ETA`` on stderr: rewritten in place on a terminal,
    at most one line a second otherwise (and always the last one)."""

    def __init__(self, total: int, stream: TextIO | None = None, interval: float = 1.0) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream.isatty()
        self.interval = interval
        self.done = self.failed = 0
        self.start = time.monotonic()
        self._shown = 0.0

    def finished(self, status: str) -> None:
        self.done += 1
        self.failed += status != "ok"
        now = time.monotonic()
        if self.done == self.total or now - self._shown >= self.interval:
            self._shown = now
            self._show(now)

    def line(self, now: float | None = None) -> str:
        elapsed = (now or time.monotonic()) - self.start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        remaining = self.total - self.done
        eta = _duration(remaining / rate) if rate > 0 and remaining else "-"
        return (f"[{self.done}/{self.total}] {self.failed} not ok, {rate:.2f} points/s, "
                f"ETA {eta}")

    def _show(self, now: float) -> None:
        text = self.line(now)
        if self.live:
            self.stream.write("\r" + text.ljust(60) + ("\n" if self.done == self.total else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.live and self.done != self.total:
            self.stream.write("\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A Dask client: of the scheduler at ``scheduler``, or of a local cluster of
    ``workers`` single-threaded worker processes (nannies restart a worker that dies).
    Everything started here is stopped on exit, also on an interrupt."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InvalidInputError("scheduler", "Dask for focalrd sweep: pip install "
                                "'focalrd[cluster]' (dask[distributed])") from None
    logging.getLogger("distributed").setLevel(logging.ERROR)
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError, ValueError) as error:
            raise InvalidInputError("scheduler", "the address of a running Dask scheduler, "
                                    f"e.g. tcp://HOST:8786 ({' '.join(str(error).split())})",
                                    scheduler) from None
        try:
            yield client
        finally:
            client.close()
        return
    # Started with SIGINT ignored, which the worker processes inherit (and the preload
    # sets again in a worker a nanny restarts): Ctrl-C is the client's to handle.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.CRITICAL,
                               preload=["focalrd.verify._dask_worker"])
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        client = Client(cluster)
        try:
            yield client
        finally:
            # Stopping a cluster mid-task makes Dask log lost connections: expected here.
            logging.getLogger("distributed").setLevel(logging.CRITICAL)
            client.close()
    finally:
        cluster.close()


def run_points(client: Any, spec: SweepSpec, points: list[Point],
               on_outcome: Callable[[Point, dict[str, Any]], None]) -> None:
    """Submit ``points`` (in grid order) and hand each outcome over as it finishes."""
    from distributed import as_completed

    futures = client.map(evaluate_point, [spec.quantity] * len(points),
                         [p.options for p in points], [spec.dps] * len(points), pure=False)
    by_key = {f.key: p for f, p in zip(futures, points, strict=True)}
    for future in as_completed(futures):
        point = by_key[future.key]
        if future.status == "finished":
            outcome = future.result()
        else:  # e.g. KilledWorker: the point took down its worker again and again
            error = future.exception()
            outcome = {"status": "error", "document": None, "seconds": None, "worker": None,
                       "message": " ".join(f"{type(error).__name__}: {error}".split())[:500]}
        future.release()
        on_outcome(point, outcome)


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
    points = list(spec.points())
    stored = store.statuses()
    ok_before = sum(stored.get(p.inputs_json()) == "ok" for p in points)
    todo = points if args.force else [p for p in points
                                      if stored.get(p.inputs_json()) != "ok"]
    engine = args.scheduler or f"local cluster of {workers} worker processes"
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
