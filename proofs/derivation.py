"""Machine-checked derivations: a sequence of steps, each verified by sympy when it is made.

A :class:`Derivation` is built step by step; each method checks its step at once
and records *how* it was checked:

* :meth:`Derivation.identity` — ``lhs − rhs`` simplifies to zero;
* :meth:`Derivation.nonnegative` / :meth:`Derivation.positive` — the expression
  is a sum of terms each of which sympy proves non-negative (or positive) under
  the declared assumptions, after an optional rewriting that is itself checked
  as an identity;
* :meth:`Derivation.limit` — sympy computes the limit;
* :meth:`Derivation.series` — sympy computes the series expansion;
* :meth:`Derivation.lemma` — a step that cites an analytic lemma; the lemma is
  a :class:`Derivation` of its own that must be verified.

A step that does not check raises :class:`DerivationError` immediately, so a
derivation object that exists is a derivation whose every step was checked.
Each derivation renders as LaTeX, step by step (:meth:`Derivation.to_latex`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sympy as sp


class DerivationError(AssertionError):
    """A derivation step that sympy could not check."""


@dataclass(frozen=True)
class Step:
    """One checked step: ``lhs relation rhs``, why it holds, and how it was checked."""

    description: str
    lhs: sp.Basic
    relation: str
    rhs: sp.Basic
    method: str
    lemma: str | None = None

    def to_latex(self) -> str:
        rel = {
            "=": "=",
            ">=": r"\geq",
            "<=": r"\leq",
            ">": ">",
            "<": "<",
            "->": r"\to",
            "~": r"\sim",
        }[self.relation]
        return f"{sp.latex(self.lhs)} {rel} {sp.latex(self.rhs)}"

    def as_dict(self) -> dict[str, str | None]:
        return {
            "description": self.description,
            "latex": self.to_latex(),
            "lhs": sp.sstr(self.lhs),
            "relation": self.relation,
            "rhs": sp.sstr(self.rhs),
            "method": self.method,
            "lemma": self.lemma,
        }


@dataclass
class Derivation:
    """A titled chain of checked steps supporting one claim of THEORY.md."""

    title: str
    claim_id: str | None = None
    assumptions: tuple[str, ...] = ()
    steps: list[Step] = field(default_factory=list)
    lemmas: dict[str, Derivation] = field(default_factory=dict)

    # -- checking primitives -------------------------------------------------
    def identity(self, description: str, lhs: sp.Basic, rhs: sp.Basic) -> Derivation:
        """Check ``lhs = rhs`` by simplifying ``lhs − rhs`` to zero."""
        if not _is_zero(sp.sympify(lhs) - sp.sympify(rhs)):
            raise DerivationError(f"{self.title}: identity failed: {description}")
        self.steps.append(Step(description, lhs, "=", rhs, "simplify(lhs - rhs) == 0"))
        return self

    def nonnegative(
        self, description: str, expr: sp.Basic, terms: Iterable[sp.Basic] | None = None,
        strict: bool = False,
    ) -> Derivation:
        """Check ``expr ≥ 0`` (``> 0`` when ``strict``) by a decomposition into signed terms.

        ``terms`` (default: the summands of ``expr``) must add up to ``expr``
        (checked as an identity) and each must be proved non-negative by sympy's
        assumptions system; with ``strict`` at least one must be positive.
        """
        expr = sp.sympify(expr)
        parts = list(sp.Add.make_args(sp.expand(expr)) if terms is None else terms)
        if not _is_zero(sp.Add(*parts) - expr):
            raise DerivationError(f"{self.title}: decomposition does not add up: {description}")
        for term in parts:
            if not (term.is_nonnegative or _is_zero(term)):
                raise DerivationError(f"{self.title}: cannot prove {term} >= 0: {description}")
        if strict and not any(term.is_positive for term in parts):
            raise DerivationError(f"{self.title}: no term is provably positive: {description}")
        method = "sum of terms each proved {} by sympy's assumptions: {}".format(
            "non-negative" if not strict else "non-negative, one positive",
            ", ".join(f"${sp.latex(t)}$" for t in parts),
        )
        self.steps.append(Step(description, expr, ">" if strict else ">=", sp.S.Zero, method))
        return self

    def positive(self, description: str, expr: sp.Basic,
                 terms: Iterable[sp.Basic] | None = None) -> Derivation:
        """Check ``expr > 0`` by a decomposition into terms of known sign."""
        return self.nonnegative(description, expr, terms, strict=True)

    def limit(self, description: str, expr: sp.Basic, var: sp.Symbol, point: sp.Basic,
              value: sp.Basic, direction: str = "+") -> Derivation:
        """Check ``lim_{var → point} expr = value`` with sympy's ``limit``."""
        computed = sp.limit(expr, var, point, direction)
        if not (computed == value or _is_zero(computed - value)):
            raise DerivationError(
                f"{self.title}: limit is {computed}, not {value}: {description}")
        self.steps.append(Step(description, sp.Limit(expr, var, point, direction), "=", value,
                               f"sympy.limit({var} -> {point}{direction})"))
        return self

    def series(self, description: str, expr: sp.Basic, var: sp.Symbol, point: sp.Basic,
               expansion: sp.Basic, order: int) -> Derivation:
        """Check that ``expr = expansion + O((var − point)^order)`` with sympy's series."""
        computed = sp.series(expr, var, point, order).removeO()
        if not _is_zero(sp.expand(computed - expansion)):
            raise DerivationError(f"{self.title}: series is {computed}: {description}")
        self.steps.append(Step(description, expr, "=", expansion + sp.Order((var - point) ** order,
                               (var, point)), f"sympy.series(order={order})"))
        return self

    def lemma(self, description: str, lhs: sp.Basic, relation: str, rhs: sp.Basic,
              proof: Derivation) -> Derivation:
        """Record a step that follows from an analytic lemma, itself a checked derivation."""
        if not proof.steps:
            raise DerivationError(f"{self.title}: lemma '{proof.title}' has no checked steps")
        self.lemmas[proof.title] = proof
        self.steps.append(Step(description, lhs, relation, rhs, f"lemma: {proof.title}",
                               lemma=proof.title))
        return self

    def note(self, description: str, lhs: sp.Basic, relation: str, rhs: sp.Basic,
             method: str) -> Derivation:
        """Record a step checked by the caller (``method`` must say how)."""
        self.steps.append(Step(description, lhs, relation, rhs, method))
        return self

    # -- rendering -------------------------------------------------------------
    def to_latex(self) -> str:
        """The derivation as a LaTeX ``align*`` environment with one line per step."""
        lines = [rf"\text{{{_tex_escape(s.description)}}}: \quad & {s.to_latex()}"
                 for s in self.steps]
        body = r" \\" "\n".join(lines)
        return "\\begin{align*}\n" + body + "\n\\end{align*}"

    def as_dict(self) -> dict[str, object]:
        return {
            "title": self.title,
            "claim": self.claim_id,
            "assumptions": list(self.assumptions),
            "steps": [s.as_dict() for s in self.steps],
            "lemmas": {name: d.as_dict() for name, d in self.lemmas.items()},
        }


def _is_zero(expr: sp.Basic) -> bool:
    """True when sympy proves ``expr`` is zero (several simplification strategies)."""
    expr = sp.sympify(expr)
    if expr == 0:
        return True
    for simplify in (sp.expand, sp.simplify, lambda e: sp.simplify(sp.expand_log(e, force=True)),
                     lambda e: sp.simplify(sp.powsimp(sp.expand_power_base(e, force=True),
                                                      force=True))):
        try:
            if simplify(expr) == 0:
                return True
        except (TypeError, NotImplementedError):  # pragma: no cover - defensive
            continue
    return False


def _tex_escape(text: str) -> str:
    return text.replace("\\", r"\textbackslash{}").replace("_", r"\_").replace("&", r"\&")
