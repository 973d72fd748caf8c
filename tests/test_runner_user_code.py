"""User claim code that exits, interrupts or prints cannot end the run or pollute ``--json``.

A check that calls ``sys.exit`` (any code), raises ``KeyboardInterrupt`` or another
``BaseException``, or prints, failed to run: its evidence is inconclusive and says
why, the other claims still run, and stdout holds the JSON document alone.  A
``--claims`` module that calls ``sys.exit`` while being imported is a load error like
any other import failure: one line, exit status 2, no output directory.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from focalrd.verify.cli import main

UNRULY_CLAIMS = '''
import os
import sys
from focalrd.verify.registry import Evidence, claim

print("chatter while the module is imported")

@claim("user.exit0", statement="a check calling sys.exit(0)", provenance="user")
def exit0(ctx):
    sys.exit(0)

@claim("user.exit3", statement="a check calling sys.exit(3)", provenance="user")
def exit3(ctx):
    sys.exit(3)

@claim("user.interrupt", statement="a check raising KeyboardInterrupt", provenance="user")
def interrupt(ctx):
    raise KeyboardInterrupt

@claim("user.base", statement="a check raising a bare BaseException", provenance="user")
def base(ctx):
    raise BaseException("odd")

@claim("user.prints", statement="a check that prints", provenance="user")
def prints(ctx):
    print("hello from a check")
    return Evidence("reference", "looked it up", True)

@claim("user.writes-fd", statement="a check writing to file descriptor 1", provenance="user")
def writes_fd(ctx):
    os.write(1, b"raw bytes on fd 1\\n")
    return Evidence("reference", "looked it up", True)

@claim("user.fine", statement="a check that behaves", provenance="user")
def fine(ctx):
    return Evidence("reference", "looked it up", True)
'''


def _verify(tmp_path: Path, module: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "focalrd.verify.cli", "verify", "--claims", str(module),
         "--only", "user.*", "--quick", "--json", "--out", str(tmp_path / "out"), *extra],
        capture_output=True, text=True, cwd=tmp_path, timeout=600)


def _check_unruly_run(tmp_path: Path, done: subprocess.CompletedProcess) -> None:
    assert done.returncode == 1, done.stderr  # five claims inconclusive: not met
    document = json.loads(done.stdout)  # stdout is the document and nothing else
    assert document == json.loads((tmp_path / "out" / "report.json").read_text())
    records = {r["id"]: r for r in document["claims"]}
    assert list(records) == ["user.exit0", "user.exit3", "user.interrupt", "user.base",
                             "user.prints", "user.writes-fd", "user.fine"]
    assert records["user.fine"]["status"] == "verified"
    assert records["user.writes-fd"]["status"] == "verified"  # fd 1 went to stderr
    for claim_id, reason in (("user.exit0", "sys.exit(0)"), ("user.exit3", "sys.exit(3)"),
                             ("user.interrupt", "KeyboardInterrupt"),
                             ("user.base", "BaseException: odd"),
                             ("user.prints", "printed 19 characters")):
        record = records[claim_id]
        assert record["status"] == "inconclusive" and record["met"] is False, claim_id
        assert reason in record["why"], (claim_id, record["why"])
        assert record["evidence"][0]["passed"] is None
    assert records["user.prints"]["evidence"][0]["stdout"] == "hello from a check\n"
    assert "chatter while the module is imported" in done.stderr
    assert "raw bytes on fd 1" in done.stderr
    assert "7 claims: 2 verified, 0 refuted, 5 inconclusive" in done.stderr


@pytest.mark.slow
def test_checks_that_exit_interrupt_or_print_are_inconclusive(tmp_path) -> None:
    module = tmp_path / "unruly_claims.py"
    module.write_text(UNRULY_CLAIMS, encoding="utf-8")
    _check_unruly_run(tmp_path, _verify(tmp_path, module))


@pytest.mark.slow
def test_the_same_in_worker_processes(tmp_path) -> None:
    module = tmp_path / "unruly_claims.py"
    module.write_text(UNRULY_CLAIMS, encoding="utf-8")
    _check_unruly_run(tmp_path, _verify(tmp_path, module, "--jobs", "2"))


@pytest.mark.parametrize("body, reason", [
    ("import sys\nsys.exit(0)\n", "sys.exit(0)"),
    ("import sys\nsys.exit(3)\n", "sys.exit(3)"),
    ("raise KeyboardInterrupt\n", "KeyboardInterrupt"),
    ("print('hi')\nraise SystemExit('bye')\n", "sys.exit('bye')"),
])
def test_exit_at_import_is_a_load_error(tmp_path, capsys, body, reason) -> None:
    module = tmp_path / "exits_at_import.py"
    module.write_text(body, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["verify", "--claims", str(module), "--out", str(out), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines()[-1].startswith("focalrd: error: invalid claims")
    assert reason in captured.err.splitlines()[-1]
    assert not out.exists()
