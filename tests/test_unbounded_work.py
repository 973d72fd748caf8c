"""Issue 15, items 3, 4, 8, 9: no work in proportion to M, no exit 4 on huge numbers,
refusals instead of unbounded work, and the small ones.

The memory caps run the command in a subprocess limited to 1 GiB of address space
(``resource.setrlimit``); a generous timeout catches a hang (this is not a timing test).
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import subprocess
import sys
from fractions import Fraction

import pytest
from mpmath import mp

from focalrd.numeric.oneshot.excess import optimal_excess_code, tilted_converse
from focalrd.numeric.oneshot.floors import threshold_level
from focalrd.numeric.oneshot.weighted import weighted_excess_distortion
from focalrd.numeric.precision import significant
from focalrd.verify import cli

GIB = 1 << 30
CAPPED = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap})); "
          "from focalrd.verify.cli import main; sys.exit(main(sys.argv[1:]))")


def capped(*argv: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CAPPED.format(cap=GIB), *argv],
                          capture_output=True, text=True, timeout=timeout)


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(argv)
    return status, out.getvalue(), err.getvalue()


EPS_STAR = ["eval", "eps-star", "--source", "0.5,0.3,0.2", "--distortion", "1", "--gamma", "2",
            "--json"]


@pytest.mark.slow
@pytest.mark.parametrize("codebook", [["--codewords", "1" + "0" * 30], ["--codewords", "1e9"],
                                      ["--rate", "25"], ["--rate", "2000"]])
@pytest.mark.parametrize("weights", [[], ["--weights", "0.2,0.3,0.5"]])
def test_eps_star_with_astronomically_many_codewords_in_1_gib(codebook, weights):
    """More codewords than symbols cover every symbol (L >= 1): eps* = 0, with M as given."""
    result = capped(*EPS_STAR, *codebook, *weights)
    assert result.returncode == 0 and "MemoryError" not in result.stderr, result.stderr
    document = json.loads(result.stdout)
    assert document["value"] == "0" and document["converse"] == "0"
    assert len(document["encoder"]) == 3


@pytest.mark.slow
@pytest.mark.parametrize("argv", [
    ["curves", "--n-max", "1e30"],
    ["simulate", "--source", "0.9,0.1", "--n", "100", "--codewords", "2", "--distortion", "0.2",
     "--gamma", "2", "--trials", "1e9"],
    ["eval", "d-star", "--source", "0.5,0.3,0.2", "--n", "1000000", "--rate", "0.2", "--eps",
     "0.1", "--gamma", "2"],
    ["eval", "d-star", "--source", "0.9,0.1", "--n", "1" + "0" * 30, "--rate", "0.2", "--eps",
     "0.1", "--gamma", "2"],
    ["eval", "avg-d-star", "--source", "0.4,0.3,0.2,0.1", "--n", "1e30", "--codewords", "2",
     "--gamma", "2"],
    ["eval", "h-gamma", "--alphabet", "64", "--gamma", "150", "--dps", "5000"],
])
def test_unbounded_work_is_refused_in_1_gib(argv, tmp_path):
    if argv[0] == "curves":
        argv = [*argv, "--out", str(tmp_path / "out")]
    result = capped(*argv)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "MemoryError" not in result.stderr and "Traceback" not in result.stderr


def test_codes_do_not_depend_on_codewords_beyond_the_alphabet():
    """With M >= k every code is the same; the tables still have one row per codeword."""
    p = tuple(Fraction(x, 20) for x in (7, 5, 4, 2, 1, 1))
    small = optimal_excess_code(p, 2, 6, Fraction(1, 2))
    huge = optimal_excess_code(p, 2, 10**30, Fraction(1, 2))
    assert huge.encoder == small.encoder and huge.satisfied == small.satisfied == 1
    assert huge.decoders.size == 10**30 and huge.decoders[: 6] == tuple(small.decoders)
    assert huge.decoders[-1] == tuple(Fraction(1, 6) for _ in p) and huge.covered[-1] == ()
    q = tuple(Fraction(x, 21) for x in (1, 2, 3, 4, 5, 6))
    w_small = weighted_excess_distortion(p, 2, 6, Fraction(1, 2), q)
    w_huge = weighted_excess_distortion(p, 2, 10**30, Fraction(1, 2), q)
    assert w_huge.exact == w_small.exact == 0 and w_huge.code.encoder == w_small.code.encoder


def _reference_converse(p, gamma, m, d):
    """sup over the candidate steps, each tail mass summed afresh (the O(K^2) definition)."""
    t, exact_t = threshold_level(gamma, d, False)
    best = mp.zero
    for x in {v for v in p if v > 0}:
        mass = sum((v for v in p if v <= x), Fraction(0))
        ratio = m * mp.mpf(x.numerator) / x.denominator / t
        if ratio < 1:
            best = max(best, mp.mpf(mass.numerator) / mass.denominator - ratio)
    return best


def test_tilted_converse_by_prefix_sums_matches_the_definition():
    rng = random.Random(15)
    mp.dps = 30
    for _ in range(40):
        k = rng.randint(1, 30)
        weights = [rng.choice([1, 1, 2, 3, 5, 8, 13]) for _ in range(k)]
        p = tuple(Fraction(w, sum(weights)) for w in weights)
        gamma, m, d = Fraction(rng.randint(0, 4)), rng.randint(1, 4), Fraction(rng.randint(0, 9), 3)
        got, _ = tilted_converse(p, gamma, m, d)
        assert abs(got - _reference_converse(p, gamma, m, d)) <= mp.mpf(10) ** -25


def test_weighted_search_over_a_thousand_symbols_does_not_recurse():
    """The branch and bound used to recurse once per item (RecursionError past ~1000)."""
    k = 1200
    total = k * (k + 1) // 2
    p = tuple(Fraction(i, total) for i in range(1, k + 1))
    q = tuple(Fraction(1 + i % 3, sum(1 + j % 3 for j in range(k))) for i in range(k))
    mp.dps = 15
    result = weighted_excess_distortion(p, 2, 3, Fraction(1), q, node_limit=20_000)
    assert 0 <= result.converse <= result.achievability <= 1


def test_more_than_4300_digits_at_5000_digit_precision_works():
    """focal-entropy at --dps 4400 used to end in exit 4 (Python's int-string limit)."""
    status, out, err = run(["eval", "focal-entropy", "--source", "0.6,0.4", "--gamma", "2",
                            "--dps", "4400", "--json"])
    assert status == 0, err
    value = json.loads(out)["value"]
    assert len(value.replace("0.", "", 1)) == 4400
    status, out, err = run(["eval", "focal-entropy", "--source", "0.6,0.4", "--gamma", "2",
                            "--dps", "40", "--json"])
    assert value.startswith(json.loads(out)["value"][:-1])


def test_large_values_print_as_proper_decimals():
    """log_L = ln(10^30) style values used to print as "1000000000000000000000000000000."."""
    with mp.workdps(60):
        assert significant(mp.mpf(10) ** 30, 30) == "1.00000000000000000000000000000e+30"
        assert significant(mp.mpf(10) ** 29, 30) == "1" + "0" * 29
        assert significant(mp.mpf(1234), 3) == "1.23e+3"


def test_human_output_has_no_json_words():
    """avg-d-star past the exact search has no value: said in words, not None or null."""
    source = ",".join(f"{i}/136" for i in range(1, 17))
    status, out, err = run(["eval", "avg-d-star", "--source", source, "--codewords", "2",
                            "--gamma", "2", "--dps", "5"])
    assert status == 0, err
    assert "value = not available" in out
    assert "None" not in out and "null" not in out


def test_simulate_counts_only_sequences_that_exist():
    status, out, err = run(["simulate", "--source", "1", "--n", "10", "--codewords", "2",
                            "--distortion", "1", "--gamma", "2", "--trials", "100"])
    assert status == 0, err
    assert "covers 1 sequence;" in out


def test_a_list_option_may_start_with_a_minus_sign(tmp_path):
    status, out, err = run(["curves", "--gammas", "-1,2", "--n-values", "10", "--out",
                            str(tmp_path / "c")])
    assert status == 2 and "invalid gammas" in err and "0 to 1e15" in err
    assert "expected one argument" not in err
