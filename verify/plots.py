"""Figures of the command line tools (matplotlib, imported lazily, Agg backend)."""

from __future__ import annotations

import io
from collections.abc import Sequence

__all__ = [
    "curves_png",
    "matplotlib_available",
    "plotted_columns",
    "series_label",
]


def matplotlib_available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


_LABELS = {"dstar_log_loss": "D*, log loss (γ = 0)", "asymptote": "limit max(0, H − R)",
           "normal_approximation": "normal approximation"}


def series_label(name: str) -> str:
    """The legend entry of a CSV column of ``focalrd curves``.

    >>> series_label("dstar_gamma_1/2"), series_label("normal_approximation")
    ('D*, γ = 1/2', 'normal approximation')
    """
    if name.startswith("dstar_gamma_"):
        return "D*, γ = " + name.removeprefix("dstar_gamma_")
    return _LABELS.get(name, name.replace("_", " "))


def plotted_columns(header: Sequence[str]) -> list[tuple[int, str]]:
    """(index, name) of the columns drawn: all but ``n``, and a γ = 0 column only when there
    is no log-loss column (it holds the same numbers, and its line would hide under it)."""
    return [(j, name) for j, name in enumerate(header) if j > 0
            and not (name == "dstar_gamma_0" and "dstar_log_loss" in header)]


def curves_png(header: Sequence[str], rows: Sequence[Sequence[str]], unit: str,
               title: str) -> bytes:
    """A log-x plot of every D* column against n, with the limit and the approximation."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ns = [int(r[0]) for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for j, name in plotted_columns(header):
        ys = [float(r[j]) for r in rows]  # float64 for plotting only
        style = {"asymptote": dict(color="black", linestyle="--"),
                 "normal_approximation": dict(color="grey", linestyle=":"),
                 "dstar_log_loss": dict(color="black", marker=".", linestyle="-")}.get(
            name, dict(marker="o", markersize=3))
        ax.plot(ns, ys, label=series_label(name), **style)
    ax.set_xscale("log")
    ax.set_xlabel("blocklength n")
    ax.set_ylabel(f"per-symbol distortion ({unit})")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120)
    plt.close(fig)
    return buffer.getvalue()
