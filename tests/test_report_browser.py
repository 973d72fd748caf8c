"""report.html opened offline in headless Chromium (skipped where Chromium is not installed)."""

from __future__ import annotations

import pytest
from test_report_sample_document import sample_document

from focalrd.verify.reporting import render_reports
from focalrd.verify.reporting.browser_check import check_report, find_chromium

#: Seconds Chromium may take to load a page: a hang guard (the page's scripts run in virtual
#: time), generous because a loaded machine slows Chromium's start-up many times over.
BROWSER_PATIENCE = 600.0


@pytest.mark.skipif(find_chromium() is None,
                    reason="Chromium not installed (apt-get install -y chromium, or set "
                           "FOCALRD_CHROMIUM); the headless-browser check needs it")
@pytest.mark.slow
def test_report_renders_offline_in_headless_chromium(tmp_path) -> None:
    pytest.importorskip("matplotlib")
    render_reports(sample_document(), tmp_path)
    result = check_report(tmp_path / "report.html", timeout=BROWSER_PATIENCE)
    assert result.ok, result.problems
    probe = result.probe
    assert probe["mathml_native"] is True
    assert probe["math"] >= len(sample_document()["claims"])
    assert probe["math_laid_out"] == probe["math"]
    assert probe["images"] >= 3 and probe["images_loaded"] == probe["images"]
    assert probe["fetched"] == [] and probe["broken_anchors"] == []


@pytest.mark.skipif(find_chromium() is None,
                    reason="Chromium not installed (apt-get install -y chromium, or set "
                           "FOCALRD_CHROMIUM); the headless-browser check needs it")
def test_the_browser_check_flags_a_broken_page(tmp_path) -> None:
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html><body><a href="#nowhere">x</a>'
                    '<img src="data:image/png;base64,AAAA">'
                    '<img src="https://example.invalid/x.png"></body></html>', encoding="utf-8")
    result = check_report(page, timeout=BROWSER_PATIENCE)
    assert not result.ok
    text = " ".join(result.problems)
    assert "no <math> elements" in text and "0 of 2 images" in text
    assert "example.invalid" in text and "nowhere" in text
