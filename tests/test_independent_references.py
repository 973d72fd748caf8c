"""The independent references stay independent, and agree with values known without them.

``verify/claims/_independent.py`` (the claim checks' references), ``tests/reference_impl.py``
and ``tests/type_class_reference.py`` (the tests' references) must not use focalrd: a
reference that imports the code it checks proves nothing.  Two checks, each shown to
fail on a module that does import focalrd:

* the source, parsed with :mod:`ast`: no ``import``/``from`` of focalrd (or of its source
  packages numeric, verify, proofs), no relative import, no ``importlib.import_module`` /
  ``__import__`` of a name mentioning focalrd;
* the import trace: the module loaded from its file in a fresh interpreter leaves no
  ``focalrd`` module in ``sys.modules`` (so no indirect import either).

Then the references against values obtained without them: published normal quantiles,
scipy's ``ndtri`` (Cephes, float64) and closed forms of τ_γ.
"""

from __future__ import annotations

import ast
import json
import math
import subprocess
import sys
from fractions import Fraction as F
from pathlib import Path

import pytest
import reference_impl
from mpmath import mp
from scipy.special import ndtri

from focalrd.verify.claims import _independent

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = ["verify/claims/_independent.py", "tests/reference_impl.py",
              "tests/type_class_reference.py"]
_OWN_PACKAGES = ("focalrd", "numeric", "verify", "proofs")


def focalrd_imports(source: str) -> list[str]:
    """Every import in ``source`` that could reach focalrd, as text (empty: none)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in _OWN_PACKAGES]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                found.append("." * node.level + (node.module or ""))
            elif (node.module or "").split(".")[0] in _OWN_PACKAGES:
                found.append(node.module)
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in ("import_module", "__import__") and any(
                    isinstance(arg, ast.Constant) and "focalrd" in str(arg.value)
                    for arg in node.args):
                found.append(f"{name}(...focalrd...)")
    return found


_TRACE = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("reference_under_test", sys.argv[1])
module = importlib.util.module_from_spec(spec)
sys.modules["reference_under_test"] = module
spec.loader.exec_module(module)
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] == "focalrd")))
"""


def loaded_focalrd_modules(path: Path) -> list[str]:
    """The focalrd modules in ``sys.modules`` after loading ``path`` in a fresh interpreter."""
    result = subprocess.run([sys.executable, "-c", _TRACE, str(path)], capture_output=True,
                            text=True, timeout=120, check=True, cwd=path.parent)
    return json.loads(result.stdout)


@pytest.mark.parametrize("path", REFERENCES)
def test_reference_source_imports_nothing_from_focalrd(path):
    assert focalrd_imports((ROOT / path).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", REFERENCES)
def test_loading_a_reference_loads_no_focalrd_module(path):
    assert loaded_focalrd_modules(ROOT / path) == []


def test_the_source_check_finds_every_kind_of_import():
    sources = {"import focalrd.numeric.phi": ["focalrd.numeric.phi"],
               "from focalrd.numeric import phi": ["focalrd.numeric"],
               "from numeric.tau import tau": ["numeric.tau"],
               "from . import phi": ["."],
               "import importlib\nm = importlib.import_module('focalrd.numeric')":
                   ["import_module(...focalrd...)"],
               "m = __import__('focalrd')": ["__import__(...focalrd...)"],
               "import mpmath\nfrom fractions import Fraction": []}
    for source, expected in sources.items():
        assert focalrd_imports(source) == expected, source


def test_the_import_trace_sees_an_indirect_import(tmp_path):
    helper = tmp_path / "helper_that_imports.py"
    helper.write_text("from focalrd.numeric.phi import phi\n", encoding="utf-8")
    module = tmp_path / "looks_clean.py"
    module.write_text("import importlib\nimportlib.import_module('helper_that_imports')\n",
                      encoding="utf-8")
    assert focalrd_imports(module.read_text(encoding="utf-8")) == []   # the AST sees nothing
    assert "focalrd.numeric.phi" in loaded_focalrd_modules(module)


# -- known values ---------------------------------------------------------------------------
#: Q^{-1}(0.05) and Q^{-1}(0.025) as statistics tables quote them (16 digits; the first is
#: often quoted truncated, 1.644853626951472|7...), one unit of the 16th digit allowed.
PUBLISHED = {F(1, 20): "1.644853626951472", F(1, 40): "1.959963984540054"}


@pytest.mark.parametrize("ref", [_independent, reference_impl], ids=["claims", "tests"])
def test_inverse_q_against_published_quantiles_and_cephes(ref):
    with mp.workdps(40):
        for eps, text in PUBLISHED.items():
            assert abs(ref.inverse_q(eps) - mp.mpf(text)) <= mp.mpf(10) ** -15
        for eps in (F(1, 10**300), F(1, 10**80), F(1, 10**10), F(1, 40), F(3, 10), F(2, 3),
                    1 - F(1, 10**10)):
            tail = min(eps, 1 - eps)
            cephes = -ndtri(float(tail)) if eps < F(1, 2) else ndtri(float(tail))
            value = ref.inverse_q(eps)
            assert math.isclose(float(value), cephes, rel_tol=1e-13), (eps, value, cephes)
            # the symmetry Q^{-1}(1 - e) = -Q^{-1}(e), to the working precision
            assert abs(ref.inverse_q(1 - eps) + value) <= mp.mpf(10) ** -38 * (1 + abs(value))
        assert ref.inverse_q(F(1, 2)) == 0


@pytest.mark.parametrize("ref", [_independent, reference_impl], ids=["claims", "tests"])
def test_tau_against_closed_forms(ref):
    """τ_0(d) = e^{-d}; τ_γ(φ_γ(p)) = p with φ_γ(p) = (1 − p)^γ ln(1/p) evaluated here.

    τ_1 has no closed form in the ordinary Lambert W: with t = ln(1/τ) and y = t − d the
    defining equation t(1 − e^{-t}) = d becomes y e^y − e^{-d} y = d e^{-d}, the equation
    x e^x + r x = z of the r-Lambert function (r = −e^{-d}, z = d e^{-d}), which is not
    W itself for d > 0; so τ_1 is checked at exact inverse points and by a second
    algorithm, the fixed-point iteration t ← d (1 − e^{-t})^{-γ} (a contraction for d ≥ 1).
    """
    with mp.workdps(50):
        tolerance = mp.mpf(10) ** -45
        for d in (F(1, 10**6), F(1, 3), F(5), F(40)):
            expected = mp.exp(-mp.mpf(d.numerator) / d.denominator)
            assert abs(ref.tau(0, d) - expected) <= tolerance * expected
        for gamma in (F(1), F(2), F(7, 2)):
            for p in (F(1, 2), F(1, 3), F(1, 10), F(9, 10)):
                g = mp.mpf(gamma.numerator) / gamma.denominator
                x = mp.mpf(p.numerator) / p.denominator
                d = (1 - x) ** g * mp.log(1 / x)
                assert abs(ref.tau(gamma, d) - x) <= tolerance, (gamma, p)
        for gamma, d in ((F(1), F(1)), (F(1), F(3)), (F(2), F(5))):
            g, dd = mp.mpf(gamma.numerator), mp.mpf(d.numerator) / d.denominator
            t = dd
            for _ in range(500):
                t = dd * (1 - mp.exp(-t)) ** -g
            assert abs(ref.log_inverse_tau(gamma, d) - t) <= tolerance * t, (gamma, d)
