"""Sphinx extension of the focalrd documentation: pages generated from the code.

Everything a reader could otherwise see drift from the code is generated at
build time from the code itself:

* ``{focalrd-claim} ID`` — the registered record of a claim (statement, LaTeX,
  provenance, expectation) and its checks: the function behind each check
  (module and name) and its level of evidence.  The claim must be registered.
* ``{focalrd-claims-table}`` — every registered claim with a link to its anchor.
* ``{focalrd-derivations}`` — every machine-checked derivation of
  :mod:`focalrd.proofs.index`, rebuilt (and so re-checked) during the build.
* ``{focalrd-cli}`` — the command-line reference, read from the argparse parser
  of :func:`focalrd.verify.cli.build_parser`.
* ``{focalrd-reference-values}`` — the table of ``reports/reference_values.json``.
* ``{focalrd-benchmarks}`` — the tables of ``reports/benchmarks/*.json``.

Mathematics is converted to MathML at build time with ``latex2mathml`` (the
converter of the HTML report), so the site needs no JavaScript and no network to
show formulas.  A formula that cannot be converted is a build warning (an error
under ``-W``).  At the end of a build, a registered claim that no page stated
with ``{focalrd-claim}`` is a warning too.
"""

from __future__ import annotations

import argparse
import html
import inspect
import json
import os
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
_LEVEL_IN_SOURCE = re.compile(r"Evidence\.(symbolic|certified|exhaustive|sampled|reference)\(")
_SYMBOLIC_HELPER = re.compile(r"(?<![.\w])symbolic\(")


# -- the registry ----------------------------------------------------------------------


def registered_claims() -> dict[str, Any]:
    """Every claim of the suite (the catalogue and all check modules loaded)."""
    from focalrd.verify.claims import load_all
    from focalrd.verify.registry import registered_claims as claims

    load_all()
    return claims()


def check_levels(check: Any) -> list[str]:
    """The evidence levels a check produces: declared with ``level=``, else read from its code."""
    from focalrd.verify.registry import declared_level

    declared = declared_level(check)
    if declared:
        return [declared]
    return _levels_in_code(check, depth=2)


_STRING = r'f?"(?:[^"\\]|\\.)*"'
#: The first argument of an Evidence constructor (or the ``symbolic`` helper): adjacent literals.
_METHOD_IN_SOURCE = re.compile(
    r"(?:Evidence\.\w+|(?<![.\w])symbolic)\(\s*((?:" + _STRING + r"\s*)+)[,)]")


def check_summary(check: Any) -> str:
    """What a check does: its docstring's first line, else the method its evidence names."""
    doc = (inspect.getdoc(check) or "").strip().splitlines()
    if doc:
        return doc[0]
    try:
        found = _METHOD_IN_SOURCE.findall(inspect.getsource(check))
    except (OSError, TypeError):
        found = []
    if not found:
        return ""
    text = "".join(re.findall(r'f?"((?:[^"\\]|\\.)*)"', found[-1]))
    return re.sub(r"\{[^{}]*\}", "…", text)


def _levels_in_code(func: Any, depth: int) -> list[str]:
    """Levels named in ``func``'s code, following calls to module functions ``depth`` deep."""
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return []
    found = _LEVEL_IN_SOURCE.findall(source)
    if _SYMBOLIC_HELPER.search(source):
        found.append("symbolic")
    if not found and depth > 0:
        namespace = getattr(func, "__globals__", {})
        for name in dict.fromkeys(re.findall(r"(?<![.\w])(\w+)\(", source)):
            called = namespace.get(name)
            if inspect.isfunction(called) and called is not func:
                found += _levels_in_code(called, depth - 1)
    return sorted(set(found), key=found.index)


def claim_link(claim_id: str, docname: str) -> str:
    """A relative link from page ``docname`` to the anchor of ``claim_id``."""
    from focalrd.verify.docs_links import claim_page

    page = claim_page(claim_id)
    if page is None:
        return ""
    depth = docname.count("/")
    return "../" * depth + f"{page}.html#{claim_id}"


def _md_cell(text: Any) -> str:
    return str(text).replace("|", r"\|").replace("\n", " ")


def _md_table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


class _MarkdownDirective(SphinxDirective):
    """A directive whose output is generated MyST Markdown, parsed in place."""

    def markdown(self) -> list[str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        container = nodes.container()
        lines = self.markdown()
        nested_parse_with_titles(self.state, StringList(lines, source=f"<{self.name}>"),
                                 container, self.content_offset)
        return container.children


# -- claims ---------------------------------------------------------------------------


class ClaimDirective(_MarkdownDirective):
    """The registered record and checks of one claim (the anchor is written in the page)."""

    required_arguments = 1

    def markdown(self) -> list[str]:
        claim_id = self.arguments[0]
        claims = registered_claims()
        if claim_id not in claims:
            raise self.error(f"focalrd-claim: {claim_id!r} is not a registered claim")
        stated = self.env.domaindata.setdefault("focalrd", {}).setdefault("stated", {})
        if claim_id in stated and stated[claim_id] != self.env.docname:
            raise self.error(f"focalrd-claim: {claim_id!r} is already stated in "
                             f"{stated[claim_id]}")
        stated[claim_id] = self.env.docname
        entry = claims[claim_id]
        lines = ["```{admonition} " + f"Registered claim [{claim_id}]", ":class: claim-record",
                 "", f"$${entry.latex}$$", "",
                 f"*In the registry's words:* {_escape_md(entry.statement)}", "",
                 f"**Provenance:** {entry.provenance} · **expected:** {entry.expected}", ""]
        rows = []
        for check in entry.checks:
            levels = ", ".join(check_levels(check)) or "—"
            rows.append([levels, f"`{check.__module__}.{check.__name__}`",
                         _escape_md(check_summary(check))])
        if rows:
            lines += _md_table(["level", "check (module.function)", "what it does"], rows)
        else:
            lines += ["No check is registered: `focalrd verify` reports it inconclusive.", ""]
        from focalrd.proofs.index import BUILDERS

        builders = BUILDERS.get(claim_id, ())
        if builders:
            names = ", ".join(f"`{b.__module__}.{b.__name__}`" for b in builders)
            lines += [f"**Derivations:** {names} ({{derivation}}`{claim_id}`; "
                      f"`focalrd derive {claim_id}`)", ""]
        lines += ["```", ""]
        return lines


def _escape_md(text: str) -> str:
    """Plain text safe inside generated Markdown (no emphasis, no maths, no roles)."""
    return re.sub(r"([\\`*_$<>\[\]{}|])", r"\\\1", text)


class ClaimsTableDirective(_MarkdownDirective):
    """Every registered claim with its section, provenance, expectation and a link."""

    def markdown(self) -> list[str]:
        rows = []
        for claim_id, entry in registered_claims().items():
            name = f"{{claim}}`{claim_id}`"
            levels = sorted({level for check in entry.checks for level in check_levels(check)})
            rows.append([name, entry.section or "—", entry.provenance, entry.expected,
                         ", ".join(levels) or "—"])
        return _md_table(["claim", "§", "provenance", "expected", "evidence levels"], rows)


# -- the {claim} role -----------------------------------------------------------------------


def claim_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
               options: Any = None, content: Any = None) -> tuple[list, list]:
    """``{claim}`tau.bracket``` — a link to the anchor of a registered claim."""
    claim_id = text.strip()
    env = inliner.document.settings.env
    if claim_id not in registered_claims():
        message = inliner.reporter.error(f"{{claim}}: {claim_id!r} is not a registered claim",
                                         line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    link = claim_link(claim_id, env.docname)
    label = nodes.literal(text=f"[{claim_id}]")
    if not link:
        return [label], []
    return [nodes.reference(rawtext, "", label, refuri=link, classes=["claim-link"])], []


def derivation_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
                    options: Any = None, content: Any = None) -> tuple[list, list]:
    """``{derivation}`phi.gap``` — a link to the rendered derivations of a claim."""
    from focalrd.proofs.index import BUILDERS

    claim_id = text.strip()
    if claim_id not in BUILDERS:
        message = inliner.reporter.error(f"{{derivation}}: no derivation for {claim_id!r}",
                                         line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    docname = inliner.document.settings.env.docname
    uri = "../" * docname.count("/") + f"theory/derivations.html#{_derivation_id(claim_id)}"
    return [nodes.reference(rawtext, "rendered", refuri=uri)], []


def _derivation_id(claim_id: str) -> str:
    return f"derivation-{claim_id.replace('.', '-')}"


# -- derivations -----------------------------------------------------------------------


class DerivationsDirective(SphinxDirective):
    """Every derivation of the proofs index, built (and so checked) now."""

    def run(self) -> list[nodes.Node]:
        from focalrd.proofs.index import BUILDERS, derivations_for

        out: list[nodes.Node] = []
        for claim_id in BUILDERS:
            section = nodes.section(ids=[_derivation_id(claim_id)])
            section += nodes.title(text=f"[{claim_id}]")
            link = claim_link(claim_id, self.env.docname)
            if link:
                para = nodes.paragraph()
                para += nodes.Text("Stated and explained at ")
                para += nodes.reference("", f"the claim [{claim_id}]", refuri=link)
                para += nodes.Text(".")
                section += para
            for derivation in derivations_for(claim_id):
                section += self._derivation(derivation)
                for name, lemma in derivation.lemmas.items():
                    block = self._derivation(lemma)
                    block.insert(0, nodes.paragraph(text=f"Lemma “{name}”:"))
                    section += block
            out.append(section)
        return out

    def _derivation(self, derivation: Any) -> nodes.Element:
        box = nodes.container(classes=["derivation"])
        box += nodes.paragraph("", "", nodes.strong(text=derivation.title))
        if derivation.assumptions:
            box += nodes.paragraph(text="Assuming " + "; ".join(derivation.assumptions) + ".")
        rows = []
        for number, step in enumerate(derivation.steps, 1):
            rows.append(f"<tr><td>{number}</td><td>{html.escape(step.description)}</td>"
                        f"<td>{_mathml(step.to_latex(), True, self)}</td>"
                        f"<td>{_text_with_math(step.method, self)}</td></tr>")
        box += nodes.raw("", '<table class="derivation docutils"><thead><tr><th>#</th>'
                             "<th>step</th><th>checked statement</th><th>how sympy checked it"
                             "</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>",
                         format="html")
        return box


def _mathml(latex: str, display: bool, where: Any) -> str:
    from focalrd.verify.reporting.mathml import to_mathml

    converted = to_mathml(latex, display)
    if converted is None:
        logger.warning("formula cannot be converted to MathML: %s", latex,
                       location=_location(where))
        return f"<code>{html.escape(latex)}</code>"
    return converted


def _text_with_math(text: str, where: Any) -> str:
    parts, position = [], 0
    for match in re.finditer(r"\$([^$]+)\$", text):
        parts.append(html.escape(text[position:match.start()]))
        parts.append(_mathml(match.group(1), False, where))
        position = match.end()
    return "".join(parts) + html.escape(text[position:])


def _location(where: Any) -> Any:
    if isinstance(where, SphinxDirective):
        return where.get_location()
    return where


# -- command-line reference -------------------------------------------------------------


class CliDirective(_MarkdownDirective):
    """The ``focalrd`` commands and options, read from the argparse parser."""

    def markdown(self) -> list[str]:
        from focalrd.verify.cli import build_parser

        parser = build_parser()
        lines = ["## `focalrd`", "", _escape_md(parser.description or ""), "",
                 "```text", parser.format_usage().strip(), "```", ""]
        lines += self._options(parser)
        lines += self._commands(parser, "focalrd", level=2)
        return lines

    def _commands(self, parser: argparse.ArgumentParser, prefix: str, level: int) -> list[str]:
        """Every subcommand of ``parser``, recursively (``focalrd eval tau``)."""
        lines: list[str] = []
        for action in parser._actions:
            if not isinstance(action, argparse._SubParsersAction):
                continue
            for name, sub in action.choices.items():
                lines += ["#" * level + f" `{prefix} {name}`", "", "```text",
                          sub.format_usage().strip(), "```", "",
                          _escape_md(" ".join((sub.description or "").split())), ""]
                lines += self._options(sub)
                lines += self._commands(sub, f"{prefix} {name}", min(level + 1, 4))
        return lines

    @staticmethod
    def _options(parser: argparse.ArgumentParser) -> list[str]:
        rows = []
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            if action.option_strings:
                metavar = ""
                if action.nargs != 0:
                    metavar = " " + (action.metavar or action.dest.upper())
                name = ", ".join(f"`{o}{metavar}`" for o in action.option_strings)
            else:
                name = f"`{action.metavar or action.dest}`"
            default = action.default
            shown = "" if default in (None, False, argparse.SUPPRESS) or action.nargs == 0 \
                else f"`{default}`"
            choices = ", ".join(f"`{c}`" for c in action.choices) if action.choices else ""
            help_text = (action.help or "").replace("%(default)s", str(default))
            help_text = _escape_md(" ".join(help_text.split()))
            if choices:
                help_text += f" (one of {choices})"
            rows.append([name, help_text, shown])
        if not rows:
            return []
        return _md_table(["argument", "meaning", "default"], rows)


# -- committed data: reference values and benchmarks -----------------------------------------


class ReferenceValuesDirective(_MarkdownDirective):
    """The table of the committed ``reports/reference_values.json``."""

    def markdown(self) -> list[str]:
        path = REPO / "reports" / "reference_values.json"
        self.env.note_dependency(str(path))
        data = json.loads(path.read_text(encoding="utf-8"))
        lines = [f"{len(data['values'])} values, {data['digits']} significant digits each "
                 f"(file `reports/reference_values.json`, schema `{data['schema']}`; every "
                 f"value agreed with its cross-checks: "
                 f"{'yes' if data.get('agreed') else '**no**'}).", ""]
        rows = []
        for value in data["values"]:
            digits = value["value"]
            shown = " ".join(digits[i:i + 10] for i in range(0, len(digits), 10))
            rows.append([f"${value['latex']}$", f"`{value['key']}`",
                         f"<code>{shown}</code>",
                         "<br>".join(_escape_md(c) for c in value["checks"])])
        lines += _md_table(["quantity", "key (cite it with this)", "value", "how it was checked"],
                           rows)
        if data.get("unavailable"):
            lines += ["Unavailable: " + ", ".join(
                f"`{u.get('key', u)}`" for u in data["unavailable"]), ""]
        return lines


class BenchmarksDirective(_MarkdownDirective):
    """The committed benchmark results, one section per ``reports/benchmarks/*.json``."""

    def markdown(self) -> list[str]:
        lines: list[str] = []
        for path in sorted((REPO / "reports" / "benchmarks").glob("*.json")):
            self.env.note_dependency(str(path))
            data = json.loads(path.read_text(encoding="utf-8"))
            title = data.get("benchmark", path.stem)
            lines += [f"## {_escape_md(str(title))}", "",
                      f"From `reports/benchmarks/{path.name}`.", ""]
            figure = path.with_suffix(".png")
            if figure.exists():  # a figure the table's text refers to is shown with it
                self.env.note_dependency(str(figure))
                here = Path(self.env.doc2path(self.env.docname)).parent
                lines += [f"![{_escape_md(str(title))}: {figure.name}]"
                          f"({os.path.relpath(figure, here)})", ""]
            facts = [[f"`{k}`", _value(v)] for k, v in data.items()
                     if k != "benchmark" and not _is_rows(v)]
            if facts:
                lines += _md_table(["setting", "value"], facts)
            for key, rows in data.items():
                if not _is_rows(rows):
                    continue
                header = list(dict.fromkeys(k for row in rows for k in row))
                cells = [[_value(row.get(h, "")) for h in header] for row in rows]
                names = [f"`{h}`" for h in header]
                if "fast_seconds" in header and "baseline_seconds" in header:
                    names.append("speed-up (baseline / fast)")
                    for row, line in zip(rows, cells, strict=True):
                        line.append(_ratio(row.get("baseline_seconds"), row.get("fast_seconds")))
                lines += [f"**{_escape_md(key)}**", ""]
                lines += _md_table(names, cells)
        if not lines:
            lines = ["No benchmark results are committed yet.", ""]
        return lines


def _ratio(baseline: Any, fast: Any) -> str:
    """``baseline / fast`` as ``12×``, or "—" when either time is missing (a skipped run)."""
    if not isinstance(baseline, int | float) or not isinstance(fast, int | float) or fast <= 0:
        return "—"
    ratio = baseline / fast
    return f"{ratio:.0f}×" if ratio >= 10 else f"{ratio:.1f}×"


def _is_rows(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _value(value: Any) -> str:
    if isinstance(value, list):
        return "(" + ", ".join(str(v) for v in value) + ")"
    if isinstance(value, dict):
        return _escape_md(json.dumps(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _escape_md(str(value))


# -- docstrings written as plain text ---------------------------------------------------------

_LITERAL_START = re.compile(r"::\s*$")


def escape_bars(app: Sphinx, what: str, name: str, obj: Any, options: Any,
                lines: list[str]) -> None:
    """Escape ``|`` in prose lines of docstrings (``|x|`` is absolute value, not a substitution).

    The numeric docstrings write mathematics in plain text; reStructuredText would
    read ``|φ'(q)|`` as a substitution reference.  Doctest lines, literal blocks
    and table rows are left alone.
    """
    literal_indent: int | None = None
    for number, line in enumerate(lines):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if literal_indent is not None:
            if stripped and indent <= literal_indent:
                literal_indent = None
            else:
                continue
        if stripped.startswith((">>>", "...", "|", "+")) or "|" not in line:
            pass
        else:  # outside ``inline literals`` only
            parts = line.split("``")
            lines[number] = "``".join(part if i % 2 else part.replace("|", "\\|")
                                      for i, part in enumerate(parts))
        if _LITERAL_START.search(line):
            literal_indent = indent


# -- mathematics as MathML ----------------------------------------------------------------


def _visit_math(self: Any, node: nodes.Element) -> None:
    self.body.append(_mathml(node.astext(), False, node))
    raise nodes.SkipNode


def _visit_displaymath(self: Any, node: nodes.Element) -> None:
    latex = node.astext()
    if node.get("nowrap"):
        latex = latex.strip()
    self.body.append(f'<div class="math">{_mathml(latex, True, node)}</div>')
    raise nodes.SkipNode


# -- consistency at the end of the build ------------------------------------------------------


def _check_every_claim_stated(app: Sphinx, env: Any) -> None:
    stated = env.domaindata.get("focalrd", {}).get("stated", {})
    for claim_id in registered_claims():
        if claim_id not in stated:
            logger.warning("registered claim [%s] is not stated in the docs "
                           "(no {focalrd-claim} directive)", claim_id)


def _purge(app: Sphinx, env: Any, docname: str) -> None:
    stated = env.domaindata.get("focalrd", {}).get("stated", {})
    for claim_id in [c for c, doc in stated.items() if doc == docname]:
        del stated[claim_id]


def _merge(app: Sphinx, env: Any, docnames: Any, other: Any) -> None:
    env.domaindata.setdefault("focalrd", {}).setdefault("stated", {}).update(
        other.domaindata.get("focalrd", {}).get("stated", {}))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_role("claim", claim_role)
    app.add_role("derivation", derivation_role)
    app.connect("autodoc-process-docstring", escape_bars)
    app.add_directive("focalrd-claim", ClaimDirective)
    app.add_directive("focalrd-claims-table", ClaimsTableDirective)
    app.add_directive("focalrd-derivations", DerivationsDirective)
    app.add_directive("focalrd-cli", CliDirective)
    app.add_directive("focalrd-reference-values", ReferenceValuesDirective)
    app.add_directive("focalrd-benchmarks", BenchmarksDirective)
    app.add_directive("focalrd-notebooks", NotebooksDirective)
    app.add_html_math_renderer("mathml", (_visit_math, None), (_visit_displaymath, None))
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-check-consistency", _check_every_claim_stated)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 1}


# -- tutorials ------------------------------------------------------------------------------


class NotebooksDirective(_MarkdownDirective):
    """A toctree of whatever tutorials exist under docs/notebooks/ (possibly none)."""

    def markdown(self) -> list[str]:
        folder = Path(self.env.srcdir) / "notebooks"
        here = Path(self.env.doc2path(self.env.docname)).parent
        found = sorted(p for p in folder.glob("*") if p.suffix in (".ipynb", ".md")
                       and not p.name.startswith(("_", ".")))
        if not found:
            return ["No tutorial notebook is in `docs/notebooks/` yet.", ""]
        entries = [Path(*p.with_suffix("").relative_to(here).parts).as_posix() for p in found]
        return ["```{toctree}", ":maxdepth: 1", "", *entries, "```", ""]
