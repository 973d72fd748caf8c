"""report.md: a summary table, then one section per claim, figures, reference values, environment.

Mathematics is written as ``$...$`` / ``$$...$$`` (rendered by GitHub and most
Markdown viewers); figures are linked as PNG files beside the report.

Every text taken from the document (which may come from a user's claims module
or a hand-edited report.json) is made inert before it is written: in prose,
``&``, a ``<`` that could open a tag and the characters that make Markdown
links, images, code, tables, maths or escapes become character references, except
inside ``$...$`` segments, which stay mathematics with a ``<`` that could open
a tag written as ``\\lt`` and the commands that make links, styles or images
(``\\href``, ``\\style``, ``\\unicode``, ...) turned into plain text.  Code spans
are fenced by more backticks than they contain.  So a viewer that renders raw
HTML shows the text, and no link or script of the document's own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from focalrd.verify.docs_links import claim_doc_link
from focalrd.verify.reporting import model
from focalrd.verify.reporting.figures import Figure
from focalrd.verify.reporting.mathml import INLINE_MATH
from focalrd.verify.reporting.reference import ReferenceTable

# Written as character references in prose: "&", and what makes links and images ("["),
# code spans, maths, table cells and escapes.  References, not backslashes: "\\[" opens
# display maths in some viewers, and no viewer reads a reference as a delimiter.
# Emphasis characters and a lone "]" are left alone: at worst they change the look of
# a text, never what it links to or runs.
_PROSE = str.maketrans({"&": "&amp;", "\\": "&#92;", "`": "&#96;", "[": "&#91;",
                        "$": "&#36;", "|": "&#124;", "\n": " ", "\r": " "})
# "<" that could open a tag, a closing tag, a comment or a processing instruction.
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
# MathJax and KaTeX commands that make links, styles, classes, ids, images or loads.
_ACTIVE_TEX = re.compile(r"\\(href|url|style|class|cssId|data|unicode|require|bbox|html\w*|"
                         r"includegraphics|htmlClass|htmlId|htmlStyle|htmlData)(?![A-Za-z])")


def _math(latex: Any, in_table: bool = False) -> str:
    """A formula's source, inert: no ``$``, backtick, newline, tag-opening ``<``, active
    command (nor ``|``, which would end a table cell, when ``in_table``)."""
    source = model.text(latex).replace("\r", " ").replace("\n", " ").replace("$", r"\$")
    source = _TAG_OPEN.sub(r"\\lt ", source.replace("`", "'"))
    if in_table:
        source = source.replace("|", r"\vert ")
    return _ACTIVE_TEX.sub(r"\\mathrm{\1}", source)


def _prose(value: Any, in_table: bool = False) -> str:
    """Text from the document, inert, with its ``$...$`` segments kept as mathematics."""
    text = model.text(value)
    parts: list[str] = []
    position = 0
    for match in INLINE_MATH.finditer(text):
        parts.append(_plain(text[position:match.start()]))
        parts.append(f"${_math(match.group(1), in_table)}$")
        position = match.end()
    parts.append(_plain(text[position:]))
    return "".join(parts)


def _plain(text: str) -> str:
    return _TAG_OPEN.sub("&lt;", text.translate(_PROSE))


def _code(value: Any) -> str:
    """A code span holding ``value`` verbatim (fenced by more backticks than it contains)."""
    text = model.text(value).replace("\r", " ").replace("\n", " ")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


class _Markdown(str):
    """A table cell already written as Markdown (by this module): not escaped again."""


def _cell(value: Any) -> str:
    if isinstance(value, _Markdown):
        return value
    # Structured values (JSON) read better as code.
    if isinstance(value, dict | list) and value:
        return _code(value).replace("|", r"\|")
    return _prose(value, in_table=True)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def _expectation(claim: Mapping[str, Any]) -> str:
    met = claim.get("met")
    verdict = {True: "met", False: "NOT met"}.get(met, "") if isinstance(met, bool) else ""
    return f"{_prose(claim.get('expected'))} ({verdict})" if verdict else \
        _prose(claim.get("expected"))


def _header(document: Mapping[str, Any]) -> list[str]:
    counts = model.summary_counts(document)
    settings = model.mapping(document.get("settings"))
    lines = ["# focalrd verification report", ""]
    lines.append(f"Created {_prose(document.get('created')) or 'at an unknown time'} by "
                 f"focalrd {_prose(document.get('focalrd_version')) or '(unknown version)'}"
                 f"; {_prose(settings.get('dps')) or '?'} significant digits, "
                 f"{'quick' if settings.get('quick') else 'full'} effort, "
                 f"seed {_prose(settings.get('seed')) or '?'}.")
    lines.append("")
    not_met = ", ".join(_prose(i) for i in model.items(counts.get("not_met_ids")))
    lines.append(f"**{model.plural(counts['claims'], 'claim')}: {counts['verified']} verified, "
                 f"{counts['refuted']} refuted, {counts['inconclusive']} inconclusive; "
                 f"{counts['met']} met their expectation, {counts['not_met']} did not"
                 + (f" ({not_met})" if not_met else "") + ".**")
    lines.append("")
    failures = model.load_errors(document)
    if failures:
        lines += ["**Warning: these claims modules failed to import; their checks did not "
                  "run, so this run does not meet its expectation:**", ""]
        lines += [f"- {_prose(line)}" for line in failures] + [""]
    return lines


def _contents(document: Mapping[str, Any]) -> list[str]:
    lines = ["## Contents", "", "- [Summary](#summary)", "- [Claims](#claims)"]
    for claim, anchor in zip(model.claims(document), model.anchors(document), strict=True):
        lines.append(f"  - [{_prose(claim.get('id'))}](#{anchor}) — "
                     f"{_prose(claim.get('status'))}")
    lines += ["- [Figures](#figures)", "- [Reference values](#reference-values)",
              "- [Environment](#environment)", ""]
    return lines


def _summary(document: Mapping[str, Any]) -> list[str]:
    rows = []
    for claim, anchor in zip(model.claims(document), model.anchors(document), strict=True):
        rows.append([_Markdown(f"[{_prose(claim.get('id'))}](#{anchor})"),
                     claim.get("provenance"), _Markdown(_expectation(claim)),
                     claim.get("status"), ", ".join(model.levels(claim)),
                     model.claim_numbers(claim), model.seconds(claim.get("seconds"))])
    lines = ['<a id="summary"></a>', "", "## Summary", ""]
    lines += _table(["claim", "provenance", "expectation", "status", "evidence levels",
                     "numbers", "seconds"], rows)
    by_level = model.level_summary(document)
    if by_level:
        lines += [f"Evidence by level: {_prose(by_level)}.", ""]
    numbers = model.numbers_summary(document)
    if numbers:
        lines += [f"Numbers (proven: enclosed by interval or ball arithmetic, or exact; "
                  f"confirmed: floating point at a working precision): {_prose(numbers)}.", ""]
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
        assumptions = ", ".join(_prose(a) for a in model.items(part.get("assumptions")))
        lines.append(f"{indent}*Derivation: {_prose(part.get('title'))}*"
                     + (f" (assuming {assumptions})" if assumptions else ""))
        lines.append("")
        for number, step in enumerate(model.items(part.get("steps")), start=1):
            step = model.mapping(step)
            formula = _math(step.get("latex")) or (
                f"{_math(step.get('lhs'))} {_math(step.get('relation'))} "
                f"{_math(step.get('rhs'))}")
            lines.append(f"{indent}{number}. {_prose(step.get('description'))}: "
                         f"${formula}$ — checked by {_prose(step.get('method'))}")
        lines.append("")
        for name, lemma in sorted(model.mapping(part.get("lemmas")).items()):
            lines.append(f"{indent}Lemma *{_prose(name)}*:")
            lines.append("")
            lines += _derivation(lemma, indent + "    ")
    return lines


def _evidence(number: int, entry: Mapping[str, Any]) -> list[str]:
    seconds = model.seconds(entry.get("seconds"))
    check = model.text(entry.get("check"))
    lines = [f"{number}. **{_prose(entry.get('level')) or 'unknown level'}** — "
             f"{_prose(entry.get('method'))} — "
             f"{model.outcome(entry.get('passed'))}" + (f" ({seconds} s)" if seconds else "")
             + f" — numbers {model.check_numbers(entry)}"
             + (f" — check {_code(check)}" if check else ""), ""]
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
             f"### {_code(claim.get('id'))} — {_prose(claim.get('status'))}", ""]
    lines += [f"**Statement.** {_prose(claim.get('statement'))}", ""]
    if model.text(claim.get("latex")) not in ("", model.text(claim.get("statement"))):
        lines += [f"$${_math(claim.get('latex'))}$$", ""]
    lines += [f"Section {_prose(claim.get('section')) or '?'} · provenance: "
              f"{_prose(claim.get('provenance'))} · expected: {_expectation(claim)} · "
              f"{model.seconds(claim.get('seconds')) or '?'} s"
              + _docs_link(claim), ""]
    if _prose(claim.get("met_reason")):
        lines += [f"**Expectation:** {_prose(claim.get('met_reason'))}", ""]
    if _prose(claim.get("why")):
        lines += [f"**Why:** {_prose(claim.get('why'))}", ""]
    if _prose(claim.get("notes")):
        lines += [f"**Notes:** {_prose(claim.get('notes'))}", ""]
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
            lines += [f"### {_prose(figure.title)}", "", f"![{_prose(figure.title)}]({figure_dir}/"
                      f"{figure.filename})", "", _prose(figure.caption), ""]
    skipped = [f for f in figures if f.png is None]
    if skipped:
        lines += ["Figures skipped:", ""]
        lines += [f"- {_prose(f.title)}: {_prose(f.skipped)}" for f in skipped] + [""]
    return lines


def _reference(table: ReferenceTable | None) -> list[str]:
    lines = ['<a id="reference-values"></a>', "", "## Reference values", ""]
    if table is None:
        return lines + ["Reference values were not computed.", ""]
    lines += [f"Every value has {table.values[0].digits if table.values else '?'} significant "
              "digits, each confirmed by two evaluations at different working precisions and "
              "cross-checked as stated (also in `reference_values.json`).", ""]
    rows = [[_Markdown(f"${_math(v.latex, in_table=True)}$"), v.inputs_text(), v.value,
             "; ".join(v.checks[1:]) or v.checks[0]]
            for v in table.values]
    lines += _table(["quantity", "inputs", "value", "independent check"], rows)
    for missing in table.unavailable:
        lines.append(f"- not computed: {_prose(missing.get('quantity'))}: "
                     f"{_prose(missing.get('why'))}")
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
