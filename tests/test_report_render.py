"""report.md / report.html rendered from a realistic sample document."""

from __future__ import annotations

import base64
import html
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_report_sample_document import sample_document

from focalrd.verify.reporting import render_reports
from focalrd.verify.reporting.figure_data import FIGURES
from focalrd.verify.reporting.reference import compute_table


class _Tags(HTMLParser):
    """Every start tag with its attributes, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("report")
    document = sample_document()
    paths = render_reports(document, out)
    reference = compute_table()
    return {"out": out, "paths": paths, "document": document, "reference": reference,
            "html": (out / "report.html").read_text(encoding="utf-8"),
            "md": (out / "report.md").read_text(encoding="utf-8")}


def _article(page: str, anchor: str) -> str:
    start = page.index(f'<article class="claim" id="{anchor}">')
    return page[start:page.index("</article>", start)]


def _anchor(claim_id: str) -> str:
    return "claim-" + re.sub(r"[^a-z0-9]+", "-", claim_id.lower()).strip("-")


@pytest.mark.slow
def test_writes_the_files_it_returns(rendered) -> None:
    names = {p.name for p in rendered["paths"]}
    assert {"report.md", "report.html", "reference_values.json"} <= names
    assert all(p.is_file() and p.stat().st_size > 0 for p in rendered["paths"])
    assert not list(rendered["out"].rglob("*.tmp")), "a temporary file was left behind"


def test_html_has_no_network_references(rendered) -> None:
    tags = _tags(rendered["html"])
    assert not [t for t, _ in tags if t in ("script", "link", "iframe", "object", "embed")]
    for tag, attrs in tags:
        for name, value in attrs.items():
            if name == "xmlns":       # a namespace name, never fetched
                continue
            assert not re.match(r"\s*(https?:)?//", value or "", re.I), (tag, name, value)
    styles = re.findall(r"<style>(.*?)</style>", rendered["html"], re.S)
    assert styles and not any(re.search(r"@import|url\(", s) for s in styles)


def test_every_claim_statement_is_mathml(rendered) -> None:
    page = rendered["html"]
    assert 'class="tex"' not in page, "a formula fell back to LaTeX source"
    for claim in rendered["document"]["claims"]:
        article = _article(page, _anchor(claim["id"]))
        alt = html.escape(claim["latex"].strip(), quote=True)
        assert f'<math alttext="{alt}"' in article, claim["id"]
        assert html.escape(claim["statement"]) in article


def test_derivation_steps_are_rendered_as_mathml(rendered) -> None:
    page = rendered["html"]
    steps = [step for claim in rendered["document"]["claims"] for entry in claim["evidence"]
             for part in ([entry["derivation"]] if "steps" in entry.get("derivation", {})
                          else entry.get("derivation", {}).get("parts", []))
             for step in part["steps"]]
    assert steps
    for step in steps:
        assert f'<math alttext="{html.escape(step["latex"], quote=True)}"' in page
        assert html.escape(step["description"]) in page


def test_toc_links_every_section_and_claim_and_all_anchors_resolve(rendered) -> None:
    tags = _tags(rendered["html"])
    ids = {attrs["id"] for _, attrs in tags if attrs.get("id")}
    links = [attrs["href"][1:] for tag, attrs in tags
             if tag == "a" and (attrs.get("href") or "").startswith("#")]
    assert set(links) <= ids
    toc = rendered["html"].split('<nav id="toc"', 1)[1].split("</nav>", 1)[0]
    for target in ["summary", "claims", "figures", "reference-values", "environment"] + [
            _anchor(c["id"]) for c in rendered["document"]["claims"]]:
        assert f'href="#{target}"' in toc, target
        assert target in ids


def test_figures_are_embedded_when_matplotlib_is_present(rendered) -> None:
    pytest.importorskip("matplotlib")
    images = [attrs["src"] for tag, attrs in _tags(rendered["html"]) if tag == "img"]
    pngs = sorted((rendered["out"] / "figures").glob("*.png"))
    # φ_γ, c_γ and the τ bracket need only functions that exist from the start.
    assert len(pngs) >= 3 and len(images) == len(pngs)
    embedded = {base64.b64decode(src.split(",", 1)[1]) for src in images}
    assert all(src.startswith("data:image/png;base64,") for src in images)
    assert embedded == {p.read_bytes() for p in pngs}
    assert all(data.startswith(b"\x89PNG\r\n\x1a\n") for data in embedded)
    skipped = len(FIGURES) - len(pngs)
    assert rendered["html"].count("<li>", rendered["html"].index('<section id="figures">'),
                                  rendered["html"].index('<section id="reference-values">')) \
        == skipped
    for png in pngs:
        assert f"](figures/{png.name})" in rendered["md"]


def test_without_matplotlib_reports_render_and_say_figures_were_skipped(rendered, tmp_path,
                                                                         monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)     # import matplotlib -> ImportError
    render_reports(sample_document(), tmp_path, reference=rendered["reference"])
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "<img" not in page and not (tmp_path / "figures").exists()
    assert page.count("matplotlib is not installed") == len(FIGURES)
    assert "Figures skipped" in markdown and "matplotlib is not installed" in markdown


def test_markdown_summary_table_has_a_row_per_claim(rendered) -> None:
    markdown = rendered["md"]
    header = ("| claim | provenance | expectation | status | evidence levels | numbers | "
              "seconds |")
    assert header in markdown
    for claim in rendered["document"]["claims"]:
        anchor = _anchor(claim["id"])
        row = next(line for line in markdown.splitlines()
                   if line.startswith(f"| [{claim['id']}](#{anchor})"))
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells[1] == claim["provenance"] and cells[3] == claim["status"]
        assert cells[2].startswith(claim["expected"])
        levels = list(dict.fromkeys(e["level"] for e in claim["evidence"]))
        assert cells[4] == ", ".join(levels)
        # numbers: certified checks (interval arithmetic) are proven unless they say
        # otherwise, every other level confirmed; a claim is proven when all its conclusive
        # checks are, partly proven when some are
        kinds = [e.get("numbers") or ("proven" if e["level"] == "certified" else "confirmed")
                 for e in claim["evidence"] if e["passed"] is not None]
        expected = ("" if not kinds else "proven" if set(kinds) == {"proven"}
                    else "partly proven" if "proven" in kinds else "confirmed")
        assert cells[5] == expected
        assert cells[6] == f"{float(claim['seconds']):.2f}"
        assert f'<a id="{anchor}"></a>' in markdown
        assert f"$${claim['latex']}$$" in markdown


def test_counterexamples_and_check_numbers_appear(rendered) -> None:
    refuted = next(c for c in rendered["document"]["claims"]
                   if c["id"] == "summary.hgamma-nonnegative")
    article = _article(rendered["html"], _anchor(refuted["id"]))
    assert "-0.69314718055994530942" in article and "Counterexample" in article
    assert "every distribution on a grid" in article and ">1000<" in article
    section = rendered["md"].split(f'<a id="{_anchor(refuted["id"])}"></a>')[1].split(
        "<a id=")[0]
    assert "| H_gamma | -0.69314718055994530942 |" in section
    assert "| instances | 1000 |" in section


def test_unknown_keys_are_shown_generically(rendered) -> None:
    assert "future_field" in rendered["html"] and "an unknown claim key" in rendered["html"]
    assert "an_unknown_top_level_key" in rendered["md"]
    assert "max_error" in rendered["html"] and "1.2e-40" in rendered["md"]


def test_reference_values_and_environment_are_reported(rendered) -> None:
    table = json.loads((rendered["out"] / "reference_values.json").read_text(encoding="utf-8"))
    assert table["values"]
    for entry in table["values"]:
        assert entry["value"] in rendered["html"] and entry["value"] in rendered["md"]
    env = rendered["document"]["environment"]
    for text in (env["python"], env["git_revision"], *env["packages"]):
        assert text in rendered["html"] and text in rendered["md"]


def test_malformed_documents_still_render(rendered, tmp_path: Path) -> None:
    reference = rendered["reference"]
    evil = "<script>alert(1)</script>"
    for document in ({}, {"claims": "not a list"},
                     {"claims": [None, 3, {"id": evil, "statement": evil, "evidence": [
                         None, {"level": 7, "derivation": {"steps": [None, {"latex": "\\foo{"}]}},
                         {"passed": "maybe", "counterexample": [1, 2]}]}],
                      "summary": None, "environment": {"packages": ["x"]}}):
        render_reports(document, tmp_path, figures=[], reference=reference)
        page = (tmp_path / "report.html").read_text(encoding="utf-8")
        assert "<script" not in page
        assert page.rstrip().endswith("</html>")
    assert html.escape(evil) in page
    assert 'class="tex"' in page      # the broken formula is shown as source, not dropped


def test_runner_fields_are_shown(rendered) -> None:
    page, markdown = rendered["html"], rendered["md"]
    for text in ("focalrd.verify.claims.broken", "cannot import name", "did not run",
                 "verified, as expected", "focalrd.verify.claims.sample.sampled_check"):
        assert html.escape(text) in page and text in markdown, text
    assert "did not (n.simulation)" in markdown and "not met: n.simulation" in page
