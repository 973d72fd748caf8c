"""Figures of the command line tools (matplotlib, imported lazily, Agg backend)."""

from __future__ import annotations

import io
from collections.abc import Sequence


def matplotlib_available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def curves_png(header: Sequence[str], rows: Sequence[Sequence[str]], unit: str,
               title: str) -> bytes:
    """A log-x plot of every D* column against n, with the limit and the approximation."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ns = [int(r[0]) for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for j, name in enumerate(header[1:], start=1):
        ys = [float(r[j]) for r in rows]  # float64 for plotting only
        style = {"asymptote": dict(color="black", linestyle="--"),
                 "normal_approximation": dict(color="grey", linestyle=":"),
                 "dstar_log_loss": dict(color="black", marker=".", linestyle="-")}.get(
            name, dict(marker="o", markersize=3))
        label = name.replace("dstar_gamma_", "D*, gamma = ").replace("dstar_log_loss",
                                                                     "D*, log loss")
        ax.plot(ns, ys, label=label, **style)
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
