"""Golden test of the committed reports/reference_values.json.

Every value in the committed file is recomputed (with its digits confirmed by two
evaluations) and must match digit for digit.  Closed forms are re-derived here
with plain mpmath, independently of the reference module.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest
from closeness import assert_close

from focalrd.verify.reporting import reference

COMMITTED = Path(__file__).resolve().parent.parent / "reports" / "reference_values.json"


def _committed() -> dict:
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_committed_file_is_stable_json() -> None:
    text = COMMITTED.read_text(encoding="utf-8")
    document = json.loads(text)
    assert document["schema"] == reference.SCHEMA
    # Regenerating writes exactly this formatting: sorted keys, indent 2, final newline.
    assert text == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_every_committed_value_recomputes_digit_for_digit() -> None:
    specs = {spec.key: spec for spec in reference.reference_specs()[0]}
    values = _committed()["values"]
    assert values, "the committed table is empty"
    for entry in values:
        assert entry["key"] in specs, f"no way to recompute {entry['key']} any more"
        # Recompute the value *and* its agreement with the second method (not the flag).
        recomputed = reference.compute_entry(specs[entry["key"]], entry["digits"])
        assert recomputed.value == entry["value"], entry["key"]
        assert recomputed.agreed, (entry["key"], recomputed.checks)


def test_committed_values_have_the_stated_number_of_digits() -> None:
    for entry in _committed()["values"]:
        if entry["value"] == "0":
            continue
        mantissa = entry["value"].replace(".", "").lstrip("0")
        assert len(mantissa) == entry["digits"] == reference.DIGITS, entry["key"]


def _by_key() -> dict[str, str]:
    return {entry["key"]: entry["value"] for entry in _committed()["values"]}


def test_closed_forms_independently() -> None:
    values = _by_key()
    with mpmath.workdps(80):
        assert values["c_gamma(gamma=1)"] == mpmath.nstr(mpmath.exp(-1), 50, strip_zeros=False)
        for d in ("1/10", "1", "5"):
            expected = mpmath.exp(-mpmath.mpf(Fraction(d).numerator) / Fraction(d).denominator)
            assert_close(mpmath.mpf(values[f"tau(gamma=0, d={d})"]), expected,
                         rel=mpmath.mpf(10) ** -49)
    assert values["c_gamma(gamma=0)"] == "0"


def test_log_loss_entries_independently() -> None:
    values = _by_key()
    with mpmath.workdps(80):
        tenth = mpmath.mpf(1) / 10
        binary_entropy = -(9 * tenth * mpmath.log(9 * tenth) + tenth * mpmath.log(tenth))
        # Binary (9/10, 1/10), n = 10, M = 4, eps = 1/10: the 11 sequences with at most one 1
        # carry 0.7361; each with two 1s adds 0.9^8/100 = 0.0043047, so 39 of them reach 0.9:
        # K* = 50, L* = ceil(50/4) = 13 and D*_0 = ln(13)/10.
        expected = {"focal_entropy(source=binary, gamma=0)": binary_entropy,
                    "block_dstar(source=binary, gamma=0, n=10, M=4, eps=1/10)":
                        mpmath.log(13) / 10}
        for key, value in expected.items():
            assert values[key] == mpmath.nstr(value, 50, strip_zeros=False), key


def test_tau_values_solve_the_defining_equation() -> None:
    # φ_γ(τ) = d, evaluated from the published digits with a direct formula.
    with mpmath.workdps(80):
        for entry in _committed()["values"]:
            if entry["quantity"] != "tau":
                continue
            gamma = Fraction(entry["inputs"]["gamma"])
            d = Fraction(entry["inputs"]["d"])
            t = mpmath.mpf(entry["value"])
            loss = (1 - t) ** (mpmath.mpf(gamma.numerator) / gamma.denominator) * -mpmath.log(t)
            slope = abs(mpmath.diff(lambda p, g=gamma: (1 - p) ** (
                mpmath.mpf(g.numerator) / g.denominator) * -mpmath.log(p), t))
            # A 50-digit τ moves φ by at most |φ'| · 10^-50 · τ.
            assert abs(loss - mpmath.mpf(d.numerator) / d.denominator) <= \
                slope * t * mpmath.mpf(10) ** -49, entry["key"]


def test_a_disagreeing_cross_check_is_reported_not_hidden() -> None:
    wrong = reference.ReferenceSpec(
        "deliberately wrong", "test", "x", {}, lambda: mpmath.mpf(1) / 3,
        (reference.CrossCheck("a value off in the 52nd digit",
                              lambda: mpmath.mpf(1) / 3 + mpmath.mpf(10) ** -52),))
    entry = reference.compute_entry(wrong)
    assert entry.agreed is False
    assert any(check.startswith("DISAGREES") for check in entry.checks)


def test_regeneration_refuses_to_write_when_a_check_disagrees(tmp_path, monkeypatch) -> None:
    bad = reference.ReferenceTable(values=[reference.ReferenceValue(
        "k", "q", "x", {}, "1", 50, ["DISAGREES"], agreed=False)])
    monkeypatch.setattr(reference, "compute_table", lambda: bad)
    target = tmp_path / "reference_values.json"
    assert reference.main([str(target)]) == 1
    assert not target.exists()


def test_every_spec_is_in_the_committed_table() -> None:
    specs, unavailable = reference.reference_specs()
    assert unavailable == []
    committed = _committed()
    assert committed["agreed"] is True and committed["unavailable"] == []
    assert sorted(spec.key for spec in specs) == sorted(v["key"] for v in committed["values"])


def _partial_table() -> reference.ReferenceTable:
    return reference.ReferenceTable(
        values=[reference.ReferenceValue("k", "q", "x", {}, "1", 50, ["confirmed"], True)],
        unavailable=[{"quantity": "tau(gamma=1, d=1)", "why": "evaluation failed: boom"}])


def test_regeneration_refuses_to_write_a_table_with_unavailable_values(tmp_path, monkeypatch,
                                                                         capsys) -> None:
    monkeypatch.setattr(reference, "compute_table", _partial_table)
    target = tmp_path / "reference_values.json"
    assert reference.main([str(target)]) == 1
    assert not target.exists()
    assert "tau(gamma=1, d=1) is unavailable" in capsys.readouterr().err


def test_rendered_reports_mark_a_partial_table_as_not_agreed(tmp_path) -> None:
    from focalrd.verify.reporting import render_reports

    document = {"schema": "focalrd.report/1", "claims": [], "summary": {}}
    render_reports(document, tmp_path, figures=[], reference=_partial_table())
    written = json.loads((tmp_path / "reference_values.json").read_text(encoding="utf-8"))
    assert written["agreed"] is False
    assert '"agreed": false' in (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "<code>reference_values.json</code> is marked" in \
        (tmp_path / "report.html").read_text(encoding="utf-8")
    # A complete, agreeing table is marked as such and carries no warning.
    full = reference.ReferenceTable(values=_partial_table().values)
    render_reports(document, tmp_path, figures=[], reference=full)
    assert json.loads((tmp_path / "reference_values.json").read_text())["agreed"] is True
    assert "Warning: this table" not in (tmp_path / "report.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_verify_exits_1_when_a_reference_value_disagrees(tmp_path, monkeypatch, capsys) -> None:
    from focalrd.verify.cli import main

    wrong = reference.ReferenceSpec(
        "deliberately wrong", "test", "x", {}, lambda: mpmath.mpf(1) / 3,
        (reference.CrossCheck("a value off in the 52nd digit",
                              lambda: mpmath.mpf(1) / 3 + mpmath.mpf(10) ** -52),))
    monkeypatch.setattr(reference, "compute_table",
                        lambda: reference.ReferenceTable(values=[reference.compute_entry(wrong)]))
    status = main(["verify", "--only", "phi.reduces-to-log", "--quick", "--out",
                   str(tmp_path / "out")])
    assert status == 1
    assert "deliberately wrong" in capsys.readouterr().err
