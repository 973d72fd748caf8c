"""Hostile input: every command x every option x a table of bad values.

Each bad value must give exit status 2, exactly one line on stderr naming the
option, nothing on stdout and no traceback.  Most cases run in-process through
``focalrd.verify.cli.main(argv)`` (with the argument parser built once, which
is what makes a few thousand cases take seconds); a representative sample runs
in real subprocesses.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from focalrd.verify import cli

#: Not a number at all, in every way we could think of: bad for every numeric or list
#: option (each option's own out-of-range values are listed with the option below).
NOT_NUMBERS = [
    "", " ", "\t", "\n", "   \t ", "\u00a0", "\u200b",
    "nan", "NaN", "NAN", "+nan", "inf", "+inf", "Infinity", "infinity", "∞",
    "1e", "1E", "e5", "E5", "1e+", "1e-", "1.5e", ".e1", "1e1.5", "1e1e1", "1e--2", "e",
    "1.2.3", "..", ".", "..1", "1..", "+", "++1", "+-1", "-", "--1",
    "0x10", "0X1F", "0b101", "0o7", "1_000", "1__0", "_1", "1_",
    "1 000", "1 2", "1\t2", "1\n2", "1;2", "1:2", "1\\2", "\\", "1/2 3", "1/2/3", "3/ 4/5",
    "1/0", "0/0", "5/-0", "1/", "/2", "1//2", "1⁄2", "1∕2", "1／2",
    "½", "²", "⁵", "２", "٢", "१", "߂", "𝟐", "𝟙", "١٢", "1e２", "٢e1", "3.１4",
    "−1", "–1", "—1", "‐1", "1e−3",
    "1e99999", "1e-99999", "1e1001", "-1e1001", "1e+1001", "9" * 5000,
    "0." + "0" * 5000 + "1", "1/" + "3" * 5000, "3" * 4301, "1" * 100000,
    "abc", "one", "two", "True", "False", "None", "null", "undefined",
    "[]", "[1]", "{}", "()", "(1)", "'1'", '"1"', "`1`",
    "1j", "1+1j", "0.5j", "1L", "1f", "1d", "1.0f", "#1", "$1", "1%", "%d", "{0}", "${HOME}",
    "π", "pi", "e1", "1\x00", "\x00", "\x7f", "é", "\ud800",
]


def _numbers(*extra: str) -> list[str]:
    return [*NOT_NUMBERS, *extra]


#: (argv prefix, {option: a valid value}, {option: bad values here only}); every option is
#: replaced in turn by every value of NOT_NUMBERS, of OUT_OF_RANGE[option] and of its own
#: list.  Blocklengths beyond the limits are bad for the exact limits, not for the closed-form
#: normal approximation.
TAU = {"--gamma": "2", "--distortion": "1", "--dps": "10"}
HUGE_N = {"--n": ["1e30", "10000000000000000000000000000000", "10000000001"]}
CASES = [
    (["eval", "focal-loss"], {"--gamma": "2", "--p": "1/3", "--dps": "10"}, {}),
    (["eval", "tau"], TAU, {}),
    (["eval", "c-gamma"], {"--gamma": "2", "--dps": "10"}, {}),
    (["eval", "eps-star"], {"--source": "0.5,0.3,0.2", "--weights": "0.2,0.3,0.5",
                            "--codewords": "2", "--distortion": "1", "--gamma": "2",
                            "--n": "1", "--dps": "10"}, HUGE_N),
    (["eval", "eps-star"], {"--source": "0.5,0.3,0.2", "--rate": "1", "--distortion": "1",
                            "--gamma": "2", "--dps": "10"}, {}),
    (["eval", "focal-entropy"], {"--source": "0.6,0.4", "--gamma": "2", "--dps": "10"}, {}),
    (["eval", "avg-d-star"], {"--source": "0.4,0.3,0.2,0.1", "--weights": "1/4,1/4,1/4,1/4",
                              "--codewords": "2", "--gamma": "2", "--n": "1", "--dps": "10"},
     HUGE_N),
    (["eval", "d-star"], {"--source": "0.9,0.1", "--n": "100", "--rate": "0.2", "--eps": "0.1",
                          "--gamma": "2", "--dps": "10"}, HUGE_N),
    (["eval", "d-star"], {"--source": "0.9,0.1", "--n": "100", "--codewords": "5",
                          "--eps": "0.1", "--gamma": "2", "--dps": "10"}, {}),
    (["eval", "dispersion"], {"--source": "0.9,0.1", "--dps": "10"}, {}),
    (["eval", "avg-d-star"], {"--source": "0.8,0.2", "--rate": "0.5", "--n": "4", "--gamma": "2",
                              "--dps": "10"}, {}),
    (["eval", "normal-approx"], {"--source": "0.9,0.1", "--n": "100", "--rate": "0.2",
                                 "--eps": "0.1", "--dps": "10"}, {}),
    (["eval", "h-gamma"], {"--alphabet": "3", "--gamma": "2", "--dps": "10"}, {}),
    (["curves"], {"--source": "0.9,0.1", "--gammas": "0,2", "--rate": "0.15", "--eps": "0.1",
                  "--n-values": "10,20", "--dps": "10"}, {}),
    (["curves"], {"--n-max": "20"}, {}),
    (["simulate"], {"--source": "0.9,0.1", "--n": "10", "--codewords": "3", "--distortion": "0.2",
                    "--gamma": "2", "--trials": "10", "--seed": "1", "--confidence": "0.9"},
     {"--n": ["1000001", "1e30"], "--seed": ["-1"]}),  # verify takes any integer seed
    (["simulate"], {"--source": "0.9,0.1", "--n": "10", "--rate": "0.15", "--distortion": "0.2",
                    "--gamma": "2", "--trials": "10"}, {}),
    (["eval", "d-star-saddlepoint"], {"--source": "0.9,0.1", "--n": "300", "--rate": "0.2",
                                      "--eps": "0.3", "--gamma": "1", "--dps": "10"}, HUGE_N),
    (["eval", "d-star-saddlepoint"], {"--source": "0.9,0.1", "--n": "300", "--codewords": "9",
                                      "--eps": "0.3", "--gamma": "1"}, {}),
    (["eval", "eps-star-saddlepoint"], {"--source": "0.8,0.2", "--n": "500", "--rate": "0.3",
                                        "--distortion": "0.4", "--gamma": "1/2", "--dps": "10"},
     HUGE_N),
    (["eval", "eps-star-saddlepoint"], {"--source": "0.8,0.2", "--n": "500", "--codewords": "9",
                                        "--distortion": "0.4", "--gamma": "1/2"}, {}),
    # commands whose valid run is real work: a bad value must be refused before any of it
    (["verify", "--quick", "--only", "phi.reduces-to-log", "--out", "{out}"],
     {"--dps": "10", "--seed": "1", "--jobs": "1"}, {"--dps": ["1", "4"]}),  # at least 5
    (["selftest", "--only", "control-no-op", "--out", "{out}"], {"--jobs": "1"}, {}),
    (["benchmark", "--suite", "speed", "--out", "{out}"], {"--dps": "10", "--budget": "1"}, {}),
    (["sweep", "{spec}", "--out", "{out}"], {"--workers": "1"}, {}),
]

#: Options of the parser that take a value but are not in the table of bad numbers, and
#: where their hostile values are tested instead (the table is checked against argparse).
NOT_IN_THE_TABLE = {
    "--out": "paths: test_unusable_paths_are_one_line_and_exit_2",
    "--claims": "a module or path: test_unusable_paths_are_one_line_and_exit_2, and "
                "tests/test_runner_user_code.py",
    "--only": "a glob pattern (every string is one); a pattern matching nothing: "
              "tests/test_runner.py",
    "--scheduler": "an address: tests/test_sweep.py (refusing and malformed addresses)",
    "--export": "choices, refused by argparse itself",
    "--suite": "choices, refused by argparse itself",
    "--reference-values": "a path: tests/test_report_hostile.py",
}

#: Values outside each option's range (valid numbers, wrong here).
OUT_OF_RANGE = {
    "--gamma": ["-1", "-0.5", "-1e-30", "1e16", "10000000000000001", "-1/3"],
    "--p": ["0", "-0", "1.0000001", "2", "-0.5", "3/2", "0e5"],
    "--distortion": ["-1", "-1e-1000", "-1/3"],
    "--dps": ["0", "-0", "5001", "1.5", "1e3", "-5", "99999999999", "+0", "2.0"],
    "--source": ["0.5", "0.5,0.6", "1,", ",1", "0.5,,0.5", "-1,2", "0.5,0.5,", "2,-1",
                 "1/3,1/3,1/3,", ",", ",,", "0,0", "1/2,1/2,0/0", "0.5, 0.5 ,", "-0.5,1.5"],
    "--weights": ["1", "0.5,0.5", "1,0,0,0,0", "0.2,0.3,0.5,", "-0.2,0.7,0.5", "0.2,0.3"],
    "--codewords": ["0", "-1", "1.5", "1e-3", "-0", "1/2"],
    "--rate": ["-1", "-1e-3", "-1/2"],
    "--n": ["0", "-1", "1.5", "-0"],
    "--eps": ["0", "1", "-0.1", "1.5", "-0"],
    "--alphabet": ["1", "0", "65", "2.5", "-2", "1e9"],
    "--trials": ["0", "-1", "1e9", "1.5", "1000000000000"],
    "--seed": ["1.5", "1/2"],
    "--confidence": ["0", "1", "1.5", "-0.5"],
    "--gammas": ["2,2", "-1,2", "1,", ",", "1,,2", "2,2,2", "0,0.0", "1/2,0.5",
                 ",".join(str(g) for g in range(30))],
    "--n-values": ["0", "10,", "1e30", "-10", "10,,20", "1.5", ",".join(["10"] * 2 + ["20"]
                                                                         * 200)],
    "--n-max": ["0", "1e30", "-1", "10.5"],
    "--jobs": ["0", "-1", "1.5", "1e9", "100000", "99999999999999999999"],
    "--workers": ["0", "-1", "1.5", "1e9", "100000"],
    "--budget": ["-1", "1e10", "1e400"],
}

#: A valid sweep SPEC for the sweep case ({spec} in its argv).
SWEEP_SPEC = 'quantity = "tau"\ngamma = "1"\ndistortion = "1"\n'


@pytest.fixture(scope="module")
def run_cli():
    """main(argv) in-process with the parser built once: (status, stdout, stderr)."""
    parser = cli.build_parser()
    original = cli.build_parser
    cli.build_parser = lambda: parser
    try:
        def run(argv: list[str]) -> tuple[int, str, str]:
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    status = cli.main(argv)
                except SystemExit as stop:  # argparse --help/--version; never for bad values
                    status = stop.code if isinstance(stop.code, int) else 1
            return status, out.getvalue(), err.getvalue()
        yield run
    finally:
        cli.build_parser = original


def _argv(prefix: list[str], options: dict[str, str], option: str, value: str,
          out: str) -> list[str]:
    spec = str(Path(out).parent / "spec.toml")
    argv = [a.replace("{out}", out).replace("{spec}", spec) for a in prefix]
    if "{spec}" in prefix:
        Path(spec).write_text(SWEEP_SPEC, encoding="utf-8")
    for name, valid in options.items():
        argv += [name, value if name == option else valid]
    if prefix[0] == "curves":
        argv += ["--out", out]
    return argv


def _problem(status: int, stdout: str, stderr: str, option: str) -> str | None:
    """What is wrong with the outcome of a bad value, or None when it is as documented."""
    if status != 2:
        return f"exit status {status}"
    if stdout:
        return f"stdout {stdout[:60]!r}"
    if "Traceback" in stderr:
        return "a traceback"
    if stderr.count("\n") != 1 or not stderr.endswith("\n"):
        return f"{stderr.count(chr(10))} lines on stderr: {stderr[:120]!r}"
    if option.lstrip("-") not in stderr:
        return f"the line does not name {option}: {stderr.strip()[:120]!r}"
    return None


def _cases():
    for prefix, options, extra in CASES:
        for option in options:
            yield pytest.param(prefix, options, option, extra.get(option, []),
                               id=" ".join(prefix) + " " + option + f"[{len(options)}]")


@pytest.mark.parametrize("prefix, options, option, extra", list(_cases()))
def test_every_bad_value_is_one_line_and_exit_2(prefix, options, option, extra, run_cli,
                                               tmp_path):
    values = _numbers(*OUT_OF_RANGE.get(option, []), *extra)
    failures = []
    for value in values:
        status, stdout, stderr = run_cli(_argv(prefix, options, option, value,
                                               str(tmp_path / "out")))
        problem = _problem(status, stdout, stderr, option)
        if problem is not None:
            failures.append(f"{option} {value[:40]!r}: {problem}")
    assert not failures, "\n".join(failures)
    assert not (tmp_path / "out").exists(), "a refused command created its --out directory"


def _parser_options(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    """(command words, option) for every option of the real parser that takes a value."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parser_options(sub, (*prefix, name))
        elif action.option_strings and action.nargs != 0 \
                and not isinstance(action, argparse._HelpAction):
            yield prefix, action.option_strings[-1]


def test_every_option_of_the_parser_is_in_the_table_or_tested_elsewhere():
    # generated from argparse: a new command or option cannot miss the hostile table
    covered = {(tuple(w for w in prefix if not w.startswith("-") and "{" not in w
                      and "." not in w and w not in ("control-no-op", "speed")), option)
               for prefix, options, _ in CASES for option in options}
    missing = [f"{' '.join(words)} {option}" for words, option in
               _parser_options(cli.build_parser())
               if (words, option) not in covered and option not in NOT_IN_THE_TABLE]
    assert not missing, "options with no hostile values: " + ", ".join(missing)


def test_the_table_has_at_least_100_kinds_of_bad_value():
    kinds = set(NOT_NUMBERS) | {v for values in OUT_OF_RANGE.values() for v in values}
    assert len(NOT_NUMBERS) >= 100 and len(kinds) >= 150


@pytest.mark.slow  # 2.5 s: every base command runs once
def test_the_valid_base_commands_are_accepted(run_cli, tmp_path):
    """The bad values above are the only thing wrong: each base command line runs (exit 0)."""
    for prefix, options, _ in CASES:
        if prefix[:2] == ["eval", "h-gamma"]:
            continue  # a global search: seconds, and checked by its own tests
        if prefix[0] in ("selftest", "benchmark", "sweep"):
            continue  # minutes of real work; their valid runs are tests of their own
        status, stdout, stderr = run_cli(_argv(prefix, options, "", "", str(tmp_path / "ok")))
        assert status == 0, (prefix, stderr)


SUBPROCESS_SAMPLE = [  # (argv, the option whose value is hostile)
    (["eval", "tau", "--gamma", "nan", "--distortion", "1"], "--gamma"),
    (["eval", "tau", "--gamma", "２", "--distortion", "1"], "--gamma"),
    (["eval", "tau", "--gamma", "1" * 100000, "--distortion", "1"], "--gamma"),
    (["eval", "focal-loss", "--gamma", "1", "--p", "1/" + "3" * 100000], "--p"),
    (["eval", "dispersion", "--source", "0." + "0" * 50000 + "1," + "0." + "9" * 49999 + "9"],
     "--source"),
    (["eval", "d-star", "--source", "0.9,0.1", "--n", "1" + "0" * 30, "--rate", "0.2",
      "--eps", "0.1", "--gamma", "2"], "--n"),
    (["eval", "eps-star", "--source", "0.5,0.5", "--codewords", "1e1001", "--distortion", "1",
      "--gamma", "2"], "--codewords"),
    (["eval", "h-gamma", "--alphabet", "64", "--gamma", "150", "--dps", "5000"], "--dps"),
    (["curves", "--gammas", "-1,2", "--n-values", "10"], "--gammas"),
    (["curves", "--n-max", "1e30"], "--n-max"),
    (["simulate", "--source", "0.9,0.1", "--n", "10", "--codewords", "2", "--distortion", "1",
      "--gamma", "2", "--trials", "1e9"], "--trials"),
    (["eval", "c-gamma", "--gamma", "1", "--dps", "٢"], "--dps"),
]


@pytest.mark.slow
@pytest.mark.parametrize("argv, option", SUBPROCESS_SAMPLE,
                         ids=[" ".join(a)[:40] for a, _ in SUBPROCESS_SAMPLE])
def test_a_sample_in_real_subprocesses(argv, option, tmp_path):
    if argv[0] == "curves":
        argv = [*argv, "--out", str(tmp_path / "out")]
    result = subprocess.run([sys.executable, "-m", "focalrd.verify.cli", *argv],
                            capture_output=True, text=True, timeout=600)
    problem = _problem(result.returncode, result.stdout, result.stderr, option)
    assert problem is None, problem
    assert not (tmp_path / "out").exists()


#: Paths no file system accepts: a component longer than NAME_MAX (255 bytes on Linux) and a
#: NUL character (os.stat raises ValueError before the kernel sees it).
UNUSABLE_PATHS = ("a" * 300, "a" * 300 + "/sub", "with\x00nul")


@pytest.mark.parametrize("argv", [
    ["verify", "--quick", "--only", "phi.convex", "--out", "{path}"],
    ["verify", "--quick", "--only", "phi.convex", "--claims", "{path}.py"],
    ["curves", "--out", "{path}"],
    ["benchmark", "--out", "{path}"],
    ["selftest", "--only", "phi-*", "--out", "{path}"],
    ["sweep", "{path}.toml"],
], ids=lambda argv: " ".join(a for a in argv if a != "{path}"))
def test_unusable_paths_are_one_line_and_exit_2(argv, run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    option = next((a for a in argv if a in ("--out", "--claims")), "SPEC")
    for path in UNUSABLE_PATHS:
        status, stdout, stderr = run_cli([a.replace("{path}", path) for a in argv])
        problem = _problem(status, stdout, stderr, option)
        assert problem is None, (path[:20], problem)
    assert list(tmp_path.iterdir()) == [], "a refused command left something behind"


@pytest.mark.parametrize("budget", ["1e400", "1e10", "60x", "-1", "nan"])
def test_benchmark_budget_out_of_range_is_refused_before_any_work(budget, run_cli, tmp_path):
    out = tmp_path / "bench"
    status, stdout, stderr = run_cli(["benchmark", "--budget", budget, "--out", str(out)])
    assert _problem(status, stdout, stderr, "--budget") is None, stderr
    assert not out.exists()
