"""SIGINT and SIGTERM to ``focalrd verify --jobs 2``: every child stops at once.

Real processes: the command runs in a session of its own, so every process it
starts (two workers, the multiprocessing resource tracker) is found in /proc by
its session id.  After the signal the command must exit within a few seconds
with 130 (SIGINT) or 143 (SIGTERM), no process of the session may survive it, and
the previous report files in ``--out`` must be byte for byte what they were.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="reads the process table from /proc (Linux)")

PREVIOUS = {"report.json": b'{"previous": "run"}\n', "report.md": b"# previous\n",
            "report.html": b"<p>previous</p>\n", "reference_values.json": b"{}\n"}
#: Seconds the command may take to exit after the signal (generous: the test machine is
#: shared; unloaded it takes well under one second).
EXIT_WITHIN = 10.0


def session_processes(session: int) -> list[int]:
    """Live (non-zombie) processes whose session id is ``session``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # exited meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (command)"
        state, sid = fields[0], int(fields[3])
        if sid == session and state not in ("Z", "X"):
            found.append(int(entry))
    return found


def left_after_exit(session: int, grace: float) -> list[int]:
    """The processes of ``session`` still alive ``grace`` seconds after its leader exited
    (orphans are re-parented, not ended; the resource tracker needs a moment to notice
    its pipe closed)."""
    gone_by = time.monotonic() + grace
    while session_processes(session) and time.monotonic() < gone_by:
        time.sleep(0.05)
    return session_processes(session)


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("signum, to_group, status", [
    (signal.SIGINT, True, 130),    # Ctrl-C in a terminal: the whole process group
    (signal.SIGINT, False, 130),   # kill -INT PID: the command alone, workers mid-claim
    (signal.SIGTERM, False, 143),  # kill PID: the command alone
])
def test_a_signal_stops_every_worker_and_keeps_the_previous_report(tmp_path, signum, to_group,
                                                                   status) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name, data in PREVIOUS.items():
        (out / name).write_bytes(data)
    before = _snapshot(out)
    with open(tmp_path / "stderr", "w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "focalrd.verify.cli", "verify", "--quick", "--jobs", "2",
             "--out", str(out)], stdout=subprocess.DEVNULL, stderr=stderr, cwd=tmp_path,
            start_new_session=True)
    try:
        # Wait for the command, its two workers and the resource tracker, and for the
        # first finished claim: the workers are then in the middle of checks.
        deadline = time.monotonic() + 300
        while (len(session_processes(process.pid)) < 4
               or not re.search(r"\[\s*1/", (tmp_path / "stderr").read_text())):
            assert process.poll() is None, (session_processes(process.pid),
                                            (tmp_path / "stderr").read_text()[-300:])
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.2)
        assert process.poll() is None
        children = set(session_processes(process.pid)) - {process.pid}
        assert len(children) >= 3
        sent = time.monotonic()
        if to_group:
            os.killpg(process.pid, signum)
        else:
            os.kill(process.pid, signum)
        returncode = process.wait(timeout=60)
        took = time.monotonic() - sent
        left = left_after_exit(process.pid, 3)
    finally:
        for pid in session_processes(process.pid):
            os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
            process.wait()
    err = (tmp_path / "stderr").read_text()
    assert returncode == status, err[-2000:]
    assert took < EXIT_WITHIN, f"exit took {took:.1f} s"
    assert left == [], f"still running after the command exited: {left}"
    assert _snapshot(out) == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    assert f"interrupted by {signal.Signals(signum).name}" in err.splitlines()[-1]
    assert "Traceback" not in err
