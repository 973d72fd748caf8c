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
check; ``check`` adds further checks to an already defined claim.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from focalrd.numeric.errors import InvalidInputError

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
#: What the mathematics is expected to say about a claim.
EXPECTATIONS = ("holds", "fails", "unknown")


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

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown evidence level {self.level!r}; expected one of {LEVELS}")

    @classmethod
    def symbolic(cls, method: str, derivations: list[Any], **details: Any) -> Evidence:
        """Evidence from verified derivations (``proofs.derivation.Derivation`` objects)."""
        first = derivations[0].as_dict() if len(derivations) == 1 else {
            "title": method, "parts": [d.as_dict() for d in derivations]}
        return cls("symbolic", method, True, details, derivation=first)

    @classmethod
    def sampled(cls, method: str, passed: bool | None, samples: int,
                counterexample: dict[str, Any] | None = None, **details: Any) -> Evidence:
        return cls("sampled", method, passed, {"samples": samples, **details}, counterexample)

    @classmethod
    def exhaustive(cls, method: str, passed: bool | None, instances: int,
                   counterexample: dict[str, Any] | None = None, **details: Any) -> Evidence:
        return cls("exhaustive", method, passed, {"instances": instances, **details},
                   counterexample)

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

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"level": self.level, "method": self.method,
                               "passed": self.passed, **self.details}
        if self.counterexample is not None:
            out["counterexample"] = self.counterexample
        if self.derivation is not None:
            out["derivation"] = self.derivation
        return out


@dataclass(frozen=True)
class CheckContext:
    """What a check may depend on: precision, effort and randomness.

    ``quick`` asks for a reduced effort (``focalrd verify --quick``); a check
    must still say how much it did.  ``rng`` is seeded from the run seed and the
    claim id, so results do not depend on the order in which claims run.
    """

    dps: int = 30
    quick: bool = False
    seed: int = 0
    claim_id: str = ""

    @property
    def rng(self) -> random.Random:
        return random.Random(f"{self.seed}:{self.claim_id}")

    def effort(self, quick: int, full: int) -> int:
        """A sample count or grid size for the current effort level."""
        return quick if self.quick else full


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


class ClaimRegistryError(InvalidInputError):
    """A claim was defined twice, or a check names an unknown claim."""


_REGISTRY: dict[str, Claim] = {}


def registered_claims() -> dict[str, Claim]:
    """Every claim defined so far, by id, in definition order."""
    return dict(_REGISTRY)


def define(claim_id: str, *, statement: str, latex: str = "", provenance: str = "derived here",
           expected: str = "holds", section: str = "", notes: str = "") -> Claim:
    """Define a claim without a check yet (checks are added with :func:`check`)."""
    if provenance not in PROVENANCES:
        raise ClaimRegistryError("provenance", f"one of {', '.join(PROVENANCES)}", provenance)
    if expected not in EXPECTATIONS:
        raise ClaimRegistryError("expected", f"one of {', '.join(EXPECTATIONS)}", expected)
    if claim_id in _REGISTRY:
        raise ClaimRegistryError("claim id", "an id not registered already", claim_id)
    _REGISTRY[claim_id] = Claim(claim_id, statement, latex or statement, provenance, expected,
                                [], section, notes)
    return _REGISTRY[claim_id]


def claim(claim_id: str, *, statement: str, latex: str = "", provenance: str = "derived here",
          expected: str = "holds", section: str = "", notes: str = "") -> Callable[[Check], Check]:
    """Define claim ``claim_id`` and register the decorated function as its first check."""

    def decorate(func: Check) -> Check:
        define(claim_id, statement=statement, latex=latex, provenance=provenance,
               expected=expected, section=section, notes=notes).checks.append(func)
        return func

    return decorate


def check(claim_id: str) -> Callable[[Check], Check]:
    """Register the decorated function as a further check of an already defined claim."""

    def decorate(func: Check) -> Check:
        if claim_id not in _REGISTRY:
            raise ClaimRegistryError("claim id", "the id of a claim defined with @claim",
                                     claim_id)
        _REGISTRY[claim_id].checks.append(func)
        return func

    return decorate
