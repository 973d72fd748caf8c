"""Open report.html in headless Chromium, offline, and check that it renders.

Usage::

    python -m focalrd.verify.reporting.browser_check reports/report.html [--screenshot out.png]

What it does: copies the report to a temporary directory, appends one probe
script to the copy (the report itself has no scripts), and loads the copy in
headless Chromium with networking disabled (every host name resolves to
nothing, a dead proxy, no background or component-update traffic).  After the
page has loaded, the probe records in the DOM, which ``--dump-dom`` prints:

* whether the browser implements MathML (``MathMLElement``) and how many
  ``<math>`` elements were laid out as MathML (computed ``display`` of
  ``math``/``block math``/``inline math``, non-zero size);
* how many ``<img>`` elements finished loading with a non-zero natural size;
* every resource the page fetched (only ``data:`` URIs are allowed);
* every in-page link (``href="#..."``) whose target does not exist.

Exit status 0 when everything rendered, 1 when something did not, 2 when
Chromium is not found or the file does not exist.  Chromium is looked for as
``$FOCALRD_CHROMIUM``, ``chromium``, ``chromium-browser``, ``google-chrome``;
on Debian: ``apt-get install -y chromium``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_RESULT_ID = "focalrd-browser-check"

_PROBE = """
<script>
window.addEventListener("load", function () {
  var maths = Array.prototype.slice.call(document.getElementsByTagName("math"));
  var laidOut = maths.filter(function (m) {
    var display = getComputedStyle(m).display, box = m.getBoundingClientRect();
    return /math/.test(display) && box.width > 0 && box.height > 0;
  });
  var native = typeof MathMLElement !== "undefined" &&
      maths.every(function (m) { return m instanceof MathMLElement; });
  var images = Array.prototype.slice.call(document.images);
  var loaded = images.filter(function (i) { return i.complete && i.naturalWidth > 0; });
  var fetched = performance.getEntriesByType("resource").map(function (r) { return r.name; });
  var broken = Array.prototype.slice.call(document.querySelectorAll('a[href^="#"]'))
      .map(function (a) { return decodeURIComponent(a.getAttribute("href").slice(1)); })
      .filter(function (id) { return !document.getElementById(id); });
  var out = document.createElement("pre");
  out.id = "@RESULT_ID@";
  out.textContent = JSON.stringify({
    mathml_native: native, math: maths.length, math_laid_out: laidOut.length,
    images: images.length, images_loaded: loaded.length, fetched: fetched,
    broken_anchors: broken, anchors: document.querySelectorAll('a[href^="#"]').length
  });
  document.body.appendChild(out);
});
</script>
""".replace("@RESULT_ID@", _RESULT_ID)

_OFFLINE_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--no-default-browser-check",
    "--disable-sync", "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9", "--allow-file-access-from-files",
)


@dataclass
class BrowserCheck:
    """What the browser reported about the page."""

    probe: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def find_chromium() -> str | None:
    """The Chromium executable to use, or None."""
    configured = os.environ.get("FOCALRD_CHROMIUM")
    if configured:
        return configured if shutil.which(configured) else None
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(chromium: str, args: list[str], profile: str, timeout: float) -> str:
    command = [chromium, *_OFFLINE_FLAGS, f"--user-data-dir={profile}", *args]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                               check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"chromium exited with {completed.returncode}: "
                           f"{completed.stderr.strip()[-500:]}")
    return completed.stdout


def _judge(probe: dict[str, Any]) -> list[str]:
    problems = []
    if not probe.get("mathml_native"):
        problems.append("the browser does not treat <math> elements as MathML")
    if probe.get("math", 0) == 0:
        problems.append("the page has no <math> elements")
    elif probe.get("math_laid_out") != probe.get("math"):
        problems.append(f"only {probe.get('math_laid_out')} of {probe.get('math')} <math> "
                        "elements were laid out as MathML")
    if probe.get("images_loaded") != probe.get("images"):
        problems.append(f"only {probe.get('images_loaded')} of {probe.get('images')} images "
                        "loaded")
    outside = [url for url in probe.get("fetched", []) if not str(url).startswith("data:")]
    if outside:
        problems.append(f"the page fetched resources: {', '.join(outside[:5])}")
    if probe.get("broken_anchors"):
        problems.append(f"links to missing anchors: {', '.join(probe['broken_anchors'][:5])}")
    return problems


def dump_dom(page: Path, chromium: str | None = None, timeout: float = 120.0) -> str:
    """The DOM of ``page`` (loaded as it is, offline) after its load event, as HTML text.

    Used to check that a page runs no script: whatever a script changed
    (attributes, title, inserted nodes) shows in the dump.
    """
    chromium = chromium or find_chromium()
    if chromium is None:
        raise FileNotFoundError("Chromium not found (set FOCALRD_CHROMIUM or install chromium)")
    with tempfile.TemporaryDirectory(prefix="focalrd-browser-") as work:
        return _run(chromium, ["--virtual-time-budget=5000", "--dump-dom",
                               Path(page).resolve().as_uri()],
                    str(Path(work) / "profile"), timeout)


def check_report(report: Path, chromium: str | None = None, screenshot: Path | None = None,
                 timeout: float = 120.0) -> BrowserCheck:
    """Load ``report`` offline in headless Chromium and report what rendered."""
    chromium = chromium or find_chromium()
    if chromium is None:
        raise FileNotFoundError("Chromium not found (set FOCALRD_CHROMIUM or install chromium)")
    page = Path(report).read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="focalrd-browser-") as work:
        probed = Path(work) / "probed.html"
        probed.write_text(page.replace("</body>", _PROBE + "</body>", 1), encoding="utf-8")
        dom = _run(chromium, ["--virtual-time-budget=20000", "--dump-dom", probed.as_uri()],
                   str(Path(work) / "profile"), timeout)
        if screenshot is not None:
            _run(chromium, ["--window-size=1280,2400", "--hide-scrollbars",
                            f"--screenshot={Path(screenshot).resolve()}",
                            Path(report).resolve().as_uri()],
                 str(Path(work) / "profile-shot"), timeout)
    match = re.search(rf'<pre id="{_RESULT_ID}">(.*?)</pre>', dom, re.S)
    if match is None:
        return BrowserCheck({}, ["the probe did not run (page did not finish loading?)"])
    import html as _html

    probe = json.loads(_html.unescape(match.group(1)))
    return BrowserCheck(probe, _judge(probe))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m focalrd.verify.reporting.browser_check",
        description="Check that report.html renders offline in headless Chromium (MathML laid "
                    "out, figures loaded, no network fetches, in-page links resolve).")
    parser.add_argument("report", type=Path, help="path to report.html")
    parser.add_argument("--screenshot", type=Path, help="also save a screenshot (PNG)")
    parser.add_argument("--chromium", help="Chromium executable (default: search PATH)")
    args = parser.parse_args(argv)
    if not args.report.is_file():
        print(f"browser_check: error: no such file: {args.report}", file=sys.stderr)
        return 2
    try:
        result = check_report(args.report, args.chromium, args.screenshot)
    except FileNotFoundError as error:
        print(f"browser_check: error: {error}", file=sys.stderr)
        return 2
    probe = result.probe
    print(f"MathML native: {probe.get('mathml_native')}; <math> laid out: "
          f"{probe.get('math_laid_out')}/{probe.get('math')}; images loaded: "
          f"{probe.get('images_loaded')}/{probe.get('images')}; in-page links: "
          f"{probe.get('anchors')}; resources fetched: {len(probe.get('fetched', []))}")
    for problem in result.problems:
        print(f"PROBLEM: {problem}")
    print("OK: the report renders offline" if result.ok else "FAILED")
    return 0 if result.ok else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
