"""LaTeX to MathML for the HTML report: mathematics rendered with no network access.

The report's LaTeX comes from two places: the claim catalogue's hand-written
strings and ``sympy.latex`` output of derivation steps.  Both are converted to
MathML Core (rendered natively by current browsers) with the pure-Python
``latex2mathml`` package.  A formula that cannot be converted faithfully — the
converter raises, or leaves an unknown ``\\command`` in its output — is shown as
its LaTeX source in a ``<code>`` element instead, so a report never shows wrong
mathematics silently.  Every ``<math>`` element carries its LaTeX source in
``alttext`` (screen readers; copy and paste).

The converter's output is not trusted (it copies ``\\text{...}`` verbatim and
turns ``\\href`` into links): the source is converted with ``<``, ``>`` and
entity-like ``&`` replaced by placeholders, and the result is rebuilt by
:func:`.sanitize.clean_mathml` from allow-listed MathML elements and attributes
only, so text in a formula stays text.  A formula it rejects is shown as source.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from focalrd.verify.reporting.sanitize import UnsafeMarkup, clean_mathml, protect_latex

#: A ``$...$`` segment of a text (shared by the Markdown report).
INLINE_MATH = re.compile(r"\$([^$]+)\$")
# An unknown command survives conversion as text such as <mi>\foo</mi>.
_LEFTOVER_COMMAND = re.compile(r">[^<]*\\[A-Za-z]+[^<]*<")
# Operator names the converter does not know, written as \operatorname (which it does).
_OPERATOR_NAMES = re.compile(r"\\(arg|sgn|erfc|erf|argmin|argmax)(?![A-Za-z])")


@lru_cache(maxsize=4096)
def to_mathml(latex: str, display: bool = False) -> str | None:
    """The MathML for ``latex`` (``display`` for a block formula), or None if not convertible.

    >>> to_mathml(r"x^{2}").startswith("<math")
    True
    """
    try:
        from latex2mathml.converter import convert
    except ImportError:  # pragma: no cover - latex2mathml is a dependency
        return None
    source = latex.strip()
    if not source:
        return None
    try:
        mathml = convert(protect_latex(_OPERATOR_NAMES.sub(r"\\operatorname{\1}", source)),
                         display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - the converter raises many types on bad input
        return None
    if _LEFTOVER_COMMAND.search(mathml):
        return None
    # Stray '&' (alignment marks) are not valid markup inside MathML token elements.
    mathml = re.sub(r"&(?!#x?[0-9A-Fa-f]+;|[A-Za-z]+;)", "&amp;", mathml)
    try:
        return clean_mathml(mathml, source)
    except UnsafeMarkup:
        return None


def math_html(latex: str, display: bool = False) -> str:
    """HTML for a formula: MathML when convertible, otherwise the escaped LaTeX source."""
    mathml = to_mathml(latex, display)
    if mathml is not None:
        return mathml
    tag = "pre" if display else "code"
    return f'<{tag} class="tex" title="LaTeX source (not converted)">{html.escape(latex)}</{tag}>'


def text_with_math_html(text: str) -> str:
    """Escape ``text`` for HTML, rendering each ``$...$`` segment as inline mathematics.

    >>> text_with_math_html("sum of $x^{2}$ & more").count("<math")
    1
    """
    parts: list[str] = []
    position = 0
    for match in INLINE_MATH.finditer(text):
        parts.append(html.escape(text[position:match.start()]))
        parts.append(math_html(match.group(1)))
        position = match.end()
    parts.append(html.escape(text[position:]))
    return "".join(parts)
