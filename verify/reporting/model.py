"""Defensive reading of a report document (``focalrd.report/1``) for the renderers.

The renderers never index a document directly: every field goes through these
helpers, which tolerate missing keys and unexpected types, and expose the keys
the renderers do not know so that they can be shown generically.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

SCHEMA = "focalrd.report/1"

#: Claim keys with a dedicated place in the reports.
CLAIM_KEYS = ("id", "section", "statement", "latex", "provenance", "expected", "status", "met",
              "met_reason", "why", "evidence", "counterexample", "numbers", "notes", "seconds")
#: Evidence keys with a dedicated place in the reports.
EVIDENCE_KEYS = ("level", "method", "passed", "counterexample", "derivation", "check",
                 "numbers", "seconds")
#: Top-level keys with a dedicated place in the reports.
DOCUMENT_KEYS = ("schema", "focalrd_version", "created", "settings", "environment",
                 "load_errors", "claims", "summary")
#: Evidence details shown first, in this order, when present.
KNOWN_DETAILS = ("samples", "instances", "region", "finding", "why")
STATUSES = ("verified", "refuted", "inconclusive")


def mapping(value: Any) -> dict[str, Any]:
    """``value`` if it is a mapping, else an empty dict."""
    return dict(value) if isinstance(value, Mapping) else {}


def items(value: Any) -> list[Any]:
    """``value`` if it is a list, else an empty list."""
    return list(value) if isinstance(value, list) else []


def text(value: Any) -> str:
    """A short human-readable form of any JSON value ("" for missing)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(_naturally_sorted(value), ensure_ascii=False)


def natural_key(key: Any) -> tuple[int, Any]:
    """Sort key: numbers (``"2"``, ``"1/10"``, ``"1e-3"``) by value, then other keys as text.

    >>> sorted(["10", "2", "1/10", "beta", "alpha"], key=natural_key)
    ['1/10', '2', '10', 'alpha', 'beta']
    """
    try:
        return (0, Fraction(str(key).strip()))
    except (ValueError, ZeroDivisionError):
        return (1, str(key))


def sorted_items(value: Mapping[Any, Any]) -> list[tuple[Any, Any]]:
    """The items of a mapping in :func:`natural_key` order (a γ grid sorts by value)."""
    return sorted(value.items(), key=lambda kv: natural_key(kv[0]))


def _naturally_sorted(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _naturally_sorted(v) for k, v in sorted_items(value)}
    if isinstance(value, list):
        return [_naturally_sorted(v) for v in value]
    return value


def seconds(value: Any) -> str:
    """Seconds with two decimals when numeric ("" when missing)."""
    try:
        return f"{float(value):.2f}"
    except (TypeError, ValueError):
        return text(value)


def claims(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [mapping(c) for c in items(document.get("claims")) if isinstance(c, Mapping)]


def evidence(claim: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [mapping(e) for e in items(claim.get("evidence")) if isinstance(e, Mapping)]


def extra(record: Mapping[str, Any], known: tuple[str, ...]) -> list[tuple[str, Any]]:
    """The items of ``record`` whose keys are not in ``known``, sorted by key."""
    return sorted((k, v) for k, v in record.items() if k not in known)


def details(entry: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """An evidence entry's check-specific details: the well-known ones first."""
    first = [(k, entry[k]) for k in KNOWN_DETAILS if k in entry]
    rest = [(k, v) for k, v in extra(entry, EVIDENCE_KEYS) if k not in KNOWN_DETAILS]
    return first + rest


def levels(claim: Mapping[str, Any]) -> list[str]:
    """The distinct evidence levels of a claim, in the order they first appear."""
    seen: list[str] = []
    for entry in evidence(claim):
        level = text(entry.get("level"))
        if level and level not in seen:
            seen.append(level)
    return seen


#: How a check's numbers were obtained, by evidence level, when its record does not say.
_NUMBERS_BY_LEVEL = {"certified": "proven"}


def check_numbers(entry: Mapping[str, Any]) -> str:
    """"proven" or "confirmed" for one evidence entry (older reports: from its level)."""
    stated = entry.get("numbers")
    if stated in ("proven", "confirmed"):
        return stated
    return _NUMBERS_BY_LEVEL.get(text(entry.get("level")), "confirmed")


def claim_numbers(claim: Mapping[str, Any]) -> str:
    """"proven", "partly proven", "confirmed" or "" (no conclusive check) for a claim."""
    stated = claim.get("numbers")
    if stated in ("proven", "partly proven", "confirmed"):
        return stated
    decided = [check_numbers(e) for e in evidence(claim) if e.get("passed") is not None]
    if not decided:
        return ""
    if all(n == "proven" for n in decided):
        return "proven"
    return "partly proven" if "proven" in decided else "confirmed"


def numbers_summary(document: Mapping[str, Any]) -> str:
    """``3 claims proven, 10 partly proven, 20 confirmed`` (the kinds that occur)."""
    counts: dict[str, int] = {}
    for claim in claims(document):
        kind = claim_numbers(claim)
        if kind:
            counts[kind] = counts.get(kind, 0) + 1
    parts = [f"{counts[kind]} {kind}" for kind in ("proven", "partly proven", "confirmed")
             if counts.get(kind)]
    return (plural(sum(counts.values()), "claim") + ": " + ", ".join(parts)) if parts else ""


def outcome(passed: Any) -> str:
    """The word for an evidence entry's ``passed`` field."""
    return {True: "passed", False: "failed"}.get(passed, "inconclusive") \
        if isinstance(passed, bool) or passed is None else text(passed)


def anchors(document: Mapping[str, Any]) -> list[str]:
    """A unique HTML/Markdown anchor for each claim, in order (``claim-phi-convex``)."""
    used: set[str] = set()
    result = []
    for index, claim in enumerate(claims(document)):
        slug = re.sub(r"[^a-z0-9]+", "-", text(claim.get("id")).lower())[:80].strip("-")
        base = "claim-" + (slug or str(index + 1))
        anchor, suffix = base, 2
        while anchor in used:
            anchor, suffix = f"{base}-{suffix}", suffix + 1
        used.add(anchor)
        result.append(anchor)
    return result


def derivation_parts(derivation: Any) -> list[dict[str, Any]]:
    """A derivation dict as a flat list of single derivations (``parts`` unpacked)."""
    record = mapping(derivation)
    if "parts" in record and "steps" not in record:
        out: list[dict[str, Any]] = []
        for part in items(record.get("parts")):
            out.extend(derivation_parts(part))
        return out
    return [record] if record else []


def summary_counts(document: Mapping[str, Any]) -> dict[str, Any]:
    """The summary block, recomputed from the claims where the document lacks it."""
    summary = mapping(document.get("summary"))
    all_claims = claims(document)
    counted = {
        "claims": len(all_claims),
        **{s: sum(1 for c in all_claims if c.get("status") == s) for s in STATUSES},
        "met": sum(1 for c in all_claims if c.get("met") is True),
        "not_met": sum(1 for c in all_claims if c.get("met") is False),
    }
    return {**counted, **summary}


def plural(count: int, noun: str) -> str:
    """``1 claim``, ``2 claims``, ``0 claims``."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def checks_by_level(document: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """Every check of every claim counted by level and outcome (not only passing ones)."""
    out: dict[str, dict[str, int]] = {}
    for claim in claims(document):
        for entry in evidence(claim):
            level = text(entry.get("level")) or "unknown"
            outcome = {True: "passed", False: "refuted"}.get(entry.get("passed"), "inconclusive")
            out.setdefault(level, {"passed": 0, "refuted": 0, "inconclusive": 0})[outcome] += 1
    return out


def level_summary(document: Mapping[str, Any]) -> str:
    """``certified: 5 checks (4 passed, 1 inconclusive); sampled: 1 check (1 refuted)``."""
    parts = []
    for level, counts in sorted(checks_by_level(document).items()):
        detail = ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n)
        parts.append(f"{level}: {plural(sum(counts.values()), 'check')} ({detail})")
    return "; ".join(parts)


def environment_rows(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The environment and settings as (name, value) rows (shared with the HTML report)."""
    env = mapping(document.get("environment"))
    settings = mapping(document.get("settings"))
    rows = [("created", text(document.get("created"))),
            ("focalrd", text(document.get("focalrd_version"))),
            ("python", text(env.get("python"))),
            ("platform", text(env.get("platform"))),
            ("mpmath backend", text(env.get("mpmath_backend"))),
            ("git revision", text(env.get("git_revision")) or "not available")]
    rows += [(f"setting: {k}", text(v)) for k, v in sorted(settings.items())]
    rows += [(f"package: {k}", text(v))
             for k, v in sorted(mapping(env.get("packages")).items())]
    rows += [(k, text(v)) for k, v in extra(
        env, ("python", "platform", "packages", "mpmath_backend", "git_revision"))]
    return rows


def load_errors(document: Mapping[str, Any]) -> list[str]:
    """One line per claims module that failed to import (its checks did not run)."""
    lines = []
    for failure in items(document.get("load_errors")):
        record = mapping(failure)
        lines.append(f"{text(record.get('module')) or text(failure)}: "
                     f"{text(record.get('error'))}" if record else text(failure))
    return lines
