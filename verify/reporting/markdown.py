"""report.md: a summary table, then one section per claim, figures, reference values, environment.

Mathematics is written as ``$...$`` / ``$$...$$`` (rendered by GitHub and most
Markdown viewers); figures are linked as PNG files beside the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from focalrd.verify.docs_links import claim_doc_link
from focalrd.verify.reporting import model
from focalrd.verify.reporting.figures import Figure
from focalrd.verify.reporting.reference import ReferenceTable


def _cell(value: Any) -> str:
    text = model.text(value).replace("|", r"\|").replace("\n", " ")
    # Structured values (JSON) read better as code.
    return f"`{text}`" if isinstance(value, dict | list) and value else text


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def _expectation(claim: Mapping[str, Any]) -> str:
    met = claim.get("met")
    verdict = {True: "met", False: "NOT met"}.get(met, "") if isinstance(met, bool) else ""
    return f"{model.text(claim.get('expected'))} ({verdict})" if verdict else \
        model.text(claim.get("expected"))


def _header(document: Mapping[str, Any]) -> list[str]:
    counts = model.summary_counts(document)
    settings = model.mapping(document.get("settings"))
    lines = ["# focalrd verification report", ""]
    lines.append(f"Created {model.text(document.get('created')) or 'at an unknown time'} by "
                 f"focalrd {model.text(document.get('focalrd_version')) or '(unknown version)'}"
                 f"; {model.text(settings.get('dps')) or '?'} significant digits, "
                 f"{'quick' if settings.get('quick') else 'full'} effort, "
                 f"seed {model.text(settings.get('seed')) or '?'}.")
    lines.append("")
    not_met = ", ".join(model.text(i) for i in model.items(counts.get("not_met_ids")))
    lines.append(f"**{model.plural(counts['claims'], 'claim')}: {counts['verified']} verified, "
                 f"{counts['refuted']} refuted, {counts['inconclusive']} inconclusive; "
                 f"{counts['met']} met their expectation, {counts['not_met']} did not"
                 + (f" ({not_met})" if not_met else "") + ".**")
    lines.append("")
    failures = model.load_errors(document)
    if failures:
        lines += ["**Warning: these claims modules failed to import; their checks did not "
                  "run, so this run does not meet its expectation:**", ""]
        lines += [f"- {line}" for line in failures] + [""]
    return lines


def _contents(document: Mapping[str, Any]) -> list[str]:
    lines = ["## Contents", "", "- [Summary](#summary)", "- [Claims](#claims)"]
    for claim, anchor in zip(model.claims(document), model.anchors(document), strict=True):
        lines.append(f"  - [{model.text(claim.get('id'))}](#{anchor}) — "
                     f"{model.text(claim.get('status'))}")
    lines += ["- [Figures](#figures)", "- [Reference values](#reference-values)",
              "- [Environment](#environment)", ""]
    return lines


def _summary(document: Mapping[str, Any]) -> list[str]:
    rows = []
    for claim, anchor in zip(model.claims(document), model.anchors(document), strict=True):
        rows.append([f"[{model.text(claim.get('id'))}](#{anchor})", claim.get("provenance"),
                     _expectation(claim), claim.get("status"), ", ".join(model.levels(claim)),
                     model.seconds(claim.get("seconds"))])
    lines = ['<a id="summary"></a>', "", "## Summary", ""]
    lines += _table(["claim", "provenance", "expectation", "status", "evidence levels",
                     "seconds"], rows)
    by_level = model.level_summary(document)
    if by_level:
        lines += [f"Evidence by level: {by_level}.", ""]
    return lines


def _record(title: str, record: Any) -> list[str]:
    """A dict (counterexample, unknown fields) as a two-column table."""
    entries = model.mapping(record)
    if not entries:
        return [f"{title}: {_cell(record)}", ""] if record not in (None, "", {}) else []
    return [f"{title}:", ""] + _table(["key", "value"], sorted(entries.items()))


def _derivation(derivation: Any, indent: str = "") -> list[str]:
    lines: list[str] = []
    for part in model.derivation_parts(derivation):
        assumptions = ", ".join(model.text(a) for a in model.items(part.get("assumptions")))
        lines.append(f"{indent}*Derivation: {model.text(part.get('title'))}*"
                     + (f" (assuming {assumptions})" if assumptions else ""))
        lines.append("")
        for number, step in enumerate(model.items(part.get("steps")), start=1):
            step = model.mapping(step)
            formula = model.text(step.get("latex")) or (
                f"{model.text(step.get('lhs'))} {model.text(step.get('relation'))} "
                f"{model.text(step.get('rhs'))}")
            lines.append(f"{indent}{number}. {model.text(step.get('description'))}: "
                         f"${formula}$ — checked by {model.text(step.get('method'))}")
        lines.append("")
        for name, lemma in sorted(model.mapping(part.get("lemmas")).items()):
            lines.append(f"{indent}Lemma *{name}*:")
            lines.append("")
            lines += _derivation(lemma, indent + "    ")
    return lines


def _evidence(number: int, entry: Mapping[str, Any]) -> list[str]:
    seconds = model.seconds(entry.get("seconds"))
    check = model.text(entry.get("check"))
    lines = [f"{number}. **{model.text(entry.get('level')) or 'unknown level'}** — "
             f"{model.text(entry.get('method'))} — "
             f"{model.outcome(entry.get('passed'))}" + (f" ({seconds} s)" if seconds else "")
             + (f" — check `{check}`" if check else ""), ""]
    facts = model.details(entry)
    if facts:
        lines += _table(["detail", "value"], facts)
    if entry.get("counterexample") is not None:
        lines += _record("Counterexample", entry.get("counterexample"))
    if entry.get("derivation") is not None:
        lines += _derivation(entry.get("derivation"))
    return lines


def _docs_link(claim: Mapping[str, Any]) -> str:
    """`` · [theory and proof sketch](docs link)`` for a claim of the catalogue, else ""."""
    link = claim_doc_link(model.text(claim.get("id")), "md")
    return f" · [theory and proof sketch]({link})" if link else ""


def _claim(claim: Mapping[str, Any], anchor: str) -> list[str]:
    lines = [f'<a id="{anchor}"></a>', "",
             f"### `{model.text(claim.get('id'))}` — {model.text(claim.get('status'))}", ""]
    lines += [f"**Statement.** {model.text(claim.get('statement'))}", ""]
    if model.text(claim.get("latex")) not in ("", model.text(claim.get("statement"))):
        lines += [f"$${model.text(claim.get('latex'))}$$", ""]
    lines += [f"Section {model.text(claim.get('section')) or '?'} · provenance: "
              f"{model.text(claim.get('provenance'))} · expected: {_expectation(claim)} · "
              f"{model.seconds(claim.get('seconds')) or '?'} s"
              + _docs_link(claim), ""]
    if model.text(claim.get("met_reason")):
        lines += [f"**Expectation:** {model.text(claim.get('met_reason'))}", ""]
    if model.text(claim.get("why")):
        lines += [f"**Why:** {model.text(claim.get('why'))}", ""]
    if model.text(claim.get("notes")):
        lines += [f"**Notes:** {model.text(claim.get('notes'))}", ""]
    entries = model.evidence(claim)
    if entries:
        lines += ["#### Evidence", ""]
        for number, entry in enumerate(entries, start=1):
            lines += _evidence(number, entry)
    if claim.get("counterexample") is not None:
        lines += _record("**Counterexample**", claim.get("counterexample"))
    unknown = model.extra(claim, model.CLAIM_KEYS)
    if unknown:
        lines += ["Other fields:", ""] + _table(["field", "value"], unknown)
    return lines


def _figures(figures: Sequence[Figure], figure_dir: str) -> list[str]:
    lines = ['<a id="figures"></a>', "", "## Figures", ""]
    for figure in figures:
        if figure.png is not None:
            lines += [f"### {figure.title}", "", f"![{figure.title}]({figure_dir}/"
                      f"{figure.filename})", "", figure.caption, ""]
    skipped = [f for f in figures if f.png is None]
    if skipped:
        lines += ["Figures skipped:", ""]
        lines += [f"- {f.title}: {f.skipped}" for f in skipped] + [""]
    return lines


def _reference(table: ReferenceTable | None) -> list[str]:
    lines = ['<a id="reference-values"></a>', "", "## Reference values", ""]
    if table is None:
        return lines + ["Reference values were not computed.", ""]
    lines += [f"Every value has {table.values[0].digits if table.values else '?'} significant "
              "digits, each confirmed by two evaluations at different working precisions and "
              "cross-checked as stated (also in `reference_values.json`).", ""]
    rows = [[f"${v.latex}$", v.inputs_text(), v.value, "; ".join(v.checks[1:]) or v.checks[0]]
            for v in table.values]
    lines += _table(["quantity", "inputs", "value", "independent check"], rows)
    for missing in table.unavailable:
        lines.append(f"- not computed: {missing.get('quantity')}: {missing.get('why')}")
    if not table.trustworthy:
        lines += ["", "**Warning: this table is incomplete or a cross-check disagreed; "
                  '`reference_values.json` is marked `"agreed": false`.**']
    return lines + [""]


def render_markdown(document: Mapping[str, Any], figures: Sequence[Figure],
                    reference: ReferenceTable | None, figure_dir: str = "figures") -> str:
    """The whole report.md text."""
    lines = _header(document) + _contents(document) + _summary(document)
    lines += ['<a id="claims"></a>', "", "## Claims", ""]
    for claim, anchor in zip(model.claims(document), model.anchors(document), strict=True):
        lines += _claim(claim, anchor)
    lines += _figures(figures, figure_dir) + _reference(reference)
    lines += ['<a id="environment"></a>', "", "## Environment", ""]
    lines += _table(["name", "value"], model.environment_rows(document))
    unknown = model.extra(document, model.DOCUMENT_KEYS)
    if unknown:
        lines += ["Other fields of report.json:", ""] + _table(["field", "value"], unknown)
    return "\n".join(lines).rstrip() + "\n"
