"""``focalrd curves``: the CSV against independently computed values, PNG, bad input."""

from __future__ import annotations

import csv
import math

import pytest

from focalrd.verify.cli import main
from focalrd.verify.curves import log_grid
from focalrd.verify.plots import matplotlib_available


def read_csv(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_csv_columns_against_independent_values(tmp_path):
    assert main(["curves", "--source", "1/2,1/2", "--gammas", "0,3", "--rate", "1/2",
                 "--bits", "--eps", "1/2", "--n-values", "4,6", "--out", str(tmp_path),
                 "--dps", "12"]) == 0
    rows = read_csv(tmp_path / "curves.csv")
    assert [r["n"] for r in rows] == ["4", "6"]
    for row in rows:
        n = int(row["n"])
        # uniform bits: K* = 2^n / 2, M = 2^(n/2), L* = 2^(n/2 - 1); D* = phi(1/L)/n in bits
        ell = 2 ** (n // 2 - 1)
        assert float(row["dstar_gamma_0"]) == pytest.approx(math.log2(ell) / n, abs=1e-12)
        assert float(row["dstar_gamma_3"]) == pytest.approx(
            (1 - 1 / ell) ** 3 * math.log2(ell) / n, abs=1e-12)
        assert row["dstar_log_loss"] == row["dstar_gamma_0"]
        assert float(row["asymptote"]) == pytest.approx(0.5, abs=1e-12)  # H = 1 bit, R = 1/2
        # V = 0 and Q^{-1}(1/2) = 0: H - R - log2(n)/(2n)
        assert float(row["normal_approximation"]) == pytest.approx(
            0.5 - math.log2(n) / (2 * n), abs=1e-12)
        assert len(row["asymptote"].replace("0.", "", 1)) == 12


@pytest.mark.slow
def test_default_source_asymptote_and_sandwich(tmp_path):
    assert main(["curves", "--n-values", "50,400", "--out", str(tmp_path)]) == 0
    rows = read_csv(tmp_path / "curves.csv")
    h = -(0.9 * math.log(0.9) + 0.1 * math.log(0.1))
    for row in rows:
        assert float(row["asymptote"]) == pytest.approx(h - 0.15, rel=1e-14)
        d0 = float(row["dstar_log_loss"])
        for g, c in ((1, 1 / math.e),):  # c_1 = 1/e: D*_0 - c/n <= D*_1 <= D*_0
            assert d0 - c / int(row["n"]) - 1e-15 <= float(row[f"dstar_gamma_{g}"]) <= d0
    assert (tmp_path / "curves.png").exists() == matplotlib_available()
    if matplotlib_available():
        assert (tmp_path / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_log_grid():
    assert log_grid(10**4) == [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]
    assert log_grid(300) == [10, 20, 50, 100, 200, 300]


@pytest.mark.parametrize("extra", [["--gammas", "-1"], ["--eps", "0"], ["--n-max", "0"],
                                   ["--n-values", "3,x"], ["--source", "0.5,0.6"],
                                   ["--dps", "0"]])
def test_bad_input_exit_2_one_line(tmp_path, capsys, extra):
    assert main(["curves", "--out", str(tmp_path), *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("focalrd")
    assert not (tmp_path / "curves.csv").exists()
