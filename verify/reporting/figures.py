"""Drawing the report's figures as PNG images (matplotlib, optional).

matplotlib is an optional extra (``pip install focalrd[figures]``).  It is
imported only here, lazily, and drawn through the Agg canvas directly (no
pyplot, so no global backend state).  Without it — or when a figure's data
cannot be computed — the figure is returned with ``png = None`` and the reason
in ``skipped``; the reports then list it as skipped.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass

from focalrd.verify.reporting.figure_data import FIGURES, TITLES, FigureUnavailable, PlotData

_STYLES = {"line": "-", "dashed": "--", "dotted": ":", "dashdot": "-.", "step": "-"}


@dataclass
class Figure:
    """A drawn (or skipped) figure."""

    name: str
    title: str
    caption: str
    png: bytes | None = None
    skipped: str | None = None
    seconds: float = 0.0

    @property
    def filename(self) -> str:
        return f"{self.name}.png"


def matplotlib_missing() -> str | None:
    """Why figures cannot be drawn (None when matplotlib is available)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return "matplotlib is not installed (install the optional extra: focalrd[figures])"
    return None


_SUBSCRIPTED = re.compile(r"(c|φ|τ|D\*|F|H)_γ")
_TEX_BASE = {"c": "c", "φ": r"\varphi", "τ": r"\tau", "D*": "D^*", "F": "F", "H": "H"}


def mathtext(text: str) -> str:
    """Titles and axis labels as matplotlib draws them: ``c_γ`` becomes mathtext ``$c_\\gamma$``
    (a literal underscore would be printed as is); text already in ``$…$`` is kept.

    >>> mathtext("The largest loss gap c_γ")
    'The largest loss gap $c_\\\\gamma$'
    """
    if "$" in text:
        return text
    return _SUBSCRIPTED.sub(lambda m: f"${_TEX_BASE[m.group(1)]}_\\gamma$", text)


def draw(data: PlotData) -> bytes:
    """Render ``data`` as a PNG image."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    figure = MplFigure(figsize=(6.4, 4.0), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for series in data.series:
        if series.style == "points":
            axes.plot(series.x, series.y, "o", label=series.label)
        elif series.style == "step":
            axes.step(series.x, series.y, where="post", label=series.label)
        else:
            axes.plot(series.x, series.y, _STYLES.get(series.style, "-"), label=series.label)
    if data.logx:
        axes.set_xscale("log")
    if data.logy:
        axes.set_yscale("log")
    if data.ylim is not None:
        axes.set_ylim(*data.ylim)
    axes.set_xlabel(mathtext(data.xlabel))
    axes.set_ylabel(mathtext(data.ylabel))
    axes.set_title(mathtext(data.title))
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize="small")
    buffer = io.BytesIO()
    # No timestamp or software tag: the same data gives the same bytes.
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def make_figures() -> list[Figure]:
    """Compute and draw every figure; skipped ones say why."""
    missing = matplotlib_missing()
    figures = []
    for build in FIGURES:
        start = time.perf_counter()
        title = TITLES.get(build.__name__, build.__name__)
        if missing:
            figures.append(Figure(build.__name__, title, "", skipped=missing))
            continue
        try:
            data = build()
            figure = Figure(data.name, data.title, data.caption, png=draw(data))
        except FigureUnavailable as reason:
            figure = Figure(build.__name__, title, "", skipped=str(reason))
        except Exception as error:  # noqa: BLE001 - a figure must never break the report
            figure = Figure(build.__name__, title, "",
                            skipped=f"computing the figure failed: {type(error).__name__}: "
                                    f"{error}")
        figure.seconds = time.perf_counter() - start
        figures.append(figure)
    return figures
