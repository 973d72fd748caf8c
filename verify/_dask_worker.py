"""Preloaded into the worker processes of the local cluster of ``focalrd sweep``.

Ctrl-C reaches the whole process group; the client stops the cluster in order, so the
workers must not take it for their own interrupt (and print tracebacks while dying).
"""

from __future__ import annotations

import signal
import threading
from typing import Any


def dask_setup(worker: Any) -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
