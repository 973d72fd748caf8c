"""The documentation: one anchor per registered claim, links to it, the worked example, the site.

The anchor of claim ``X`` is the element ``<a id="X"></a>`` in a page under
docs/ (followed by the ``{focalrd-claim} X`` directive that renders its
registered record).  Every registered claim of the suite has exactly one, on the
page :data:`focalrd.verify.docs_links.CLAIM_PAGES` names, and every such anchor
names a registered claim.
"""

from __future__ import annotations

import argparse
import functools
import html
import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from focalrd.verify.docs_links import CLAIM_PAGES, DOCS_URL_VARIABLE, claim_doc_link

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
ANCHOR = re.compile(r'<a id="([^"]+)"></a>')
CLAIM_DIRECTIVE = re.compile(r"^```\{focalrd-claim\}\s+(\S+)\s*$", re.M)


@functools.cache
def _suite_claims() -> frozenset[str]:
    """The ids the suite registers: every claim module loaded in a fresh interpreter.

    A fresh process, because tests that run user claims in-process may leave them
    registered in this one.
    """
    code = ("import json; from focalrd.verify.claims import load_all; "
            "from focalrd.verify.registry import registered_claims; "
            "load_all(); print(json.dumps(list(registered_claims())))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=600, check=True)
    return frozenset(json.loads(result.stdout))


def _doc_pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.parts)


def _anchors() -> list[tuple[str, Path]]:
    return [(match, page) for page in _doc_pages()
            for match in ANCHOR.findall(page.read_text(encoding="utf-8"))]


def anchor_problems(claims: set[str], anchors: list[tuple[str, Path]]) -> list[str]:
    """Every way in which ``anchors`` fail to give each claim exactly one anchor."""
    counts = Counter(name for name, _ in anchors)
    problems = [f"[{c}] has no anchor in docs/" for c in sorted(claims - set(counts))]
    problems += [f"[{c}] has {n} anchors" for c, n in sorted(counts.items()) if n > 1]
    problems += [f"anchor #{name} in {page.relative_to(REPO)} names no registered claim"
                 for name, page in anchors if name not in claims]
    return problems


def test_every_registered_claim_has_exactly_one_anchor_and_every_anchor_a_claim() -> None:
    claims = _suite_claims()
    assert len(claims) >= 28
    assert anchor_problems(set(claims), _anchors()) == []


def test_the_anchor_check_fails_on_a_missing_a_duplicate_and_a_stray_anchor() -> None:
    page = DOCS / "theory" / "x.md"
    anchors = [("a.one", page), ("a.one", page), ("a.stray", page)]
    problems = anchor_problems({"a.one", "a.two"}, anchors)
    assert problems == ["[a.two] has no anchor in docs/", "[a.one] has 2 anchors",
                        "anchor #a.stray in docs/theory/x.md names no registered claim"]


def test_each_anchor_is_on_its_page_and_followed_by_its_record() -> None:
    """The page the reports link to holds the anchor, and the anchor its claim's record."""
    assert set(CLAIM_PAGES) == _suite_claims()
    for claim_id, page in CLAIM_PAGES.items():
        text = (DOCS / f"{page}.md").read_text(encoding="utf-8")
        position = text.find(f'<a id="{claim_id}"></a>')
        assert position >= 0, f"[{claim_id}] is not anchored in docs/{page}.md"
        following = CLAIM_DIRECTIVE.search(text, position)
        assert following is not None and following.group(1) == claim_id, claim_id
    stated = [m for page in _doc_pages()
              for m in CLAIM_DIRECTIVE.findall(page.read_text(encoding="utf-8"))]
    assert sorted(stated) == sorted(CLAIM_PAGES)


def test_report_and_derive_links_resolve_from_their_directories(monkeypatch) -> None:
    monkeypatch.delenv(DOCS_URL_VARIABLE, raising=False)
    reports = REPO / "reports"
    for claim_id in CLAIM_PAGES:
        markdown = claim_doc_link(claim_id, "md")
        path, anchor = markdown.split("#")
        assert anchor == claim_id
        assert f'<a id="{claim_id}"></a>' in (reports / path).resolve().read_text("utf-8")
        assert claim_doc_link(claim_id, "repo") == f"docs/{CLAIM_PAGES[claim_id]}.md#{claim_id}"
        assert claim_doc_link(claim_id, "html") == \
            f"../docs/_build/html/{CLAIM_PAGES[claim_id]}.html#{claim_id}"
    assert claim_doc_link("my.claim") is None
    monkeypatch.setenv(DOCS_URL_VARIABLE, "https://example.org/focalrd/")
    assert claim_doc_link("tau.bracket", "md") == \
        "https://example.org/focalrd/theory/loss.html#tau.bracket"


def test_docs_links_examples_and_unsafe_bases(monkeypatch) -> None:
    import doctest

    import focalrd.verify.docs_links as docs_links

    monkeypatch.delenv(DOCS_URL_VARIABLE, raising=False)
    assert doctest.testmod(docs_links).failed == 0
    for unsafe in ("javascript:alert(1)", 'x" onclick="y', "data:text/html,<b>", "a b"):
        monkeypatch.setenv(DOCS_URL_VARIABLE, unsafe)
        assert claim_doc_link("tau.bracket", "html") == \
            "../docs/_build/html/theory/loss.html#tau.bracket", unsafe
    monkeypatch.setenv(DOCS_URL_VARIABLE, "file:///home/me/focalrd/docs/_build/html")
    assert docs_links.is_docs_link("file:///home/me/focalrd/docs/_build/html/theory/"
                                   "blocks.html#n.simulation")


def test_reports_link_each_catalogue_claim_and_no_user_claim(monkeypatch) -> None:
    from focalrd.verify.reporting.html_report import render_html
    from focalrd.verify.reporting.markdown import render_markdown
    from focalrd.verify.reporting.reference import ReferenceTable

    monkeypatch.delenv(DOCS_URL_VARIABLE, raising=False)
    document = {"schema": "focalrd.report/1", "claims": [
        {"id": "tau.bracket", "section": "3", "statement": "s", "latex": "x", "status":
         "verified", "provenance": "derived here", "expected": "holds", "evidence": []},
        {"id": "my.claim", "section": "3", "statement": "t", "latex": "y", "status":
         "verified", "provenance": "user", "expected": "holds", "evidence": []}]}
    markdown = render_markdown(document, [], ReferenceTable(), "figures")
    page = render_html(document, [], ReferenceTable())
    assert markdown.count("](../docs/theory/loss.md#tau.bracket)") == 1
    assert page.count('href="../docs/_build/html/theory/loss.html#tau.bracket"') == 1
    assert "my.claim)" not in markdown and "#my.claim" not in page


def test_derive_prints_the_anchor_in_text_and_latex(capsys) -> None:
    from focalrd.verify.cli import main

    assert main(["derive", "phi.reduces-to-log"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == "[phi.reduces-to-log]  (explained at docs/theory/loss.md#phi.reduces-to-log)"
    assert main(["derive", "tau.expansion", "--latex"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("% ") and "docs/theory/loss.md#tau.expansion" in first


@pytest.mark.slow
def test_the_worked_example_of_the_claims_guide_runs(tmp_path) -> None:
    """docs/examples/my_claims.py: the true claim verified, the false one refuted, shrunk."""
    example = DOCS / "examples" / "my_claims.py"
    assert example.name in (DOCS / "guide" / "own-claims.md").read_text("utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "focalrd.verify.cli", "verify", "--claims", str(example),
         "--only", "my.*", "--quick", "--out", str(tmp_path), "--json"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    claims = {c["id"]: c for c in json.loads(result.stdout)["claims"]}
    assert claims["my.phi-below-odds"]["status"] == "verified"
    assert claims["my.phi-below-odds"]["evidence"][0]["samples"] == 100
    false = claims["my.phi-below-miss"]
    assert false["status"] == "refuted" and false["met"] is True
    # The shrunk counterexample: the simplest gamma, and a p where ln(1/p) > 1 - p.
    found = false["counterexample"]
    assert found["gamma"] == "0"
    assert float(found["phi"]) > float(found["bound"])


def test_getting_started_python_prints_the_value_the_page_shows(capsys) -> None:
    page = (DOCS / "getting-started.md").read_text("utf-8")
    code = re.search(r"```python\n(.*?)```", page, re.S).group(1)
    exec(compile(code, "getting-started.md", "exec"), {})  # noqa: S102 - our own page
    lines = capsys.readouterr().out.split()
    assert lines, "the example printed nothing"
    for printed in lines:  # confirmed, and (with python-flint) proven: the same digits
        assert re.fullmatch(r"0\.\d{30}", printed), printed
        assert f"value = {printed} nats" in page


# -- the site ---------------------------------------------------------------------------------


def _sphinx_missing() -> bool:
    return any(importlib.util.find_spec(name) is None
               for name in ("sphinx", "myst_parser", "myst_nb"))


def readme_build_command() -> list[str]:
    """The Sphinx command of the README: the first command of its Documentation section."""
    section = (REPO / "README.md").read_text("utf-8").split("\n## Documentation\n", 1)[1]
    block = re.search(r"```(?:bash|sh)?\n(.*?)```", section, re.S).group(1)
    first = next(line for line in block.splitlines() if line.strip())
    command = first.split("&&")[-1].split()
    assert command[:3] == ["python", "-m", "sphinx"], first
    return command


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    if _sphinx_missing():
        pytest.skip("the docs extra is not installed (python -m pip install -e '.[docs]')")
    out = tmp_path_factory.mktemp("site")
    # The README's command (its last part, after installing), into a temporary directory.
    build = readme_build_command()
    assert build[-2:] == ["docs", "docs/_build/html"] and "-W" in build, build
    result = subprocess.run(
        [sys.executable, *build[1:-1], "-q", "-d", str(out / "doctrees"), str(out / "html")],
        capture_output=True, text=True, timeout=1800, cwd=REPO)
    assert result.returncode == 0, result.stderr[-4000:]
    assert result.stderr.strip() == "", result.stderr[-4000:]
    return out / "html"


@pytest.mark.slow
def test_site_builds_without_warnings_and_states_every_claim_once(site) -> None:
    assert (site / "index.html").is_file()
    counts = Counter()
    for page in site.rglob("*.html"):
        for claim_id in re.findall(r'<\w+[^<>]*?\sid="([^"]+)"', page.read_text("utf-8")):
            counts[claim_id] += 1
    for claim_id, page in CLAIM_PAGES.items():
        assert counts[claim_id] == 1, claim_id
        assert f'id="{claim_id}"' in (site / f"{page}.html").read_text("utf-8")
        # The html link of the reports, relative to reports/ beside docs/_build/html.
        link = claim_doc_link(claim_id, "html").split("#")[0]
        assert link == f"../docs/_build/html/{page}.html"


@pytest.mark.slow
def test_every_link_between_pages_of_the_site_resolves(site) -> None:
    """Relative links (claim roles, derivation links, cross-references) reach their anchor."""
    ids: dict[Path, set[str]] = {}

    def ids_of(page: Path) -> set[str]:
        if page not in ids:
            ids[page] = set(re.findall(r'<\w+[^<>]*?\sid="([^"]+)"', page.read_text("utf-8")))
        return ids[page]

    checked = 0
    for page in site.rglob("*.html"):
        for target, fragment in re.findall(r'href="([^"#:]*\.html)?#([^"]+)"',
                                           page.read_text("utf-8")):
            resolved = (page.parent / target).resolve() if target else page
            assert resolved.is_file(), (page.name, target)
            assert fragment in ids_of(resolved), (page.relative_to(site), target, fragment)
            checked += 1
    assert checked > 200


@pytest.mark.slow
def test_every_relative_href_and_src_of_the_site_is_a_file(site) -> None:
    """Pages, stylesheets, scripts and images: every relative reference resolves."""
    checked = 0
    for page in site.rglob("*.html"):
        text = page.read_text("utf-8")
        for target in re.findall(r'(?:href|src)="([^"#?]+)(?:[#?][^"]*)?"', text):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):
                continue  # an absolute URL (https:, mailto:): not part of the site
            assert (page.parent / target).resolve().exists(), (page.relative_to(site), target)
            checked += 1
    assert checked > 1000


@pytest.mark.slow
def test_each_committed_benchmark_figure_is_shown_on_the_benchmarks_page(site) -> None:
    # the tables' text names their figure (saddlepoint.png): the page must show it
    page = (site / "reference" / "benchmarks.html").read_text("utf-8")
    figures = sorted((REPO / "reports" / "benchmarks").glob("*.png"))
    assert figures
    for figure in figures:
        assert re.search(rf'<img [^>]*src="[^"]*{re.escape(figure.name)}"', page), figure.name
        assert (site / "_images" / figure.name).is_file()


@pytest.mark.slow
def test_generated_pages_follow_the_code(site) -> None:
    from focalrd.proofs.index import BUILDERS
    from focalrd.verify.cli import build_parser

    cli = (site / "reference" / "cli.html").read_text("utf-8")
    def commands(parser, prefix):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield f"{prefix} {name}", sub
                    yield from commands(sub, f"{prefix} {name}")

    found = list(commands(build_parser(), "focalrd"))
    assert len(found) > 10 and "focalrd eval tau" in dict(found)
    for name, command in found:
        section = cli.split(f'<section id="{name.replace(" ", "-")}">', 1)
        assert len(section) == 2, f"no section for {name}"
        usage = html.escape(command.format_usage().split()[1])
        assert usage in section[1], name
        # The first cells of the command's own options table (before any nested command).
        first_cells = re.findall(r"<tr[^>]*>\s*<td><p>(.*?)</p></td>",
                                 section[1].split("<section", 1)[0], re.S)
        documented = {word for cell in first_cells
                      for word in re.sub(r"<[^>]+>", "", cell).replace(",", " ").split()}
        for action in command._actions:
            if isinstance(action, argparse._HelpAction):  # every command has -h/--help
                continue
            for option in action.option_strings:
                assert option in documented, (name, option)
    derivations = (site / "theory" / "derivations.html").read_text("utf-8")
    for claim_id in BUILDERS:
        assert f"[{claim_id}]" in derivations, claim_id
    values = (site / "reference" / "values.html").read_text("utf-8")
    committed = json.loads((REPO / "reports" / "reference_values.json").read_text("utf-8"))
    for value in committed["values"]:
        digits = value["value"]
        grouped = " ".join(digits[i:i + 10] for i in range(0, len(digits), 10))
        assert f"<code>{grouped}</code>" in values, value["key"]
    # Mathematics is MathML, made at build time: no formula left as LaTeX source.
    loss = (site / "theory" / "loss.html").read_text("utf-8")
    visible = re.sub(r'alttext="[^"]*"', "", loss.split("<body", 1)[1])
    assert loss.count("<math") > 50 and "\\varphi" not in visible
