"""Rendering of verification reports (report.md, report.html, figures, reference values).

:func:`render_reports` is called by ``focalrd verify`` with the run's
``report.json`` (and by ``focalrd report`` for an existing one); it writes into
the output directory, as one set (all files from one run, or none),

* ``report.md`` — summary table, one section per claim, figures, reference
  values, environment;
* ``report.html`` — the same as one self-contained page (inline CSS, MathML,
  figures as data URIs, no scripts, no network references);
* ``figures/*.png`` — the figures (when matplotlib is installed);
* ``reference_values.json`` — the high-precision reference values with how each
  was checked (top-level ``"agreed": false``, and a warning in both reports,
  when a value is unavailable or a cross-check disagreed);

and returns the paths it wrote.  Every file is written atomically, and the set
as a whole: a failure leaves the previous set untouched.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the renderers are imported when used (keeps `python -m` of submodules clean)
    from focalrd.verify.reporting.figures import Figure
    from focalrd.verify.reporting.reference import ReferenceTable

#: Subdirectory of the output directory holding the figure PNGs.
FIGURE_DIR = "figures"

__all__ = ["FIGURE_DIR", "render_reports"]


def render_reports(document: Mapping[str, Any], out_dir: Path, *,
                   figures: list[Figure] | None = None,
                   reference: ReferenceTable | None = None,
                   report_json: bytes | None = None) -> list[Path]:
    """Write the human-readable reports for ``document`` into ``out_dir``, as one set.

    ``figures`` and ``reference`` default to freshly computed ones (pass them to
    reuse a computation, e.g. when rendering several documents).  ``report_json``
    (the document's JSON text) is installed with the rendered files, last, so that
    every file in ``out_dir`` comes from the same run.  Everything is rendered in
    memory first; then :func:`~focalrd.verify.files.install_files` puts the set in
    place, all or nothing (PNG figures of an earlier set that this one lacks are
    removed).  If rendering fails, nothing in ``out_dir`` changes.  An unusable
    directory raises InvalidInputError (``out``); any other error is a bug.
    """
    from focalrd.verify.files import check_output_directory, install_files
    from focalrd.verify.reporting.figures import make_figures
    from focalrd.verify.reporting.html_report import render_html
    from focalrd.verify.reporting.markdown import render_markdown
    from focalrd.verify.reporting.reference import compute_table, table_json

    out_dir = check_output_directory(out_dir)
    figures = make_figures() if figures is None else figures
    reference = compute_table() if reference is None else reference
    files: dict[str, bytes] = {f"{FIGURE_DIR}/{f.filename}": f.png
                               for f in figures if f.png is not None}
    files["reference_values.json"] = _utf8(table_json(reference))
    files["report.md"] = _utf8(render_markdown(document, figures, reference, FIGURE_DIR))
    files["report.html"] = _utf8(render_html(document, figures, reference))
    if report_json is not None:
        files["report.json"] = report_json
    old_figures = Path(out_dir) / FIGURE_DIR
    stale = sorted(f"{FIGURE_DIR}/{p.name}" for p in old_figures.glob("*.png")
                   if f"{FIGURE_DIR}/{p.name}" not in files) if old_figures.is_dir() else []
    return install_files(out_dir, files, remove=stale)


def _utf8(text: str) -> bytes:
    """UTF-8 bytes of a rendered text (a lone surrogate from a document shows as '?')."""
    return text.encode("utf-8", errors="replace")
