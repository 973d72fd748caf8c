"""A Dask worker preload for the crash tests of ``focalrd sweep``: points held at a gate.

A test that interrupts a sweep "while it runs" (kills the client, kills a worker, sends
Ctrl-C) must not rest on points being slower than the test is quick to notice progress:
on a loaded machine the workers can finish the whole grid between two polls of the
store, and the test then has nothing to interrupt.  With this file given to the workers
as a preload (``dask worker --preload PATH``, or ``DASK_DISTRIBUTED__WORKER__PRELOAD``
for the local cluster of ``focalrd sweep``) and ``FOCALRD_TEST_SWEEP_GATE=DIR`` in their
environment, ``DIR/free`` holding an integer K:

* the first K points to start, on whichever worker, are evaluated at once;
* every later point waits until ``DIR/open`` exists, then is evaluated.

So exactly K points can finish before the test opens the gate, and every other point is
in flight or queued: what the test interrupts is known, whatever the load.  The points
themselves are evaluated by the real :func:`focalrd.verify.sweeps.evaluate_point` in the
real worker process; only their start is delayed.
"""

from __future__ import annotations

import functools
import os
import time
from pathlib import Path
from typing import Any

#: A held point is let through after this long even if the gate never opens, so that a
#: test that fails before opening it does not leave a worker waiting for ever.
HOLD_AT_MOST = 900.0
POLL = 0.02


def _ticket(gate: Path) -> bool:
    """Claim one of the K free passes (atomic across processes: O_CREAT | O_EXCL)."""
    free = int((gate / "free").read_text())
    for index in range(free):
        try:
            os.close(os.open(gate / f"ticket-{index}", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            continue
        return True
    return False


def _wait_until_open(gate: Path) -> None:
    until = time.monotonic() + HOLD_AT_MOST
    while not (gate / "open").exists() and time.monotonic() < until:
        time.sleep(POLL)


def gated(evaluate: Any, gate: Path) -> Any:
    @functools.wraps(evaluate)
    def held_evaluate(*args: Any, **kwargs: Any) -> Any:
        if not _ticket(gate):
            _wait_until_open(gate)
        return evaluate(*args, **kwargs)

    return held_evaluate


def dask_setup(worker: Any) -> None:
    place = os.environ.get("FOCALRD_TEST_SWEEP_GATE")
    if not place:
        return
    from focalrd.verify import sweeps

    # Tasks name the function by module and name (pickled by reference), so a point
    # unpickled on this worker after this line runs the gated function.
    sweeps.evaluate_point = gated(sweeps.evaluate_point, Path(place))
