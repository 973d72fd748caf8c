"""LaTeX → MathML conversion for the HTML report."""

from __future__ import annotations

import html
from xml.etree import ElementTree

import sympy as sp

from focalrd.verify.reporting.mathml import math_html, text_with_math_html, to_mathml

MATHML = "{http://www.w3.org/1998/Math/MathML}"


def _tree(mathml: str) -> ElementTree.Element:
    return ElementTree.fromstring(mathml)


def test_fraction_becomes_mfrac_with_the_right_parts() -> None:
    root = _tree(to_mathml(r"\frac{a}{b}"))
    fraction = root.find(f".//{MATHML}mfrac")
    assert fraction is not None
    assert [e.text for e in fraction.iter(f"{MATHML}mi")] == ["a", "b"]


def test_display_mode_and_alttext() -> None:
    root = _tree(to_mathml(r"x < \frac{1}{2}", display=True))
    assert root.get("display") == "block"
    assert root.get("alttext") == r"x < \frac{1}{2}"


def test_sympy_latex_output_converts() -> None:
    p, g = sp.symbols("p gamma", positive=True)
    for expr in (sp.Limit((1 - p) ** g * sp.log(1 / p), p, 0, "+"),
                 sp.Derivative((1 - p) ** g, p), sp.Order(p ** 3, (p, 0)),
                 sp.floor(1 / p), sp.sqrt(p / g), sp.Subs(p ** g, p, sp.Rational(1, 2))):
        assert to_mathml(sp.latex(expr)) is not None, sp.latex(expr)


def test_operator_names_unknown_to_the_converter_are_kept() -> None:
    root = _tree(to_mathml(r"\arg\min_q f(q)"))
    assert "arg" in [e.text for e in root.iter(f"{MATHML}mo")]


def test_unconvertible_latex_falls_back_to_its_source() -> None:
    for bad in (r"\foo{x}", r"\frac{1}{", "  "):
        assert to_mathml(bad) is None
    shown = math_html(r"\foo{x} < 1")
    assert shown == '<code class="tex" title="LaTeX source (not converted)">' \
                    + html.escape(r"\foo{x} < 1") + "</code>"


def test_text_with_inline_math_escapes_the_text() -> None:
    out = text_with_math_html("a < b & $x^{2}$ and $y$")
    assert out.startswith("a &lt; b &amp; <math")
    assert out.count("<math") == 2 and "<msup>" in out


def test_alttext_quotes_are_escaped() -> None:
    root = _tree(to_mathml(r'\text{"q"} = 1'))
    assert root.get("alttext") == r'\text{"q"} = 1'
