"""The README's "Limits" table is what the commands enforce.

Each row is checked one step beyond the limit (refused: exit 2, one line naming
the option) and at the limit (accepted).  Where running the command at the
limit would take long, acceptance is shown cheaply: a later option is spoiled
on purpose, and the refusal must name *that* option, so the limited value
itself passed validation.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from focalrd.verify import cli

README = Path(__file__).resolve().parents[1] / "README.md"


def limits_table() -> dict[str, int]:
    """{row label: limit} parsed from the README's "### Limits" section."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Limits", 1)[1].split("\n### ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"\d+", cells[1]):
            rows[cells[0]] = int(cells[1])
    return rows


def run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(argv)
    return status, err.getvalue()


def refused(argv: list[str], option: str) -> None:
    status, err = run(argv)
    assert status == 2 and err.count("\n") == 1, (argv[:6], err)
    assert f"invalid {option}" in err or f"argument --{option}" in err, (option, err)


def accepted(argv: list[str]) -> None:
    status, err = run(argv)
    assert status == 0, (argv[:6], err)


def d_star(source: str, n: int, eps: str = "0.1") -> list[str]:
    return ["eval", "d-star", "--source", source, "--n", str(n), "--rate", "0.2", "--eps", eps,
            "--gamma", "2"]


def simulate(n: int, trials: int, seed: str = "0") -> list[str]:
    return ["simulate", "--source", "0.9,0.1", "--n", str(n), "--codewords", "2",
            "--distortion", "0.2", "--gamma", "2", "--trials", str(trials), "--seed", seed]


def check_digits(limit, tmp_path):
    accepted(["eval", "focal-loss", "--gamma", "1", "--p", "0." + "0" * (limit - 2) + "1"])
    refused(["eval", "focal-loss", "--gamma", "1", "--p", "0." + "0" * (limit - 1) + "1"], "p")
    refused(["eval", "focal-loss", "--gamma", "1", "--p", "1/" + "3" * limit], "p")


def check_exponent(limit, tmp_path):
    accepted(["eval", "focal-loss", "--gamma", "1", "--p", f"1e-{limit}"])
    refused(["eval", "focal-loss", "--gamma", "1", "--p", f"1e-{limit + 1}"], "p")


def check_gamma(limit, tmp_path):
    accepted(["eval", "focal-loss", "--gamma", str(limit), "--p", "1/2"])
    refused(["eval", "focal-loss", "--gamma", str(limit + 1), "--p", "1/2"], "gamma")


def check_dps(limit, tmp_path):
    accepted(["eval", "focal-loss", "--gamma", "0", "--p", "1/2", "--dps", str(limit)])
    refused(["eval", "focal-loss", "--gamma", "0", "--p", "1/2", "--dps", str(limit + 1)], "dps")


def check_hgamma_dps(limit, tmp_path):
    accepted(["eval", "h-gamma", "--alphabet", "2", "--gamma", "0", "--dps", str(limit)])
    refused(["eval", "h-gamma", "--alphabet", "2", "--gamma", "0", "--dps", str(limit + 1)],
            "dps")


def blocklength(source: str):
    def check(limit, tmp_path):
        refused(d_star(source, limit, eps="2"), "eps")     # n = limit passed validation
        refused(d_star(source, limit + 1), "n")
        refused(["curves", "--source", source, "--n-max", str(limit + 1), "--out",
                 str(tmp_path / "c")], "n-max")
        refused(["curves", "--source", source, "--n-values", f"10,{limit + 1}", "--out",
                 str(tmp_path / "c")], "n-values")
    return check


def check_simulate_n(limit, tmp_path):
    refused(simulate(limit, 10, seed="-1"), "seed")
    refused(simulate(limit + 1, 10), "n")


def check_trials(limit, tmp_path):
    refused(simulate(10, limit, seed="-1"), "seed")
    refused(simulate(10, limit + 1), "trials")


def check_curve_points(limit, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    values = ",".join(str(10 + i) for i in range(limit))
    refused(["curves", "--n-values", values, "--out", str(blocker / "x")], "out")
    refused(["curves", "--n-values", values + ",5000", "--out", str(tmp_path / "c")],
            "n-values")


def check_curve_gammas(limit, tmp_path):
    gammas = ",".join(str(g) for g in range(limit))
    refused(["curves", "--gammas", gammas, "--eps", "2", "--out", str(tmp_path / "c")], "eps")
    refused(["curves", "--gammas", gammas + f",{limit}", "--out", str(tmp_path / "c")],
            "gammas")


def check_alphabet(limit, tmp_path):
    refused(["eval", "h-gamma", "--alphabet", str(limit), "--gamma", "1", "--dps", "100000"],
            "dps")
    refused(["eval", "h-gamma", "--alphabet", str(limit + 1), "--gamma", "1"], "alphabet")


def check_hgamma_gamma(limit, tmp_path):
    refused(["eval", "h-gamma", "--alphabet", "2", "--gamma", str(limit), "--dps", "1001"],
            "dps")
    refused(["eval", "h-gamma", "--alphabet", "2", "--gamma", str(limit + 1)], "gamma")


CHECKS = {
    "digits in one written number (both sides of a fraction together)": check_digits,
    "size of a decimal exponent": check_exponent,
    "focusing parameter γ": check_gamma,
    "significant digits": check_dps,
    "significant digits of `eval h-gamma`": check_hgamma_dps,
    "blocklength, one distinct probability": blocklength("0.5,0.5"),
    "blocklength, two distinct probabilities": blocklength("0.9,0.1"),
    "blocklength, three distinct probabilities": blocklength("0.5,0.3,0.2"),
    "blocklength, four or more distinct probabilities": blocklength("0.4,0.3,0.2,0.1"),
    "blocklength of `simulate`": check_simulate_n,
    "blocks drawn by `simulate`": check_trials,
    "blocklengths in one `curves` table": check_curve_points,
    "focusing parameters in one `curves` table": check_curve_gammas,
    "alphabet of `eval h-gamma`": check_alphabet,
    "γ of `eval h-gamma`": check_hgamma_gamma,
}


def test_every_row_has_a_check_and_every_check_a_row():
    assert set(limits_table()) == set(CHECKS)


@pytest.mark.parametrize("label", list(CHECKS))
def test_each_limit_is_enforced_at_the_limit_and_one_beyond(label, tmp_path):
    CHECKS[label](limits_table()[label], tmp_path)
    assert not (tmp_path / "c").exists()
