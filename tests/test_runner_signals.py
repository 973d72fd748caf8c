"""SIGINT and SIGTERM to ``focalrd verify --jobs 2``: every child stops at once.

Real processes: the command runs in a session of its own, so every process it
starts (two workers, the multiprocessing resource tracker) is found in /proc by
its session id.  After the signal the command must exit at once with 130 (SIGINT)
or 143 (SIGTERM), no process of the session may survive it, and the previous
report files in ``--out`` must be byte for byte what they were.

"At once" is measured in CPU seconds, not wall seconds: the processor time the
command and its workers spend after the signal does not grow when the machine is
loaded by other work, and a command that lets its workers finish the checks they
hold, or the run, spends far more of it than one that stops them.
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
#: CPU seconds the command and its workers may spend after the signal.  Stopping took
#: 0.30-0.32 s in each case here (the handler, terminating two workers, joining them);
#: letting the two workers finish the checks they hold instead (a planted bug) took 1.83 s,
#: and finishing the run takes far more.
STOP_CPU_SECONDS = 1.0
#: Seconds any wait for a condition may last: a guard against a hang, not a measurement
#: (each wait ends as soon as its condition holds, whatever the load).
PATIENCE = 600.0
#: Seconds a process of the session may outlive the command (the resource tracker ends
#: when it sees its pipe close, which a loaded machine may delay): a wait that ends as
#: soon as the session is empty, so generous costs nothing; a leaked worker waiting for
#: work never ends and is still found.
EXIT_GRACE = 60.0
_TICK = os.sysconf("SC_CLK_TCK")


def session_processes(session: int, zombies: bool = False) -> list[int]:
    """Live (non-zombie, unless ``zombies``) processes whose session id is ``session``."""
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
        if sid == session and (zombies or state not in ("Z", "X")):
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


def _cpu_seconds(pid: int, with_children: bool = False) -> float:
    """utime + stime of a live process (and of its children it has waited for)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of proc(5))
    if with_children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / _TICK


def session_cpu_seconds(leader: int) -> float:
    """CPU seconds spent so far by the session led by ``leader``: the leader, the children
    it has waited for, and its other processes (a zombie's time is its own until reaped)."""
    total = _cpu_seconds(leader, with_children=True)
    for pid in session_processes(leader, zombies=True):
        if pid != leader:
            try:
                total += _cpu_seconds(pid)
            except OSError:  # exited (and reaped) meanwhile: its time is in the leader's
                continue
    return total


def wait_with_usage(process: subprocess.Popen, timeout: float) -> tuple[int, float]:
    """Reap ``process``: its exit status and the CPU seconds of it and of the children it
    waited for (``wait4``)."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage.ru_utime + usage.ru_stime
        assert time.monotonic() < deadline, f"still running {timeout:.0f} s after the signal"
        time.sleep(0.02)


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


#: User claims for the run that is interrupted: one finishes at once, the two checks of the
#: other hold their workers until the test is done with them.  A held check writes
#: ``finished-NAME`` only if it is allowed to return (HOLD_AT_MOST seconds later), so a
#: command that lets its workers finish what they hold instead of stopping them leaves
#: that file behind.  What is running when the signal comes is thus known, whatever the
#: load (a run of the suite's own claims could end, or not have reached its checks yet).
HOLD_AT_MOST = 120.0
HELD_CLAIMS = f'''
import os
import time
from pathlib import Path

from focalrd.verify.registry import Evidence, check, claim

def _held(name):
    place = Path(os.environ["FOCALRD_TEST_HOLD"])
    (place / f"started-{{name}}").write_text(str(os.getpid()))
    until = time.monotonic() + {HOLD_AT_MOST}
    while time.monotonic() < until:
        time.sleep(0.05)
    (place / f"finished-{{name}}").write_text(str(os.getpid()))
    return Evidence.exhaustive("held, then let go", True, 1)

@claim("user.at-once", statement="a claim that is checked at once", provenance="user")
def at_once(ctx):
    return Evidence.exhaustive("at once", True, 1)

@claim("user.held", statement="a claim whose checks hold their workers", provenance="user")
def first(ctx):
    return _held("first")

@check("user.held")
def second(ctx):
    return _held("second")
'''


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
    previous = _snapshot(out)
    held = tmp_path / "held"
    held.mkdir()
    (tmp_path / "held_claims.py").write_text(HELD_CLAIMS)
    with open(tmp_path / "stderr", "w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "focalrd.verify.cli", "verify", "--quick", "--jobs", "2",
             "--claims", str(tmp_path / "held_claims.py"), "--only", "user.*",
             "--out", str(out)], stdout=subprocess.DEVNULL, stderr=stderr, cwd=tmp_path,
            env={**os.environ, "FOCALRD_TEST_HOLD": str(held)}, start_new_session=True)
    try:
        # Wait for the command, its two workers and the resource tracker, for the first
        # finished claim, and for both held checks to have started: the two workers are
        # then in the middle of a check each.
        deadline = time.monotonic() + PATIENCE
        while (len(session_processes(process.pid)) < 4
               or not re.search(r"\[\s*1/", (tmp_path / "stderr").read_text())
               or not all((held / f"started-{n}").exists() for n in ("first", "second"))):
            assert process.poll() is None, (session_processes(process.pid),
                                            (tmp_path / "stderr").read_text()[-300:])
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.1)
        assert process.poll() is None
        children = set(session_processes(process.pid)) - {process.pid}
        assert len(children) >= 3
        cpu_before = session_cpu_seconds(process.pid)
        if to_group:
            os.killpg(process.pid, signum)
        else:
            os.kill(process.pid, signum)
        returncode, cpu_after = wait_with_usage(process, PATIENCE)
        left = left_after_exit(process.pid, EXIT_GRACE)
    finally:
        for pid in session_processes(process.pid):
            os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
            process.wait()
    err = (tmp_path / "stderr").read_text()
    assert returncode == status, err[-2000:]
    assert sorted(p.name for p in held.iterdir()) == ["started-first", "started-second"]
    stopping = cpu_after - cpu_before
    assert stopping < STOP_CPU_SECONDS, f"{stopping:.2f} CPU seconds after the signal"
    assert left == [], f"still running after the command exited: {left}"
    assert _snapshot(out) == previous
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    assert f"interrupted by {signal.Signals(signum).name}" in err.splitlines()[-1]
    assert "Traceback" not in err
