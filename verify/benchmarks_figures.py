"""Figures of the benchmark documents (matplotlib, Agg backend; drawing only, no computation)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def saddlepoint_figure(document: dict[str, Any], path: Path) -> Path:
    """Error of the saddlepoint and normal approximations of D* against n, one colour per source.

    Written atomically (to a temporary name, then renamed).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 5))
    labels = list(dict.fromkeys(row["source"] for row in document["rows"]))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for colour, label in zip(colours, labels, strict=False):
        rows = [row for row in document["rows"] if row["source"] == label]
        for key, style, alpha, name in (("saddlepoint_error", "o-", 1.0, "saddlepoint"),
                                        ("normal_error", "s--", 0.6, "normal")):
            # an error of exactly 0 (the approximation landed on the same L*) has no place
            # on a log axis: it is left out of the line (the table lists it)
            points = [(row["n"], row[key]) for row in rows if row[key] > 0]
            ax.loglog([p[0] for p in points], [p[1] for p in points], style, color=colour,
                      alpha=alpha, label=f"{label}: {name}")
    ax.set_xlabel("blocklength n")
    ax.set_ylabel("|approximation - exact D*| (nats per symbol)")
    ax.set_title(f"Approximations of D*_0(n, R = H/2, eps = {document['eps']})")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    temporary = path.with_name(path.name + ".part.png")
    fig.savefig(temporary, dpi=120)
    plt.close(fig)
    temporary.replace(path)
    return path
