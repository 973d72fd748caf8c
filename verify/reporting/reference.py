"""High-precision reference values: τ_γ(d), c_γ, F_γ(P) and D*_γ(n, M, ε).

Each value is computed by the project's numeric layer through
:func:`focalrd.numeric.precision.confirmed` (two evaluations at different working
precisions must agree on every reported digit) and is then compared with an
independent evaluation written here: a closed form where one exists (c_1 = 1/e,
τ_0(d) = e^(−d), F_0(P) = H(P)), otherwise a second algorithm (a bracketed root
finder of mpmath, first-order optimality conditions, brute-force enumeration).
The table records, for each value, its digits and how they were checked.

Values that depend on parts of the numeric layer that are not installed (or
whose evaluation fails) are listed as unavailable, with the reason; such a
table is marked ``"agreed": false`` and is never written as the committed one.

Regenerate the committed table with::

    python -m focalrd.verify.reporting.reference reports/reference_values.json
"""

from __future__ import annotations

import importlib
import itertools
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import mpmath
from mpmath import mp

from focalrd.numeric.c_gamma import c_gamma
from focalrd.numeric.precision import confirmed, significant, to_mpf
from focalrd.numeric.tau import tau

#: Significant digits of every reference value.
DIGITS = 50
#: An independent evaluation must agree with the reported value to this many digits
#: beyond the reported ones (relative), evaluated with this many extra digits.
_AGREEMENT_MARGIN = 5
_INDEPENDENT_GUARD = 25
SCHEMA = "focalrd.reference-values/1"
REGENERATE = "python -m focalrd.verify.reporting.reference reports/reference_values.json"

F = Fraction
#: Standard sources of the table.
BINARY = (F(9, 10), F(1, 10))
TERNARY = (F(1, 2), F(1, 3), F(1, 6))


@dataclass(frozen=True)
class CrossCheck:
    """An independent evaluation of the same number (at the current mp precision)."""

    description: str
    evaluate: Callable[[], mpmath.mpf]


@dataclass(frozen=True)
class ReferenceSpec:
    """How one reference value is computed and cross-checked."""

    key: str
    quantity: str
    latex: str
    inputs: dict[str, Any]
    evaluate: Callable[[], mpmath.mpf]
    cross_checks: tuple[CrossCheck, ...]


@dataclass
class ReferenceValue:
    """One computed entry of the table."""

    key: str
    quantity: str
    latex: str
    inputs: dict[str, Any]
    value: str
    digits: int
    checks: list[str]
    agreed: bool

    def inputs_text(self) -> str:
        """The inputs in words, e.g. ``source = (9/10, 1/10), gamma = 2``."""
        return ", ".join(f"{name} = ({', '.join(value)})" if isinstance(value, list)
                         else f"{name} = {value}" for name, value in self.inputs.items())

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "quantity": self.quantity, "latex": self.latex,
                "inputs": self.inputs, "value": self.value, "digits": self.digits,
                "checks": self.checks, "agreed": self.agreed}


@dataclass
class ReferenceTable:
    values: list[ReferenceValue] = field(default_factory=list)
    unavailable: list[dict[str, str]] = field(default_factory=list)

    @property
    def agreed(self) -> bool:
        """Every computed value agreed with its cross-checks (see :attr:`complete`)."""
        return all(v.agreed for v in self.values)

    @property
    def complete(self) -> bool:
        """Every value of the table was computed (none is unavailable)."""
        return not self.unavailable

    @property
    def trustworthy(self) -> bool:
        """Complete and agreed: the only state in which the table may be committed."""
        return self.agreed and self.complete

    def as_dict(self) -> dict[str, Any]:
        # Top-level "agreed" is False when a value disagreed *or* is missing, so a
        # reader of the file alone can tell a partial table from a full one.
        return {"schema": SCHEMA, "digits": DIGITS, "regenerate": REGENERATE,
                "agreed": self.trustworthy,
                "values": [v.as_dict() for v in self.values],
                "unavailable": self.unavailable}


# -- independent evaluations ------------------------------------------------------------
def _phi_direct(gamma: Fraction, p: mpmath.mpf) -> mpmath.mpf:
    """φ_γ(p) straight from its definition (not via focalrd.numeric.phi)."""
    return mp.power(1 - p, to_mpf(gamma)) * mp.log(1 / p)


def _tau_by_bracketed_root(gamma: Fraction, d: Fraction) -> mpmath.mpf:
    """τ_γ(d) as the root of φ_γ(p) − d, bracketed by halving down from e^(−d)."""
    target = to_mpf(d)
    hi = mp.exp(-target)                       # φ_γ(e^(−d)) ≤ ln(e^d) = d
    lo = hi / 2
    while _phi_direct(gamma, lo) < target:
        lo /= 2
    return mp.findroot(lambda p: _phi_direct(gamma, p) - target, (lo, hi), solver="anderson")


def _c_gamma_by_bracketed_root(gamma: Fraction) -> mpmath.mpf:
    """c_γ = max_p (1 − (1−p)^γ) ln(1/p), from the root of the derivative on a scanned bracket."""
    g = to_mpf(gamma)

    def gap(p: mpmath.mpf) -> mpmath.mpf:
        return (1 - mp.power(1 - p, g)) * mp.log(1 / p)

    def slope(p: mpmath.mpf) -> mpmath.mpf:
        return g * mp.power(1 - p, g - 1) * mp.log(1 / p) - (1 - mp.power(1 - p, g)) / p

    grid = [mp.mpf(k) / 4096 for k in range(1, 4096)]
    best = max(range(len(grid)), key=lambda i: gap(grid[i]))
    lo, hi = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    return gap(mp.findroot(slope, (lo, hi), solver="anderson"))


def _entropy_direct(source: Sequence[Fraction]) -> mpmath.mpf:
    return mp.fsum(to_mpf(p) * mp.log(1 / to_mpf(p)) for p in source if p > 0)


def _binary_focal_entropy(source: Sequence[Fraction], gamma: Fraction) -> mpmath.mpf:
    """F_γ of a two-point vector by minimising over q ∈ (0, 1) with a bracketed root."""
    a0, a1 = (to_mpf(x) for x in source)

    def objective(q: mpmath.mpf) -> mpmath.mpf:
        return a0 * _phi_direct(gamma, q) + a1 * _phi_direct(gamma, 1 - q)

    def derivative(q: mpmath.mpf) -> mpmath.mpf:
        return mp.diff(objective, q)

    lo, hi = mp.mpf(2) ** -40, 1 - mp.mpf(2) ** -40
    return objective(mp.findroot(derivative, (lo, hi), solver="anderson"))


def _focal_entropy_by_kkt(source: Sequence[Fraction], gamma: Fraction) -> mpmath.mpf:
    """F_γ(a) from the first-order conditions a_x φ_γ'(q_x) = a_k φ_γ'(q_k), Σ q = 1.

    Solved for q_0, …, q_(k−2) (q_(k−1) = 1 − the rest) by multidimensional Newton
    (mpmath ``findroot``, ``mdnewton``) started at q = a; the objective is strictly
    convex, so its stationary point on the simplex is the minimiser.
    """
    g = to_mpf(gamma)
    weights = [to_mpf(a) for a in source]
    last = len(weights) - 1

    def slope(q: mpmath.mpf) -> mpmath.mpf:
        return -mp.power(1 - q, g - 1) * (g * mp.log(1 / q) + (1 - q) / q)

    def conditions(*qs: mpmath.mpf) -> list[mpmath.mpf]:
        rest = 1 - mp.fsum(qs)
        return [weights[i] * slope(qs[i]) - weights[last] * slope(rest) for i in range(last)]

    root = mp.findroot(conditions, tuple(weights[:last]), solver="mdnewton")
    qs = [root[i] for i in range(last)] if last > 1 else [root]
    qs.append(1 - mp.fsum(qs))
    return mp.fsum(a * _phi_direct(gamma, q) for a, q in zip(weights, qs, strict=True))


def _block_dstar_by_enumeration(source: Sequence[Fraction], gamma: Fraction, n: int,
                                codewords: int, eps: Fraction) -> mpmath.mpf:
    """D*_γ(n, M, ε) = φ_γ(1/L*)/n with K*, L* from all k^n sequence probabilities, sorted."""
    masses = sorted((math.prod(seq) for seq in itertools.product(source, repeat=n)),
                    reverse=True)
    covered, k_star = Fraction(0), 0
    for k_star, mass in enumerate(masses, start=1):  # noqa: B007 - k_star used after loop
        covered += mass
        if covered >= 1 - eps:
            break
    l_star = -(-k_star // codewords)
    if l_star == 1:
        return mp.zero
    return _phi_direct(gamma, 1 / to_mpf(l_star)) / n


# -- the table -----------------------------------------------------------------------------
def _text(x: Fraction | int) -> str:
    return str(Fraction(x))


def _tau_specs() -> list[ReferenceSpec]:
    specs = []
    for gamma in (F(0), F(1, 2), F(1), F(2), F(5)):
        for d in (F(1, 10), F(1), F(5)):
            checks = [CrossCheck("an independent root of φ_γ(p) = d (mpmath findroot, "
                                 "Anderson's method, bracketed by halving from e^(−d))",
                                 lambda g=gamma, dd=d: _tau_by_bracketed_root(g, dd))]
            if gamma == 0:
                checks.insert(0, CrossCheck("the closed form τ_0(d) = e^(−d)",
                                            lambda dd=d: mp.exp(-to_mpf(dd))))
            specs.append(ReferenceSpec(
                f"tau(gamma={_text(gamma)}, d={_text(d)})", "tau",
                rf"\tau_{{{_latex_number(gamma)}}}\left({_latex_number(d)}\right)",
                {"gamma": _text(gamma), "d": _text(d)},
                lambda g=gamma, dd=d: tau(g, dd), tuple(checks)))
    return specs


def _c_gamma_specs() -> list[ReferenceSpec]:
    specs = []
    for gamma in (F(0), F(1, 2), F(1), F(2), F(5), F(10)):
        if gamma == 0:
            checks = [CrossCheck("the exact value c_0 = 0 (the gap vanishes at γ = 0)",
                                 lambda: mp.zero)]
        else:
            checks = [CrossCheck("an independent maximisation (grid scan, then mpmath findroot "
                                 "of the derivative)",
                                 lambda g=gamma: _c_gamma_by_bracketed_root(g))]
            if gamma == 1:
                checks.insert(0, CrossCheck("the closed form c_1 = 1/e", lambda: mp.exp(-1)))
        specs.append(ReferenceSpec(
            f"c_gamma(gamma={_text(gamma)})", "c_gamma", rf"c_{{{_latex_number(gamma)}}}",
            {"gamma": _text(gamma)}, lambda g=gamma: c_gamma(g), tuple(checks)))
    return specs


def _focal_entropy_specs() -> list[ReferenceSpec]:
    module = importlib.import_module("focalrd.numeric.oneshot.focal_entropy")
    specs = []
    for name, source in (("binary", BINARY), ("ternary", TERNARY)):
        for gamma in (F(0), F(1), F(2)):
            if gamma == 0:
                checks = [CrossCheck("the closed form F_0(P) = H(P)",
                                     lambda s=source: _entropy_direct(s))]
            elif len(source) == 2:
                checks = [CrossCheck("an independent one-dimensional minimisation over q "
                                     "(mpmath findroot of the derivative)",
                                     lambda s=source, g=gamma: _binary_focal_entropy(s, g))]
            else:
                checks = [CrossCheck("the optimality conditions P(x)|φ_γ'(q_x)| = λ, Σq = 1 "
                                     "solved independently by multidimensional Newton",
                                     lambda s=source, g=gamma: _focal_entropy_by_kkt(s, g))]
            specs.append(ReferenceSpec(
                f"focal_entropy(source={name}, gamma={_text(gamma)})", "focal_entropy",
                rf"F_{{{_latex_number(gamma)}}}\left({_latex_source(source)}\right)",
                {"source": [_text(p) for p in source], "gamma": _text(gamma)},
                lambda s=source, g=gamma: _scalar(module.focal_entropy(s, g)), tuple(checks)))
    return specs


def _block_dstar_specs() -> list[ReferenceSpec]:
    module = importlib.import_module("focalrd.numeric.blocks.excess")
    specs = []
    for name, source, n, codewords in (("binary", BINARY, 10, 4), ("ternary", TERNARY, 6, 8)):
        eps = F(1, 10)
        for gamma in (F(0), F(1), F(2)):
            check = CrossCheck(f"brute-force enumeration of all {len(source) ** n} sequences "
                               "(K*, L* = ⌈K*/M⌉, then φ_γ(1/L*)/n)",
                               lambda s=source, g=gamma, nn=n, m=codewords, e=eps:
                               _block_dstar_by_enumeration(s, g, nn, m, e))
            specs.append(ReferenceSpec(
                f"block_dstar(source={name}, gamma={_text(gamma)}, n={n}, M={codewords}, "
                f"eps={_text(eps)})", "block_dstar",
                rf"D^*_{{{_latex_number(gamma)}}}\left({n}, {codewords}, "
                rf"{_latex_number(eps)}\right)",
                {"source": [_text(p) for p in source], "gamma": _text(gamma), "n": str(n),
                 "codewords": str(codewords), "eps": _text(eps)},
                lambda s=source, g=gamma, nn=n, m=codewords, e=eps: _scalar(
                    module.distortion_limit(s, g, nn, m, e)),
                (check,)))
    return specs


#: (quantity, what it needs, spec builder) — builders may fail with ImportError.
_SPEC_BUILDERS: tuple[tuple[str, str, Callable[[], list[ReferenceSpec]]], ...] = (
    ("tau", "focalrd.numeric.tau", _tau_specs),
    ("c_gamma", "focalrd.numeric.c_gamma", _c_gamma_specs),
    ("focal_entropy", "focalrd.numeric.oneshot.focal_entropy", _focal_entropy_specs),
    ("block_dstar", "focalrd.numeric.blocks.excess", _block_dstar_specs),
)


def reference_specs() -> tuple[list[ReferenceSpec], list[dict[str, str]]]:
    """Every spec whose numeric functions are importable, and the quantities left out (why)."""
    specs: list[ReferenceSpec] = []
    unavailable: list[dict[str, str]] = []
    for quantity, module, build in _SPEC_BUILDERS:
        try:
            specs.extend(build())
        except ImportError as error:
            unavailable.append({"quantity": quantity,
                                "why": f"{module} is not available ({error})"})
        except Exception as error:  # noqa: BLE001 - a broken module must not stop the reports
            unavailable.append({"quantity": quantity,
                                "why": f"{module} failed to import: {type(error).__name__}: "
                                       f"{_short(error)}"})
    return specs, unavailable


def compute_value(spec: ReferenceSpec, digits: int = DIGITS) -> tuple[str, mpmath.mpf]:
    """The confirmed digits of ``spec`` and the (more precise) value they came from."""
    value = confirmed(spec.evaluate, digits)
    return significant(value, digits), value


def compute_entry(spec: ReferenceSpec, digits: int = DIGITS) -> ReferenceValue:
    """Compute one entry and run its cross-checks; record how the digits were checked."""
    # ``value`` is the unrounded higher-precision evaluation behind the confirmed digits;
    # it carries well over digits + margin correct digits.
    text, value = compute_value(spec, digits)
    checks = [f"all {digits} digits confirmed by two evaluations at different working "
              "precisions"]
    agreed = True
    with mp.workdps(digits + _INDEPENDENT_GUARD):
        reference = mp.mpf(text) if text != "0" else mp.zero
        # Relative agreement; an exact zero is compared absolutely.
        tolerance = mp.mpf(10) ** -(digits + _AGREEMENT_MARGIN) * (abs(reference) or 1)
        for cross in spec.cross_checks:
            try:
                other = cross.evaluate()
                ok = abs(other - value) <= tolerance
            except (ArithmeticError, ValueError, ZeroDivisionError) as error:
                ok, other = False, error
            agreed = agreed and bool(ok)
            if ok:
                scale = "relative" if reference else "absolute"
                checks.append(f"agrees with {cross.description} to within {scale} "
                              f"1e-{digits + _AGREEMENT_MARGIN}")
            else:
                checks.append(f"DISAGREES with {cross.description}: got {_short(other)}")
    return ReferenceValue(spec.key, spec.quantity, spec.latex, spec.inputs, text, digits,
                          checks, agreed)


def compute_table(digits: int = DIGITS) -> ReferenceTable:
    """Compute every available reference value with its checks."""
    specs, unavailable = reference_specs()
    table = ReferenceTable(unavailable=unavailable)
    for spec in specs:
        try:
            table.values.append(compute_entry(spec, digits))
        except Exception as error:  # noqa: BLE001 - another engineer's function may fail
            table.unavailable.append({"quantity": spec.key,
                                      "why": f"evaluation failed: {type(error).__name__}: "
                                             f"{_short(error)}"})
    return table


def table_json(table: ReferenceTable) -> str:
    """Stable JSON text of a table (sorted keys, two-space indent, trailing newline)."""
    return json.dumps(table.as_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_table(path: Path, table: ReferenceTable | None = None) -> Path:
    """Compute (unless given) and atomically write the table to ``path``."""
    from focalrd.verify.files import write_text_atomic

    table = compute_table() if table is None else table
    return write_text_atomic(Path(path), table_json(table))


def _scalar(result: Any) -> mpmath.mpf:
    """A numeric result as an mpf (results may be objects with ``.value``)."""
    value = getattr(result, "value", result)
    if not isinstance(value, mpmath.mpf):
        value = mp.mpf(value)
    return value


def _latex_number(x: Fraction) -> str:
    if x.denominator == 1:
        return str(x.numerator)
    return rf"\tfrac{{{x.numerator}}}{{{x.denominator}}}"


def _latex_source(source: Sequence[Fraction]) -> str:
    return r"\left(" + ", ".join(_latex_number(p) for p in source) + r"\right)"


def _short(value: object, limit: int = 120) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m focalrd.verify.reporting.reference [PATH]``: regenerate the table."""
    args = list(sys.argv[1:] if argv is None else argv)
    path = Path(args[0] if args else "reports/reference_values.json")
    from focalrd.verify.files import check_output_directory

    check_output_directory(path.parent, parameter="reference-values")  # fail before the work
    table = compute_table()
    if not table.trustworthy:
        failed = [v.key for v in table.values if not v.agreed]
        reasons = ([f"cross-checks disagree for {', '.join(failed)}"] if failed else []) + [
            f"{missing['quantity']} is unavailable ({missing['why']})"
            for missing in table.unavailable]
        # A table missing an entry would silently drop it from the committed file.
        print(f"reference values NOT written: {'; '.join(reasons)}", file=sys.stderr)
        return 1
    write_table(path, table)
    print(f"wrote {len(table.values)} reference values ({DIGITS} digits) to {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
