"""``focalrd sweep`` with real processes: a Dask scheduler and workers on 127.0.0.1, the
``focalrd sweep`` client as a subprocess, the SQLite store read back with sqlite3.

The reference for every stored value is ``focalrd eval ... --json`` run through the
command line (``focalrd.verify.cli.main``), point by point.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from focalrd.verify.cli import main as focalrd_main

pytest.importorskip("distributed")

BIN = Path(sys.executable).parent
FOCALRD = [sys.executable, "-m", "focalrd"]

# 2 sources x 1 gamma... kept tiny: bad points are a source not summing to 1 and eps = 2.
SMALL_SPEC = """\
quantity = "d-star"
dps = 25
[grid]
source = ["0.89,0.11", "0.5,0.3,0.2", "0.5,0.6"]
gamma = ["0", "2"]
n = [10, 40]
rate = "0.3"
eps = ["0.1", "2"]
"""


@contextlib.contextmanager
def _refusing_address() -> Iterator[str]:
    """An address on 127.0.0.1 where nothing listens, for as long as the block runs: the
    port is bound (so no other process can take it) but never listened on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        yield f"tcp://127.0.0.1:{holder.getsockname()[1]}"


def _stop(process: subprocess.Popen) -> None:
    """Stop a process started in its own session, and everything it started."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)


#: Seconds the test cluster may take to come up: generous, because it is a wait for a
#: condition (it ends as soon as the workers are there), and on a loaded 2-core machine a
#: worker and its nanny each import Dask before the worker can register.
CLUSTER_START = 600.0
#: The worker preload that holds points at a gate (see tests/sweep_gate.py).
GATE_PRELOAD = str(Path(__file__).with_name("sweep_gate.py"))


class DaskCluster:
    """A real ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1.

    The scheduler binds a port of its own choosing (``--port 0``) and writes its address
    to a scheduler file: no port is probed first and bound later, so no other process
    can take it in between.
    """

    def __init__(self, workers: int, log_dir: Path, env: dict[str, str] | None = None) -> None:
        self.log_dir = log_dir
        self.env = env
        scheduler_file = log_dir / "scheduler.json"
        self.scheduler = self._start("scheduler", [
            str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
            "--no-dashboard", "--scheduler-file", str(scheduler_file)])
        self.workers = [self._start(f"worker{i}", [
            str(BIN / "dask"), "worker", "--scheduler-file", str(scheduler_file),
            "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard", "--name", f"w{i}",
            "--preload", GATE_PRELOAD]) for i in range(workers)]
        try:
            self.address = self._read_address(scheduler_file)
            self.wait_for_workers(workers)
        except BaseException:
            self.stop()
            raise

    def _start(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        env = None if self.env is None else {**os.environ, **self.env}
        return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)

    def _read_address(self, scheduler_file: Path) -> str:
        deadline = time.monotonic() + CLUSTER_START
        while True:
            with contextlib.suppress(OSError, ValueError, KeyError):
                return str(json.loads(scheduler_file.read_text())["address"])
            assert self.scheduler.poll() is None, (self.log_dir / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.1)

    def wait_for_workers(self, count: int, timeout: float = CLUSTER_START) -> None:
        from distributed import Client

        with Client(self.address, timeout=f"{int(timeout)}s") as client:
            client.wait_for_workers(count, timeout=timeout)

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            _stop(process)


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    cluster = DaskCluster(2, tmp_path_factory.mktemp("dask-logs"))
    try:
        yield cluster
    finally:
        cluster.stop()


def sweep(*args: str, cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([*FOCALRD, "sweep", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def store_rows(directory: Path) -> list[dict]:
    db = sqlite3.connect(directory / "results.sqlite")
    db.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in db.execute("SELECT * FROM points")]
    finally:
        db.close()


def eval_cli(quantity: str, options: dict, dps: int) -> tuple[int, dict | None, str]:
    """``focalrd eval`` through the command line: (exit status, JSON document, stderr)."""
    argv = ["eval", quantity, *[f"--{k}={v}" for k, v in options.items()], f"--dps={dps}",
            "--json"]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = focalrd_main(argv)
    return status, (json.loads(out.getvalue()) if out.getvalue() else None), err.getvalue()


def comparable(rows: list[dict]) -> list[dict]:
    """Exported rows without what depends on the run (seconds, worker)."""
    return [{k: v for k, v in row.items() if k not in ("seconds", "worker")} for row in rows]


@pytest.fixture(scope="module")
def local_sweep(tmp_path_factory):
    """The small SPEC swept on the default local cluster, exported as JSON."""
    work = tmp_path_factory.mktemp("local")
    (work / "small.toml").write_text(SMALL_SPEC)
    result = sweep("small.toml", "--workers", "2", "--export", "json", "--json", cwd=work)
    return work, result


def test_local_sweep_matches_eval_point_by_point(local_sweep):
    work, result = local_sweep
    assert result.returncode == 1, result.stderr  # bad points: not every point is ok
    summary = json.loads(result.stdout)
    assert summary["points"] == 24 and summary["evaluated"] == 24
    rows = store_rows(work / "sweeps" / "small")
    assert len(rows) == 24
    for row in rows:
        options = json.loads(row["inputs"])
        status, document, stderr = eval_cli("d-star", options, 25)
        if row["status"] == "ok":
            assert status == 0
            assert json.loads(row["document"]) == document
            assert row["value"] == document["value"] and row["K"] == document.get("K")
        else:
            assert status == 2 and row["status"] == "bad-input"
            assert row["message"] in stderr and "\n" not in row["message"]


def test_bad_points_are_bad_input_and_the_rest_ok(local_sweep):
    work, _ = local_sweep
    for row in store_rows(work / "sweeps" / "small"):
        options = json.loads(row["inputs"])
        bad = options["source"] == "0.5,0.6" or options["eps"] == "2"
        assert row["status"] == ("bad-input" if bad else "ok"), row
        assert (row["value"] is None) == bad
        if bad:
            assert ("source" if options["source"] == "0.5,0.6" else "eps") in row["message"]


def test_export_rows_in_grid_order(local_sweep):
    work, _ = local_sweep
    rows = json.loads((work / "sweeps" / "small" / "results.json").read_text())
    # grid order: source slowest, then gamma, n, eps (the order of [grid])
    expected = [(s, g, str(n), e) for s in ("0.89,0.11", "0.5,0.3,0.2", "0.5,0.6")
                for g in ("0", "2") for n in (10, 40) for e in ("0.1", "2")]
    assert [(r["source"], r["gamma"], r["n"], r["eps"]) for r in rows] == expected
    assert all(r["rate"] == "0.3" for r in rows)


def test_scheduler_sweep_gives_the_local_rows(local_sweep, dask_cluster, tmp_path):
    work, _ = local_sweep
    (tmp_path / "small.toml").write_text(SMALL_SPEC)
    result = sweep("small.toml", "--scheduler", dask_cluster.address, "--out", "remote",
                   "--export", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    remote = json.loads((tmp_path / "remote" / "results.json").read_text())
    local = json.loads((work / "sweeps" / "small" / "results.json").read_text())
    assert comparable(remote) == comparable(local)
    workers = {row["worker"] for row in store_rows(tmp_path / "remote")}
    assert workers and all(w.startswith("tcp://127.0.0.1:") for w in workers)


@pytest.mark.slow  # 2 s: a local Dask cluster
def test_rerun_evaluates_only_missing_or_not_ok(dask_cluster, tmp_path):
    spec = ('quantity = "tau"\ndps = 20\n[grid]\ngamma = ["0", "1", "2"]\n'
            'distortion = ["0.5", "1", "-1"]\n')
    (tmp_path / "t.toml").write_text(spec)
    first = sweep("t.toml", "--scheduler", dask_cluster.address, cwd=tmp_path)
    assert first.returncode == 1  # distortion -1 is bad input
    second = sweep("t.toml", "--scheduler", dask_cluster.address, "--json", cwd=tmp_path)
    summary = json.loads(second.stdout)
    assert summary["already_ok"] == 6 and summary["evaluated"] == 3
    assert "6 already stored ok, 3 to evaluate" in second.stderr
    rows = store_rows(tmp_path / "sweeps" / "t")
    assert sorted(r["run"] for r in rows) == [1] * 6 + [2] * 3
    forced = sweep("t.toml", "--scheduler", dask_cluster.address, "--force", "--json",
                   cwd=tmp_path)
    assert json.loads(forced.stdout)["evaluated"] == 9
    assert {r["run"] for r in store_rows(tmp_path / "sweeps" / "t")} == {3}


@pytest.mark.parametrize("spec, fragment", [
    ('quantity = "no-such"\n', "unknown quantity 'no-such'"),
    ('quantity = "tau"\n[grid]\ngamma = ["1"]\ndistortion = ["1"]\ncolour = ["red"]\n',
     "unknown option 'colour'"),
    ('quantity = "tau"\n[grid]\ngamma = []\ndistortion = ["1"]\n', "empty list"),
    ('quantity = "tau"\n[grid\n', "not valid TOML"),
    ('quantity = "tau"\n[grid]\ngamma = [0.1]\ndistortion = ["1"]\n', "as a string"),
    ('quantity = "tau"\n[grid]\ngamma = ["1"]\n', "required: --distortion"),
    ('quantity = "tau"\ndps = 0\n[grid]\ngamma = ["1"]\ndistortion = ["1"]\n', "dps"),
    ('quantity = "tau"\n[grid]\ngamma = ["1", "1"]\ndistortion = ["1"]\n', "twice"),
])
def test_bad_spec_is_refused_before_anything_runs(tmp_path, spec, fragment):
    (tmp_path / "bad.toml").write_text(spec)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = focalrd_main(["sweep", str(tmp_path / "bad.toml"), "--out",
                               str(tmp_path / "store")])
    assert status == 2
    assert err.getvalue().count("\n") == 1 and fragment in err.getvalue(), err.getvalue()
    assert not (tmp_path / "store").exists()


def test_parquet_without_pyarrow_is_a_clear_error(tmp_path):
    pytest.importorskip("tomllib")
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("pyarrow is installed")
    (tmp_path / "s.toml").write_text('quantity = "tau"\ngamma = "1"\ndistortion = "1"\n')
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = focalrd_main(["sweep", str(tmp_path / "s.toml"), "--export", "parquet",
                               "--out", str(tmp_path / "store")])
    assert status == 2 and "pyarrow" in err.getvalue()
    assert not (tmp_path / "store").exists()


# -- crashes ------------------------------------------------------------------------------

# Twelve points.  What is interrupted is decided by the gate (tests/sweep_gate.py), not by
# how long a point takes: the first K points to start run, the others wait at the gate.
CRASH_SPEC = """\
quantity = "d-star"
dps = 30
[grid]
n = [2000, 2500, 3000, 3500, 4000, 4500]
eps = ["0.1", "0.05"]
source = "0.89,0.11"
rate = "0.3"
gamma = "2"
"""
CRASH_POINTS = 12
#: Seconds a crash test waits for a condition (a row, the end of a process): generous,
#: since each wait ends as soon as its condition holds.
PATIENCE = 600.0


class Gate:
    """The gate of tests/sweep_gate.py: ``free`` points pass, the rest wait for open()."""

    def __init__(self, place: Path, free: int) -> None:
        place.mkdir()
        (place / "free").write_text(str(free))
        self.place = place
        self.env = {"FOCALRD_TEST_SWEEP_GATE": str(place)}
        # the local cluster of `focalrd sweep` runs the preloads configured for Dask
        self.local_env = {**os.environ, **self.env,
                          "DASK_DISTRIBUTED__WORKER__PRELOAD": json.dumps([GATE_PRELOAD])}

    def open(self) -> None:
        (self.place / "open").touch()


def _ok_count(directory: Path) -> int:
    path = directory / "results.sqlite"
    if not path.exists():
        return 0
    db = sqlite3.connect(path, timeout=30)
    try:
        return int(db.execute("SELECT count(*) FROM points WHERE status = 'ok'").fetchone()[0])
    except sqlite3.OperationalError:  # the table is not created yet
        return 0
    finally:
        db.close()


def _wait_for_rows(directory: Path, count: int, process: subprocess.Popen,
                   timeout: float = PATIENCE) -> None:
    deadline = time.monotonic() + timeout
    while _ok_count(directory) < count:
        assert process.poll() is None, "the sweep ended before it could be interrupted"
        assert time.monotonic() < deadline, "no progress"
        time.sleep(0.1)


def test_the_gate_holds_points_until_it_opens(tmp_path):
    """The crash tests rest on the gate: exactly the free points pass before it opens."""
    import sweep_gate

    gate = Gate(tmp_path / "gate", free=2)
    calls = []
    held = sweep_gate.gated(calls.append, gate.place)
    sweep_gate.HOLD_AT_MOST, hold = 0.3, sweep_gate.HOLD_AT_MOST
    try:
        held(1)
        held(2)
        assert calls == [1, 2]
        started = time.monotonic()
        held(3)  # no ticket left, gate shut: let through only after HOLD_AT_MOST
        assert time.monotonic() - started >= 0.3 and calls == [1, 2, 3]
        gate.open()
        started = time.monotonic()
        held(4)
        assert calls == [1, 2, 3, 4] and time.monotonic() - started < 0.3
    finally:
        sweep_gate.HOLD_AT_MOST = hold


@pytest.mark.slow
def test_a_killed_worker_is_replaced_and_every_point_ok(tmp_path):
    gate = Gate(tmp_path / "gate", free=2)
    cluster = DaskCluster(2, tmp_path, env=gate.env)
    try:
        (tmp_path / "crash.toml").write_text(CRASH_SPEC)
        client = subprocess.Popen([*FOCALRD, "sweep", "crash.toml", "--scheduler",
                                   cluster.address, "--json"], cwd=tmp_path,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  start_new_session=True)
        try:
            _wait_for_rows(tmp_path / "sweeps" / "crash", 2, client)
            # Both workers now hold a point at the gate (one thread each): the killed one
            # takes a point in flight with it.
            os.killpg(cluster.workers[0].pid, signal.SIGKILL)  # the worker and its nanny
            gate.open()
            stdout, stderr = client.communicate(timeout=PATIENCE)
        finally:
            _stop(client)
        assert client.returncode == 0, stderr
        rows = store_rows(tmp_path / "sweeps" / "crash")
        assert len(rows) == CRASH_POINTS and all(r["status"] == "ok" for r in rows)
        assert json.loads(stdout)["statuses"]["ok"] == CRASH_POINTS
        # every point after the kill ran on the one worker left
        later = sorted(rows, key=lambda r: r["finished"])[2:]
        assert len({r["worker"] for r in later}) == 1
    finally:
        cluster.stop()


@pytest.mark.slow
def test_kill_9_of_the_client_loses_only_points_in_flight(tmp_path):
    import psutil

    gate = Gate(tmp_path / "gate", free=3)
    (tmp_path / "crash.toml").write_text(CRASH_SPEC)
    store = tmp_path / "sweeps" / "crash"
    client = subprocess.Popen([*FOCALRD, "sweep", "crash.toml", "--workers", "2"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env=gate.local_env,
                              start_new_session=True)
    try:
        _wait_for_rows(store, 3, client)
        children = psutil.Process(client.pid).children(recursive=True)
        client.kill()
        client.wait(timeout=PATIENCE)
        # the local cluster's worker processes go with their client
        _, alive = psutil.wait_procs(children, timeout=PATIENCE)
        assert not alive, [p.cmdline() for p in alive]
    finally:
        _stop(client)
    kept = store_rows(store)
    # the three free points, and nothing of the nine held in flight or queued
    assert len(kept) == 3 and all(r["status"] == "ok" for r in kept)
    assert {r["run"] for r in kept} == {1}

    again = sweep("crash.toml", "--workers", "2", "--json", cwd=tmp_path, timeout=PATIENCE)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["evaluated"] == CRASH_POINTS - 3
    rows = store_rows(store)
    assert len(rows) == CRASH_POINTS and all(r["status"] == "ok" for r in rows)
    assert len({r["inputs"] for r in rows}) == CRASH_POINTS
    # the second run wrote exactly the points the first did not store
    assert sum(r["run"] == 2 for r in rows) == CRASH_POINTS - 3
    first = {r["inputs"]: r["finished"] for r in kept}
    assert all(first[r["inputs"]] == r["finished"] for r in rows if r["run"] == 1)


@pytest.mark.slow
@pytest.mark.parametrize("signum, to_group", [(signal.SIGINT, True), (signal.SIGTERM, False)])
def test_ctrl_c_stops_the_local_cluster_quietly(tmp_path, signum, to_group):
    import psutil

    gate = Gate(tmp_path / "gate", free=1)
    (tmp_path / "crash.toml").write_text(CRASH_SPEC)
    store = tmp_path / "sweeps" / "crash"
    client = subprocess.Popen([*FOCALRD, "sweep", "crash.toml", "--workers", "2"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True, env=gate.local_env, start_new_session=True)
    try:
        _wait_for_rows(store, 1, client)
        children = psutil.Process(client.pid).children(recursive=True)
        if to_group:  # Ctrl-C on a terminal reaches every process of the group
            os.killpg(client.pid, signum)
        else:
            client.send_signal(signum)
        _, stderr = client.communicate(timeout=PATIENCE)
        _, alive = psutil.wait_procs(children, timeout=PATIENCE)
    finally:
        _stop(client)
    assert client.returncode == 128 + signum
    assert not alive, [p.cmdline() for p in alive]
    assert "Traceback" not in stderr and f"interrupted by {signum.name}" in stderr
    assert stderr.strip().splitlines()[-1].startswith("focalrd: sweep interrupted")
    rows = store_rows(store)
    assert len(rows) == 1 and rows[0]["status"] == "ok"


def test_options_refused_before_anything_runs(tmp_path):
    (tmp_path / "s.toml").write_text('quantity = "tau"\ngamma = "1"\ndistortion = "1"\n')
    for extra, fragment in [(["--workers", "0"], "invalid workers"),
                            (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"],
                             "--workers only with the local cluster"),
                            (["--export", "xml"], "invalid choice")]:
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            status = focalrd_main(["sweep", str(tmp_path / "s.toml"), "--out",
                                   str(tmp_path / "store"), *extra])
        assert status == 2 and fragment in err.getvalue(), err.getvalue()
        assert err.getvalue().count("\n") == 1
    assert not (tmp_path / "store").exists()


@pytest.mark.slow  # Dask retries the connection for its whole timeout (20 s)
def test_unreachable_scheduler_is_one_line(tmp_path):
    (tmp_path / "s.toml").write_text('quantity = "tau"\ngamma = "1"\ndistortion = "1"\n')
    with _refusing_address() as address:
        result = sweep("s.toml", "--scheduler", address, cwd=tmp_path, timeout=PATIENCE)
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("focalrd: error: invalid scheduler") and "Traceback" not in result.stderr


def test_csv_export_holds_the_stored_digits(dask_cluster, tmp_path):
    import csv

    (tmp_path / "c.toml").write_text('quantity = "c-gamma"\ndps = 40\n[grid]\n'
                                     'gamma = ["1/2", "2", "7"]\n')
    result = sweep("c.toml", "--scheduler", dask_cluster.address, "--export", "csv",
                   cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "sweeps" / "c" / "results.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["gamma"] for r in rows] == ["1/2", "2", "7"]
    for row in rows:
        _, document, _ = eval_cli("c-gamma", {"gamma": row["gamma"]}, 40)
        assert row["value"] == document["value"] and row["maximizer"] == document["maximizer"]
        assert row["status"] == "ok" and row["dps"] == "40" and row["unit"] == "nats"


# -- curves on the sweep machinery ---------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("bits", [False, True])
def test_curves_from_the_store_equal_the_in_process_table(tmp_path, bits):
    from fractions import Fraction

    from focalrd.verify.curves import curve_table, swept_curve_table

    source, gammas = (Fraction(9, 10), Fraction(1, 10)), [Fraction(1), Fraction(5, 2)]
    ns, rate, eps = [10, 60], Fraction(3, 20), Fraction(1, 10)
    expected = curve_table(source, gammas, ns, rate, eps, bits, 12)
    store = tmp_path / "c.sqlite"
    assert swept_curve_table(source, gammas, ns, rate, eps, bits, 12,
                             store_path=str(store)) == expected
    # a second, larger table evaluates only the new blocklength
    calls = []
    table = swept_curve_table(source, gammas, [*ns, 90], rate, eps, bits, 12,
                              progress=lambda done, n: calls.append((done, n)),
                              store_path=str(store))
    assert table[:2] == expected and calls == [(3, 90)]
    db = sqlite3.connect(store)
    runs = db.execute("SELECT to_evaluate FROM runs ORDER BY id").fetchall()
    db.close()
    assert runs == [(8,), (4,)]  # (2 gammas + gamma 0 + normal approx) per n
