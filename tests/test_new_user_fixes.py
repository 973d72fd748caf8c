"""What a new user tripped on in the reports and the help (issue 10 item 7), one test each."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
import sympy as sp
from mpmath import mp

from focalrd.verify.cli import build_parser, main
from focalrd.verify.reporting import model
from focalrd.verify.reporting.html_report import render_html
from focalrd.verify.reporting.markdown import render_markdown


def _document(claims: list[dict]) -> dict:
    return {"schema": model.SCHEMA, "focalrd_version": "0", "created": "now",
            "settings": {"dps": 30, "quick": True, "seed": 0}, "environment": {},
            "claims": claims}


def _claim(claim_id: str, evidence: list[dict], **fields) -> dict:
    record = {"id": claim_id, "section": "", "statement": "s", "latex": "", "provenance": "user",
              "expected": "holds", "status": "verified", "met": True, "why": None,
              "evidence": evidence, "counterexample": None, "notes": "", "seconds": 0.1}
    record.update(fields)
    return record


def _article(page: str, claim_id: str) -> str:
    start = page.index(f"<code>{claim_id}</code></h3>")
    return page[start:page.index("</article>", start)]


# -- reports ----------------------------------------------------------------------------------
def test_a_user_claim_without_latex_is_plain_text_in_the_report():
    from focalrd.verify.registry import define, isolated_registry

    with isolated_registry():
        assert define("my.words", statement="every p_x with x_1 < 1/2", provenance="user").latex \
            == ""
    words = _claim("my.words", [], statement="every p_x with x_1 < 1/2")
    # a report.json written before the fix carried the statement as its latex
    older = _claim("my.older", [], statement="gap_2 <= 1/10", latex="gap_2 <= 1/10")
    typed = _claim("my.typed", [], statement="in words", latex=r"\varphi_2(p) \le 1")
    page = render_html(_document([words, older, typed]), [], None)
    for claim_id in ("my.words", "my.older"):
        article = _article(page, claim_id)
        assert "<math" not in article and '<div class="formula">' not in article
    assert "every p_x with x_1 &lt; 1/2" in _article(page, "my.words")
    assert "<math" in _article(page, "my.typed")
    markdown = render_markdown(_document([words, older, typed]), [], None)
    assert "$$gap_2" not in markdown and "$$every" not in markdown
    assert r"$$\varphi_2(p) \le 1$$" in markdown


def test_evidence_by_level_counts_every_check_with_its_outcome_and_claims_are_counted_right():
    checks = [{"level": "sampled", "passed": True}, {"level": "sampled", "passed": False},
              {"level": "sampled", "passed": None}, {"level": "certified", "passed": True}]
    document = _document([_claim("one", checks)])
    expected = ("certified: 1 check (1 passed); "
                "sampled: 3 checks (1 passed, 1 refuted, 1 inconclusive)")
    assert model.level_summary(document) == expected
    page = render_html(document, [], None)
    markdown = render_markdown(document, [], None)
    assert f"Evidence by level: {expected}." in page and f"Evidence by level: {expected}." \
        in markdown
    assert "<span>1 claim</span>" in page and "1 claims" not in page
    assert "**1 claim: " in markdown and "1 claims" not in markdown
    two = render_markdown(_document([_claim("a", []), _claim("b", [])]), [], None)
    assert "**2 claims: " in two


def test_nested_tables_sort_numeric_keys_by_value():
    from focalrd.verify.reporting.html_report import _value_html

    boxes = {"10": 3, "2": 2, "1/10": 1, "1000": 4, "100": 5}
    cells = re.findall(r"<code>([^<]+)</code>", _value_html(boxes))
    assert cells == ["1/10", "2", "10", "100", "1000"]
    assert list(re.findall(r'"([^"]+)":', model.text(boxes))) == cells


# -- derivations ----------------------------------------------------------------------------------
def _all_steps():
    from focalrd.proofs.index import BUILDERS, derivations_for

    def walk(d):
        yield d
        for lemma in d.lemmas.values():
            yield from walk(lemma)

    for claim_id in BUILDERS:
        for top in derivations_for(claim_id):
            for derivation in walk(top):
                for number, step in enumerate(derivation.steps, 1):
                    yield f"{claim_id}: {derivation.title}, step {number}", step


GREEK_WORD = re.compile(r"(?<![\\a-zA-Z])(gamma|varphi|phi|tau|delta|eta|lambda|epsilon|omega)"
                        r"(?![a-zA-Z])")


@pytest.mark.slow  # 2 s: every derivation
def test_derivation_steps_show_what_they_check_and_typeset_cleanly():
    problems = []
    for where, step in _all_steps():
        if step.relation == "=" and sp.sstr(step.lhs) == sp.sstr(step.rhs):
            problems.append(f"{where} displays as X = X: {sp.sstr(step.lhs)[:40]}")
        tex = step.to_latex()
        if GREEK_WORD.search(tex):
            problems.append(f"{where} has a Greek name as letters in LaTeX: {tex[:60]}")
        if re.search(r"_\{[^}]*'", tex) or "operatorname{f'}" in tex:
            problems.append(f"{where} has a prime inside a subscript: {tex[:60]}")
        if "$" in step.plain_method:
            problems.append(f"{where} has LaTeX in its plain-text method")
    assert not problems, "\n".join(problems)
    from focalrd.proofs.hgamma import s_gamma_decreasing

    step4 = s_gamma_decreasing().steps[3]
    assert step4.to_latex() == r"H_\gamma(P) < 0"


def test_claim_formulas_put_primes_after_subscripts():
    from focalrd.api import claims
    from focalrd.verify.reporting.mathml import to_mathml

    for claim_id, claim in claims().items():
        if claim.latex:
            assert "<msup><msubsup>" not in (to_mathml(claim.latex) or ""), claim_id


def test_derive_plain_text_has_no_latex_and_derive_latex_is_latex_throughout(capsys):
    assert main(["derive", "phi.convex", "summary.hgamma-monotone"]) == 0
    plain = capsys.readouterr().out
    assert "$" not in plain and "H_gamma(P)  <  0" in plain
    assert main(["derive", "tau.expansion", "phi.convex", "--latex"]) == 0
    latex = capsys.readouterr().out
    inside = False
    for line in latex.splitlines():
        if line.startswith(r"\begin{"):
            inside = True
        elif line.startswith(r"\end{"):
            inside = False
        elif line and not inside:
            assert line.startswith("%"), line
    first = latex.splitlines()[0]
    assert first.startswith("% [tau.expansion]")  # a LaTeX comment (it may name the docs page)


# -- eval and the help -----------------------------------------------------------------------
def test_eval_echoes_inputs_as_typed_and_prints_no_json_words(capsys):
    assert main(["eval", "focal-loss", "--gamma", "2", "--p", "1e-1000", "--dps", "5"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "focal-loss (gamma = 2, p = 1e-1000)"
    assert main(["eval", "d-star", "--source", "0.9,0.1", "--n", "10", "--codewords", "4",
                 "--eps", "0.1", "--gamma", "2", "--dps", "5"]) == 0
    assert main(["eval", "c-gamma", "--gamma", "0", "--dps", "5"]) == 0
    # D*(n, M) is not searched exactly for 5^4 sequences: its value is not available
    assert main(["eval", "avg-d-star", "--source", "0.2,0.2,0.2,0.2,0.2", "--n", "4",
                 "--codewords", "3", "--gamma", "2", "--dps", "5"]) == 0
    out = capsys.readouterr().out
    assert "null" not in out and "None" not in out and "rate" not in out.splitlines()[0]
    assert "value = not available" in out
    assert main(["eval", "focal-loss", "--gamma", "2", "--p", "1e-1000", "--dps", "5",
                 "--json"]) == 0   # the JSON contract keeps the exact inputs
    assert '"p": "0.' in capsys.readouterr().out


@pytest.fixture()
def help_text(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")

    def run(*argv: str) -> str:
        with pytest.raises(SystemExit):
            build_parser().parse_args([*argv, "--help"])
        return capsys.readouterr().out

    return run


def test_eval_help_names_the_common_options(help_text):
    text = " ".join(help_text("eval").split())
    for option in ("--dps", "--bits", "--json"):
        assert option in text


def test_h_gamma_help_states_the_gamma_range_the_cli_enforces(help_text, capsys):
    text = " ".join(help_text("eval", "h-gamma").split())
    upper = re.search(r"gamma from 0 to (\d+)", text)
    assert upper, text
    top = upper.group(1)
    assert main(["eval", "h-gamma", "--alphabet", "3", "--gamma", top, "--dps", "5"]) == 0
    assert main(["eval", "h-gamma", "--alphabet", "3", "--gamma", str(int(top) + 1)]) == 2
    capsys.readouterr()


def test_simulate_help_shows_the_confidence_default(help_text):
    text = " ".join(help_text("simulate").split())
    assert re.search(r"--confidence C confidence .* \(default 0\.95\)", text)
    from focalrd.verify.commands.simulate import COMMAND

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[COMMAND.name]
    assert next(a for a in sub._actions if a.dest == "confidence").default == "0.95"


@pytest.mark.parametrize("command", ["verify", "eval", "derive", "report", "curves",
                                     "simulate", "benchmark"])
def test_command_help_is_wrapped(help_text, command):
    for line in help_text(command).splitlines():
        assert len(line) <= 100, line


# -- figures --------------------------------------------------------------------------------------
def test_curves_legend_names_and_no_hidden_duplicate_line():
    from focalrd.verify.curves import columns
    from focalrd.verify.plots import plotted_columns, series_label

    header = columns([Fraction(0), Fraction(2)])
    drawn = [name for _, name in plotted_columns(header)]
    assert "dstar_gamma_0" not in drawn and "dstar_log_loss" in drawn
    labels = [series_label(name) for name in drawn]
    assert labels == ["D*, γ = 2", "D*, log loss (γ = 0)", "limit max(0, H − R)",
                      "normal approximation"]
    assert all("_" not in label and "gamma" not in label and "eps" not in label
               for label in labels)
    assert "dstar_gamma_0" in [n for _, n in plotted_columns(["n", "dstar_gamma_0"])]


def test_report_figures_typeset_subscripts_and_label_the_tau_axis():
    pytest.importorskip("matplotlib")
    from focalrd.verify.reporting.figure_data import c_gamma_curve, tau_bracket
    from focalrd.verify.reporting.figures import draw, mathtext

    assert mathtext("c_γ (nats)") == r"$c_\gamma$ (nats)"
    assert mathtext("The inverse τ_γ and its bracket") == \
        r"The inverse $\tau_\gamma$ and its bracket"
    data = tau_bracket()
    assert data.ylabel != "p" and "τ" in data.ylabel
    assert draw(c_gamma_curve())[:8] == b"\x89PNG\r\n\x1a\n"    # mathtext parses


def test_focal_entropy_solution_docstring_states_the_value_it_prints():
    from focalrd.numeric.oneshot.focal_entropy import focal_entropy_solution

    doc = focal_entropy_solution.__doc__
    assert "2 φ_2(1/2) = ln 2 / 4" not in doc
    printed = re.search(r"\n\s+(0\.\d+) \(mpf", doc).group(1)
    with mp.workdps(15):
        assert printed == mp.nstr(mp.log(2) / 4, 15)          # F = φ_2(1/2) = (1/4) ln 2
        assert "φ_2(1/2) = ln 2 / 4" in doc


@pytest.mark.parametrize("name", ["focalrd", "focalrd.api", "focalrd.verify.reporting.model",
                                  "focalrd.verify.plots", "focalrd.verify.reporting.figures"])
def test_docstring_examples_of_the_new_helpers(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
