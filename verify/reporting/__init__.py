"""Rendering of verification reports (report.md, report.html, figures, reference values).

:func:`render_reports` is called by the runner after it has written
``report.json`` (and by ``focalrd report`` for an existing one); it writes into
the same directory

* ``report.md`` — summary table, one section per claim, figures, reference
  values, environment;
* ``report.html`` — the same as one self-contained page (inline CSS, MathML,
  figures as data URIs, no scripts, no network references);
* ``figures/*.png`` — the figures (when matplotlib is installed);
* ``reference_values.json`` — the high-precision reference values with how each
  was checked (top-level ``"agreed": false``, and a warning in both reports,
  when a value is unavailable or a cross-check disagreed);

and returns the paths it wrote.  Every file is written atomically.
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
                   reference: ReferenceTable | None = None) -> list[Path]:
    """Write the human-readable reports for ``document`` into ``out_dir``.

    ``figures`` and ``reference`` default to freshly computed ones (pass them to
    reuse a computation, e.g. when rendering several documents).
    """
    from focalrd.verify.files import write_bytes_atomic, write_text_atomic
    from focalrd.verify.reporting.figures import make_figures
    from focalrd.verify.reporting.html_report import render_html
    from focalrd.verify.reporting.markdown import render_markdown
    from focalrd.verify.reporting.reference import compute_table, table_json

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = make_figures() if figures is None else figures
    reference = compute_table() if reference is None else reference
    written = [write_bytes_atomic(out_dir / FIGURE_DIR / f.filename, f.png)
               for f in figures if f.png is not None]
    written.append(write_text_atomic(out_dir / "reference_values.json", table_json(reference)))
    written.append(write_text_atomic(out_dir / "report.md",
                                     render_markdown(document, figures, reference, FIGURE_DIR)))
    written.append(write_text_atomic(out_dir / "report.html",
                                     render_html(document, figures, reference)))
    return written
