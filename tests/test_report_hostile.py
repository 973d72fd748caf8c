"""A hostile report.json corpus: report.html must contain no markup but focalrd's own.

Every field the HTML report shows gets script tags, event attributes,
``javascript:``/``data:`` URLs, SVG/foreignObject, entity tricks and deep
nesting, as plain text and inside LaTeX (``\\text``, ``\\mbox``, ``\\hbox``,
``\\fbox``, ``\\href``).  The page written by ``focalrd report hostile.json --out X``
is then

* parsed with :mod:`html.parser` against an allow-list written here, independently
  of the renderer's own (:mod:`focalrd.verify.reporting.sanitize`);
* opened in headless Chromium (when installed): no script may run.  A control copy
  of the page with one planted script shows that the detection works.
"""

from __future__ import annotations

import functools
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_report_sample_document import sample_document

from focalrd.verify.cli import main
from focalrd.verify.reporting import figures, reference, render_reports
from focalrd.verify.reporting.browser_check import dump_dom, find_chromium

MARK = "pwned"  # every script payload sets this attribute on <html>, or the title


def _script(n: int) -> str:
    return f"document.documentElement.setAttribute('data-{MARK}','{n}');document.title='{MARK}'"


def _payloads() -> list[str]:
    """Hostile texts: each would run a script, load something or add markup if not escaped."""
    s = _script
    return [
        f"<script>{s(1)}</script>",
        f'<img src=x onerror="{s(2)}">',
        f'<svg onload="{s(3)}"><foreignObject><body onload="{s(3)}"></body></foreignObject></svg>',
        f'"><iframe src="javascript:{s(4)}"></iframe>',
        f"</math></code></pre><script>{s(5)}</script>",
        f"&lt;script&gt;{s(6)}&lt;/script&gt; &#60;script&#62;{s(6)}&#60;/script&#62;",
        f"<a href=\"data:text/html,<script>{s(7)}</script>\">x</a>",
        "<style>body{background:url(https://example.invalid/x.png)}</style>",
        f"<math><annotation-xml encoding=\"text/html\"><script>{s(8)}</script>"
        "</annotation-xml></math>",
    ]


def _latex_payloads() -> list[str]:
    """Hostile LaTeX: the converter copies text-mode arguments and makes \\href links."""
    s = _script
    out = []
    for command in ("text", "mbox", "hbox", "fbox", "textbf", "emph"):
        out.append(rf"x + \{command}{{<script>{s(10)}</script>}} = 1")
        out.append(rf"\{command}{{<img src=x onerror=\"{s(11)}\">}}")
    out += [
        rf"\href{{javascript:{s(12)}}}{{click}}",
        r"\href{https://example.invalid/}{out}",
        rf"\href{{data:text/html,<script>{s(13)}</script>}}{{x}}",
        r"\style{background:url(https://example.invalid/y.png)}{y}",
        r'\color{red" onmouseover="alert(1)}{z}',
        rf"\text{{&lt;script&gt;{s(14)}&lt;/script&gt;}}",
        rf"\text{{&#x3C;script&#x3E;{s(15)}&#x3C;/script&#x3E;}}",
        r"\unicode{3C}script\unicode{3E}",
        "{" * 400 + "x" + "}" * 400,
        r"\frac{1}{2} < x > y & z",
    ]
    return out


def hostile_document() -> dict:
    """The sample document with every shown field replaced or extended by hostile texts."""
    document = sample_document()
    texts, latex = _payloads(), _latex_payloads()
    everything = texts + [f"${t}$" for t in latex]
    claims = document["claims"]
    for index, claim in enumerate(claims):
        text = everything[index % len(everything)]
        claim["latex"] = latex[index % len(latex)]
        claim["statement"] = texts[index % len(texts)]
        for key in ("why", "notes", "met_reason", "provenance", "expected", "section"):
            claim[key] = f"{key}: {text}"
        claim["id"] = f"{claim['id']}{texts[index % len(texts)]}" if index % 5 == 0 \
            else claim["id"]
        claim["status"] = f"verified{texts[index % len(texts)]}" if index % 7 == 0 \
            else claim["status"]
        claim["an_unknown_field"] = {text: [text, 10 ** 4000]}
        for entry in claim["evidence"]:
            entry["method"] = f"method ${latex[(index + 1) % len(latex)]}$ and {text}"
            entry["level"] = texts[(index + 2) % len(texts)]
            entry[f"detail{texts[0]}"] = {"nested": {"deeper": {"deepest": text}}}
            entry["check"] = text
        if index % 3 == 0:
            claim["counterexample"] = {text: text, "n": 10 ** 4000}
    for claim in claims:
        for entry in claim["evidence"]:
            if "derivation" not in entry:
                continue
            parts = entry["derivation"].get("parts", [entry["derivation"]])
            for part in parts:
                part["title"] = texts[0]
                part["assumptions"] = texts[:2]
                for number, step in enumerate(part.get("steps", [])):
                    step["latex"] = latex[number % len(latex)]
                    step["description"] = f"step ${latex[(number + 3) % len(latex)]}$ {texts[1]}"
                    step["method"] = f"${latex[(number + 5) % len(latex)]}$ {texts[2]}"
                renamed = {}
                for lemma in (part.get("lemmas") or {}).values():
                    lemma["title"] = texts[4]
                    for step in lemma.get("steps", []):
                        step["latex"] = latex[0]
                        step["description"] = f"${latex[1]}$"
                    renamed[texts[3]] = lemma
                part["lemmas"] = renamed
    document["load_errors"] = [{"module": texts[0], "error": texts[1]}, texts[2]]
    document["environment"]["packages"][texts[3]] = texts[4]
    document["environment"][texts[5]] = texts[6]
    document["settings"]["seed"] = 10 ** 4000
    document["settings"][texts[7]] = texts[8]
    document["summary"]["not_met_ids"] = texts
    document["summary"]["by_level"] = {texts[0]: texts[1]}
    document["created"] = texts[0]
    document["focalrd_version"] = texts[1]
    document[texts[2]] = {"deep": _nested(60, texts[3])}
    return document


def _nested(depth: int, leaf: str) -> object:
    value: object = leaf
    for level in range(depth):
        value = {f"k{level}": value} if level % 2 else [value]
    return value


# -- an allow-list written independently of the renderer's -------------------------------

_PAGE_ELEMENTS = {"html", "head", "meta", "title", "style", "body", "div", "nav", "main",
                  "section", "article", "header", "h1", "h2", "h3", "h4", "p", "ol", "ul", "li",
                  "a", "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "span",
                  "small", "strong", "em", "details", "summary", "figure", "figcaption", "img"}
_MATH_ELEMENTS = {"math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "msup", "msub",
                  "msubsup", "mfrac", "msqrt", "mroot", "mstyle", "mpadded", "mphantom",
                  "menclose", "mover", "munder", "munderover", "mtable", "mtr", "mtd"}
_PAGE_ATTRIBUTES = {"lang", "charset", "name", "content", "class", "id", "href", "src", "alt",
                    "title", "aria-label"}
_MATH_ATTRIBUTES = {"xmlns", "alttext", "display", "displaystyle", "scriptlevel", "mathvariant",
                    "mathcolor", "stretchy", "fence", "form", "accent", "width", "notation",
                    "minsize", "maxsize", "linethickness", "lspace", "rspace", "columnalign",
                    "rowspacing", "columnspacing", "separator", "movablelimits", "largeop",
                    "href", "mathsize", "linebreak", "symmetric"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag

    def handle_pi(self, data):
        self.other.append(data)

    def unknown_decl(self, data):
        self.other.append(data)


def assert_only_allowed_markup(page: str) -> None:
    collector = _Collector()
    collector.feed(page)
    collector.close()
    assert collector.other == []
    assert sum(1 for tag, _ in collector.tags if tag == "style") == 1
    for tag, attrs in collector.tags:
        assert tag in _PAGE_ELEMENTS | _MATH_ELEMENTS, tag
        allowed = _MATH_ATTRIBUTES if tag in _MATH_ELEMENTS else _PAGE_ATTRIBUTES
        for key, value in attrs.items():
            assert key in allowed, (tag, key, value)
            assert not key.startswith("on"), (tag, key)
            if key in ("class", "id"):
                assert re.fullmatch(r"[\w.:-]+( [\w.:-]+)*", value), (tag, key, value)
            elif key != "alttext":
                assert "javascript:" not in value.lower(), (tag, key, value)
            if key == "href":
                # an in-page anchor, or a catalogue claim's page of the built documentation
                # (theory/, and guide/own-claims for the runner's control claim)
                assert (re.fullmatch(r"#[A-Za-z][\w.:-]*", value)
                        or tag == "a" and re.fullmatch(
                            r"\.\./docs/_build/html/(theory|guide)/[a-z-]+\.html#[a-z][\w.-]*",
                            value)), (tag, value)
            if key == "src":
                assert tag == "img" and value.startswith("data:image/png;base64,"), value
            if key == "xmlns":
                assert value == "http://www.w3.org/1998/Math/MathML"
    # The style sheet is the package's own: nothing of the document inside it.
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    assert MARK not in style and "example.invalid" not in style


# -- the tests ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _table() -> reference.ReferenceTable:
    return reference.compute_table()


@pytest.fixture
def fast_reference(monkeypatch):
    """One computed reference table and one tiny figure (a 1x1 PNG) with hostile texts."""
    table = _table()
    monkeypatch.setattr(reference, "compute_table", lambda *args, **kwargs: table)
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000"
                        "000049454e44ae426082")
    monkeypatch.setattr(figures, "make_figures", lambda: [
        figures.Figure("phi-gamma", _payloads()[1], _payloads()[0], png=png),
        figures.Figure("skipped", _payloads()[2], "", skipped=_payloads()[3])])
    return table


@pytest.fixture
def hostile_page(tmp_path, fast_reference) -> Path:
    source = tmp_path / "hostile.json"
    source.write_text(json.dumps(hostile_document()), encoding="utf-8")
    out = tmp_path / "X"
    assert main(["report", str(source), "--out", str(out)]) == 0
    return out / "report.html"


def test_the_corpus_reaches_every_shown_field(hostile_page) -> None:
    page = hostile_page.read_text(encoding="utf-8")
    # The payloads are there, as text: the escaped script tags and the converted formulas.
    assert page.count("&lt;script&gt;") > 100
    assert page.count("<math") > 50
    assert page.count('src="data:image/png;base64,') == 1
    # \text{...} contents are text inside <mtext>, not markup.
    assert re.search(r"<mtext>&lt;script&gt;document\.documentElement", page)
    # Lemma and derivation-step formulas were reached too.
    assert "Lemma: &quot;&gt;&lt;iframe src=" in page


def test_hostile_report_contains_only_allowed_markup(hostile_page) -> None:
    assert_only_allowed_markup(hostile_page.read_text(encoding="utf-8"))


def test_the_allow_list_check_catches_injected_markup() -> None:
    """The auditor above fails on the pages the old renderer produced."""
    good = "<html><body><p>x</p></body></html>"
    for bad in ("<script>x</script>", '<img src="x" onerror="y">', '<a href="javascript:x">',
                "<mtext><svg></svg></mtext>", '<math><mrow href="javascript:x"></mrow></math>',
                '<img src="data:text/html,x">'):
        with pytest.raises(AssertionError):
            assert_only_allowed_markup(good.replace("<p>x</p>", bad) + "<style></style>")


def test_a_hostile_claims_module_cannot_inject_markup(tmp_path, fast_reference, capsys) -> None:
    from focalrd.verify.registry import isolated_registry
    from focalrd.verify.runner import load_claims

    load_claims()
    texts, latex = _payloads(), _latex_payloads()
    module = tmp_path / "hostile_claims.py"
    module.write_text(
        "from focalrd.verify.registry import Evidence, claim\n"
        f"TEXTS = {texts!r}\nLATEX = {latex!r}\n"
        "for i, latex in enumerate(LATEX):\n"
        "    text = TEXTS[i % len(TEXTS)]\n"
        "    def check(ctx, text=text, latex=latex):\n"
        "        return Evidence('reference', f'method ${latex}$ {text}', True,\n"
        "                        {text: text, 'why': f'${latex}$'})\n"
        "    claim(f'hostile.c{i}', statement=text, latex=latex, provenance='user', section=text,\n"
        "          notes=f'${latex}$ {text}')(check)\n", encoding="utf-8")
    out = tmp_path / "out"
    with isolated_registry():
        status = main(["verify", "--claims", str(module), "--only", "hostile.*", "--quick",
                       "--out", str(out)])
    assert status == 0, capsys.readouterr().err
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("<math") >= len(latex)
    assert_only_allowed_markup(page)


def test_a_lone_surrogate_from_a_claim_renders_as_a_replacement(tmp_path, fast_reference) -> None:
    document = sample_document()
    document["claims"][0]["statement"] = "bad \ud800 text"
    document["claims"][0]["latex"] = "\\text{\ud800}"
    paths = render_reports(document, tmp_path)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "bad ? text" in page and tmp_path / "report.html" in paths


_NEEDS_CHROMIUM = pytest.mark.skipif(
    find_chromium() is None, reason="Chromium not installed (apt-get install -y chromium, or "
                                    "set FOCALRD_CHROMIUM); the headless-browser check needs it")


def _scripts_ran(dom: str) -> bool:
    root = re.search(r"<html[^>]*>", dom).group(0)
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    return MARK in root or (title is not None and MARK in title.group(1))


@_NEEDS_CHROMIUM
@pytest.mark.slow
def test_no_script_runs_in_headless_chromium(hostile_page, tmp_path) -> None:
    # Control: the same page with one real script planted; the detection must see it run.
    control = tmp_path / "control.html"
    control.write_text(hostile_page.read_text(encoding="utf-8").replace(
        "</body>", f"<script>{_script(99)}</script></body>", 1), encoding="utf-8")
    assert _scripts_ran(dump_dom(control, timeout=600))

    dom = dump_dom(hostile_page, timeout=600)
    assert not _scripts_ran(dom), re.search(r"<html[^>]*>", dom).group(0)
    assert "<title>focalrd verification report</title>" in dom
    # What the browser built from the page: still only allowed elements.
    assert not re.search(r"<(script|iframe|svg|foreignobject|object|embed)[\s>]", dom, re.I)


def test_the_renderer_refuses_a_page_its_audit_rejects(tmp_path, fast_reference, monkeypatch,
                                                       capsys) -> None:
    """Planted bug: the LaTeX is converted as it is and the converter's output shipped.

    The page audit then stops the render (a bug: exit 4) and nothing is written.
    """
    from focalrd.verify.reporting import mathml

    mathml.to_mathml.cache_clear()  # and again after the test (the fixture below)
    monkeypatch.setattr(mathml, "protect_latex", lambda source: source)
    monkeypatch.setattr(mathml, "clean_mathml",
                        lambda markup, alt: markup.replace("<math ", "<math alttext='' ", 1))
    document = sample_document()
    document["claims"][0]["latex"] = rf"\text{{<script>{_script(1)}</script>}}"
    source = tmp_path / "doc.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["report", str(source), "--out", str(out)]) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "element <script> is not allowed" in err
    assert not out.exists() or not any(out.iterdir())


@pytest.fixture(autouse=True)
def _fresh_formula_cache():
    """No formula converted under a planted bug outlives its test."""
    from focalrd.verify.reporting import mathml

    yield
    mathml.to_mathml.cache_clear()


@pytest.mark.parametrize("latex, kept, dropped", [
    (r"\href{javascript:alert(1)}{x}", "<mi>x</mi>", "javascript"),
    (r"\href{https://example.invalid/}{x}", "<mi>x</mi>", "example.invalid"),
    (r"\href{#claim-phi-convex}{x}", 'href="#claim-phi-convex"', "javascript"),
    (r"\style{color:red}{x}", "<mi>x</mi>", "style="),
    (r'\color{red" onclick="x}{y}', "<mi>y</mi>", "onclick"),
    (r"\text{<b>bold</b>}", "<mtext>&lt;b&gt;bold&lt;/b&gt;</mtext>", "<b>"),
    (r"\text{&lt;b&gt;}", "<mtext>&amp;lt;b&amp;gt;</mtext>", "<b>"),
    (r"a < b > c", "<mo>&lt;</mo>", "<mi>\ue3c0"),
])
def test_formulas_keep_their_text_and_lose_links_and_styles(latex, kept, dropped) -> None:
    from focalrd.verify.reporting.mathml import to_mathml

    out = to_mathml(latex)
    body = out.split(">", 1)[1]  # past the <math ...> tag and its alttext
    assert kept in body and dropped not in body, out


# -- report.md: the same corpus through a Markdown renderer that passes raw HTML ------------

_MARKDOWN_ELEMENTS = {"h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "a", "table", "thead",
                      "tbody", "tr", "th", "td", "code", "pre", "strong", "em", "img", "br",
                      "hr"}


def test_hostile_report_markdown_renders_to_no_markup_of_its_own(hostile_page) -> None:
    """CommonMark with raw HTML on (the most permissive common setting) and GFM tables.

    Such a renderer passes ``<script>`` through untouched, and does not know ``$...$``,
    so mathematics must be inert too.  Allowed: the Markdown elements, ``<a id>``
    anchors, in-page and documentation links, and the figures beside the report.
    """
    markdown_it = pytest.importorskip("markdown_it")
    source = hostile_page.with_name("report.md").read_text(encoding="utf-8")
    page = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(source)
    collector = _Collector()
    collector.feed(page)
    collector.close()
    assert collector.other == []
    for tag, attrs in collector.tags:
        assert tag in _MARKDOWN_ELEMENTS, (tag, attrs)
        for key, value in attrs.items():
            assert key in {"href", "id", "src", "alt", "style", "start"}, (tag, key, value)
            if key == "start":
                assert tag == "ol" and value.isdigit(), (tag, value)
            if key == "id":
                assert tag == "a" and re.fullmatch(r"[a-z][a-z0-9-]*", value), value
            if key == "href":
                assert (re.fullmatch(r"#[a-z][a-z0-9-]*", value)
                        or re.fullmatch(r"\.\./docs/(theory|guide)/[a-z-]+\.md#[a-z][\w.-]*",
                                        value)), value
            if key == "src":
                assert tag == "img" and re.fullmatch(r"figures/[a-z-]+\.png", value), value
            if key == "style":
                assert re.fullmatch(r"text-align:(left|right|center)", value), value
    # The corpus reached the Markdown report, as text.
    assert page.count("&lt;script&gt;") > 50
    # No TeX command of the document's that makes links, styles or images survives where
    # a viewer with mathematics would typeset it (code spans are shown verbatim).
    outside_code = re.sub(r"<code>.*?</code>", "", page, flags=re.S)
    assert not re.search(r"\\(href|style|unicode|class|cssId|bbox)(?![A-Za-z])", outside_code)
    assert "\\mathrm{href}" in outside_code  # the corpus's \href reached a formula
