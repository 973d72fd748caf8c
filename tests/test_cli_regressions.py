"""Command-line regressions: unwritable --out, a missing command, bad numbers."""

from __future__ import annotations

import json

import pytest

from focalrd.verify.cli import main


@pytest.fixture
def unwritable_out(tmp_path):
    """An --out below a regular file: it can never be created."""
    blocker = tmp_path / "afile"
    blocker.write_text("not a directory\n")
    return str(blocker / "sub")


@pytest.mark.parametrize("command", [
    ["curves", "--n-values", "10,20"],
    ["benchmark", "--suite", "blocks"],
    ["verify", "--only", "phi.convex", "--quick"],
])
def test_unwritable_out_is_one_line_and_exit_2(command, unwritable_out,
                                                                capsys):
    status = main([*command, "--out", unwritable_out])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err.count("\n") == 1 and "out" in captured.err, captured.err
    assert "Traceback" not in captured.err and captured.out == ""


def test_report_to_an_unwritable_out_is_a_usage_error(tmp_path, unwritable_out, capsys):
    from focalrd.verify.reporting.model import SCHEMA

    source = tmp_path / "report.json"
    source.write_text(json.dumps({"schema": SCHEMA, "claims": [], "summary": {}}))
    status = main(["report", str(source), "--out", unwritable_out])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err.count("\n") == 1 and "out" in captured.err, captured.err


def test_normal_approximation_rejects_a_negative_rate(capsys):
    arguments = ["eval", "normal-approx", "--source", "0.9,0.1", "--n", "100", "--eps", "0.1"]
    assert main([*arguments, "--rate", "-1"]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "rate" in captured.err and ">= 0" in captured.err
    assert captured.out == ""
    assert main([*arguments, "--rate", "0"]) == 0  # the boundary is accepted


def test_no_command_is_one_line_and_exit_2(capsys):
    assert main([]) == 2
    captured = capsys.readouterr()
    assert captured.err == "focalrd: error: a COMMAND is required (see focalrd --help)\n"
    assert captured.out == ""
