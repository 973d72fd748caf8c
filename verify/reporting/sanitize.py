"""What report.html may contain: fixed allow-lists, a MathML cleaner and a page auditor.

The HTML report is built from focalrd's own templates, with every text from a
report document escaped.  The one place where markup is generated from data is
the LaTeX-to-MathML conversion (:mod:`.mathml`); its output is not trusted:
:func:`clean_mathml` parses it and writes it out again keeping only the MathML
elements and attributes of the allow-lists below, each attribute value checked
against a pattern (an unknown element or an unparsable formula rejects the
whole formula, which is then shown as its escaped LaTeX source).

:func:`audit_html` checks a finished page against the same lists plus the
template's own HTML elements: the renderer runs it on every page it writes (a
failure is a bug, never silently shipped), and the tests run it on pages
rendered from hostile documents.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from xml.etree import ElementTree

from focalrd.verify.docs_links import is_docs_link

MATHML_NAMESPACE = "http://www.w3.org/1998/Math/MathML"

_LENGTH = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:em|ex|px|pt|pc|in|cm|mm|mu|%)?"
_NAMED_SPACE = r"(?:negative)?(?:very)*(?:thin|thick|medium)mathspace"
_LENGTH_VALUE = re.compile(rf"^(?:{_LENGTH}|{_NAMED_SPACE}|0|infinity)$")
_COLOR = re.compile(r"^(?:#[0-9A-Fa-f]{3,8}|[A-Za-z]{1,20})$")
_WORDS = re.compile(r"^[a-z-]{1,40}(?: [a-z-]{1,40}){0,10}$")
_BOOLEAN = re.compile(r"^(?:true|false)$")
_SMALL_INTEGER = re.compile(r"^-?\d{1,3}$")
_ANCHOR = re.compile(r"^#[A-Za-z][A-Za-z0-9_.:-]{0,300}$")
_LENGTH_LIST = re.compile(rf"^{_LENGTH}(?: {_LENGTH}){{0,50}}$")
_WORD_LIST = re.compile(r"^[a-z]{1,10}(?: [a-z]{1,10}){0,50}$")

#: MathML elements a formula may contain (MathML Core presentation markup only:
#: no ``annotation-xml``, ``maction`` or ``semantics``, which can carry other markup).
MATHML_ELEMENTS = frozenset({
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub", "msubsup",
    "mfrac", "msqrt", "mroot", "mstyle", "merror", "mpadded", "mphantom", "menclose", "mover",
    "munder", "munderover", "mtable", "mtr", "mtd", "mmultiscripts", "mprescripts", "none",
})

#: MathML attributes allowed on any of those elements, each with the values it may take.
#: (``alttext`` is escaped text, written by :mod:`.mathml` itself.)
MATHML_ATTRIBUTES: dict[str, re.Pattern[str]] = {
    "display": re.compile(r"^(?:block|inline)$"),
    "displaystyle": _BOOLEAN,
    "scriptlevel": _SMALL_INTEGER,
    "mathvariant": re.compile(r"^[a-z-]{1,30}$"),
    "mathcolor": _COLOR,
    "mathbackground": _COLOR,
    "mathsize": _LENGTH_VALUE,
    "stretchy": _BOOLEAN,
    "fence": _BOOLEAN,
    "separator": _BOOLEAN,
    "accent": _BOOLEAN,
    "accentunder": _BOOLEAN,
    "largeop": _BOOLEAN,
    "movablelimits": _BOOLEAN,
    "symmetric": _BOOLEAN,
    "form": re.compile(r"^(?:prefix|infix|postfix)$"),
    "lspace": _LENGTH_VALUE,
    "rspace": _LENGTH_VALUE,
    "minsize": _LENGTH_VALUE,
    "maxsize": _LENGTH_VALUE,
    "width": _LENGTH_VALUE,
    "height": _LENGTH_VALUE,
    "depth": _LENGTH_VALUE,
    "voffset": _LENGTH_VALUE,
    "linethickness": _LENGTH_VALUE,
    "linebreak": re.compile(r"^(?:auto|newline|nobreak|goodbreak|badbreak)$"),
    "notation": _WORDS,
    "columnalign": _WORD_LIST,
    "rowalign": _WORD_LIST,
    "columnlines": _WORD_LIST,
    "rowlines": _WORD_LIST,
    "frame": _WORD_LIST,
    "columnspacing": _LENGTH_LIST,
    "rowspacing": _LENGTH_LIST,
    "framespacing": _LENGTH_LIST,
    "columnspan": _SMALL_INTEGER,
    "rowspan": _SMALL_INTEGER,
    "href": _ANCHOR,  # \href: an in-page anchor only; any other URL is dropped
}

#: Elements of focalrd's own HTML templates (html_report.py).
HTML_ELEMENTS = frozenset({
    "html", "head", "meta", "title", "style", "body", "div", "nav", "main", "section",
    "article", "header", "h1", "h2", "h3", "h4", "p", "ol", "ul", "li", "a", "table", "thead",
    "tbody", "tr", "th", "td", "code", "pre", "span", "small", "strong", "em", "details",
    "summary", "figure", "figcaption", "img",
})

#: Attributes of those elements (URL-valued ones are checked by :func:`audit_html`).
HTML_ATTRIBUTES = frozenset({
    "lang", "charset", "name", "content", "class", "id", "href", "src", "alt", "title",
    "aria-label",
})

#: The only non-anchor URL the page may contain: an embedded PNG figure.
_PNG_DATA_URI = re.compile(r"^data:image/png;base64,[A-Za-z0-9+/]+={0,2}$")

_TOKENS = re.compile(r"^[A-Za-z0-9_.:-]{1,300}(?: [A-Za-z0-9_.:-]{1,300}){0,10}$")

#: Deepest formula accepted (deeper ones are shown as LaTeX source).
MAX_MATHML_DEPTH = 200

# The LaTeX source is converted with '<', '>' and entity-like '&' replaced by these
# private-use characters, so no text in the source can become markup; they are mapped
# back to the characters (and escaped) when the cleaned MathML is written out.
_PLACEHOLDERS = {"<": "\ue3c0", ">": "\ue3c1", "&": "\ue3c2"}
_RESTORE = str.maketrans({v: k for k, v in _PLACEHOLDERS.items()})
_RELATIONS = {_PLACEHOLDERS["<"], _PLACEHOLDERS[">"]}
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


class UnsafeMarkup(ValueError):
    """The converter's output contains something outside the allow-lists."""


def protect_latex(source: str) -> str:
    """``source`` with ``<``, ``>`` and entity-like ``&`` replaced by placeholders.

    ``&`` followed by anything but an entity name stays (it is an alignment mark).
    """
    source = _ENTITY_LIKE.sub(_PLACEHOLDERS["&"], source)
    return source.replace("<", _PLACEHOLDERS["<"]).replace(">", _PLACEHOLDERS[">"])


def _text(value: str | None) -> str:
    if not value:
        return ""
    return escape_text(value.translate(_RESTORE))


def escape_text(value: str) -> str:
    """``value`` escaped for an HTML or XML text node or a quoted attribute."""
    return html.escape(value, quote=True)


def clean_mathml(mathml: str, alttext: str) -> str:
    """``mathml`` rebuilt from its allowed elements and attributes, with ``alttext``.

    Raises :class:`UnsafeMarkup` when it does not parse as XML, contains an element
    outside :data:`MATHML_ELEMENTS` or nests deeper than :data:`MAX_MATHML_DEPTH`.
    Attributes outside :data:`MATHML_ATTRIBUTES`, or whose value does not match, are
    dropped.
    """
    try:
        root = ElementTree.fromstring(mathml)
    except (ElementTree.ParseError, UnicodeError) as error:  # UnicodeError: lone surrogate
        raise UnsafeMarkup(f"not well-formed: {error}") from None
    out: list[str] = []
    # Iterative walk (a formula may nest deeply): (element, depth) to open it, or the
    # closing tag and the text that follows it.
    stack: list[tuple[ElementTree.Element, int] | str] = [(root, 0)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        element, depth = item
        name = _local_name(element.tag)
        if name not in MATHML_ELEMENTS:
            raise UnsafeMarkup(f"element <{name}> is not allowed")
        if depth > MAX_MATHML_DEPTH:
            raise UnsafeMarkup(f"nested deeper than {MAX_MATHML_DEPTH}")
        attributes = _attributes(element)
        if depth == 0:
            if name != "math":
                raise UnsafeMarkup("the outermost element is not <math>")
            attributes = [("alttext", alttext), ("xmlns", MATHML_NAMESPACE), *attributes]
        children = list(element)
        text = element.text or ""
        if name in ("mi", "mo") and not children and text in _RELATIONS:
            name = "mo"  # '<' or '>' in mathematics: a relation, as the converter writes it
        shown = "".join(f' {key}="{escape_text(value)}"' for key, value in attributes)
        out.append(f"<{name}{shown}>{_text(text)}")
        stack.append(f"</{name}>{_text(element.tail) if depth else ''}")
        stack.extend((child, depth + 1) for child in reversed(children))
    return "".join(out)


def _local_name(tag: str) -> str:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        if namespace != MATHML_NAMESPACE:
            raise UnsafeMarkup(f"element in namespace {namespace!r}")
        return local
    return tag


def _attributes(element: ElementTree.Element) -> list[tuple[str, str]]:
    kept = []
    for key, value in sorted(element.attrib.items()):
        pattern = MATHML_ATTRIBUTES.get(key)
        if pattern is not None and pattern.match(value.translate(_RESTORE).strip()):
            kept.append((key, value.strip()))
    return kept


# -- auditing a finished page ----------------------------------------------------------------


class _Auditor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.elements: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.add(tag)
        if tag not in HTML_ELEMENTS and tag not in MATHML_ELEMENTS:
            self.problems.append(f"element <{tag}> is not allowed")
        for key, value in attrs:
            if key == "alttext" and tag == "math":
                continue
            if key in ("href", "src"):
                self._url(tag, key, value or "")
            elif key in ("class", "id") and not _TOKENS.match(value or ""):
                self.problems.append(f"attribute {key}={value[:60]!r} on <{tag}> is not a "
                                     "plain name")
            elif tag in MATHML_ELEMENTS and tag not in HTML_ELEMENTS:
                pattern = MATHML_ATTRIBUTES.get(key)
                if key == "xmlns" and value == MATHML_NAMESPACE and tag == "math":
                    continue
                if pattern is None or not pattern.match(value or ""):
                    self.problems.append(f"attribute {key}={value!r} on <{tag}> is not allowed")
            elif key not in HTML_ATTRIBUTES:
                self.problems.append(f"attribute {key}={value!r} on <{tag}> is not allowed")

    handle_startendtag = handle_starttag

    def _url(self, tag: str, key: str, value: str) -> None:
        if key == "href" and value.startswith("#") and _ANCHOR.match(value):
            return
        if key == "src" and tag == "img" and _PNG_DATA_URI.match(value):
            return
        if key == "href" and tag == "a" and is_docs_link(value):
            return  # the link to a catalogue claim's page in the documentation
        self.problems.append(f"URL {key}={value[:60]!r} on <{tag}> is not allowed")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction {data[:40]!r}")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"declaration {data[:40]!r}")


def audit_html(page: str) -> list[str]:
    """Every element, attribute and URL of ``page`` outside the allow-lists (empty: clean).

    Allowed: the template's HTML elements and attributes, MathML from the
    allow-lists (values checked), ``href`` only as an in-page anchor ``#...`` (or the
    exact link of a catalogue claim to its documentation page) and
    ``src`` only as an embedded PNG (``data:image/png;base64,...``).
    """
    auditor = _Auditor()
    auditor.feed(page)
    auditor.close()
    return auditor.problems
