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

__all__ = [
    "Derivation",
    "DerivationError",
    "Named",
    "Step",
    "named",
    "tex_text",
]


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
    #: ``method`` for plain text (no ``$…$`` LaTeX); None when ``method`` has no LaTeX
    method_text: str | None = None

    def __repr__(self) -> str:
        shown = f"{sp.sstr(self.lhs)} {self.relation} {sp.sstr(self.rhs)}"
        shown = shown if len(shown) <= 70 else shown[:69] + "…"
        return f"Step({self.description!r}: {shown})"

    def _repr_latex_(self) -> str:
        return f"$${self.to_latex()}$$"

    @property
    def plain_method(self) -> str:
        """How the step was checked, as plain text."""
        return self.method if self.method_text is None else self.method_text

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
        """Check ``lhs = rhs`` by simplifying ``lhs − rhs`` to zero.

        ``lhs`` may hold an unevaluated substitution (``sp.Subs``) so that the step
        shows what is substituted; it is carried out for the check.
        """
        value = sp.sympify(lhs)
        if value.has(sp.Subs):
            value = value.replace(lambda e: isinstance(e, sp.Subs), lambda e: e.doit())
        if not _is_zero(value - sp.sympify(rhs)):
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
        method, text = self._signed_terms(parts, strict, description)
        self.steps.append(Step(description, expr, ">" if strict else ">=", sp.S.Zero, method,
                               method_text=text))
        return self

    def _signed_terms(self, parts: list[sp.Basic], strict: bool,
                      description: str) -> tuple[str, str]:
        """Check every term is ≥ 0 (one > 0 when ``strict``); return how it was checked."""
        for term in parts:
            if not (term.is_nonnegative or _is_zero(term)):
                raise DerivationError(f"{self.title}: cannot prove {term} >= 0: {description}")
        if strict and not any(term.is_positive for term in parts):
            raise DerivationError(f"{self.title}: no term is provably positive: {description}")
        kind = "non-negative" if not strict else "non-negative, one positive"
        return _method(f"sum of terms each proved {kind} by sympy's assumptions: "
                       + ", ".join("{}" for _ in parts), *parts)

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

    # -- further checked steps (extensions) -------------------------------------
    @property
    def conclusion(self) -> Step:
        """The last step: what the derivation establishes."""
        if not self.steps:
            raise DerivationError(f"{self.title}: no steps, hence no conclusion")
        return self.steps[-1]

    def substitute(self, description: str, expr: sp.Basic, var: sp.Symbol, value: sp.Basic,
                   result: sp.Basic) -> Derivation:
        """Check that ``expr`` with ``var = value`` equals ``result``."""
        if not _is_zero(sp.sympify(expr).subs(var, value) - sp.sympify(result)):
            raise DerivationError(f"{self.title}: substitution failed: {description}")
        self.steps.append(Step(description, sp.Subs(expr, var, value), "=", result,
                               f"substitute {var} = {value}, simplify(lhs - rhs) == 0"))
        return self

    def derivative(self, description: str, expr: sp.Basic, var: sp.Symbol, result: sp.Basic,
                   order: int = 1) -> Derivation:
        """Check that sympy's derivative of ``expr`` (``order`` times in ``var``) is ``result``."""
        computed = sp.diff(expr, var, order)
        if not _is_zero(computed - sp.sympify(result)):
            raise DerivationError(
                f"{self.title}: the derivative is {computed}, not {result}: {description}")
        self.steps.append(Step(description, sp.Derivative(expr, (var, order)), "=", result,
                               f"sympy.diff(order={order}), simplify(lhs - rhs) == 0"))
        return self

    def supremum(self, description: str, expr: sp.Basic, var: sp.Symbol, domain: sp.Set,
                 value: sp.Basic, name: sp.Basic) -> Derivation:
        """Check with ``sympy.calculus.util.maximum`` that ``sup_{var ∈ domain} expr = value``."""
        from sympy.calculus.util import maximum

        try:
            found = maximum(expr, var, domain)
        except (ValueError, NotImplementedError) as error:
            raise DerivationError(f"{self.title}: sympy cannot maximise: {description}") from error
        if not _is_zero(found - sp.sympify(value)):
            raise DerivationError(f"{self.title}: the maximum is {found}, not {value}: "
                                  f"{description}")
        method, text = _method("sympy.calculus.util.maximum over {}", domain)
        self.steps.append(Step(description, name, "=", value, method, method_text=text))
        return self

    def bounded_on(self, description: str, expr: sp.Basic, var: sp.Symbol, lower: sp.Basic,
                   upper: sp.Basic, name: sp.Basic) -> Derivation:
        """Check that ``name = sup_{lower < var ≤ upper} expr`` is finite.

        ``expr`` must be continuous on ``(lower, upper]`` (sympy's
        ``continuous_domain``) and have a finite limit at ``lower+`` (sympy's
        ``limit``): it then extends continuously to the compact ``[lower, upper]``
        and is bounded there (extreme value theorem).
        """
        from sympy.calculus.util import continuous_domain

        domain = sp.Interval.Lopen(lower, upper)
        if not domain.is_subset(continuous_domain(expr, var, domain)):
            raise DerivationError(f"{self.title}: not continuous on {domain}: {description}")
        edge = sp.limit(expr, var, lower, "+")
        if not edge.is_finite:
            raise DerivationError(f"{self.title}: the limit at {lower}+ is {edge}: {description}")
        method, text = _method("continuous on {} (sympy continuous_domain) with the finite limit "
                               "{} at {}+ (sympy.limit): bounded by the extreme value theorem on "
                               "the closure", domain, edge, lower)
        self.steps.append(Step(description, name, "<", sp.oo, method, method_text=text))
        return self

    def nonnegative_given(
        self, description: str, expr: sp.Basic, terms: Iterable[sp.Basic],
        given: dict[sp.Symbol, tuple[sp.Basic, Derivation | str]], strict: bool = False,
    ) -> Derivation:
        """Check ``expr ≥ 0`` (``> 0``) by signed terms that may use auxiliary quantities.

        Each key of ``given`` is a symbol declared non-negative (or positive)
        that stands for an expression; its sign is justified either by a
        derivation whose conclusion is ``expression ≥ 0`` (``> 0`` for a
        positive symbol), checked here, or by a string naming a hypothesis of
        the case at hand (recorded in ``assumptions``).  The terms, with the
        expressions substituted back, must add up to ``expr``; each term must be
        proved non-negative by sympy's assumptions.
        """
        reasons = []
        for symbol, (meaning, why) in given.items():
            if not symbol.is_nonnegative:
                raise DerivationError(f"{self.title}: {symbol} is not declared non-negative")
            if isinstance(why, Derivation):
                stated = why.conclusion
                strict_needed = bool(symbol.is_positive)
                if stated.relation not in ((">",) if strict_needed else (">=", ">")) or \
                        not _is_zero(stated.lhs - stated.rhs - meaning):
                    raise DerivationError(
                        f"{self.title}: '{why.title}' does not conclude {meaning} "
                        f"{'>' if strict_needed else '>='} 0: {description}")
                self.lemmas[why.title] = why
                reasons.append(_method("{} = {} by lemma: " + _braces(why.title), symbol, meaning))
            else:
                if why not in self.assumptions:
                    self.assumptions = (*self.assumptions, why)
                reasons.append(_method("{} = {} by hypothesis: " + _braces(why), symbol, meaning))
        parts = list(terms)
        meanings = {symbol: meaning for symbol, (meaning, _) in given.items()}
        if not _is_zero(sp.Add(*parts).subs(meanings) - sp.sympify(expr)):
            raise DerivationError(f"{self.title}: decomposition does not add up: {description}")
        method, text = self._signed_terms(parts, strict, description)
        method += "; where " + "; ".join(tex for tex, _ in reasons)
        text += "; where " + "; ".join(plain for _, plain in reasons)
        self.steps.append(Step(description, sp.sympify(expr), ">" if strict else ">=",
                               sp.S.Zero, method, method_text=text))
        return self

    def positive_given(self, description: str, expr: sp.Basic, terms: Iterable[sp.Basic],
                       given: dict[sp.Symbol, tuple[sp.Basic, Derivation | str]]) -> Derivation:
        """Check ``expr > 0`` like :meth:`nonnegative_given`."""
        return self.nonnegative_given(description, expr, terms, given, strict=True)

    def continuous(self, description: str, expr: sp.Basic, var: sp.Symbol,
                   domain: sp.Set) -> Derivation:
        """Check with sympy's ``continuous_domain`` that ``expr`` is continuous on ``domain``."""
        from sympy.calculus.util import continuous_domain

        found = continuous_domain(expr, var, domain)
        if not domain.is_subset(found):
            raise DerivationError(
                f"{self.title}: continuous only on {found}, not on {domain}: {description}")
        at = sp.Symbol(f"{var.name}_0")
        method, text = _method("continuous in {}: every {} in {} lies in sympy's "
                               "continuous_domain", var, at, domain)
        self.steps.append(Step(description, sp.Limit(expr, var, at, "+-"), "=",
                               sp.sympify(expr).subs(var, at), method, method_text=text))
        return self

    def monotone(self, description: str, expr: sp.Basic, var: sp.Symbol, lower: sp.Basic,
                 terms: Iterable[sp.Basic] | None = None) -> Derivation:
        """Check ``expr(var) ≥ expr(lower)`` for every ``var ≥ lower`` (mean value theorem).

        ``var`` must be declared so that ``var − lower ≥ 0``; ``expr`` must be
        continuous on ``[lower, ∞)`` (sympy's ``continuous_domain``); and its
        derivative, computed by sympy, must be a sum of ``terms`` each proved
        non-negative by sympy's assumptions.
        """
        from sympy.calculus.util import continuous_domain

        expr = sp.sympify(expr)
        if not (var - lower).is_nonnegative:
            raise DerivationError(f"{self.title}: {var} is not declared >= {lower}")
        domain = sp.Interval(lower, sp.oo)
        if not domain.is_subset(continuous_domain(expr, var, domain)):
            raise DerivationError(f"{self.title}: not continuous on {domain}: {description}")
        derivative = sp.diff(expr, var)
        parts = list(sp.Add.make_args(sp.expand(derivative)) if terms is None else terms)
        if not _is_zero(sp.Add(*parts) - derivative):
            raise DerivationError(
                f"{self.title}: terms do not add up to the derivative {derivative}: {description}")
        for term in parts:
            if not (term.is_nonnegative or _is_zero(term)):
                raise DerivationError(f"{self.title}: cannot prove {term} >= 0: {description}")
        start = sp.simplify(expr.subs(var, lower))
        method, text = _method("mean value theorem: continuous on {} and the derivative {} is a "
                               "sum of terms proved non-negative: "
                               + ", ".join("{}" for _ in parts), domain, derivative, *parts)
        self.steps.append(Step(description, expr, ">=", start, method, method_text=text))
        return self

    def root(self, description: str, expr: sp.Basic, var: sp.Symbol,
             roots: Iterable[sp.Basic]) -> Derivation:
        """Check that the solutions of ``expr = 0`` found by ``sympy.solve`` are ``roots``."""
        expected = [sp.sympify(r) for r in roots]
        found = sp.solve(expr, var)
        if len(found) != len(expected) or not all(
                any(_is_zero(f - e) for f in found) for e in expected):
            raise DerivationError(f"{self.title}: solve gives {found}, not {expected}: "
                                  f"{description}")
        rhs = expected[0] if len(expected) == 1 else sp.FiniteSet(*expected)
        method, text = _method("sympy.solve({} = 0, {})", expr, var)
        self.steps.append(Step(description, var, "=" if len(expected) == 1 else "->", rhs,
                               method, method_text=text))
        return self

    def concave_maximum(self, description: str, expr: sp.Basic, var: sp.Symbol,
                        point: sp.Basic, terms: Iterable[sp.Basic] | None = None) -> Derivation:
        """Check that ``expr(var) ≤ expr(point)`` for every ``var > 0``.

        ``var`` must be declared positive and ``point > 0``; the first
        derivative must vanish at ``point`` and minus the second derivative must
        be a sum of ``terms`` each proved non-negative, one positive (strict
        concavity on ``(0, ∞)``), so the stationary point is the global maximum.
        """
        expr = sp.sympify(expr)
        if not (var.is_positive and sp.sympify(point).is_positive):
            raise DerivationError(f"{self.title}: {var} and {point} must be positive")
        first = sp.diff(expr, var)
        if not _is_zero(first.subs(var, point)):
            raise DerivationError(f"{self.title}: {point} is not stationary: {description}")
        minus_second = -sp.diff(expr, var, 2)
        parts = list(sp.Add.make_args(sp.expand(minus_second)) if terms is None else terms)
        if not _is_zero(sp.Add(*parts) - minus_second):
            raise DerivationError(f"{self.title}: terms do not add up to -f'': {description}")
        if not all(t.is_nonnegative for t in parts) or not any(t.is_positive for t in parts):
            raise DerivationError(f"{self.title}: cannot prove -f'' > 0: {description}")
        method, text = _method("stationary point of a strictly concave function: f'({}) = 0 and "
                               "-f'' = {} > 0 on {}", point, minus_second,
                               sp.Interval.open(0, sp.oo))
        self.steps.append(Step(description, expr, "<=", sp.simplify(expr.subs(var, point)),
                               method, method_text=text))
        return self

    # -- rendering -------------------------------------------------------------
    def __repr__(self) -> str:
        claim = f", claim={self.claim_id!r}" if self.claim_id else ""
        return f"Derivation({self.title!r}{claim}, {len(self.steps)} checked steps)"

    def _repr_latex_(self) -> str:
        """Jupyter: the title, then one aligned line per checked step."""
        lines = [rf"\textbf{{{tex_text(self.title)}}} &"]
        lines += [rf"\text{{{tex_text(s.description)}}}: \quad & {s.to_latex()}"
                  for s in self.steps]
        body = r" \\" "\n".join(lines)
        return "$$\\begin{aligned}\n" + body + "\n\\end{aligned}$$"

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


class Named(sp.Symbol):
    """An opaque quantity in a derivation step (``D^*_gamma(M)``, ``P[X in S]``): a plain
    name for text output and its own LaTeX, so that sympy does not read ``_gamma(M)``
    in the name as a subscript ``gamma(M)``."""

    def __new__(cls, plain: str, latex: str, **assumptions: bool) -> Named:
        made = super().__new__(cls, plain, **assumptions)
        made.tex = latex
        return made

    def __getnewargs_ex__(self) -> tuple[tuple[str, str], dict[str, bool]]:
        return (self.name, self.tex), self.assumptions0

    def _latex(self, printer: object) -> str:
        return self.tex


def named(plain: str, latex: str, **assumptions: bool) -> Named:
    """An opaque quantity printed as ``plain`` in text and ``latex`` in LaTeX.

    >>> sp.latex(named("H_gamma(P)", r"H_\\gamma(P)") < 0)
    'H_\\\\gamma(P) < 0'
    """
    return Named(plain, latex, **assumptions)


def _method(template: str, *exprs: sp.Basic) -> tuple[str, str]:
    """A method text with expressions: ``$LaTeX$`` for reports, sympy's text for terminals.

    >>> _method("limit {} at {}", sp.Symbol("gamma"), sp.oo)
    ('limit $\\\\gamma$ at $\\\\infty$', 'limit gamma at oo')
    """
    return (template.format(*(f"${sp.latex(e)}$" for e in exprs)),
            template.format(*(sp.sstr(e) for e in exprs)))


def _braces(text: str) -> str:
    """``text`` safe as literal text in a :meth:`str.format` template."""
    return text.replace("{", "{{").replace("}", "}}")


def _is_zero(expr: sp.Basic) -> bool:
    """True when sympy proves ``expr`` is zero (several simplification strategies)."""
    expr = sp.sympify(expr)
    if expr == 0:
        return True
    for simplify in (sp.expand, sp.simplify, lambda e: sp.simplify(sp.expand_log(e, force=True)),
                     lambda e: sp.simplify(sp.powsimp(sp.expand_power_base(e, force=True),
                                                      force=True)),
                     # Powers like (1-p)**g/(1-p) combine only over a common denominator.
                     lambda e: sp.simplify(sp.together(sp.expand(e)))):
        try:
            if simplify(expr) == 0:
                return True
        except (TypeError, NotImplementedError):  # pragma: no cover - defensive
            continue
    return False


_TEX_SPECIALS = {
    "\\": r"\textbackslash{}", "_": r"\_", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "{": r"\{", "}": r"\}", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}",
}


def tex_text(text: str) -> str:
    """``text`` safe inside ``\\text{...}`` as MathJax and KaTeX read it (Jupyter).

    Their text mode shows ``_ ^ & % #`` as they are but not a backslash, braces or
    dollars, which are replaced by look-alikes.

    >>> tex_text("(1-p)^(gamma-2) {A} $x$")
    '(1-p)^(gamma-2) (A) x'
    """
    return text.replace("\\", "/").replace("{", "(").replace("}", ")").replace("$", "")


def _tex_escape(text: str) -> str:
    """``text`` safe inside ``\\text{...}`` (every character special to LaTeX escaped)."""
    return "".join(_TEX_SPECIALS.get(char, char) for char in text)
