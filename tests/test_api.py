"""The Python front door: ``import focalrd`` (issue 10 item 4).

Version from one source, lazy and light import, every input type the CLI accepts,
the same limits and messages as the CLI, and ``bits=True`` meaning ``--bits``.
"""

from __future__ import annotations

import importlib
import json
import math
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import mpmath
import pytest
from mpmath import mp

import focalrd
from focalrd.verify.cli import main


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=600)


# -- packaging ------------------------------------------------------------------------------
def test_version_is_one_source_shared_with_the_cli_and_the_metadata():
    from importlib.metadata import version

    text = open(focalrd._version.__file__, encoding="utf-8").read()
    declared = text.split('__version__ = "')[1].split('"')[0]
    assert focalrd.__version__ == declared
    assert version("focalrd") == declared           # pyproject reads focalrd/_version.py
    out = _run("-m", "focalrd", "--version")
    assert out.returncode == 0 and out.stdout.strip() == f"focalrd {declared}"


def test_python_dash_m_runs_the_cli_with_its_exit_statuses():
    ok = _run("-m", "focalrd", "eval", "c-gamma", "--gamma", "1", "--dps", "20")
    assert ok.returncode == 0 and "0.36787944117144232160" in ok.stdout   # 1/e
    bad = _run("-m", "focalrd", "eval", "c-gamma", "--gamma", "-1")
    assert bad.returncode == 2 and "gamma" in bad.stderr and "Traceback" not in bad.stderr


def test_import_is_light_and_loads_names_on_first_use():
    code = ("import sys, focalrd; heavy = [m for m in ('sympy', 'matplotlib', 'scipy.stats', "
            "'hypothesis', 'focalrd.verify') if m in sys.modules]; print(heavy); "
            "focalrd.tau; print('focalrd.numeric.tau' in sys.modules)")
    out = _run("-c", code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["[]", "True"]


def test_every_name_in_all_resolves_and_py_typed_is_shipped():
    import os

    assert os.path.isfile(os.path.join(os.path.dirname(focalrd.__file__), "py.typed"))
    required = {"phi", "tau", "c_gamma", "focal_entropy", "excess_distortion_limit",
                "distortion_limit", "dispersion", "normal_approximation", "derivation",
                "claims", "InvalidInputError", "PrecisionError", "confirmed", "__version__"}
    assert required <= set(focalrd.__all__)
    for name in focalrd.__all__:
        assert getattr(focalrd, name) is not None
    assert issubclass(focalrd.InvalidInputError, ValueError)
    with pytest.raises(AttributeError):
        focalrd.no_such_function  # noqa: B018


PUBLIC_MODULES = [
    "focalrd", "focalrd.api", "focalrd.strategies", "focalrd.numeric", "focalrd.numeric.inputs",
    "focalrd.numeric.display", "focalrd.numeric.source", "focalrd.numeric.blocks",
    "focalrd.numeric.blocks.excess", "focalrd.numeric.blocks.normal", "focalrd.numeric.phi",
    "focalrd.numeric.tau", "focalrd.numeric.c_gamma", "focalrd.numeric.errors",
    "focalrd.numeric.exact", "focalrd.numeric.precision", "focalrd.numeric.units",
    "focalrd.numeric.oneshot.excess", "focalrd.numeric.oneshot.focal_entropy",
    "focalrd.verify", "focalrd.verify.registry", "focalrd.verify.plots", "focalrd.verify.curves",
    "focalrd.verify.progress", "focalrd.verify.environment", "focalrd.verify.certify",
    "focalrd.proofs", "focalrd.proofs.derivation", "focalrd.proofs.index",
]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_every_public_module_lists_its_names(name):
    module = importlib.import_module(name)
    assert isinstance(module.__all__, list | tuple)   # a docs-only package lists nothing
    for item in module.__all__:
        assert hasattr(module, item), f"{name}.__all__ names missing {item}"


# -- inputs -----------------------------------------------------------------------------------
def test_every_exact_input_type_gives_the_closed_form():
    with mp.workdps(40):
        expected = mp.mpf(81) / 100 * mp.log(10)            # φ_2(1/10) = 0.81 ln 10
        tenth = mp.mpf(1) / 10
        for p in ("0.1", "1/10", Fraction(1, 10), Decimal("0.1"), " 1e-1 "):
            assert abs(focalrd.phi(2, p) - expected) < mp.mpf(10) ** -38, p
        assert abs(focalrd.phi("2", tenth) - expected) < mp.mpf(10) ** -38
        # c_1 = 1/e, from every spelling of γ = 1
        for g in (1, "1", "1/1", Fraction(1), Decimal("1.0"), mp.mpf(1)):
            assert abs(focalrd.c_gamma(g) - mp.exp(-1)) < mp.mpf(10) ** -38
        t = focalrd.tau(2, "1")
        assert abs((1 - t) ** 2 * mp.log(1 / t) - 1) < mp.mpf(10) ** -37   # φ_2(τ) = 1
        # a float is taken at its exact binary value, not as the decimal it prints as
        assert focalrd.phi(0, 0.1) == -mp.log(mp.mpf(Fraction(0.1).numerator)
                                              / Fraction(0.1).denominator)
        assert focalrd.phi(0, 0.1) != focalrd.phi(0, "0.1")


def test_sources_as_strings_sequences_and_decimals_agree_with_the_closed_form():
    with mp.workdps(30):
        p = mp.mpf(11) / 100
        v = p * (1 - p) * mp.log((1 - p) / p) ** 2              # binary dispersion
        for source in ("0.89,0.11", ["0.89", "0.11"], (Fraction(89, 100), Fraction(11, 100)),
                       [Decimal("0.89"), Decimal("0.11")]):
            assert abs(focalrd.dispersion(source) - v) < mp.mpf(10) ** -28
        h = -(p * mp.log(p) + (1 - p) * mp.log(1 - p))
        assert abs(focalrd.entropy("0.89, 0.11") - h) < mp.mpf(10) ** -28
        assert abs(focalrd.focal_entropy("1/4,3/4", "0")
                   - focalrd.entropy([Fraction(1, 4), Fraction(3, 4)])) < mp.mpf(10) ** -28
        # ı(x) = ln(1/P(x)) and ω = Q / Σ P Q, from strings
        assert abs(focalrd.numeric.information("0.89,0.11", 1) + mp.log(p)) < mp.mpf(10) ** -28
        assert focalrd.numeric.class_weights("1/4,3/4", "1/2,1/2") == (1, 1)
        assert focalrd.numeric.reweighted_source("0.25,0.75", ["3/4", "1/4"]) == (
            Fraction(1, 2), Fraction(1, 2))                     # (3/16, 3/16) / (3/8)
        # the one-shot ε*_0(M = 1, d = 1): L = ⌊e⌋ = 2 symbols covered, ε* = 0.2
        assert _one_shot_excess("0.5,0.3,0.2", Decimal("0"), "1", "1") == mp.mpf("0.2")


BAD_INPUTS = [
    # (call, parameter the message must name)
    (lambda: focalrd.tau(2, float("nan")), "distortion"),
    (lambda: focalrd.tau(float("nan"), 1), "gamma"),
    (lambda: focalrd.tau(mp.nan, 1), "gamma"),
    (lambda: focalrd.tau(10**16, 1), "gamma"),
    (lambda: focalrd.tau("1e16", 1), "gamma"),
    (lambda: focalrd.c_gamma(10**15 + 1), "gamma"),
    (lambda: focalrd.c_gamma(True), "gamma"),
    (lambda: focalrd.phi(2, "abc"), "p"),
    (lambda: focalrd.phi(2, [0.5]), "p"),
    (lambda: focalrd.phi(2, Decimal("NaN")), "p"),
    (lambda: focalrd.phi(2, mp.inf), "p"),
    (lambda: focalrd.phi(2, "0"), "p"),
    (lambda: focalrd.phi(-1, "0.5"), "gamma"),
    (lambda: focalrd.tau(2, "-1"), "distortion"),
    (lambda: focalrd.tau(2, "1e-1001"), "distortion"),
    (lambda: focalrd.dispersion("0.5,0.6"), "source"),
    (lambda: focalrd.dispersion(0.5), "source"),
    (lambda: focalrd.distortion_limit("0.9,0.1", 2, 0, 4, "0.1"), "n"),
    (lambda: focalrd.distortion_limit("0.9,0.1", 2, 10, 4, "1"), "eps"),
    (lambda: focalrd.distortion_limit("0.9,0.1", 2, 10, "4.5", "0.1"), "codewords"),
    (lambda: focalrd.distortion_limit("0.9,0.1", 2, 10, None, "0.1", rate="-1"), "rate"),
    (lambda: focalrd.distortion_limit("0.9,0.1", 2, 10, 4, "0.1", bits="yes"), "bits"),
    (lambda: focalrd.excess_distortion_limit("0.9,0.1", 2, 10, 4, "nan"), "distortion"),
    (lambda: focalrd.normal_approximation("0.9,0.1", 10, "0.1", "0"), "eps"),
    (lambda: focalrd.normal_approximation("0.9,0.1", 10, "-0.1", "0.5"), "rate"),
    (lambda: focalrd.numeric.information("0.5,0.5", 2), "x"),
    (lambda: focalrd.numeric.class_weights("0.5,0.5", "1,0,0"), "weights"),
    (lambda: _one_shot_excess("0.5,0.5", Decimal("NaN"), 1, 1), "gamma"),
]


def _one_shot_excess(*args):
    from focalrd.numeric.oneshot.excess import excess_distortion_limit

    return excess_distortion_limit(*args)


@pytest.mark.parametrize("index", range(len(BAD_INPUTS)))
def test_bad_input_raises_invalid_input_naming_the_parameter(index):
    call, parameter = BAD_INPUTS[index]
    with pytest.raises(focalrd.InvalidInputError) as info:
        call()
    assert info.value.parameter == parameter
    assert f"invalid {parameter}" in str(info.value) and "expected" in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("argv, call", [
    (["focal-loss", "--gamma", "1e16", "--p", "0.5"], lambda: focalrd.phi("1e16", "0.5")),
    (["focal-loss", "--gamma", "2", "--p", "1.5"], lambda: focalrd.phi("2", "1.5")),
    (["tau", "--gamma", "2", "--distortion", "-3"], lambda: focalrd.tau("2", "-3")),
    (["dispersion", "--source", "0.5,0.4"], lambda: focalrd.dispersion("0.5,0.4")),
    (["d-star", "--source", "0.9,0.1", "--n", "0", "--codewords", "2", "--eps", "0.1",
      "--gamma", "1"], lambda: focalrd.distortion_limit("0.9,0.1", 1, "0", 2, "0.1")),
])
def test_the_api_refuses_what_the_cli_refuses_with_the_same_parameter(argv, call, capsys):
    assert main(["eval", *argv]) == 2
    cli_line = capsys.readouterr().err
    with pytest.raises(focalrd.InvalidInputError) as info:
        call()
    assert f"invalid {info.value.parameter}" in cli_line


# -- bits ---------------------------------------------------------------------------------------
def test_bits_returns_bits_and_reads_the_rate_in_bits():
    with mp.workdps(30):
        nats = focalrd.distortion_limit("0.9,0.1", 2, 10, 32, "1/10")     # M = 2^(10·1/2)
        bits = focalrd.distortion_limit("0.9,0.1", 2, 10, None, "1/10", rate="1/2", bits=True)
        assert bits.unit == "bits" and nats.unit == "nats"
        assert bits.L == nats.L and bits.K == nats.K
        assert abs(bits.value * mp.ln2 - nats.value) < mp.mpf(10) ** -28
        r_bits = Fraction(3, 10)
        approx_bits = focalrd.normal_approximation("0.89,0.11", 1000, r_bits, "0.1", bits=True)
        approx_nats = focalrd.normal_approximation("0.89,0.11", 1000, mp.mpf(3) / 10 * mp.ln2,
                                                   "0.1")
        assert abs(approx_bits * mp.ln2 - approx_nats) < mp.mpf(10) ** -27
        v = focalrd.dispersion("0.89,0.11")
        assert abs(focalrd.dispersion("0.89,0.11", bits=True) * mp.ln2**2 - v) < mp.mpf(10) ** -27


@pytest.mark.parametrize("argv, call", [
    (["d-star", "--source", "0.89,0.11", "--n", "200", "--rate", "0.3", "--eps", "0.1",
      "--gamma", "2"],
     lambda: focalrd.distortion_limit("0.89,0.11", 2, 200, None, "0.1", rate="0.3",
                                      bits=True).value),
    (["normal-approx", "--source", "0.89,0.11", "--n", "200", "--rate", "0.3", "--eps", "0.1"],
     lambda: focalrd.normal_approximation("0.89,0.11", 200, "0.3", "0.1", bits=True)),
    (["dispersion", "--source", "0.89,0.11"],
     lambda: focalrd.dispersion("0.89,0.11", bits=True)),
])
def test_bits_in_the_api_agrees_with_bits_on_the_command_line(argv, call, capsys):
    assert main(["eval", *argv, "--bits", "--json", "--dps", "25"]) == 0
    shown = json.loads(capsys.readouterr().out)["value"]
    with mp.workdps(40):
        value = call()
    assert mpmath.nstr(value, 25, strip_zeros=False) == shown or \
        abs(value - mp.mpf(shown)) <= abs(value) * mp.mpf(10) ** -24


# -- claims and derivations ----------------------------------------------------------------------
def test_claims_are_loaded_on_first_use_in_a_fresh_interpreter():
    out = _run("-c", "import focalrd; c = focalrd.claims(); "
                     "print(len(c), 'tau.bracket' in c, type(c['phi.convex']).__name__)")
    assert out.returncode == 0, out.stderr
    count, has_bracket, kind = out.stdout.split()
    assert int(count) >= 20 and has_bracket == "True" and kind == "Claim"


def test_derivation_returns_the_checked_derivation_and_refuses_unknown_ids():
    from focalrd.proofs.derivation import Derivation

    d = focalrd.derivation("phi.reduces-to-log")
    assert isinstance(d, Derivation) and d.claim_id == "phi.reduces-to-log" and d.steps
    several = focalrd.derivation("n.second-order")
    assert len(several) == 2 and all(isinstance(part, Derivation) for part in several)
    with pytest.raises(focalrd.InvalidInputError) as info:
        focalrd.derivation("no.such-claim")
    assert info.value.parameter == "claim_id"


def test_strategies_are_exported_and_generate_distributions():
    from hypothesis import given, settings

    @settings(max_examples=25, derandomize=True)
    @given(focalrd.strategies.distributions())
    def sums_to_one(p):
        assert sum(p) == 1 and all(x > 0 for x in p)
        assert math.isfinite(float(focalrd.dispersion(p)))

    sums_to_one()


def test_a_source_checkout_imports_without_an_editable_install():
    # `python -m pytest` at the repository root with a regular (non-editable) install
    # finds this focalrd/ first: its subpackages must then come from the checkout.
    import os

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = ("import sys; sys.meta_path[:] = [f for f in sys.meta_path "
            "if 'editable' not in repr(f).lower()]; "
            f"sys.path.insert(0, {root!r}); import focalrd.numeric, focalrd.verify.cli; "
            "print(focalrd.numeric.__file__); print(focalrd.tau(0, '1'))")
    out = _run("-c", code)
    assert out.returncode == 0, out.stderr
    path, value = out.stdout.split()
    assert path == os.path.join(root, "numeric", "__init__.py")
    assert value.startswith("0.36787944117144")                      # e^(-1)
