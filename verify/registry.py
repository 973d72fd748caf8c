"""The registry of claims and the evidence their checks produce.

A claim is a statement of THEORY.md (or a user's own) with a stable id, a
provenance, an expectation and one or more checks.  A check is a function that
receives a :class:`CheckContext` and returns an :class:`Evidence`: the level of
evidence, what was checked, the numbers, and whether it passed.

Registering claims (this is the public API; user modules loaded with
``focalrd verify --claims MODULE_OR_PATH`` use the same decorators)::

    from focalrd.verify.registry import claim, check, Evidence

    @claim("my.claim", statement="phi_2(1/2) < ln 2",
           latex=r"\\varphi_2(1/2) < \\ln 2", provenance="derived here")
    def my_claim_numeric(ctx):
        ...
        return Evidence.sampled("compared at 100 points", passed=True,
                                samples=100, details={"max_error": "1e-40"})

    @check("my.claim")
    def my_claim_symbolic(ctx):
        ...

``claim`` defines the claim and registers the decorated function as its first
check; ``check`` adds further checks to an already defined claim.  Both accept
``level=`` to declare the level of evidence of the check (used to label a check
that raised).  :func:`falsify` (and :func:`search_counterexample`) search a
hypothesis strategy for a counterexample, seeded and without an example
database, and shrink it to a minimal one; :func:`isolated_registry` undoes
registrations (for tests).
"""

from __future__ import annotations

import hashlib
import numbers
import random
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath

from focalrd.numeric.errors import InvalidInputError

__all__ = [
    "CheckContext",
    "Claim",
    "ClaimRegistryError",
    "EXPECTATIONS",
    "Evidence",
    "Falsification",
    "LEVELS",
    "NUMBERS",
    "PROVENANCES",
    "check",
    "claim",
    "declared_level",
    "define",
    "falsify",
    "isolated_registry",
    "jsonable",
    "numbers_of",
    "numbers_of_claim",
    "registered_claims",
    "screen_verdict",
    "search_counterexample",
]

#: Levels of evidence, weakest to strongest in spirit (not an order of trust).
LEVELS = ("sampled", "reference", "exhaustive", "certified", "symbolic")
#: Where a claim comes from.
PROVENANCES = (
    "derived here",
    "seed paper",
    "log-loss literature",
    "summary",
    "related literature",
    "user",
)
#: What the mathematics is expected to say about a claim ("inconclusive": a control whose
#: checks cannot decide it, met only while the runner keeps it inconclusive).
EXPECTATIONS = ("holds", "fails", "unknown", "inconclusive")
#: How the numbers of a check were obtained: "proven" (interval or ball arithmetic, or exact
#: arithmetic: every number is enclosed) or "confirmed" (floating point at a working
#: precision, compared with a tolerance or at two precisions).
NUMBERS = ("proven", "confirmed")


def numbers_of(entry: Mapping[str, Any]) -> str:
    """Whether the numbers of one check (an evidence record) were proven or only confirmed.

    A check states it with ``numbers="proven"`` (or ``"confirmed"``) among its details;
    otherwise certified checks (interval arithmetic by definition) are "proven" and every
    other level "confirmed" — symbolic checks included, whose derivations are exact but
    whose comparison with the numeric code is made at sampled points in floating point.

    >>> numbers_of({"level": "certified"}), numbers_of({"level": "sampled"})
    ('proven', 'confirmed')
    >>> numbers_of({"level": "reference", "numbers": "proven"})
    'proven'
    """
    stated = entry.get("numbers")
    if stated in NUMBERS:
        return stated
    return "proven" if entry.get("level") == "certified" else "confirmed"


def numbers_of_claim(evidence: list[Mapping[str, Any]]) -> str | None:
    """"proven" (every conclusive check proven), "partly proven", "confirmed", or None
    when no check was conclusive."""
    decided = [numbers_of(entry) for entry in evidence if entry.get("passed") is not None]
    if not decided:
        return None
    if all(n == "proven" for n in decided):
        return "proven"
    return "partly proven" if "proven" in decided else "confirmed"


@dataclass
class Evidence:
    """The outcome of one check.

    ``passed`` is True (the check supports the claim), False (it refutes it;
    then ``counterexample`` should say where) or None (inconclusive; then
    ``details["why"]`` says why).  ``details`` holds JSON-serialisable numbers
    of the check (counts, ranges, worst errors — numbers as decimal strings).
    ``derivation`` holds the steps of a symbolic check (``Derivation.as_dict()``).
    """

    level: str
    method: str
    passed: bool | None
    details: dict[str, Any] = field(default_factory=dict)
    counterexample: dict[str, Any] | None = None
    derivation: dict[str, Any] | None = None

    def __repr__(self) -> str:
        verdict = {True: "passed", False: "refuted", None: "inconclusive"}.get(self.passed,
                                                                              self.passed)
        return f"Evidence({self.level}, {self.method!r}: {verdict})"

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown evidence level {self.level!r}; expected one of {LEVELS}")

    @classmethod
    def symbolic(cls, method: str, derivations: list[Any], **details: Any) -> Evidence:
        """Evidence from verified derivations (``proofs.derivation.Derivation`` objects).

        Raises ValueError when ``derivations`` is empty: symbolic evidence
        without a derivation would be an unsupported "verified".
        """
        derivations = list(derivations)
        if not derivations:
            raise ValueError("symbolic evidence needs at least one derivation")
        first = derivations[0].as_dict() if len(derivations) == 1 else {
            "title": method, "parts": [d.as_dict() for d in derivations]}
        return cls("symbolic", method, True, details, derivation=first)

    @classmethod
    def sampled(cls, method: str, passed: bool | None, samples: int,
                counterexample: dict[str, Any] | None = None, **details: Any) -> Evidence:
        """Evidence from ``samples`` sampled cases (a pass on no sample is inconclusive)."""
        return cls("sampled", method, passed, {"samples": samples, **details},
                   counterexample).screened()

    @classmethod
    def exhaustive(cls, method: str, passed: bool | None, instances: int,
                   counterexample: dict[str, Any] | None = None, **details: Any) -> Evidence:
        """Evidence from all ``instances`` cases (a pass on no instance is inconclusive)."""
        return cls("exhaustive", method, passed, {"instances": instances, **details},
                   counterexample).screened()

    @classmethod
    def certified(cls, method: str, passed: bool | None, region: str,
                  counterexample: dict[str, Any] | None = None, **details: Any) -> Evidence:
        return cls("certified", method, passed, {"region": region, **details}, counterexample)

    @classmethod
    def reference(cls, method: str, passed: bool | None,
                  counterexample: dict[str, Any] | None = None, **details: Any) -> Evidence:
        return cls("reference", method, passed, details, counterexample)

    @classmethod
    def inconclusive(cls, level: str, method: str, why: str, **details: Any) -> Evidence:
        return cls(level, method, None, {"why": why, **details})

    def screened(self) -> Evidence:
        """This evidence, made inconclusive when its verdict cannot be trusted.

        See :func:`screen_verdict`; the runner applies the same screen to every
        check's evidence.
        """
        entry = screen_verdict(self.as_dict())
        if entry["passed"] is None and self.passed is not None:
            return Evidence(self.level, self.method, None,
                            {**self.details, "why": entry["why"]}, self.counterexample,
                            self.derivation)
        if entry["passed"] is not self.passed:  # numpy.bool_ -> bool
            return Evidence(self.level, self.method, entry["passed"], self.details,
                            self.counterexample, self.derivation)
        return self

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"level": self.level, "method": self.method,
                               "passed": self.passed, **self.details}
        if self.counterexample is not None:
            out["counterexample"] = self.counterexample
        if self.derivation is not None:
            out["derivation"] = self.derivation
        return out


def _is_count(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def screen_verdict(entry: dict[str, Any]) -> dict[str, Any]:
    """An evidence record (``Evidence.as_dict()``) with an untrustworthy verdict made inconclusive.

    * ``passed`` must be True, False, None or a ``numpy.bool_`` (converted to
      bool); anything else (a string, a number, an array, ...) is not a verdict.
    * A pass of sampled evidence on no sample, or of exhaustive evidence on no
      instance, supports nothing.

    Returns a new dict; the reason goes under ``"why"``.
    """
    entry = dict(entry)
    verdict = entry.get("passed")
    if verdict is not None and not isinstance(verdict, bool):
        numpy = sys.modules.get("numpy")  # a numpy.bool_ means numpy is imported
        if numpy is not None and isinstance(verdict, numpy.bool_):
            verdict = bool(verdict)
        else:
            entry["passed"] = None
            entry["why"] = (f"check returned a non-boolean verdict "
                            f"({type(verdict).__name__}: {str(verdict)[:60]})")
            return entry
        entry["passed"] = verdict
    if verdict is True:
        for level, key, noun in (("sampled", "samples", "sample"),
                                 ("exhaustive", "instances", "instance")):
            if entry.get("level") != level:
                continue
            count = entry.get(key)
            if not _is_count(count) or count < 1:
                entry["passed"] = None
                entry["why"] = (f"a {level} check passed on {count!r} {noun}s: "
                                f"no evidence either way")
    return entry


@dataclass(frozen=True)
class CheckContext:
    """What a check may depend on: precision, effort and randomness.

    ``quick`` asks for a reduced effort (``focalrd verify --quick``); a check
    must still say how much it did.  ``rng`` is seeded from the run seed, the
    claim id and the check's name (``check``, set by the runner), so results do
    not depend on the order in which claims run, and two checks of one claim
    draw different numbers.  :meth:`seed_for` gives integer seeds for other
    generators (numpy, hypothesis), valid whatever the run seed (also < 0).
    """

    dps: int = 30
    quick: bool = False
    seed: int = 0
    claim_id: str = ""
    check: str = ""
    #: An upper bound on :meth:`effort` (tests run every check at a tiny effort with it).
    effort_cap: int | None = None

    @property
    def rng(self) -> random.Random:
        """A fresh generator seeded by (seed, claim id[, check name]): each access restarts it."""
        if not self.check:
            return random.Random(f"{self.seed}:{self.claim_id}")
        return random.Random(f"{self.seed}:{self.claim_id}:{self.check}")

    def seed_for(self, name: str) -> int:
        """A deterministic seed in [0, 2^63) for the stream ``name`` of this check.

        A hash of (run seed, claim id, check name, ``name``): non-negative, as
        numpy's ``default_rng`` requires, and different for different names.

        >>> ctx = CheckContext(seed=-1, claim_id="n.simulation")
        >>> 0 <= ctx.seed_for("run 0") < 2**63 and ctx.seed_for("run 0") != ctx.seed_for("run 1")
        True
        """
        return _integer_seed(f"{self.seed}:{self.claim_id}:{self.check}:{name}") >> 1

    def effort(self, quick: int, full: int) -> int:
        """A sample count or grid size for the current effort level (at most ``effort_cap``).

        >>> CheckContext(quick=True).effort(30, 200), CheckContext(effort_cap=3).effort(30, 200)
        (30, 3)
        """
        value = quick if self.quick else full
        return value if self.effort_cap is None else max(1, min(value, self.effort_cap))


Check = Callable[[CheckContext], Evidence]


@dataclass
class Claim:
    id: str
    statement: str
    latex: str
    provenance: str
    expected: str = "holds"
    checks: list[Check] = field(default_factory=list)
    section: str = ""
    notes: str = ""
    #: For a claim expected to fail: the names of the checks that must refute it.  The
    #: claim then meets its expectation only when exactly these refute it and every other
    #: check passes, so a bug that breaks a supporting check of a false claim is seen.
    refuted_by: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (f"Claim({self.id!r}, expected={self.expected!r}, "
                f"{len(self.checks)} check{'s' if len(self.checks) != 1 else ''})")

    def _repr_latex_(self) -> str:
        """Jupyter: the id and the statement, as mathematics when ``latex`` was given,
        else as plain text (a statement in words is not typeset as italic maths)."""
        from focalrd.proofs.derivation import tex_text

        head = rf"\text{{[{tex_text(self.id)}]}}\quad "
        if self.latex:
            return f"$${head}{self.latex}$$"
        return rf"$${head}\text{{{tex_text(self.statement)}}}$$"


class ClaimRegistryError(InvalidInputError):
    """A claim was defined twice, or a check names an unknown claim."""


_REGISTRY: dict[str, Claim] = {}


def registered_claims() -> dict[str, Claim]:
    """Every claim defined so far, by id, in definition order.

    The suite's own claims are defined when their modules are imported:
    :func:`focalrd.claims` loads them first and returns this registry.
    """
    return dict(_REGISTRY)


def define(claim_id: str, *, statement: str, latex: str = "", provenance: str = "derived here",
           expected: str = "holds", section: str = "", notes: str = "",
           refuted_by: tuple[str, ...] = ()) -> Claim:
    """Define a claim without a check yet (checks are added with :func:`check`).

    ``refuted_by`` (only with ``expected="fails"``) names the checks (function names)
    that must refute the claim; the others must pass for the expectation to be met.
    """
    if refuted_by and expected != "fails":
        raise ClaimRegistryError("refuted_by", 'check names only for expected="fails"',
                                 refuted_by)
    if provenance not in PROVENANCES:
        raise ClaimRegistryError("provenance", f"one of {', '.join(PROVENANCES)}", provenance)
    if expected not in EXPECTATIONS:
        raise ClaimRegistryError("expected", f"one of {', '.join(EXPECTATIONS)}", expected)
    if claim_id in _REGISTRY:
        raise ClaimRegistryError("claim id", "an id not registered already", claim_id)
    # No latex= means a statement in words: it is shown as text, never typeset as maths.
    _REGISTRY[claim_id] = Claim(claim_id, statement, latex, provenance, expected,
                                [], section, notes, tuple(refuted_by))
    return _REGISTRY[claim_id]


def claim(claim_id: str, *, statement: str, latex: str = "", provenance: str = "derived here",
          expected: str = "holds", section: str = "", notes: str = "",
          level: str | None = None) -> Callable[[Check], Check]:
    """Define claim ``claim_id`` and register the decorated function as its first check.

    ``level`` (optional) declares the level of evidence the check produces; the
    runner uses it only to label a check that raised before returning Evidence.
    """

    def decorate(func: Check) -> Check:
        _declare_level(func, level)
        define(claim_id, statement=statement, latex=latex, provenance=provenance,
               expected=expected, section=section, notes=notes).checks.append(func)
        return func

    return decorate


def check(claim_id: str, *, level: str | None = None) -> Callable[[Check], Check]:
    """Register the decorated function as a further check of an already defined claim.

    ``level`` as in :func:`claim`.
    """

    def decorate(func: Check) -> Check:
        if claim_id not in _REGISTRY:
            raise ClaimRegistryError("claim id", "the id of a claim defined with @claim",
                                     claim_id)
        _declare_level(func, level)
        _REGISTRY[claim_id].checks.append(func)
        return func

    return decorate


def _declare_level(func: Check, level: str | None) -> None:
    if level is None:
        return
    if level not in LEVELS:
        raise ClaimRegistryError("level", f"one of {', '.join(LEVELS)}", level)
    func.evidence_level = level  # type: ignore[attr-defined]


def declared_level(func: Check) -> str | None:
    """The level declared with ``@check(..., level=...)``, if any."""
    return getattr(func, "evidence_level", None)


@contextmanager
def isolated_registry() -> Iterator[None]:
    """Restore the registry on exit: claims and checks added inside are forgotten.

    For tests and for trying out user claims without leaving them registered.
    """
    saved = {claim_id: (entry, list(entry.checks)) for claim_id, entry in _REGISTRY.items()}
    try:
        yield
    finally:
        _REGISTRY.clear()
        for claim_id, (entry, checks) in saved.items():
            entry.checks[:] = checks
            _REGISTRY[claim_id] = entry


# -- minimised counterexamples ------------------------------------------------------


def jsonable(value: Any, dps: int = 30) -> Any:
    """``value`` as JSON data: exact fractions as ``"a/b"``, reals as decimal strings.

    mpf values are printed with ``dps`` significant digits (they are reported as
    found, not confirmed: use :func:`focalrd.numeric.precision.reported` for digits
    that are claimed correct).  Tuples become lists; unknown objects their ``str``.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, mpmath.mpf):
        return mpmath.nstr(value, dps)
    if isinstance(value, Mapping):
        return {str(key): jsonable(item, dps) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item, dps) for item in value]
    return str(value)


@dataclass(frozen=True)
class Falsification:
    """The outcome of :func:`falsify`.

    ``counterexample`` is None when every example satisfied the property;
    otherwise the minimal (shrunk) failing example as JSON data.  ``examples``
    counts the examples generated before the first failure (all of them when
    none failed), not the extra evaluations made while shrinking.
    """

    counterexample: dict[str, Any] | None
    examples: int


class _PropertyFails(Exception):
    """Raised inside the hypothesis search when the property is false."""


def falsify(strategy: Any, holds: Callable[[Any], bool], max_examples: int = 100, *,
            seed: int | str = 0,
            describe: Callable[[Any], Mapping[str, Any]] | None = None) -> Falsification:
    """Search for a value of ``strategy`` where ``holds`` is False, and shrink it.

    Uses hypothesis: up to ``max_examples`` values are drawn from ``strategy``
    (a hypothesis strategy; prefer ``st.fixed_dictionaries`` so a counterexample
    has named fields), and a failing value is shrunk to a minimal one.  The
    search is seeded by ``seed`` (in a check pass ``seed=ctx.seed_for("name")``,
    derived from the run seed, the claim and the check) and uses no example database, so
    it is deterministic.  ``describe(value)`` may add numbers about the failing
    value (e.g. both sides of the inequality) to the counterexample.  An
    exception raised by ``holds`` is not a counterexample: it propagates.

    >>> from hypothesis import strategies as st
    >>> falsify(st.fixed_dictionaries({"n": st.integers(0, 1000)}),
    ...         lambda x: x["n"] < 17, 200).counterexample
    {'n': 17}
    """
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import seed as hypothesis_seed

    calls = {"generated": 0, "failing": None}
    failures: list[Any] = []

    def search_property(value: Any) -> None:
        if calls["failing"] is None:
            calls["generated"] += 1
        if not holds(value):
            if calls["failing"] is None:
                calls["failing"] = calls["generated"]
            failures.append(value)
            raise _PropertyFails

    run = settings(max_examples=max(1, int(max_examples)), database=None, deadline=None,
                   derandomize=False, verbosity=Verbosity.quiet, report_multiple_bugs=False,
                   suppress_health_check=list(HealthCheck), print_blob=False,
                   phases=(Phase.explicit, Phase.generate, Phase.shrink))(
        hypothesis_seed(_integer_seed(seed))(given(strategy)(search_property)))
    try:
        run()
    except _PropertyFails:
        # hypothesis replays the minimal failing example last.
        minimal = failures[-1]
        found = dict(jsonable(minimal)) if isinstance(minimal, Mapping) else {
            "example": jsonable(minimal)}
        if describe is not None:
            found.update(jsonable(dict(describe(minimal))))
        return Falsification(found, calls["failing"])
    return Falsification(None, calls["generated"])


def search_counterexample(strategy: Any, holds: Callable[[Any], bool], max_examples: int = 100,
                          *, seed: int | str = 0,
                          describe: Callable[[Any], Mapping[str, Any]] | None = None,
                          ) -> dict[str, Any] | None:
    """The minimal counterexample found by :func:`falsify`, or None."""
    return falsify(strategy, holds, max_examples, seed=seed, describe=describe).counterexample


def _integer_seed(seed: int | str) -> int:
    """A 64-bit integer seed from any seed text (stable across processes and runs)."""
    digest = hashlib.sha256(str(seed).encode()).digest()
    return int.from_bytes(digest[:8], "big")
