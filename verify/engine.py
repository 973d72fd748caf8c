"""The engine of ``focalrd sweep`` (and ``focalrd curves``): points on a Dask cluster.

:func:`dask_client` gives a client of an existing scheduler or of a local cluster it
starts and stops; :func:`run_points` submits points in grid order and hands each
outcome over as it finishes; :class:`SweepProgress` reports on stderr.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from focalrd.numeric.errors import InvalidInputError
from focalrd.verify.sweeps import Point, SweepSpec, evaluate_point

__all__ = ["SweepProgress", "dask_available", "dask_client", "run_items", "run_points",
           "submit"]


def dask_available() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


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
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
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
        with _sigint_ignored(), warnings.catch_warnings():
            # the scheduler's HTTP endpoint moves to a free port when 8787 is taken: fine
            warnings.filterwarnings("ignore", message="Port 8787 is already in use")
            # The worker processes inherit SIGINT ignored (and the preload ignores it again
            # in a worker a nanny restarts): Ctrl-C is the client's to handle.  Preloads
            # configured for Dask (distributed.worker.preload) still run: naming ours
            # would otherwise replace them.
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.CRITICAL,
                                   preload=_worker_preloads())
        try:
            client = Client(cluster)
            try:
                yield client
            finally:
                # Stopping a cluster mid-task makes Dask log lost connections: expected.
                logger.setLevel(logging.CRITICAL)
                client.close()
        finally:
            cluster.close()
    finally:
        logger.setLevel(level)


def _worker_preloads() -> list[str]:
    """The worker preloads of the Dask configuration, then the one of focalrd sweep."""
    import dask

    configured = dask.config.get("distributed.worker.preload", default=None) or []
    if isinstance(configured, str):
        configured = [configured]
    return [*configured, "focalrd.verify._dask_worker"]


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_points(client: Any, spec: SweepSpec, points: list[Point],
               on_outcome: Callable[[Point, dict[str, Any]], None]) -> None:
    """Submit ``points`` (in grid order) and hand each outcome over as it finishes."""
    submit(client, [(spec, p) for p in points], lambda item, outcome: on_outcome(item[1], outcome))


def submit(client: Any, items: list[tuple], on_outcome: Callable[[tuple, dict[str, Any]], None]
           ) -> None:
    """Evaluate ``items`` (tuples whose first element is the spec and last the point) on
    ``client``, in order of submission; ``on_outcome(item, outcome)`` as each finishes."""
    from distributed import as_completed

    futures = client.map(evaluate_point, [item[0].quantity for item in items],
                         [item[-1].options for item in items],
                         [item[0].dps for item in items], pure=False)
    by_key = {f.key: item for f, item in zip(futures, items, strict=True)}
    for future in as_completed(futures):
        item = by_key[future.key]
        if future.status == "finished":
            outcome = future.result()
        else:  # e.g. KilledWorker: the point took down its worker again and again
            error = future.exception()
            outcome = {"status": "error", "document": None, "seconds": None, "worker": None,
                       "message": " ".join(f"{type(error).__name__}: {error}".split())[:500]}
        future.release()
        on_outcome(item, outcome)


def run_items(items: list[tuple], on_outcome: Callable[[tuple, dict[str, Any]], None],
              scheduler: str | None = None, workers: int | None = None) -> None:
    """:func:`submit` on a local cluster (or ``scheduler``); in this process, one item after
    the other, when Dask is not installed and no scheduler is named."""
    if not items:
        return
    if scheduler is None and not dask_available():
        for item in items:
            on_outcome(item, evaluate_point(item[0].quantity, item[-1].options, item[0].dps))
        return
    count = workers or max(1, min(os.cpu_count() or 1, len(items)))
    with dask_client(scheduler, count) as client:
        submit(client, items, on_outcome)
