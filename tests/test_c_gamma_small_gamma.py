"""c_γ for tiny γ > 0, where c_γ = γ ln²2 (1 + O(γ)) and the gap is O(γ) everywhere.

The proven path used to exit 3 from γ ≈ 1e-12 on: its end bound near p = 1 ignored the
factor γ of the gap, so the search box reached within ~γ of 1, where no ball decides the
sign of h'.  The reference is an mpmath root of p·h'(p) = 0 written here.
"""

import json

import pytest
from mpmath import expm1, findroot, log, log1p, mp, mpf

from focalrd.numeric import balls
from focalrd.verify.cli import main


def _independent_c_gamma(gamma: str) -> mpf:
    with mp.workdps(120):
        g = mpf(gamma)

        def gap(p):
            return -expm1(g * log1p(-p)) * -log(p)

        def stationarity(p):
            return g * p * mp.exp((g - 1) * log1p(-p)) * -log(p) + expm1(g * log1p(-p))

        return gap(findroot(stationarity, mpf("0.5")))


@pytest.mark.skipif(not balls.available(), reason="python-flint (the rigorous extra)")
@pytest.mark.parametrize("gamma", ["1e-400", "1e-30", "1e-12", "1e-6"])
def test_tiny_gamma_is_proven_and_right(gamma, capsys):
    assert main(["eval", "c-gamma", "--gamma", gamma, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["certified"] is True
    expected = _independent_c_gamma(gamma)
    with mp.workdps(120):
        assert mpf(document["lower"]) <= expected <= mpf(document["upper"])
        assert mp.nstr(expected, 30, strip_zeros=False).replace("e-0", "e-") == \
            mp.nstr(mpf(document["value"]), 30, strip_zeros=False).replace("e-0", "e-")
