"""Progress display of ``focalrd verify`` on stderr.

On a terminal a single live line is rewritten in place (what is running, how
many are done); otherwise one line is printed per finished claim, which keeps
logs readable.  Either way each finished claim's status and seconds appear.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

__all__ = [
    "Progress",
]


class Progress:
    """Reports the claims of a run as they start and finish."""

    def __init__(self, total: int, stream: TextIO | None = None,
                 live: bool | None = None) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.done = 0
        self.running: list[str] = []
        self._width = 0

    def started(self, claim_id: str) -> None:
        self.running.append(claim_id)
        if self.live:
            self._rewrite(f"[{self.done}/{self.total}] running {', '.join(self.running)}")

    def finished(self, record: dict[str, Any]) -> None:
        self.done += 1
        if record["id"] in self.running:
            self.running.remove(record["id"])
        mark = "" if record["met"] else "  (expectation not met)"
        line = (f"[{self.done:>{len(str(self.total))}}/{self.total}] {record['status']:<12} "
                f"{record['id']}  {record['seconds']:.2f} s{mark}")
        if self.live:
            self._rewrite(line)
            self.stream.write("\n")
            self._width = 0
            if self.running:
                self._rewrite(f"[{self.done}/{self.total}] running {', '.join(self.running)}")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.live and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self._width = 0
        self.stream.flush()

    def _rewrite(self, text: str) -> None:
        text = text[:200]
        # Pad with spaces so that a shorter line fully covers the previous one.
        self.stream.write("\r" + text.ljust(self._width))
        self._width = len(text)
        self.stream.flush()
