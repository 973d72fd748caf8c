"""report.html: one self-contained page that reads well offline.

No network references of any kind: the style sheet is inlined, mathematics is
MathML produced in Python (:mod:`.mathml`), figures are PNG data URIs, and
there are no scripts.  Every text taken from the document is escaped, and the
finished page is audited against fixed allow-lists (:mod:`.sanitize`) before
it is returned.  A table of contents links every section and claim.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from focalrd.verify.docs_links import claim_doc_link
from focalrd.verify.reporting import model
from focalrd.verify.reporting.figures import Figure
from focalrd.verify.reporting.mathml import math_html, text_with_math_html
from focalrd.verify.reporting.reference import ReferenceTable
from focalrd.verify.reporting.sanitize import audit_html


def stylesheet() -> str:
    """The report's CSS (package data ``assets/report.css``)."""
    try:
        return (resources.files("focalrd.verify.reporting") / "assets" / "report.css").read_text(
            encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):  # pragma: no cover - source checkout
        return (Path(__file__).parent / "assets" / "report.css").read_text(encoding="utf-8")


def _e(value: Any) -> str:
    return escape(model.text(value))


def _badge(word: str, kind: str | None = None) -> str:
    # A CSS class from a fixed alphabet, whatever the document says the status is.
    css = re.sub(r"[^a-z0-9-]+", "-", (kind or word).lower())[:40].strip("-") or "unknown"
    return f'<span class="badge {escape(css)}">{escape(word)}</span>'


def _value_html(value: Any, depth: int = 0) -> str:
    """A detail value: text (with $...$ math), a nested table for a dict, a list inline."""
    if isinstance(value, dict) and value and depth < 3:
        rows = [[f"<code>{escape(str(k))}</code>", _value_html(v, depth + 1)]
                for k, v in model.sorted_items(value)]
        return _table(["key", "value"], rows, "nested")
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return escape(", ".join(model.text(v) for v in value))
    if isinstance(value, dict | list):
        return f"<code>{_e(value)}</code>"
    return text_with_math_html(model.text(value))


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], css: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    klass = f' class="{css}"' if css else ""
    return f"<table{klass}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _record(title: str, record: Any) -> str:
    entries = model.mapping(record)
    if not entries:
        return f"<p><strong>{escape(title)}:</strong> {_e(record)}</p>"
    rows = [[f"<code>{escape(str(k))}</code>", _value_html(v)] for k, v in sorted(entries.items())]
    return f"<p><strong>{escape(title)}</strong></p>" + _table(["key", "value"], rows)


def _expectation_badge(claim: Mapping[str, Any]) -> str:
    met = claim.get("met")
    if met is True:
        return _badge("expectation met", "met")
    if met is False:
        return _badge("expectation NOT met", "not-met")
    return ""


def _derivation(derivation: Any) -> str:
    out = []
    for part in model.derivation_parts(derivation):
        assumptions = ", ".join(model.text(a) for a in model.items(part.get("assumptions")))
        out.append('<div class="derivation">')
        out.append(f"<p><em>Derivation: {_e(part.get('title'))}</em>"
                   + (f" (assuming {escape(assumptions)})" if assumptions else "") + "</p><ol>")
        for step in model.items(part.get("steps")):
            step = model.mapping(step)
            latex = model.text(step.get("latex"))
            formula = math_html(latex, display=True) if latex else escape(
                f"{model.text(step.get('lhs'))} {model.text(step.get('relation'))} "
                f"{model.text(step.get('rhs'))}")
            out.append(f"<li>{text_with_math_html(model.text(step.get('description')))}"
                       f'<div class="formula">{formula}</div><span class="how">checked by: '
                       f"{text_with_math_html(model.text(step.get('method')))}</span></li>")
        out.append("</ol>")
        for name, lemma in sorted(model.mapping(part.get("lemmas")).items()):
            out.append(f"<details><summary>Lemma: {escape(name)}</summary>"
                       f"{_derivation(lemma)}</details>")
        out.append("</div>")
    return "".join(out)


def _evidence(entry: Mapping[str, Any]) -> str:
    outcome = model.outcome(entry.get("passed"))
    seconds = model.seconds(entry.get("seconds"))
    level = _badge(model.text(entry.get("level")) or "?", "level")
    out = [f'<div class="evidence {escape(outcome)}"><p>{level} '
           f"{text_with_math_html(model.text(entry.get('method')))} {_badge(outcome)}"
           + (f" <small>{escape(seconds)} s</small>" if seconds else "")
           + f" <small>numbers {escape(model.check_numbers(entry))}</small>"
           + (f' <small class="check">check <code>{_e(entry.get("check"))}</code></small>'
              if model.text(entry.get("check")) else "") + "</p>"]
    facts = model.details(entry)
    if facts:
        out.append(_table(["detail", "value"],
                          [[escape(k), _value_html(v)] for k, v in facts]))
    if entry.get("counterexample") is not None:
        out.append(_record("Counterexample", entry.get("counterexample")))
    if entry.get("derivation") is not None:
        out.append(_derivation(entry.get("derivation")))
    out.append("</div>")
    return "".join(out)


def _docs_link(claim: Mapping[str, Any]) -> str:
    """A link to the claim's anchor in the built documentation ("" for a user claim)."""
    link = claim_doc_link(model.text(claim.get("id")), "html")
    return f'<a class="docs" href="{escape(link)}">theory and proof sketch</a>' if link else ""


def _claim(claim: Mapping[str, Any], anchor: str) -> str:
    status = model.text(claim.get("status")) or "unknown"
    out = [f'<article class="claim" id="{escape(anchor)}"><header>'
           f"<h3><code>{_e(claim.get('id'))}</code></h3>{_badge(status)}"
           f"{_expectation_badge(claim)}</header>"]
    meta = [f"§{_e(claim.get('section'))}" if claim.get("section") else "",
            f"provenance: {_e(claim.get('provenance'))}",
            f"expected: {_e(claim.get('expected'))}",
            f"{escape(model.seconds(claim.get('seconds')))} s" if claim.get("seconds") is not None
            else "", _docs_link(claim)]
    out.append(f'<p class="meta">{" · ".join(m for m in meta if m)}</p>')
    latex = model.text(claim.get("latex"))
    if latex == model.text(claim.get("statement")):  # older reports: latex= was not given
        latex = ""
    out.append(f'<div class="statement"><p>{_e(claim.get("statement"))}</p>'
               + (f'<div class="formula">{math_html(latex, display=True)}</div>' if latex else "")
               + "</div>")
    for label, key in (("Expectation", "met_reason"), ("Why", "why"), ("Notes", "notes")):
        if model.text(claim.get(key)):
            out.append(f"<p><strong>{label}:</strong> "
                       f"{text_with_math_html(model.text(claim.get(key)))}</p>")
    entries = model.evidence(claim)
    if entries:
        out.append("<h4>Evidence</h4>" + "".join(_evidence(e) for e in entries))
    if claim.get("counterexample") is not None:
        out.append(_record("Counterexample", claim.get("counterexample")))
    unknown = model.extra(claim, model.CLAIM_KEYS)
    if unknown:
        out.append("<p><strong>Other fields</strong></p>" + _table(
            ["field", "value"], [[escape(k), _value_html(v)] for k, v in unknown]))
    out.append("</article>")
    return "".join(out)


def _toc(document: Mapping[str, Any]) -> str:
    claim_links = "".join(
        f'<li><a href="#{escape(anchor)}">{_e(c.get("id"))}</a> '
        f"<small>{_e(c.get('status'))}</small></li>"
        for c, anchor in zip(model.claims(document), model.anchors(document), strict=True))
    return ('<nav id="toc" aria-label="Contents"><h2>Contents</h2><ol>'
            '<li><a href="#summary">Summary</a></li>'
            f'<li><a href="#claims">Claims</a><ol>{claim_links}</ol></li>'
            '<li><a href="#figures">Figures</a></li>'
            '<li><a href="#reference-values">Reference values</a></li>'
            '<li><a href="#environment">Environment</a></li></ol></nav>')


def _summary(document: Mapping[str, Any]) -> str:
    rows = []
    for claim, anchor in zip(model.claims(document), model.anchors(document), strict=True):
        status = model.text(claim.get("status")) or "unknown"
        rows.append([f'<a href="#{escape(anchor)}"><code>{_e(claim.get("id"))}</code></a>',
                     _e(claim.get("provenance")),
                     _e(claim.get("expected")) + " " + _expectation_badge(claim),
                     _badge(status), escape(", ".join(model.levels(claim))),
                     escape(model.claim_numbers(claim)),
                     escape(model.seconds(claim.get("seconds")))])
    table = _table(["claim", "provenance", "expectation", "status", "evidence levels",
                    "numbers", "seconds"], rows)
    by_level = model.level_summary(document)
    levels = f"<p>Evidence by level: {escape(by_level)}.</p>" if by_level else ""
    numbers = model.numbers_summary(document)
    if numbers:
        levels += (f"<p>Numbers (proven: enclosed by interval or ball arithmetic, or exact; "
                   f"confirmed: floating point at a working precision): "
                   f"{escape(numbers)}.</p>")
    return f'<section id="summary"><h2>Summary</h2>{table}{levels}</section>'


def _figures(figures: Sequence[Figure]) -> str:
    out = ['<section id="figures"><h2>Figures</h2>']
    for figure in figures:
        if figure.png is None:
            continue
        data = base64.b64encode(figure.png).decode("ascii")
        out.append(f'<figure id="figure-{escape(figure.name)}"><img alt="{escape(figure.title)}" '
                   f'src="data:image/png;base64,{data}">'
                   f"<figcaption><strong>{escape(figure.title)}.</strong> "
                   f"{escape(figure.caption)}</figcaption></figure>")
    skipped = [f for f in figures if f.png is None]
    if skipped:
        out.append("<p>Figures skipped:</p><ul>" + "".join(
            f"<li>{escape(f.title)}: {escape(f.skipped or '')}</li>" for f in skipped) + "</ul>")
    out.append("</section>")
    return "".join(out)


def _reference(table: ReferenceTable | None) -> str:
    out = ['<section id="reference-values"><h2>Reference values</h2>']
    if table is None:
        return out[0] + "<p>Reference values were not computed.</p></section>"
    digits = table.values[0].digits if table.values else "?"
    out.append(f"<p>Each value has {digits} significant digits, every one confirmed by two "
               "evaluations at different working precisions, and is cross-checked as stated. "
               "The same table is in <code>reference_values.json</code>.</p>")
    rows = [[math_html(v.latex), escape(v.inputs_text()),
             f'<span class="digits">{escape(v.value)}</span>',
             "<ul>" + "".join(f"<li>{escape(c)}</li>" for c in v.checks[1:] or v.checks)
             + "</ul>"]
            for v in table.values]
    out.append(_table(["quantity", "inputs", "value", "independent check"], rows, "reference"))
    if table.unavailable:
        out.append("<p>Not computed:</p><ul>" + "".join(
            f"<li>{_e(m.get('quantity'))}: {_e(m.get('why'))}</li>" for m in table.unavailable)
            + "</ul>")
    if not table.trustworthy:
        out.append('<div class="warning"><p><strong>This table is incomplete or a cross-check '
                   "disagreed; <code>reference_values.json</code> is marked "
                   "<code>\"agreed\": false</code>.</strong></p></div>")
    out.append("</section>")
    return "".join(out)


def _environment(document: Mapping[str, Any]) -> str:
    rows = [[escape(name), f"<code>{escape(value)}</code>"]
            for name, value in model.environment_rows(document)]
    unknown = model.extra(document, model.DOCUMENT_KEYS)
    rows += [[escape(k), _value_html(v)] for k, v in unknown]
    return f'<section id="environment"><h2>Environment</h2>{_table(["name", "value"], rows)}' \
           "</section>"


def render_html(document: Mapping[str, Any], figures: Sequence[Figure],
                reference: ReferenceTable | None) -> str:
    """The whole report.html text."""
    counts = model.summary_counts(document)
    settings = model.mapping(document.get("settings"))
    lead = (f"Created {_e(document.get('created')) or 'at an unknown time'} by focalrd "
            f"{_e(document.get('focalrd_version'))}; {_e(settings.get('dps'))} significant "
            f"digits, {'quick' if settings.get('quick') else 'full'} effort, seed "
            f"{_e(settings.get('seed'))}.")
    badges = f"<span>{escape(model.plural(int(counts.get('claims', 0)), 'claim'))}</span>"
    badges += "".join(f"<span>{escape(str(counts.get(k, 0)))} {label}</span>" for k, label in (
        ("verified", "verified"), ("refuted", "refuted"),
        ("inconclusive", "inconclusive"), ("met", "met expectation"),
        ("not_met", "did not meet expectation")))
    not_met = ", ".join(model.text(i) for i in model.items(counts.get("not_met_ids")))
    if not_met:
        badges += f"<span>not met: {escape(not_met)}</span>"
    failures = model.load_errors(document)
    warning = ('<div class="warning"><p><strong>These claims modules failed to import; their '
               "checks did not run, so this run does not meet its expectation:</strong></p><ul>"
               + "".join(f"<li>{escape(line)}</li>" for line in failures) + "</ul></div>"
               ) if failures else ""
    claims = "".join(_claim(c, a) for c, a in zip(model.claims(document),
                                                    model.anchors(document), strict=True))
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>focalrd verification report</title>"
        f"<style>{stylesheet()}</style></head>\n<body><div class=\"layout\">{_toc(document)}"
        f"<main><h1>focalrd verification report</h1><p class=\"lead\">{lead}</p>"
        f'<div class="counts">{badges}</div>{warning}{_summary(document)}'
        f'<section id="claims"><h2>Claims</h2>{claims}</section>'
        f"{_figures(figures)}{_reference(reference)}{_environment(document)}"
        "</main></div></body></html>\n"
    )
    problems = audit_html(page)
    if problems:  # a bug in the templates or the MathML cleaner: never ship such a page
        raise UnsafePage(f"report.html would contain markup outside the allow-list: "
                         f"{'; '.join(problems[:3])}")
    return page


class UnsafePage(RuntimeError):
    """The rendered page failed :func:`.sanitize.audit_html` (a bug, not bad input)."""
