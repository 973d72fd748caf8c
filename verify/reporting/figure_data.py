"""The numbers behind the report's figures (computed here, drawn in :mod:`.figures`).

Every curve is evaluated by the project's numeric layer at 15 significant digits
and only then converted to float64 for plotting.  Functions that other parts of
the numeric layer provide are imported lazily: if one is missing, the figure's
builder raises :class:`FigureUnavailable` with the reason, and the report says
the figure was skipped and why.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from mpmath import mp

from focalrd.numeric.c_gamma import c_gamma
from focalrd.numeric.phi import phi
from focalrd.numeric.precision import to_mpf
from focalrd.numeric.source import entropy
from focalrd.numeric.tau import tau

F = Fraction
#: Working precision of figure data (plots need far fewer digits than this).
PLOT_DPS = 15


class FigureUnavailable(Exception):
    """A figure cannot be computed (a numeric function it needs is not available)."""


@dataclass
class Series:
    label: str
    x: list[float]
    y: list[float]
    style: str = "line"   # line | dashed | dotted | dashdot | step | points


@dataclass
class PlotData:
    """One figure's curves and axes."""

    name: str
    title: str
    caption: str
    xlabel: str
    ylabel: str
    series: list[Series] = field(default_factory=list)
    logx: bool = False
    logy: bool = False
    ylim: tuple[float, float] | None = None


def _need(module: str, name: str) -> Callable[..., Any]:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as error:
        raise FigureUnavailable(f"{module}.{name} is not available yet ({error})") from None


def _value(result: Any) -> float:
    return float(getattr(result, "value", result))


def phi_curves() -> PlotData:
    gammas = (F(0), F(1, 2), F(1), F(2), F(5))
    ps = [F(k, 400) for k in range(1, 400)] + [F(1)]
    data = PlotData("phi-gamma", "Focal loss against log loss",
                    "φ_γ(p) = (1 − p)^γ ln(1/p) for several γ; γ = 0 is the log loss ln(1/p). "
                    "Larger γ lowers the loss of well-predicted symbols most.",
                    "p = P̂(x)", "loss (nats)", ylim=(0.0, 4.0))
    with mp.workdps(PLOT_DPS):
        for g in gammas:
            label = "log loss (γ = 0)" if g == 0 else f"γ = {g}"
            data.series.append(Series(label, [float(p) for p in ps],
                                      [float(phi(g, p)) for p in ps],
                                      "dashed" if g == 0 else "line"))
    return data


def c_gamma_curve() -> PlotData:
    # γ from 1/100 to 10^5, geometrically (c_0 = 0 lies off the logarithmic axis).
    gammas = [F(10) ** (k // 4) * F((1, 2, 3, 5)[k % 4]) for k in range(-8, 21)]
    data = PlotData("c-gamma", "The largest loss gap c_γ",
                    "c_γ = sup_p (1 − (1 − p)^γ) ln(1/p) against γ (logarithmic axis; c_0 = 0); "
                    "c_1 = 1/e is marked.  For large γ, c_γ grows like ln γ (dotted).",
                    "γ", "c_γ (nats)", logx=True)
    with mp.workdps(PLOT_DPS):
        values = [float(c_gamma(g)) for g in gammas]
        one_over_e = float(mp.exp(-1))
        log_gamma = [(float(g), float(mp.log(g))) for g in gammas if g >= 2]
    data.series.append(Series(r"$c_\gamma$", [float(g) for g in gammas], values))
    data.series.append(Series(r"$\ln\gamma$", [x for x, _ in log_gamma],
                              [y for _, y in log_gamma], "dotted"))
    data.series.append(Series(r"$c_1 = 1/e$", [1.0], [one_over_e], "points"))
    return data


def tau_bracket(gamma: Fraction = Fraction(2)) -> PlotData:  # noqa: B008 - immutable
    ds = [F(k, 20) for k in range(0, 161)]
    data = PlotData("tau-bracket", f"The inverse τ_γ and its bracket (γ = {gamma})",
                    f"τ_γ(d) for γ = {gamma} between e^(−d−c_γ) and e^(−d) "
                    "([tau.bracket]); logarithmic vertical axis.",
                    "d (nats)", "τ_γ(d) and its bounds", logy=True)
    with mp.workdps(PLOT_DPS):
        c = c_gamma(gamma)
        upper = [float(mp.exp(-to_mpf(d))) for d in ds]
        lower = [float(mp.exp(-to_mpf(d) - c)) for d in ds]
        middle = [float(tau(gamma, d)) for d in ds]
    x = [float(d) for d in ds]
    data.series += [Series(r"$e^{-d}$", x, upper, "dashed"),
                    Series(rf"$\tau_{{{gamma}}}(d)$", x, middle),
                    Series(r"$e^{-d-c_\gamma}$", x, lower, "dotted")]
    return data


def minimizer_curves() -> PlotData:
    minimizer = _need("focalrd.numeric.oneshot.focal_entropy", "focal_entropy_minimizer")
    ps = [F(k, 50) for k in range(1, 50)]
    data = PlotData("focal-entropy-minimizer", "The focal-entropy minimiser q* against P",
                    "For a binary source P = (p, 1 − p): the first coordinate of the minimiser "
                    "q* of Σ P(x) φ_γ(q_x), for several γ (γ = 0: q* = P).",
                    "p = P(0)", "q*(0)")
    with mp.workdps(PLOT_DPS):
        for g in (F(0), F(1), F(2), F(5)):
            qs = [float(minimizer((p, 1 - p), g)[0]) for p in ps]
            data.series.append(Series(f"γ = {g}", [float(p) for p in ps], qs,
                                      "dashed" if g == 0 else "line"))
    return data


#: The source, rate and excess probability of the D*(n) figure.
DSTAR_SOURCE = (F(3, 4), F(1, 4))
DSTAR_RATE = F(1, 4)
DSTAR_EPS = F(1, 10)


def codewords(n: int, rate: Fraction) -> int:
    """M = ⌊e^(nR)⌋, exactly (the precision covers every digit of the integer part)."""
    with mp.workdps(int(n * rate / 2) + 30):
        return int(mp.floor(mp.exp(n * mp.mpf(rate.numerator) / rate.denominator)))


def dstar_curves() -> PlotData:
    limit = _need("focalrd.numeric.blocks.excess", "distortion_limit")
    try:
        normal: Callable[..., Any] | None = _need("focalrd.numeric.blocks.normal",
                                                  "normal_approximation")
        missing = ""
    except FigureUnavailable as reason:
        normal, missing = None, f" (The normal approximation is omitted: {reason}.)"
    ns = [1, 2, 3, 5, 8, 12, 20, 30, 50, 80, 120, 200, 300, 500, 800, 1200, 2000]
    source, rate, eps = DSTAR_SOURCE, DSTAR_RATE, DSTAR_EPS
    data = PlotData("dstar-n", "Finite-blocklength distortion D*(n)",
                    f"Binary source P = (3/4, 1/4), rate R = {rate} nats, ε = {eps}: the least "
                    "excess distortion D*_γ(n, ⌊e^(nR)⌋, ε) for several γ (γ = 0: log loss), "
                    "the asymptote H − R and the normal approximation "
                    "H − R + √(V/n) Q⁻¹(ε) − ln n/(2n)." + missing,
                    "n", "D* (nats per symbol)", logx=True)
    with mp.workdps(PLOT_DPS):
        asymptote = float(entropy(source) - rate)
        for g in (F(0), F(1), F(2)):
            ys = [_value(limit(source, g, n, codewords(n, rate), eps)) for n in ns]
            data.series.append(Series("log loss (γ = 0)" if g == 0 else f"γ = {g}",
                                      [float(n) for n in ns], ys, "dashed" if g == 0 else "line"))
        approx = [_value(normal(source, n, rate, eps)) for n in ns] if normal else []
    if approx:
        data.series.append(Series("normal approximation", [float(n) for n in ns], approx,
                                  "dotted"))
    data.series.append(Series("asymptote H − R", [float(ns[0]), float(ns[-1])],
                              [asymptote, asymptote], "dashdot"))
    return data


EPS_SOURCE = (F(2, 5), F(1, 4), F(1, 5), F(1, 10), F(1, 20))


def excess_curves() -> PlotData:
    limit = _need("focalrd.numeric.oneshot.excess", "excess_distortion_limit")
    ds = [F(k, 100) for k in range(0, 401)]
    data = PlotData("epsilon-d", "One-shot excess-distortion probability ε* against D",
                    "ε*_γ(M = 1, d) for the source P = (2/5, 1/4, 1/5, 1/10, 1/20): a step "
                    "function that drops when ⌊1/τ_γ(d)⌋ increases; larger γ reaches each step "
                    "at a smaller d (evaluated at d = 0, 0.01, …, 4).",
                    "d (nats)", "ε*")
    with mp.workdps(PLOT_DPS):
        for g in (F(0), F(1), F(2)):
            ys = [_value(limit(EPS_SOURCE, g, 1, d)) for d in ds]
            data.series.append(Series("log loss (γ = 0)" if g == 0 else f"γ = {g}",
                                      [float(d) for d in ds], ys, "step"))
    return data


#: Every figure of the report, in order.
FIGURES: tuple[Callable[[], PlotData], ...] = (
    phi_curves, c_gamma_curve, tau_bracket, minimizer_curves, dstar_curves, excess_curves,
)

#: Title of each figure, for the "skipped" list when its data cannot be computed.
TITLES = {
    "phi_curves": "Focal loss against log loss",
    "c_gamma_curve": "The largest loss gap c_γ",
    "tau_bracket": "The inverse τ_γ and its bracket",
    "minimizer_curves": "The focal-entropy minimiser q* against P",
    "dstar_curves": "Finite-blocklength distortion D*(n)",
    "excess_curves": "One-shot excess-distortion probability ε* against D",
}
