"""Display in notebooks and terminals (issue 10 item 5): short reprs, HTML, LaTeX."""

from __future__ import annotations

import re
from fractions import Fraction

import mpmath
from mpmath import mp

import focalrd
from focalrd.numeric.display import abbreviated_count, short_number
from focalrd.verify.registry import Claim

LONG_DIGITS = re.compile(r"\d{25}")


def test_short_numbers_show_leading_digits_not_a_rounding():
    with mp.workdps(30):
        assert short_number(mp.mpf(2) / 3, 5) == "0.66666…"        # rounding would give 0.66667
        assert short_number(mp.mpf("0.123999999999999999999"), 5) == "0.12399…"
        assert short_number(mp.mpf("0.5")) == "0.5"
        assert short_number(-mp.mpf(1) / 3, 3) == "-0.333…"
    assert abbreviated_count(123456789, None) == "123456789"
    assert abbreviated_count(98765 * 10**155 + 1, None) == "9.8765…×10^159"
    assert abbreviated_count(None, mpmath.mpf("543.44")) == "e^543.4"


def test_distortion_limit_shows_k_and_l_briefly_and_keeps_the_exact_integers():
    with mp.workdps(20):
        r = focalrd.distortion_limit("0.89,0.11", 2, 1000, None, "0.1", rate="0.3")
    assert isinstance(r.K, int) and len(str(r.K)) > 100               # exact, enumerated
    k = str(r.K)
    shown = f"{k[0]}.{k[1:5]}…×10^{len(k) - 1}"
    assert shown in repr(r) and shown in r._repr_html_()
    assert len(repr(r)) < 120 and not LONG_DIGITS.search(repr(r) + r._repr_html_())
    assert "nats" in repr(r) and "<table>" in r._repr_html_()
    with mp.workdps(20):
        big = focalrd.distortion_limit("0.89,0.11", 2, 10**6, None, "0.1", rate="0.3")
    assert big.K is None                                               # only ln K* is known
    assert f"e^{float(big.log_K):.1f}" in repr(big)
    assert f"e^{float(big.log_L):.1f}" in big._repr_html_()


def test_every_result_object_has_a_short_repr_and_an_html_table():
    from focalrd.numeric.blocks.excess import least_count
    from focalrd.numeric.oneshot.average import average_distortion_limit
    from focalrd.numeric.oneshot.focal_entropy import focal_entropy_solution

    with mp.workdps(50):
        results = [focal_entropy_solution("1/4,3/4", 2),
                   average_distortion_limit([Fraction(1, 16)] * 16, 2, 3),
                   least_count("0.89,0.11", 1000, "0.1")]
    for result in results:
        text = repr(result)
        assert len(text) < 400 and "mpf(" not in text and not LONG_DIGITS.search(text), text
        assert type(result).__name__ in result._repr_html_()
    assert "… 16 items" in repr(results[1])                          # the long encoder elided


def test_derivations_and_claims_display_as_latex():
    d = focalrd.derivation("phi.reduces-to-log")
    assert repr(d) == f"Derivation({d.title!r}, claim='phi.reduces-to-log', " \
                      f"{len(d.steps)} checked steps)"
    latex = d._repr_latex_()
    assert latex.startswith("$$\\begin{aligned}") and latex.endswith("\\end{aligned}$$")
    for step in d.steps:
        assert step.to_latex() in latex
    assert latex.count("\\\\") == len(d.steps)                        # one line per step + title
    typed = Claim("my.typed", "phi_2(p) <= ln(1/p)", r"\varphi_2(p) \le \ln\frac1p", "user")
    plain = Claim("my.plain", "every {code} costs $5_a", "", "user")
    assert typed._repr_latex_() == r"$$\text{[my.typed]}\quad \varphi_2(p) \le \ln\frac1p$$"
    assert plain._repr_latex_() == r"$$\text{[my.plain]}\quad \text{every (code) costs 5_a}$$"
    assert repr(plain) == "Claim('my.plain', expected='holds', 0 checks)"
